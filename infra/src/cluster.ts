import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import * as c from './config.js';
import { registryLocation, registryRepository, sharedProject } from './shared.js';

// One VPC-native subnet (pods get routable IPs, which container-native load balancing needs).
// Private Google Access lets the private nodes reach Google APIs; with no Cloud NAT, the cluster has
// no egress to the internet, which it does not need.
const network = new gcp.compute.Network(
  'network',
  { project: c.project, name: `${c.prefix}-vpc`, autoCreateSubnetworks: false, routingMode: 'REGIONAL' },
  { dependsOn: apis },
);
const ranges = { pods: c.podsCidr, services: c.servicesCidr };
const subnet = new gcp.compute.Subnetwork('subnet', {
  project: c.project,
  name: `${c.prefix}-${c.region}`,
  region: c.region,
  network: network.id,
  ipCidrRange: c.subnetCidr,
  privateIpGoogleAccess: true,
  secondaryIpRanges: Object.entries(ranges).map(([rangeName, ipCidrRange]) => ({ rangeName, ipCidrRange })),
});

// Nodes run as their own service account, not the default compute one (Editor on the project).
export const nodeServiceAccount = new gcp.serviceaccount.Account(
  'nodes',
  {
    project: c.project,
    accountId: 'tilestack-nodes',
    displayName: `tilestack ${c.environment} GKE nodes`,
    description: 'Autopilot node identity: logs, metrics, image pulls. Never used by workloads.',
  },
  { dependsOn: apis },
);
const nodeRole = new gcp.projects.IAMMember('nodes-default-role', {
  project: c.project,
  role: 'roles/container.defaultNodeServiceAccount',
  member: nodeServiceAccount.member,
});
new gcp.artifactregistry.RepositoryIamMember('nodes-registry-reader', {
  project: sharedProject,
  location: registryLocation,
  repository: registryRepository,
  role: 'roles/artifactregistry.reader',
  member: nodeServiceAccount.member,
});

export const cluster = new gcp.container.Cluster(
  'cluster',
  {
    project: c.project,
    name: `${c.prefix}-gke`,
    location: c.region,
    enableAutopilot: true,
    network: network.id,
    subnetwork: subnet.id,
    ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
    // The control plane is reached only through its DNS endpoint, which authorizes every call with IAM:
    // no IP allow-list of CI runners is needed, so the IP endpoints stay off.
    privateClusterConfig: { enablePrivateNodes: true },
    controlPlaneEndpointsConfig: {
      dnsEndpointConfig: { allowExternalTraffic: true },
      ipEndpointsConfig: { enabled: false },
    },
    releaseChannel: { channel: c.releaseChannel },
    maintenancePolicy: {
      recurringWindow: {
        startTime: c.maintenanceStart,
        endTime: c.maintenanceEnd,
        recurrence: c.maintenanceRecurrence,
      },
    },
    clusterAutoscaling: {
      autoProvisioningDefaults: {
        serviceAccount: nodeServiceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      },
    },
    workloadIdentityConfig: { workloadPool: `${c.project}.svc.id.goog` },
    binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' }, // policy: security.ts
    gatewayApiConfig: { channel: 'CHANNEL_STANDARD' }, // the manifests may use a Gateway instead of Ingress
    deletionProtection: c.deletionProtection,
    resourceLabels: c.labels,
  },
  // The first nodes must be able to write logs and metrics as soon as they boot.
  { dependsOn: [...apis, nodeRole] },
);

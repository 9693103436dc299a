import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import {
  deletionProtection,
  environment,
  labels,
  maintenanceEnd,
  maintenanceRecurrence,
  maintenanceStart,
  prefix,
  project,
  region,
  releaseChannel,
} from './config.js';
import { network, podsRangeName, servicesRangeName, subnet } from './network.js';
import { registryLocation, registryRepository, sharedProject } from './shared.js';

// Nodes run as their own minimal service account rather than the default compute one (which
// has Editor on the project): it may write logs and metrics and pull images, nothing else.
export const nodeServiceAccount = new gcp.serviceaccount.Account(
  'nodes',
  {
    project,
    accountId: 'tilestack-nodes',
    displayName: `tilestack ${environment} GKE nodes`,
    description: 'Autopilot node identity: logs, metrics, image pulls. Never used by workloads.',
  },
  { dependsOn: apis },
);

const nodeRole = new gcp.projects.IAMMember('nodes-default-role', {
  project,
  role: 'roles/container.defaultNodeServiceAccount',
  member: nodeServiceAccount.member,
});

// Images live in the shared registry (built once, promoted by digest): read access there only.
new gcp.artifactregistry.RepositoryIamMember('nodes-registry-reader', {
  project: sharedProject,
  location: registryLocation,
  repository: registryRepository,
  role: 'roles/artifactregistry.reader',
  member: nodeServiceAccount.member,
});

// One regional Autopilot cluster: Google runs the nodes, we pay per pod request.
export const cluster = new gcp.container.Cluster(
  'cluster',
  {
    project,
    name: `${prefix}-gke`,
    location: region,
    enableAutopilot: true,
    network: network.id,
    subnetwork: subnet.id,
    ipAllocationPolicy: {
      clusterSecondaryRangeName: podsRangeName,
      servicesSecondaryRangeName: servicesRangeName,
    },
    // Nodes have no public IP. The control plane is reached through its DNS endpoint, which
    // authorizes every call with IAM (GitHub Actions' deployer included), so no IP allow-list
    // of CI runners is needed and the IP endpoints stay off.
    privateClusterConfig: { enablePrivateNodes: true },
    controlPlaneEndpointsConfig: {
      dnsEndpointConfig: { allowExternalTraffic: true },
      ipEndpointsConfig: { enabled: false },
    },
    releaseChannel: { channel: releaseChannel },
    maintenancePolicy: {
      recurringWindow: {
        startTime: maintenanceStart,
        endTime: maintenanceEnd,
        recurrence: maintenanceRecurrence,
      },
    },
    clusterAutoscaling: {
      autoProvisioningDefaults: {
        serviceAccount: nodeServiceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      },
    },
    // Pods get Google identities through Workload Identity (no keys, no node credentials).
    workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
    // Only images signed by CI's attestor may run (policy in security.ts).
    binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
    // The Kubernetes manifests may use the Gateway API instead of Ingress.
    gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
    deletionProtection,
    resourceLabels: labels,
  },
  // The first nodes must be able to write logs and metrics as soon as they boot.
  { dependsOn: [...apis, nodeRole] },
);

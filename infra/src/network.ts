import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import { podsCidr, prefix, project, region, servicesCidr, subnetCidr } from './config.js';

// A custom-mode VPC with one subnet for the cluster. Secondary ranges make the cluster
// VPC-native (pods get routable IPs, needed by container-native load balancing).
// Private Google Access lets private nodes reach Google APIs (BigQuery, Artifact Registry,
// Monitoring) without public IPs; with no Cloud NAT, the cluster has no egress to the internet,
// which it does not need.
export const network = new gcp.compute.Network(
  'network',
  {
    project,
    name: `${prefix}-vpc`,
    autoCreateSubnetworks: false,
    routingMode: 'REGIONAL',
  },
  { dependsOn: apis },
);

export const podsRangeName = 'pods';
export const servicesRangeName = 'services';

export const subnet = new gcp.compute.Subnetwork('subnet', {
  project,
  name: `${prefix}-${region}`,
  region,
  network: network.id,
  ipCidrRange: subnetCidr,
  privateIpGoogleAccess: true,
  secondaryIpRanges: [
    { rangeName: podsRangeName, ipCidrRange: podsCidr },
    { rangeName: servicesRangeName, ipCidrRange: servicesCidr },
  ],
});

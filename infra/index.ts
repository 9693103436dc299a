// tilestack environment stack (dev, staging, prod). Importing a module declares its resources; the
// outputs are what the Kubernetes overlays and the GitHub workflows need to know.
import { cluster } from './src/cluster.js';
import { apiKsa, environment, hostname, k8sNamespace, project, region } from './src/config.js';
import { dashboard } from './src/dashboard.js';
import { stableDataset } from './src/data.js';
import { address, securityPolicy } from './src/edge.js';
import { githubProvider } from './src/github.js';
import { apiServiceAccount, deployerServiceAccount, stableCopyServiceAccount } from './src/identity.js';
import { uptimeCheck } from './src/monitoring.js';
import './src/security.js';
import { availabilitySlo, latencySlo } from './src/slo.js';

export { environment, hostname, project, region };
export const clusterName = cluster.name;
export const clusterLocation = cluster.location;
export const namespace = k8sNamespace;
export const apiKubernetesServiceAccount = apiKsa;
export const apiServiceAccountEmail = apiServiceAccount.email; // iam.gke.io/gcp-service-account
export const staticIpName = address.name;
export const staticIpAddress = address.address;
export const securityPolicyName = securityPolicy.name;
export const workloadIdentityProvider = githubProvider.name;
export const deployerServiceAccountEmail = deployerServiceAccount.email;
export const stableCopyServiceAccountEmail = stableCopyServiceAccount.email;
export const stableDatasetId = stableDataset.datasetId;
export const stableDatasetLocation = stableDataset.location;
export const uptimeCheckId = uptimeCheck.uptimeCheckId;
export const sloNames = { availability: availabilitySlo.name, latency: latencySlo.name };
export const dashboardId = dashboard.id;

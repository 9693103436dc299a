// tilestack environment stack (dev, staging, prod): everything one environment needs in Google
// Cloud. One module per concern; importing a module declares its resources. The outputs below are
// what the Kubernetes overlays and the GitHub workflows need to know about this environment.
import { cluster } from './src/cluster.js';
import { apiKsa, environment, hostname, k8sNamespace, project, region } from './src/config.js';
import { dashboard } from './src/dashboard.js';
import { stableDataset } from './src/data.js';
import { address } from './src/edge.js';
import { githubProvider } from './src/github.js';
import { apiServiceAccount, deployerServiceAccount, stableCopyServiceAccount } from './src/identity.js';
import { uptimeCheck } from './src/monitoring.js';
import { securityPolicy } from './src/security.js';
import { availabilitySlo, latencySlo } from './src/slo.js';

export { environment, hostname, project, region };

// GKE and Kubernetes names (get-gke-credentials, the overlays' annotations).
export const clusterName = cluster.name;
export const clusterLocation = cluster.location;
export const namespace = k8sNamespace;
export const apiKubernetesServiceAccount = apiKsa;
/** `iam.gke.io/gcp-service-account` annotation of the API's Kubernetes service account. */
export const apiServiceAccountEmail = apiServiceAccount.email;

// Public entry (Ingress annotations and BackendConfig).
export const staticIpName = address.name;
export const staticIpAddress = address.address;
export const securityPolicyName = securityPolicy.name;

// GitHub Actions (google-github-actions/auth inputs).
export const workloadIdentityProvider = githubProvider.name;
export const deployerServiceAccountEmail = deployerServiceAccount.email;
export const stableCopyServiceAccountEmail = stableCopyServiceAccount.email;

// Data and monitoring.
export const stableDatasetId = stableDataset.datasetId;
export const stableDatasetLocation = stableDataset.location;
export const uptimeCheckId = uptimeCheck.uptimeCheckId;
export const sloNames = { availability: availabilitySlo.name, latency: latencySlo.name };
export const dashboardId = dashboard.id;

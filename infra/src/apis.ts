import { project } from './config.js';
import { enableApis } from './google.js';

// Google APIs this environment's resources need. Other modules depend on this list so a new
// project converges in one `pulumi up`.
const services = [
  'compute.googleapis.com', // network, static IP, Cloud Armor (and the Ingress's certificate)
  'container.googleapis.com', // GKE
  'bigquery.googleapis.com', // stable dataset and the API's queries
  'iam.googleapis.com', // service accounts
  'iamcredentials.googleapis.com', // short-lived tokens for impersonation (no keys)
  'cloudresourcemanager.googleapis.com', // project IAM bindings
  'monitoring.googleapis.com', // uptime check, SLOs, alerts, dashboard, managed Prometheus
  'logging.googleapis.com', // container logs
  'binaryauthorization.googleapis.com', // deploy-time image signature check
];

export const apis = enableApis(project, services);

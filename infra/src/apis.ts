import { project } from './config.js';
import { enableApis } from './google.js';

// Resources depend on these APIs, so a new project converges in one `pulumi up`.
export const apis = enableApis(project, [
  'compute.googleapis.com',
  'container.googleapis.com',
  'bigquery.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'monitoring.googleapis.com',
  'logging.googleapis.com',
  'binaryauthorization.googleapis.com',
]);

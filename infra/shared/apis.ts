import { enableApis } from '../src/google.js';
import { project } from './config.js';

export const apis = enableApis(project, [
  'artifactregistry.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'sts.googleapis.com', // token exchange of Workload Identity Federation
  'cloudkms.googleapis.com',
  'containeranalysis.googleapis.com', // attestation notes and occurrences
  'binaryauthorization.googleapis.com',
  'cloudresourcemanager.googleapis.com',
]);

import { enableApis } from '../src/google.js';
import { project } from './config.js';

// Google APIs of the shared project.
const services = [
  'artifactregistry.googleapis.com', // the image registry
  'iam.googleapis.com', // Workload Identity pool and service account
  'iamcredentials.googleapis.com', // impersonation tokens
  'sts.googleapis.com', // token exchange for Workload Identity Federation
  'cloudkms.googleapis.com', // the attestor's signing key
  'containeranalysis.googleapis.com', // attestation notes and occurrences
  'binaryauthorization.googleapis.com', // the attestor
  'cloudresourcemanager.googleapis.com', // project IAM bindings
];

export const apis = enableApis(project, services);

import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import { binauthzEnforcement, project } from './config.js';
import { binauthzAgent } from './google.js';
import { attestorId, attestorName, sharedProject } from './shared.js';

// Binary Authorization: pods run only images CI attested with the shared attestor's KMS key after
// they passed its tests. The global policy exempts Google's system images (GKE add-ons, Prometheus).
export const binauthzPolicy = new gcp.binaryauthorization.Policy(
  'binauthz',
  {
    project,
    description: 'Require the CI attestation on every image (see infra/README.md).',
    globalPolicyEvaluationMode: 'ENABLE',
    defaultAdmissionRule: {
      evaluationMode: 'REQUIRE_ATTESTATION',
      enforcementMode: binauthzEnforcement,
      requireAttestationsBies: [attestorName],
    },
  },
  { dependsOn: apis },
);

// The enforcer, this project's service agent, verifies against the shared attestor.
new gcp.binaryauthorization.AttestorIamMember(
  'attestor-verifier',
  {
    project: sharedProject,
    attestor: attestorId,
    role: 'roles/binaryauthorization.attestorsVerifier',
    member: binauthzAgent(project),
  },
  { dependsOn: apis },
);

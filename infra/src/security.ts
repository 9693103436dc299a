import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import {
  binauthzEnforcement,
  labels,
  prefix,
  project,
  rateLimitBanSeconds,
  rateLimitPerMinute,
  wafPreview,
} from './config.js';
import { binauthzAgent } from './google.js';
import { attestorId, attestorName, sharedProject } from './shared.js';

// Edge protection, attached to the cache's backend service by name through a GKE BackendConfig
// (`securityPolicy.name`) or a GCPBackendPolicy.
//
// Rules run by priority and the first match decides. A rate-limit rule *allows* conforming
// traffic, which ends the evaluation, so the WAF rules must come before it.
const everyone = { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } };

// Preconfigured WAF rule sets at sensitivity 1 (fewest false positives). The API is read-only
// GET with path parameters; SQL injection is the attack its predecessor was open to.
const wafRules = ['sqli', 'xss', 'lfi', 'rce', 'protocolattack', 'scannerdetection', 'methodenforcement'];

export const securityPolicy = new gcp.compute.SecurityPolicy(
  'edge',
  {
    project,
    name: `${prefix}-edge`,
    description: 'tilestack edge: OWASP rule sets, per-client rate limit with ban.',
    type: 'CLOUD_ARMOR',
    labels,
    // Learns the normal traffic and alerts on layer-7 floods (alerts only on the Standard tier).
    adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
    rules: [
      ...wafRules.map((set, index) => ({
        priority: 1000 + index * 10,
        description: `OWASP ${set} (preconfigured WAF)`,
        action: 'deny(403)',
        preview: wafPreview,
        match: { expr: { expression: `evaluatePreconfiguredWaf('${set}-v33-stable', {'sensitivity': 1})` } },
      })),
      {
        // A map view loads tens of tiles at once, so the limit is per minute and generous: bursts
        // above it get 429; a client above it for 5 minutes straight is banned for a while.
        priority: 2000,
        description: `Per-IP rate limit: ${rateLimitPerMinute}/min, then ban`,
        action: 'rate_based_ban',
        match: everyone,
        rateLimitOptions: {
          enforceOnKey: 'IP',
          rateLimitThreshold: { count: rateLimitPerMinute, intervalSec: 60 },
          banThreshold: { count: rateLimitPerMinute * 5, intervalSec: 300 },
          banDurationSec: rateLimitBanSeconds,
          conformAction: 'allow',
          exceedAction: 'deny(429)',
        },
      },
      { priority: 2147483647, description: 'Default: allow', action: 'allow', match: everyone },
    ],
  },
  { dependsOn: apis },
);

// Binary Authorization: pods may only run images that CI attested (signed with the shared
// attestor's KMS key after the image passed its tests). Google-maintained system images (GKE
// add-ons, managed Prometheus) are exempted by the global policy.
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

// The enforcer (this project's Binary Authorization service agent) verifies against the shared attestor.

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

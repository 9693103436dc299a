import { describeStacks, shared, stacks } from './harness.js';

// Edge protection (Cloud Armor) and deploy-time image verification (Binary Authorization).
const wafRules = ['sqli', 'xss', 'lfi', 'rce', 'protocolattack', 'scannerdetection', 'methodenforcement'];
const everyone = { config: { srcIpRanges: ['*'] } };

describeStacks(stacks, (stack) => ({
  // Rules run by priority: the WAF first (the rate limit's allow ends evaluation), dev only watching.
  'SecurityPolicy edge': {
    adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
    rules: [
      ...wafRules.map((set, index) => ({
        priority: 1000 + index * 10,
        action: 'deny(403)',
        preview: stack === 'dev',
        match: { expr: { expression: `evaluatePreconfiguredWaf('${set}-v33-stable', {'sensitivity': 1})` } },
      })),
      {
        // Each client IP: 429 above 1200/min, banned when it keeps going.
        priority: 2000,
        action: 'rate_based_ban',
        match: everyone,
        rateLimitOptions: {
          enforceOnKey: 'IP',
          rateLimitThreshold: { count: 1200, intervalSec: 60 },
          banThreshold: { count: 6000, intervalSec: 300 },
          banDurationSec: 600,
          conformAction: 'allow',
          exceedAction: 'deny(429)',
        },
      },
      { priority: 2147483647, action: 'allow', match: everyone },
    ],
  },
  'Policy binauthz': {
    defaultAdmissionRule: {
      evaluationMode: 'REQUIRE_ATTESTATION',
      enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
      requireAttestationsBies: [`projects/${shared.project}/attestors/built-by-ci`],
    },
  },
  'Cluster cluster': { binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } },
  // The service agent's grant (environments.test.ts) is on the shared project's attestor.
  'AttestorIamMember attestor-verifier': { project: shared.project, attestor: 'built-by-ci' },
}));

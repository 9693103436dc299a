import type * as gcp from '@pulumi/gcp';
import { expect, test } from 'vitest';
import { describeStacks, named, shared } from './harness.js';

// Edge protection (Cloud Armor) and deploy-time image verification (Binary Authorization).
describeStacks((stack, run) => {
  const rules = () => named<gcp.compute.SecurityPolicyArgs>(run(), 'SecurityPolicy', 'edge').rules ?? [];
  const limit = () => rules().find((r) => r.action === 'rate_based_ban');

  test('Cloud Armor limits each client IP and bans the ones that keep going', () => {
    expect(limit()?.match.config?.srcIpRanges).toEqual(['*']);
    expect(limit()?.rateLimitOptions).toMatchObject({
      enforceOnKey: 'IP',
      rateLimitThreshold: { count: 1200, intervalSec: 60 },
      banThreshold: { count: 6000, intervalSec: 300 },
      banDurationSec: 600,
      conformAction: 'allow',
      exceedAction: 'deny(429)',
    });
  });

  test('the WAF rules run before the rate limit (which ends evaluation), then everything else is allowed', () => {
    const waf = rules().filter((r) => r.match.expr?.expression.startsWith('evaluatePreconfiguredWaf'));
    expect(waf.map((r) => r.match.expr?.expression)).toContainEqual(
      expect.stringContaining("'sqli-v33-stable'"),
    );
    for (const rule of waf) {
      expect(rule.priority).toBeLessThan(limit()?.priority ?? 0);
      expect([rule.action, rule.preview]).toEqual(['deny(403)', stack === 'dev']); // dev watches before blocking
    }
    expect(rules().at(-1)).toMatchObject({ priority: 2147483647, action: 'allow' });
    const priorities = rules().map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });
  return {
    'SecurityPolicy edge': {
      name: `tilestack-${stack}-edge`,
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
    },
    'Policy binauthz': {
      defaultAdmissionRule: {
        evaluationMode: 'REQUIRE_ATTESTATION',
        enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
        requireAttestationsBies: [`projects/${shared.project}/attestors/built-by-ci`],
      },
    },
    'Cluster cluster': { binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } },
    'AttestorIamMember attestor-verifier': {
      project: shared.project,
      attestor: 'built-by-ci',
      role: 'roles/binaryauthorization.attestorsVerifier',
      member: 'serviceAccount:service-111111111111@gcp-sa-binaryauthorization.iam.gserviceaccount.com',
    },
  };
});

import type * as gcp from '@pulumi/gcp';
import { beforeAll, describe, expect, test } from 'vitest';
import { environmentRuns, named, type Run, sharedOutputs, stacks } from './harness.js';

// Edge protection (Cloud Armor) and deploy-time image verification (Binary Authorization).
let runs: Record<string, Run>;
beforeAll(async () => {
  runs = await environmentRuns();
});

describe.each(stacks)('%s stack', (stack) => {
  const run = () => runs[stack] as Run;
  const rules = () => named<gcp.compute.SecurityPolicyArgs>(run(), 'SecurityPolicy', 'edge').rules ?? [];

  test('Cloud Armor limits each client IP and bans the ones that keep going', () => {
    expect(named<gcp.compute.SecurityPolicyArgs>(run(), 'SecurityPolicy', 'edge').name).toBe(
      `tilestack-${stack}-edge`,
    );
    const limit = rules().find((r) => r.action === 'rate_based_ban');
    expect(limit?.match.config?.srcIpRanges).toEqual(['*']);
    expect(limit?.rateLimitOptions).toMatchObject({
      enforceOnKey: 'IP',
      rateLimitThreshold: { count: 1200, intervalSec: 60 },
      banThreshold: { count: 6000, intervalSec: 300 },
      banDurationSec: 600,
      conformAction: 'allow',
      exceedAction: 'deny(429)',
    });
  });

  test('the WAF rules run before the rate limit (which ends evaluation), then everything else is allowed', () => {
    const limit = rules().find((r) => r.action === 'rate_based_ban');
    const waf = rules().filter((r) => r.match.expr?.expression.startsWith('evaluatePreconfiguredWaf'));
    expect(waf.map((r) => r.match.expr?.expression)).toContainEqual(
      expect.stringContaining("'sqli-v33-stable'"),
    );
    for (const rule of waf) {
      expect(rule.priority).toBeLessThan(limit?.priority ?? 0);
      expect([rule.action, rule.preview]).toEqual(['deny(403)', stack === 'dev']); // dev watches before blocking
    }
    expect(rules().at(-1)).toMatchObject({ priority: 2147483647, action: 'allow' });
    const priorities = rules().map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test('only images attested by CI may run on the cluster', () => {
    expect(
      named<gcp.binaryauthorization.PolicyArgs>(run(), 'Policy', 'binauthz').defaultAdmissionRule,
    ).toEqual({
      evaluationMode: 'REQUIRE_ATTESTATION',
      enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
      requireAttestationsBies: [sharedOutputs().attestorName],
    });
    const cluster = named<gcp.container.ClusterArgs>(run(), 'Cluster', 'cluster');
    expect(cluster.binaryAuthorization?.evaluationMode).toBe('PROJECT_SINGLETON_POLICY_ENFORCE');
    expect(named(run(), 'AttestorIamMember', 'attestor-verifier')).toMatchObject({
      project: sharedOutputs().project,
      attestor: 'built-by-ci',
      role: 'roles/binaryauthorization.attestorsVerifier',
      member: 'serviceAccount:service-111111111111@gcp-sa-binaryauthorization.iam.gserviceaccount.com',
    });
  });
});

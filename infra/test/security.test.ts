import type * as gcp from '@pulumi/gcp';
import { beforeAll, describe, expect, test } from 'vitest';
import { argsOf, envConfig, named, type Run, runProgram, sharedOutputs, T } from './harness.js';

// Edge protection (Cloud Armor) and deploy-time image verification (Binary Authorization).
const stacks = ['dev', 'staging', 'prod'] as const;
const runs = new Map<string, Run>();

beforeAll(async () => {
  for (const stack of stacks) runs.set(stack, await runProgram('env', stack, envConfig(stack)));
});

describe.each(stacks)('%s stack', (stack) => {
  const run = () => runs.get(stack) as Run;
  const policy = () => argsOf<gcp.compute.SecurityPolicyArgs>(named(run(), T.armor, 'edge'));
  const rules = () => policy().rules ?? [];

  test('Cloud Armor limits each client IP and bans the ones that keep going', () => {
    expect(policy().name).toBe(`tilestack-${stack}-edge`);
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
      expect(rule.action).toBe('deny(403)');
      expect(rule.preview).toBe(stack === 'dev'); // dev watches the rules before they block
    }
    const last = rules().at(-1);
    expect(last).toMatchObject({ priority: 2147483647, action: 'allow' });
    const priorities = rules().map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test('only images attested by CI may run on the cluster', () => {
    const binauthz = argsOf<gcp.binaryauthorization.PolicyArgs>(named(run(), T.binauthzPolicy, 'binauthz'));
    expect(binauthz.defaultAdmissionRule).toEqual({
      evaluationMode: 'REQUIRE_ATTESTATION',
      enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
      requireAttestationsBies: [sharedOutputs().attestorName],
    });
    const cluster = argsOf<gcp.container.ClusterArgs>(named(run(), T.cluster, 'cluster'));
    expect(cluster.binaryAuthorization?.evaluationMode).toBe('PROJECT_SINGLETON_POLICY_ENFORCE');
    const verifier = named(
      run(),
      'gcp:binaryauthorization/attestorIamMember:AttestorIamMember',
      'attestor-verifier',
    );
    expect(verifier.inputs).toMatchObject({
      project: sharedOutputs().project,
      attestor: 'built-by-ci',
      role: 'roles/binaryauthorization.attestorsVerifier',
      member: 'serviceAccount:service-111111111111@gcp-sa-binaryauthorization.iam.gserviceaccount.com',
    });
  });
});

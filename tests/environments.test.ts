import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environments, render } from '@tilestack/k8s/render';
import { at, renderOnce, scratchRepo } from '@tilestack/k8s/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { copies, githubValues, REPO_ROOT, readSource, stale, write } from '../scripts/environments.js';

// environments.yaml is the one source of per-environment values; everything else is a copy of it or reads it.
const source = readSource();
const command = 'npm run --silent environments --';

/** deploy/k8s and cache/ (what the overlays read), the source and every copy, with one edit. */
function scratch(file: string, from: string, to: string): string {
  const { root, cleanup } = scratchRepo();
  onTestFinished(cleanup);
  for (const path of ['environments.yaml', ...copies(source).keys()])
    cpSync(join(REPO_ROOT, path), join(root, path));
  writeFileSync(join(root, file), readFileSync(join(root, file), 'utf8').replace(from, to));
  return root;
}
const readIn = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

describe('environments.yaml', () => {
  it('every committed copy is exactly what the source gives, and a copy edited by hand fails the check', () => {
    expect(stale()).toEqual([]);
    const overlay = 'deploy/k8s/overlays/dev/environment.yaml';
    expect(stale(scratch(overlay, 'project: tilestack-dev', 'project: elsewhere'))).toEqual([overlay]);
    const viewer = 'viewer/src/environments.json';
    expect(stale(scratch(viewer, source.environments.prod.hostname, 'tiles.x.example'))).toEqual([viewer]);
  });

  // deploy/k8s/test/policy.test.ts shows the Ingress and PUBLIC_BASE_URL use the certificate's hostname.
  it('a hostname changed in the source changes every consumer', () => {
    const hostname = 'maps.changed.example.org';
    const root = scratch('environments.yaml', source.environments.prod.hostname, hostname);
    write(root);
    expect(at(render('prod', root), 'ManagedCertificate/tilestack', 'spec.domains')).toEqual([hostname]);
    expect(parse(readIn(root, 'infra/Pulumi.prod.yaml')).config['tilestack:hostname']).toBe(hostname);
    const viewer = JSON.parse(readIn(root, 'viewer/src/environments.json')).environments;
    expect(viewer.find((e: { id: string }) => e.id === 'prod').baseUrl).toBe(`https://${hostname}`);
    expect(githubValues(readSource(root), 'prod').url).toBe(`https://${hostname}`);
    expect(stale(root)).toEqual([]);
  });

  it.each(environments)('%s: the overlay bills and authenticates in the project of the source', (env) => {
    const { project } = source.environments[env];
    const objects = renderOnce(env);
    // deploy/k8s/test/policy.test.ts shows it reads `<billing project>.tilestack_stable`.
    expect(at(objects, 'ConfigMap/tilestack-api-config', 'data.BIGQUERY_BILLING_PROJECT')).toBe(project);
    const [account, email] = [
      'metadata.annotations[iam.gke.io/gcp-service-account]',
      `tilestack-api@${project}`,
    ];
    expect(at(objects, 'ServiceAccount/tilestack-api', account)).toBe(`${email}.iam.gserviceaccount.com`);
  });

  it('the workflows read it (the command their step runs), never copies in variables', () => {
    for (const file of ['deploy.yml', 'stable-copy.yml']) {
      const text = readIn(REPO_ROOT, `.github/workflows/${file}`);
      expect(text).toContain(`${command} --github "$ENVIRONMENT" | tee -a "$GITHUB_OUTPUT"`);
      expect(text).not.toMatch(/vars\.(GCP_PROJECT|GKE_CLUSTER|GKE_LOCATION|PUBLIC_URL)\b/);
    }
  });

  it.each(environments)('%s: that command prints its values', (env) => {
    const { stdout } = spawnSync('sh', ['-c', `${command} --github ${env}`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const lines = stdout.trim().split('\n');
    expect(Object.fromEntries(lines.map((line) => line.split('=')))).toEqual(githubValues(source, env));
  });

  it('refuses a source that is not well formed, naming the field', () => {
    const root = scratch('environments.yaml', source.environments.staging.alertEmail, 'x');
    expect(() => readSource(root)).toThrow(/alertEmail/);
  });
});

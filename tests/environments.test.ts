import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find, findGenerated, render } from '@tilestack/k8s/render';
import { scratchRepo } from '@tilestack/k8s/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copies, githubValues, REPO_ROOT, readSource, stale, write } from '../scripts/environments.js';

// environments.yaml is the one source of per-environment values; everything else is a copy of it or reads it.
const source = readSource();
const envs = ['dev', 'staging', 'prod'] as const;
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

/** deploy/k8s and cache/ (what the overlays read), the source and every copy, with one edit. */
function scratch(file: string, from: string, to: string): string {
  const { root, cleanup } = scratchRepo();
  cleanups.push(cleanup);
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

  it('a hostname changed in the source changes every consumer', () => {
    const hostname = 'maps.changed.example.org';
    const root = scratch('environments.yaml', source.environments.prod.hostname, hostname);
    write(root);
    const objects = render('prod', root);
    expect(find(objects, 'ManagedCertificate', 'tilestack').spec.domains).toEqual([hostname]);
    expect(find(objects, 'Ingress', 'tilestack').spec.rules[0].host).toBe(hostname);
    const config = findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data;
    expect(config.PUBLIC_BASE_URL).toBe(`https://${hostname}`);
    expect(parse(readIn(root, 'infra/Pulumi.prod.yaml')).config['tilestack:hostname']).toBe(hostname);
    const viewer = JSON.parse(readIn(root, 'viewer/src/environments.json')).environments;
    expect(viewer.find((e: { id: string }) => e.id === 'prod').baseUrl).toBe(`https://${hostname}`);
    expect(githubValues(readSource(root), 'prod').url).toBe(`https://${hostname}`);
    expect(stale(root)).toEqual([]);
  });

  it.each(envs)('%s: the overlay bills, reads and authenticates in the project of the source', (env) => {
    const { project } = source.environments[env];
    const objects = render(env);
    const config = findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data;
    expect(config.BIGQUERY_BILLING_PROJECT).toBe(project);
    expect(config.BIGQUERY_ALLOWED_DATASETS.split(',')).toContain(`${project}.tilestack_stable`);
    expect(find(objects, 'ServiceAccount', 'tilestack-api').metadata.annotations).toMatchObject({
      'iam.gke.io/gcp-service-account': `tilestack-api@${project}.iam.gserviceaccount.com`,
    });
  });

  it('the workflows read it (the command their step runs), never copies in variables', () => {
    for (const file of ['deploy.yml', 'stable-copy.yml']) {
      const text = readIn(REPO_ROOT, `.github/workflows/${file}`);
      expect(text).toContain(
        'npm run --silent environments -- --github "$ENVIRONMENT" | tee -a "$GITHUB_OUTPUT"',
      );
      expect(text).not.toMatch(/vars\.(GCP_PROJECT|GKE_CLUSTER|GKE_LOCATION|PUBLIC_URL)\b/);
    }
  });

  it.each(envs)('%s: that command prints its values, key=value', (env) => {
    const args = ['run', '--silent', 'environments', '--', '--github', env];
    const { stdout } = spawnSync('npm', args, { cwd: REPO_ROOT, encoding: 'utf8' });
    const outputs = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=')),
    );
    expect(outputs).toEqual({ ...githubValues(source, env), project: source.environments[env].project });
  });

  it('refuses a source that is not well formed, naming the field', () => {
    const root = mkdtempSync(join(tmpdir(), 'tilestack-environments-'));
    const { alertEmail } = source.environments.staging;
    writeFileSync(
      join(root, 'environments.yaml'),
      readIn(REPO_ROOT, 'environments.yaml').replace(alertEmail, 'x'),
    );
    expect(() => readSource(root)).toThrow(/alertEmail/);
  });
});

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

/** deploy/k8s and cache/ (what the overlays read) plus the source and every other copy, in a scratch dir. */
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});
function scratch(): string {
  const { root, cleanup } = scratchRepo();
  cleanups.push(cleanup);
  for (const path of ['environments.yaml', ...copies(source).keys()])
    cpSync(join(REPO_ROOT, path), join(root, path));
  return root;
}

describe('environments.yaml', () => {
  it('every committed copy is exactly what the source gives', () => {
    expect(stale()).toEqual([]);
  });

  it('a copy edited by hand fails the check', () => {
    const root = scratch();
    const viewer = join(root, 'viewer/src/environments.json');
    writeFileSync(
      viewer,
      readFileSync(viewer, 'utf8').replace(source.environments.prod.hostname, 'tiles.other.example'),
    );
    const overlay = join(root, 'deploy/k8s/overlays/dev/environment.yaml');
    writeFileSync(
      overlay,
      readFileSync(overlay, 'utf8').replace('project: tilestack-dev', 'project: elsewhere'),
    );
    expect(stale(root)).toEqual(['deploy/k8s/overlays/dev/environment.yaml', 'viewer/src/environments.json']);
  });

  it('a hostname changed in the source changes every consumer', () => {
    const root = scratch();
    const file = join(root, 'environments.yaml');
    const hostname = 'maps.changed.example.org';
    writeFileSync(file, readFileSync(file, 'utf8').replace(source.environments.prod.hostname, hostname));
    write(root);
    // Kubernetes: certificate, Ingress rule, the API's absolute URLs.
    const objects = render('prod', root);
    expect(find(objects, 'ManagedCertificate', 'tilestack').spec.domains).toEqual([hostname]);
    expect(find(objects, 'Ingress', 'tilestack').spec.rules[0].host).toBe(hostname);
    expect(findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data.PUBLIC_BASE_URL).toBe(
      `https://${hostname}`,
    );
    // Pulumi (uptime check), the viewer, the workflows.
    expect(
      parse(readFileSync(join(root, 'infra/Pulumi.prod.yaml'), 'utf8')).config['tilestack:hostname'],
    ).toBe(hostname);
    const viewer = JSON.parse(readFileSync(join(root, 'viewer/src/environments.json'), 'utf8'));
    expect(viewer.environments.find((e: { id: string }) => e.id === 'prod').baseUrl).toBe(
      `https://${hostname}`,
    );
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

  it('the workflows read it (the command their step runs), never per-environment copies in variables', () => {
    for (const env of envs) {
      const run = spawnSync('npm', ['run', '--silent', 'environments', '--', '--github', env], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const outputs = Object.fromEntries(
        run.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('=')),
      );
      expect(outputs).toEqual(githubValues(source, env));
      expect(outputs.project).toBe(source.environments[env].project);
    }
    const workflows = join(REPO_ROOT, '.github/workflows');
    for (const file of ['deploy.yml', 'stable-copy.yml']) {
      const text = readFileSync(join(workflows, file), 'utf8');
      expect(text).toMatch(
        /npm run --silent environments -- --github "\$ENVIRONMENT" \| tee -a "\$GITHUB_OUTPUT"/,
      );
      expect(text).not.toMatch(/vars\.(GCP_PROJECT|GKE_CLUSTER|GKE_LOCATION|PUBLIC_URL)\b/);
    }
  });

  it('refuses a source that is not well formed, naming the field', () => {
    const root = mkdtempSync(join(tmpdir(), 'tilestack-environments-'));
    const broken = readFileSync(join(REPO_ROOT, 'environments.yaml'), 'utf8').replace(
      source.environments.staging.alertEmail,
      'not-an-address',
    );
    writeFileSync(join(root, 'environments.yaml'), broken);
    expect(() => readSource(root)).toThrow(/alertEmail/);
  });
});

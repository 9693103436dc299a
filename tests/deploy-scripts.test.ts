// The scripts the delivery and deploy workflows call, run for real (fake kubectl and docker where a
// cluster or a registry would be needed).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { setImages } from '../scripts/deploy/set-images.js';

const ROOT = join(import.meta.dirname, '..');
const [A, B, REG] = [`sha256:${'ab'.repeat(32)}`, `sha256:${'cd'.repeat(32)}`, 'r.example/p'];
const PINS = [`tilestack-api=${REG}/api@${A}`, `tilestack-cache=${REG}/cache@${B}`];
const temp = mkdtempSync(join(tmpdir(), 'deploy-scripts-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
/** An executable that logs its arguments and answers like kubectl or docker: a bash `case` over them. */
function fake(name: string, cases: string[]): string {
  const body = `all="$*"\necho "$all" >> "${temp}/${name}.log"\ncase "$all" in\n${cases.join('\n')}\nesac`;
  writeFileSync(join(temp, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  return join(temp, name);
}
const script = (path: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(join(ROOT, 'scripts', path), args, { encoding: 'utf8', env: { ...process.env, ...env } });

describe('scripts/deploy/set-images.ts', () => {
  it('refuses tags and malformed digests', () => {
    for (const bad of [`api=${REG}/api:latest`, `api=${REG}/api@sha256:AB`, `${REG}/api@${A}`])
      expect(() => setImages('images: []', [bad]), bad).toThrow(/tags are refused/);
  });

  it('pins the overlay by digest, keeps its comments and the rest; kubectl kustomize renders those images', () => {
    const options = { recursive: true, filter: (f: string) => !f.includes('node_modules') };
    for (const dir of ['deploy/k8s', 'cache']) cpSync(join(ROOT, dir), join(temp, dir), options);
    const dir = join(temp, 'deploy/k8s/overlays/dev');
    const before = readFileSync(join(dir, 'kustomization.yaml'), 'utf8');
    const cli = ['--import', 'tsx', join(ROOT, 'scripts/deploy/set-images.ts')];
    execFileSync(process.execPath, [...cli, dir, ...PINS]);
    const after = readFileSync(join(dir, 'kustomization.yaml'), 'utf8');
    for (const comment of before.split('\n').filter((l) => l.startsWith('#')))
      expect(after).toContain(comment);
    expect({ ...parse(after), images: [] }).toEqual({ ...parse(before), images: [] });
    expect(setImages(after, PINS)).toBe(after);
    const rendered = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 << 20 });
    const images = new Set([...rendered.matchAll(/^\s+image:\s+(\S+)$/gm)].map((m) => m[1]));
    expect(images).toEqual(new Set([`${REG}/api@${A}`, `${REG}/cache@${B}`]));
  });
});

describe('scripts/deploy/rollout.sh against a fake kubectl', () => {
  const cluster = (api: string, cache: string) => {
    const dir = mkdtempSync(join(temp, 'cluster-'));
    writeFileSync(join(dir, 'api'), api);
    writeFileSync(join(dir, 'cache'), cache);
    const kubectl = fake(`kubectl-${dir.slice(-6)}`, [
      `  *"get deployment "*) d="\${all#*deployment tilestack-}"; cat "${dir}/\${d%% *}" ;;`,
      `  *"rollout undo "*) d="\${all#*deployment/tilestack-}"; echo "\${all##*=}" > "${dir}/\${d%% *}" ;;`,
    ]);
    const run = (...args: string[]) =>
      script('deploy/rollout.sh', args, { KUBECTL: kubectl, ROLLOUT_TIMEOUT: '9s' });
    const log = () => readFileSync(`${kubectl}.log`, 'utf8').trim().split('\n');
    return { run, log, undos: () => log().filter((l) => l.includes('rollout undo')) };
  };

  it('records the revisions, applies the rendering and waits for both Deployments', () => {
    const { run, log } = cluster('3', '7');
    expect(run('revisions').stdout).toBe('api=3\ncache=7\n');
    expect([run('apply', 'rendered.yaml').status, run('wait').status]).toEqual([0, 0]);
    const waits = ['api', 'cache'].map(
      (d) => `-n tilestack rollout status deployment/tilestack-${d} --timeout=9s`,
    );
    expect(log()).toEqual(expect.arrayContaining(['apply -f rendered.yaml', ...waits]));
  });

  it('undoes only what this deploy changed, to the recorded revision; nothing on a first or no-op deploy', () => {
    const changed = cluster('4', '7'); // the deploy rolled the API from 3; the cache template did not change
    expect(changed.run('undo', '3', '7').status).toBe(0);
    expect(changed.undos()).toEqual(['-n tilestack rollout undo deployment/tilestack-api --to-revision=3']);
    expect(changed.run('revisions').stdout).toBe('api=3\ncache=7\n');
    for (const [now, before] of ['1:', '5:5'].map((pair) => pair.split(':') as [string, string])) {
      const same = cluster(now, now);
      expect(same.run('undo', before, before).status).toBe(0);
      expect(same.undos()).toEqual([]);
    }
  });
});

describe('scripts/release', () => {
  it('existing-digest.sh prints the digest a published tag points to (the index), else nothing', () => {
    const index = `{"schemaVersion": 2, "digest": "${A}", "manifests": [{"digest": "${B}"}]}`; // an index
    const docker = fake('docker', [
      `  *:published*) echo '${index}' ;;`,
      '  *) echo "not found" >&2; exit 1 ;;',
    ]);
    const run = (tag: string) =>
      script('release/existing-digest.sh', [`${REG}/api:${tag}`], { DOCKER: docker });
    expect(run('published')).toMatchObject({ status: 0, stdout: `${A}\n` });
    expect(run('absent')).toMatchObject({ status: 0, stdout: '' });
  });

  it('image-refs.sh turns two digests into references, refusing anything else', () => {
    const refs = script('release/image-refs.sh', [REG, A, B]);
    expect(refs.stdout).toBe(`api=${REG}/api@${A}\ncache=${REG}/cache@${B}\n`);
    for (const bad of ['latest', 'v1.2.3', `sha256:${'AB'.repeat(32)}`, `sha256:${'ab'.repeat(31)}`, ''])
      expect(script('release/image-refs.sh', [REG, bad, A]).status, bad).toBe(2);
  });
});

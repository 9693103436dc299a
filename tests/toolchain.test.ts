// One toolchain from laptop to production: .nvmrc is the source of truth, package.json and every
// Dockerfile agree with it (CI's setup-node reads .nvmrc: tests/workflows.test.ts), base images are pinned;
// and `npm test` names a missing or too-old system tool with its install commands, in seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import semver from 'semver';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pkg = JSON.parse(read('package.json'));
const major = Number(read('.nvmrc').trim());
// The npm major bundled with each Node major (nodejs.org/dist/index.json): a new .nvmrc major fails here.
const BUNDLED_NPM_MAJOR: Record<number, number> = { 20: 10, 22: 10, 24: 11 };
const opts = { cwd: root, encoding: 'utf8' } as const;
const dockerfiles = spawnSync('git', ['ls-files', '*Dockerfile', '*Containerfile'], opts)
  .stdout.trim()
  .split('\n');
const froms = dockerfiles.flatMap((file) => {
  const text = read(file);
  const stages = new Set([...text.matchAll(/^FROM\s.*\sAS\s+(\S+)/gim)].map((m) => m[1]));
  const refs = [...text.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1] ?? '');
  return refs.filter((ref) => !stages.has(ref) && ref !== 'scratch').map((ref) => ({ file, ref }));
});

describe('one toolchain', () => {
  it('.nvmrc names Node 24; engines allow it and the quick start on Node 20.19+ / 22.12+, not older', () => {
    expect(major).toBe(24);
    const allowed = ['18.20.0', '20.18.0', '20.19.0', '22.12.0', `${major}.0.0`].map((v) =>
      semver.satisfies(v, pkg.engines.node),
    );
    expect(allowed).toEqual([false, false, true, true, true]);
  });

  it('packageManager pins an exact npm of the major bundled with the .nvmrc Node', () => {
    const [, version = ''] = /^npm@(\d+\.\d+\.\d+)(\+sha\d+\.[0-9a-f]+)?$/.exec(pkg.packageManager) ?? [];
    expect(semver.major(version || '0.0.0')).toBe(BUNDLED_NPM_MAJOR[major]);
  });

  it('every image builds FROM a base pinned by tag and digest; every Node base is the .nvmrc major', () => {
    expect(froms.length).toBeGreaterThanOrEqual(dockerfiles.length);
    for (const { file, ref } of froms) expect(ref, file).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    const node = froms.filter(({ ref }) => /^(\S+\/)?node:/.test(ref));
    expect(node.map(({ file }) => file)).toContain('api/Dockerfile');
    for (const { file, ref } of node) expect(ref, file).toMatch(new RegExp(`^(\\S+/)?node:${major}\\b`));
  });
});

describe('npm test checks its system tools first (scripts/check-tools.ts)', () => {
  const bin = mkdtempSync(join(tmpdir(), 'tilestack-tools-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('exits non-zero within 10 s when varnishd is not on PATH, naming it with its install commands', () => {
    symlinkSync(process.execPath, join(bin, 'node')); // PATH keeps node, loses every folder holding varnishd
    const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => !existsSync(join(d, 'varnishd')));
    const env = { ...process.env, PATH: [bin, ...dirs].join(delimiter) };
    const run = spawnSync('npm', ['test'], { ...opts, env, timeout: 10_000 });
    expect(run.status, 'killed after 10 s').not.toBeNull();
    expect(run.status).not.toBe(0);
    const line = run.stderr.split('\n').find((l) => l.startsWith('varnishd (missing)'));
    for (const hint of ['apt-get install varnish', 'brew install varnish', 'docker compose run --rm test'])
      expect(line).toContain(hint);
  });

  it('reports a varnishd older than the VCL needs the same way, and accepts a recent one', () => {
    const check = (version: string) => {
      const fake = join(bin, `varnishd-${version}`);
      writeFileSync(fake, `#!/bin/sh\necho "varnishd (varnish-${version} revision 0)" >&2\n`, {
        mode: 0o755,
      });
      const env = { ...process.env, VARNISHD: fake };
      return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-tools.ts'], { ...opts, env });
    };
    const old = check('6.6.1');
    expect(old.status).toBe(1);
    expect(old.stderr).toMatch(/^varnishd \(6\.6\.1, older than 7\.1\.0\): .*apt-get install varnish/m);
    expect(check('7.1.1').stderr).not.toMatch(/varnishd/);
  });
});

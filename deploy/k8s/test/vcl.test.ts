import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../src/render.js';

const dir = mkdtempSync(join(tmpdir(), 'tilestack-vcl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// varnishd is on every machine that runs the cache's tests (.ci/run installs Debian's varnish).
it('the VCL Kubernetes mounts compiles with varnishd: cache/default.vcl including base/cache/environment.vcl', () => {
  // Run as root, varnishd compiles as its own unprivileged user, which must be able to read the files.
  chmodSync(dir, 0o755);
  cpSync(join(repoRoot, 'cache/default.vcl'), join(dir, 'default.vcl'));
  // The compiler resolves backend hosts; the Service name only resolves inside the cluster.
  const include = readFileSync(join(repoRoot, 'deploy/k8s/base/cache/environment.vcl'), 'utf8');
  writeFileSync(join(dir, 'environment.vcl'), include.replace('"tilestack-api"', '"127.0.0.1"'));
  const run = spawnSync(
    'varnishd',
    ['-C', '-n', join(dir, 'work'), '-p', `vcl_path=${dir}`, '-f', join(dir, 'default.vcl')],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) throw new Error("varnishd not found: install Debian's varnish (apt-get install varnish)");
  // On failure VCC's message comes first on stderr; on success stderr holds the generated C.
  expect(run.status, run.stderr.slice(0, 2000)).toBe(0);
});

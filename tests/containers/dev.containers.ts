import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { exec, ROOT, RUN_ID, run, runOnce } from './engine.js';

const engine = inject('engine');
const image = inject('images').devcontainer.tag;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// The dev image (.devcontainer/Dockerfile) that `docker compose run --rm test` and CI's test job run.
describe('dev image', () => {
  it('carries every tool npm test and the bench run, at the versions its Dockerfile pins', () => {
    const dockerfile = read('.devcontainer/Dockerfile');
    const pin = (arg: string) => new RegExp(`^ARG ${arg}=(\\S+)$`, 'm').exec(dockerfile)?.[1];
    const script = read('deploy/k8s/scripts/ensure-kubectl.sh');
    const installed = runOnce(engine, image, 'sh', [
      '-c',
      'dpkg-query -W varnish chromium shellcheck wrk; echo node=$(node -p process.versions.node); ' +
        'kubectl version --client | sed -n "s/^Client Version: v/kubectl=/p"',
    ]);
    const versions = Object.fromEntries(
      installed
        .trim()
        .split('\n')
        .map((line) => line.split(/[\t=]/)),
    );
    expect(versions).toEqual({
      varnish: pin('VARNISH_VERSION'),
      chromium: pin('CHROMIUM_VERSION'),
      shellcheck: pin('SHELLCHECK_VERSION'),
      wrk: pin('WRK_VERSION'),
      node: expect.stringMatching(new RegExp(`^${read('.nvmrc').trim()}\\.`)),
      kubectl: /# v(\d+\.\d+\.\d+) linux\/amd64/.exec(script)?.[1],
    });
  });

  // --no-deps: podman-compose 1.0.3 would start every other service first (docker compose starts none).
  it('runs the tools check, the cache tests against varnishd and the browser test: compose run test', () => {
    const project = `${RUN_ID}-dev`.replace(/[^a-z0-9-]/g, '-');
    const compose = [...engine.compose, '-f', 'compose.yaml', '-p', project];
    const slice = [
      'node --import tsx scripts/check-tools.ts',
      'node --import tsx scripts/check-tools.ts bench',
      'npx vitest run cache/test viewer/test/viewer.browser.test.ts',
    ].join(' && ');
    try {
      const args = ['run', '--no-deps', '--rm', '-e', 'NO_COLOR=1', 'test', 'sh', '-c', slice];
      const out = run([...compose, ...args], { timeoutMs: 900_000 });
      expect(out).toMatch(/✓ cache\/test\/cache\.test\.ts/);
      expect(out).toMatch(/✓ viewer\/test\/viewer\.browser\.test\.ts/);
      expect(out).toMatch(/Test Files +2 passed \(2\)\s+Tests +(\d+) passed \(\1\)/);
    } finally {
      exec([...compose, 'down', '--volumes'], { timeoutMs: 120_000 });
      // podman-compose 1.0.3 leaves the project network behind.
      if (engine.name === 'podman') exec(['podman', 'network', 'rm', '-f', `${project}_default`]);
    }
  }, 900_000);
});

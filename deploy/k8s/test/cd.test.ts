import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { check, containersOf, workloads } from '../src/check.js';
import { environments, type K8sObject, render, renderDir, repoRoot } from '../src/render.js';
import { renderOnce, scratchRepo } from './support.js';

const built = {
  'tilestack-api': `europe-west1-docker.pkg.dev/tilestack-ci/tilestack/api@sha256:${'a1'.repeat(32)}`,
  'tilestack-cache': `europe-west1-docker.pkg.dev/tilestack-ci/tilestack/cache@sha256:${'c2'.repeat(32)}`,
};
const images = (objects: K8sObject[]) =>
  workloads(objects).flatMap(({ spec }) => containersOf(spec).map((c) => c.image));

describe.each(environments)('CD on overlays/%s', (env) => {
  const scratch = scratchRepo();
  afterAll(scratch.cleanup);

  it('refuses to deploy the committed placeholders', async () => {
    expect(await check(renderOnce(env), { requireRealDigest: true })).toHaveLength(4);
  });

  it("pins every container to the built digests once CD's set-images.ts has set them by name", async () => {
    const overlay = `${scratch.root}/deploy/k8s/overlays/${env}`;
    const args = Object.entries(built).map(([name, reference]) => `${name}=${reference}`);
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/deploy/set-images.ts', overlay, ...args], {
      cwd: repoRoot,
    });
    const objects = render(env, scratch.root);
    expect(await check(objects, { requireRealDigest: true })).toEqual([]);
    expect(images(objects)).toEqual([built['tilestack-api'], ...Array(3).fill(built['tilestack-cache'])]);
  });
});

// An `images:` entry in the base would rename them first, and CD's edit in the overlay would match nothing.
it('the base keeps the logical image names that CD sets in each overlay', () => {
  expect(images(renderDir('deploy/k8s/base'))).toEqual([
    'tilestack-api',
    ...Array(3).fill('tilestack-cache'),
  ]);
});

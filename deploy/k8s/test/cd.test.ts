import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { check, containersOf, workloads } from '../src/check.js';
import { environments, render, renderDir } from '../src/render.js';
import { renderOnce, scratchRepo } from './support.js';

const built = {
  'tilestack-api': `europe-west1-docker.pkg.dev/tilestack-ci/tilestack/api@sha256:${'a1'.repeat(32)}`,
  'tilestack-cache': `europe-west1-docker.pkg.dev/tilestack-ci/tilestack/cache@sha256:${'c2'.repeat(32)}`,
};

/** What `kustomize edit set image <name>=<image>@<digest>` does to an overlay's kustomization.yaml. */
function setImage(kustomization: string, name: string, reference: string): void {
  const [newName, digest] = reference.split('@');
  const doc = parseDocument(readFileSync(kustomization, 'utf8'));
  const images = doc.get('images') as {
    items: { get(k: string): unknown; set(k: string, v: unknown): void }[];
  };
  const entry = images.items.find((i) => i.get('name') === name);
  if (!entry) throw new Error(`no images entry named ${name} in ${kustomization}`);
  entry.set('newName', newName);
  entry.set('digest', digest);
  writeFileSync(kustomization, doc.toString());
}

describe.each(environments)('CD on overlays/%s', (env) => {
  const scratch = scratchRepo();
  afterAll(scratch.cleanup);

  it('refuses to deploy the committed placeholders', async () => {
    expect(await check(renderOnce(env), { requireRealDigest: true })).toHaveLength(4);
  });

  it('pins every container to the built digests once the images are set by name', async () => {
    const kustomization = join(scratch.root, `deploy/k8s/overlays/${env}/kustomization.yaml`);
    for (const [name, reference] of Object.entries(built)) setImage(kustomization, name, reference);
    const objects = render(env, scratch.root);
    expect(await check(objects, { requireRealDigest: true })).toEqual([]);
    const images = workloads(objects).flatMap(({ spec }) => containersOf(spec).map((c) => c.image));
    expect(images).toEqual([built['tilestack-api'], ...Array(3).fill(built['tilestack-cache'])]);
  });
});

describe('the base', () => {
  // An `images:` entry in the base would rename them first, and CD's edit in the overlay would match nothing.
  it('keeps the logical image names that CD sets in each overlay', () => {
    const images = workloads(renderDir('deploy/k8s/base')).flatMap(({ spec }) =>
      containersOf(spec).map((c) => c.image),
    );
    expect(images).toEqual(['tilestack-api', 'tilestack-cache', 'tilestack-cache', 'tilestack-cache']);
  });
});

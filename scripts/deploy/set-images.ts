// `kustomize edit set image NAME=REPO@sha256:…` without kustomize (kubectl's renders but cannot edit):
//   node --import tsx scripts/deploy/set-images.ts deploy/k8s/overlays/dev \
//     tilestack-api=REGISTRY/api@sha256:<64 hex> tilestack-cache=REGISTRY/cache@sha256:<64 hex>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseDocument, YAMLMap } from 'yaml';

/** `NAME=registry/path@sha256:<64 lowercase hex>`: a digest reference, never a tag. */
const IMAGE_ARG =
  /^([\w.-]+)=([a-z0-9][a-z0-9.-]*(?::[0-9]+)?(?:\/[a-z0-9][a-z0-9._-]*)+)@(sha256:[0-9a-f]{64})$/;

/** The kustomization text with each `NAME=REF` image's newName and digest set (and any newTag removed). */
export function setImages(kustomization: string, args: string[]): string {
  const doc = parseDocument(kustomization);
  if (!doc.has('images')) doc.set('images', doc.createNode([]));
  const images = doc.get('images');
  if (doc.errors.length > 0 || !isSeq(images)) throw new Error('kustomization.yaml: no list of images');
  for (const arg of args) {
    const [, name, newName, digest] = IMAGE_ARG.exec(arg) ?? [];
    if (!name) throw new Error(`"${arg}" is not NAME=REPOSITORY@sha256:<64 hex>; tags are refused`);
    const found = images.items.find((item): item is YAMLMap => isMap(item) && item.get('name') === name);
    const entry = found ?? new YAMLMap();
    if (!found) images.items.push(entry);
    entry.set('name', name);
    entry.set('newName', newName);
    entry.delete('newTag');
    entry.set('digest', digest);
  }
  return doc.toString();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [overlay = '', ...args] = process.argv.slice(2);
  const file = join(overlay, 'kustomization.yaml');
  try {
    if (args.length === 0) throw new Error('no image given');
    writeFileSync(file, setImages(readFileSync(file, 'utf8'), args));
    for (const arg of args) process.stdout.write(`set-images: ${file}: ${arg}\n`);
  } catch (error) {
    process.stderr.write(
      `set-images: ${(error as Error).message}\nusage: set-images.ts OVERLAY NAME=REPO@sha256:DIGEST...\n`,
    );
    process.exit(2);
  }
}

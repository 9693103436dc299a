// Pins an overlay's images by digest, like `kustomize edit set image NAME=REPO@sha256:…`, without
// needing the kustomize binary (kubectl's built-in kustomize renders but cannot edit). Comments and
// everything else in kustomization.yaml are kept. Refuses tags: deploys take digests only.
//
//   node --import tsx scripts/deploy/set-images.ts deploy/k8s/overlays/dev \
//     tilestack-api=us-central1-docker.pkg.dev/p/tilestack/api@sha256:<64 hex> \
//     tilestack-cache=us-central1-docker.pkg.dev/p/tilestack/cache@sha256:<64 hex>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseDocument, YAMLMap } from 'yaml';

/** `registry/path@sha256:<64 lowercase hex>`: a digest reference, never a tag. */
export const DIGEST_REF =
  /^([a-z0-9][a-z0-9.-]*(?::[0-9]+)?(?:\/[a-z0-9][a-z0-9._-]*)+)@(sha256:[0-9a-f]{64})$/;

export interface ImageUpdate {
  name: string;
  newName: string;
  digest: string;
}

/** Parses `name=registry/path@sha256:…`; throws a one-line reason otherwise. */
export function parseImageArg(arg: string): ImageUpdate {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`expected NAME=REPOSITORY@sha256:DIGEST, got "${arg}"`);
  const name = arg.slice(0, eq);
  const ref = arg.slice(eq + 1);
  const match = DIGEST_REF.exec(ref);
  if (!match) {
    throw new Error(
      `${name}: "${ref}" is not a digest reference (REPOSITORY@sha256:<64 hex>); tags are refused`,
    );
  }
  return { name, newName: match[1] as string, digest: match[2] as string };
}

/** Returns kustomization.yaml text with each image's newName/digest set (and any newTag removed). */
export function setImages(kustomization: string, updates: ImageUpdate[]): string {
  const doc = parseDocument(kustomization);
  if (doc.errors.length > 0) throw new Error(`kustomization.yaml does not parse: ${doc.errors[0]?.message}`);
  let images = doc.get('images');
  if (images === undefined) {
    doc.set('images', doc.createNode([]));
    images = doc.get('images');
  }
  if (!isSeq(images)) throw new Error('kustomization.yaml: "images" is not a list');
  for (const update of updates) {
    let entry = images.items.find((item) => isMap(item) && item.get('name') === update.name);
    if (!entry) {
      entry = new YAMLMap();
      (entry as YAMLMap).set('name', update.name);
      images.items.push(entry);
    }
    const map = entry as YAMLMap;
    map.set('newName', update.newName);
    map.delete('newTag');
    map.set('digest', update.digest);
  }
  return doc.toString();
}

function main(argv: string[]): void {
  const [overlay, ...args] = argv;
  if (!overlay || args.length === 0) {
    process.stderr.write('usage: set-images.ts OVERLAY_DIR NAME=REPOSITORY@sha256:DIGEST...\n');
    process.exit(2);
  }
  let updates: ImageUpdate[];
  try {
    updates = args.map(parseImageArg);
  } catch (error) {
    process.stderr.write(`set-images: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const file = join(overlay, 'kustomization.yaml');
  writeFileSync(file, setImages(readFileSync(file, 'utf8'), updates));
  for (const u of updates)
    process.stdout.write(`set-images: ${file}: ${u.name} -> ${u.newName}@${u.digest}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));

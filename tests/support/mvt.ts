import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** Decodes MVT bytes (gzip or not) into the `@mapbox/vector-tile` model. */
export function decodeTile(bytes: Buffer | Uint8Array): VectorTile {
  const buffer = Buffer.from(bytes);
  const raw = buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer;
  return new VectorTile(new PbfReader(raw));
}

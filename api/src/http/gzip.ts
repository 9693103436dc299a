import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';

const gunzipAsync = promisify(gunzipCallback);
const gzipAsync = promisify(gzipCallback);

export function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/**
 * Tiles are stored gzip-compressed (CARTO and MBTiles convention); tolerate a source that stores them raw.
 * Not async: a stored gzip tile (nearly all) is returned as is, without a promise to await.
 */
export function asGzip(data: Buffer): Buffer | Promise<Buffer> {
  return isGzip(data) ? data : gzipAsync(data);
}

export function gunzip(data: Buffer): Promise<Buffer> {
  return gunzipAsync(data);
}

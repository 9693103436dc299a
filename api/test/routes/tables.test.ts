import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { STORES, sampleDataDir } from '../support/sample-data.js';

let api: LocalApi;
const tableUrl = (query: string, table = STORES) => `${api.url}/maps/table/${table}?${query}`;
const [BAD, BIG] = ['bad_geometry', 'big'].map((name) => `carto-demo-data.demo_tables.${name}`);

beforeAll(async () => {
  const dataDir = sampleDataDir();
  writeFileSync(join(dataDir, `${BAD}.ndjson`), `${JSON.stringify({ geom: 'POINT(1 2)', name: 'wkt' })}\n`);
  const store = readFileSync(join(dataDir, `${STORES}.ndjson`), 'utf8');
  writeFileSync(join(dataDir, `${BIG}.ndjson`), store.repeat(4)); // 150 stores are ≈ 40 kB of GeoJSON
  api = await startLocalApi({ DATA_DIR: dataDir, MAX_JSON_RESPONSE_SIZE: '100000' });
});
afterAll(() => api.close());

describe('GET /maps/table/:table', () => {
  it('returns every row as a GeoJSON FeatureCollection with the other columns as properties', async () => {
    const res = await httpGet(tableUrl('geomField=geom')); // no `format`: geojson
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8'); // RFC 7946 §12
    expect(res.headers).toMatchObject({
      'cache-control': expect.stringContaining('s-maxage='),
      etag: expect.stringMatching(/^"[^"]+"$/),
    });
    const { type, features } = res.json();
    expect([type, features.length]).toEqual(['FeatureCollection', 150]);
    expect(features[0]).toMatchObject({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [expect.any(Number), expect.any(Number)] },
      properties: { store_id: expect.any(Number), storetype: expect.any(String) },
    });
    expect(features[0].properties).not.toHaveProperty('geom');
  });

  it.each([
    ['format=geojson', 400, ''],
    ['geomField=geom&format=csv', 400, ''],
    ['geomField=geom%3B%20DROP&format=geojson', 400, ''],
    ['geomField=geom&geomField=id', 400, ''],
    ['geomField=nope&format=geojson', 400, "column 'nope' not found"],
    ...['__proto__', 'constructor', 'toString'].map((c) => [`geomField=${c}`, 400, `'${c}' not found`]),
    ['geomField=city&format=geojson', 400, 'not a geography column'],
    ['geomField=geom', 400, 'not a geography column', BAD],
    ['geomField=geom', 404, 'was not found', 'carto-demo-data.demo_tables.nope'],
    ['geomField=geom', 413, 'would exceed 100000 bytes', BIG],
  ] as [string, number, string, string?][])('answers %s with %i', async (query, status, message, table) => {
    const res = await httpGet(tableUrl(query, table));
    expect(res.status).toBe(status);
    expect(res.json()).toEqual({ error: expect.any(String), message: expect.stringContaining(message) });
    expect(res.json().error).toBe(
      { 400: 'bad_request', 404: 'not_found', 413: 'response_too_large' }[status],
    );
  });
});

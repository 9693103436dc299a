import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MbtilesSource } from '../../src/sources/mbtiles/mbtiles-source.js';
import { noopObserver } from '../../src/sources/types.js';
import { httpGet } from '../support/http.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { STORES, sampleDataDir } from '../support/sample-data.js';
import { slowSource } from '../support/slow-source.js';

let api: LocalApi;
let dataDir: string;
const tableUrl = (query: string, table = STORES) => `${api.url}/maps/table/${table}?${query}`;

beforeAll(async () => {
  dataDir = sampleDataDir();
  writeFileSync(
    join(dataDir, 'carto-demo-data.demo_tables.bad_geometry.ndjson'),
    `${JSON.stringify({ geom: 'POINT(1 2)', name: 'wkt is not geojson' })}\n`,
  );
  api = await startLocalApi({ DATA_DIR: dataDir });
});
afterAll(() => api.close());

describe('GET /maps/table/:table', () => {
  it('returns every row as a GeoJSON FeatureCollection with the other columns as properties', async () => {
    const res = await httpGet(tableUrl('geomField=geom&format=geojson'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8'); // RFC 7946 §12
    const collection = res.json();
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(150);
    const [first] = collection.features;
    expect(first.type).toBe('Feature');
    expect(first.geometry).toEqual({ type: 'Point', coordinates: [expect.any(Number), expect.any(Number)] });
    expect(first.properties).toMatchObject({ store_id: expect.any(Number), storetype: expect.any(String) });
    expect(first.properties).not.toHaveProperty('geom');
    expect(res.headers['cache-control']).toContain('s-maxage=');
    expect(res.headers.etag).toBeDefined();
  });

  it('treats a missing format as geojson', async () => {
    expect((await httpGet(tableUrl('geomField=geom'))).status).toBe(200);
  });

  it.each([
    ['format=geojson', "required property 'geomField'"],
    ['geomField=geom&format=csv', 'querystring/format must be equal to constant'],
    ['geomField=geom%3B%20DROP&format=geojson', 'querystring/geomField must match pattern'],
    ['geomField=geom&geomField=id', 'querystring/geomField must be string'],
    ['geomField=nope&format=geojson', "column 'nope' not found"],
    ...['__proto__', 'constructor', 'toString'].map((c) => [`geomField=${c}`, `column '${c}' not found`]),
    ['geomField=city&format=geojson', 'not a geography column'],
  ])('answers 400 for %s', async (query, message) => {
    const res = await httpGet(tableUrl(query));
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: expect.stringContaining(message) });
  });

  it('answers 400 when the geometry column does not hold GeoJSON', async () => {
    const res = await httpGet(tableUrl('geomField=geom', 'carto-demo-data.demo_tables.bad_geometry'));
    expect(res.status).toBe(400);
  });

  it('answers 404 for an unknown table', async () => {
    const res = await httpGet(tableUrl('geomField=geom', 'carto-demo-data.demo_tables.nope'));
    expect(res.status).toBe(404);
    expect(res.json().error).toBe('not_found');
  });

  it('answers 413 when the response would exceed MAX_JSON_RESPONSE_SIZE', async () => {
    const small = await startLocalApi({ DATA_DIR: dataDir, MAX_JSON_RESPONSE_SIZE: '4096' });
    try {
      const res = await httpGet(`${small.url}/maps/table/${STORES}?geomField=geom&format=geojson`);
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({
        error: 'response_too_large',
        message: expect.stringContaining('4096'),
      });
    } finally {
      await small.close();
    }
  });

  it('coalesces identical concurrent table requests', async () => {
    const { source, calls } = slowSource(new MbtilesSource(dataDir, 300, noopObserver), 150);
    const slow = await startLocalApi({ DATA_DIR: dataDir }, source);
    try {
      const url = `${slow.url}/maps/table/${STORES}?geomField=geom&format=geojson`;
      const responses = await Promise.all(Array.from({ length: 10 }, () => httpGet(url)));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect(calls.table).toBe(1);
    } finally {
      await slow.close();
    }
  });
});

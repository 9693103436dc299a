import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../support/http.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { CITY_TILE, OSM, sampleDataDir } from '../support/sample-data.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ DATA_DIR: sampleDataDir() });
});
afterAll(() => api.close());

it.each([
  [
    '/',
    200,
    { service: 'tilestack-api', version: expect.stringMatching(/^\d+\.\d+\.\d+/), dataSource: 'mbtiles' },
  ],
  ['/healthz', 200, { status: 'ok' }],
  ['/readyz', 200, { status: 'ready', dataSource: 'mbtiles' }],
  ['/nope', 404, { error: 'not_found', message: expect.any(String) }],
])('GET %s → %i', async (path, status, body) => {
  const res = await httpGet(`${api.url}${path}`);
  expect(res.status).toBe(status);
  expect(res.json()).toMatchObject(body);
  if (path === '/') expect(res.json().links.tile).toBe('/maps/tileset/{tileset}/{z}/{x}/{y}');
});

describe('/readyz', () => {
  it('is 503 the moment shutdown starts, and asks keep-alive clients to go elsewhere', async () => {
    api.lifecycle.shuttingDown = true;
    try {
      const res = await httpGet(`${api.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.connection).toBe('close');
    } finally {
      api.lifecycle.shuttingDown = false;
    }
  });

  it('is 503 when the data folder is unreachable', async () => {
    const broken = await startLocalApi({ DATA_DIR: '/nonexistent/tilestack' });
    try {
      const res = await httpGet(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.json().status).toBe('unavailable');
    } finally {
      await broken.close();
    }
  });

  it.each([
    ['random bytes', (file: Buffer) => randomBytes(file.length)],
    ['a truncated copy', (file: Buffer) => file.subarray(0, Math.floor(file.length / 2))],
  ])('is 503 when the tileset file is %s, and 200 again once it is replaced', async (_name, damage) => {
    const dir = sampleDataDir();
    const path = join(dir, `${OSM}.mbtiles`);
    const good = readFileSync(path);
    writeFileSync(path, damage(good));
    const api = await startLocalApi({ DATA_DIR: dir, METADATA_TTL_SECONDS: '0' });
    try {
      expect((await httpGet(`${api.url}/readyz`)).status).toBe(503);
      expect((await httpGet(`${api.url}/maps/tileset/${OSM}/14/8024/6177`)).status).toBe(500);
      writeFileSync(`${path}.new`, good);
      renameSync(`${path}.new`, path);
      await new Promise((resolve) => setTimeout(resolve, 2100)); // readiness answers are shared for 2 s
      expect((await httpGet(`${api.url}/readyz`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

it('GET /metrics counts requests by route pattern and status, and source queries', async () => {
  const { z, x, y } = CITY_TILE;
  await httpGet(`${api.url}/maps/tileset/${OSM}/${z}/${x}/${y}`);
  await httpGet(`${api.url}/maps/tileset/${OSM}/99/0/0`);
  const text = (await httpGet(`${api.url}/metrics`)).text();
  const route = 'route="/maps/tileset/:tileset/:z/:x/:y",method="GET"';
  for (const series of [
    `http_requests_total{${route},status="400"} 1`,
    `http_request_duration_seconds_count{${route}} 2`,
    'tilestack_source_queries_total{source="mbtiles",kind="tile",outcome="ok"} 1',
    'tilestack_coalesced_requests_total',
    'tilestack_bigquery_bytes_billed_total',
  ])
    expect(text).toContain(series);
});

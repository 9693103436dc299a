import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MbtilesSource } from '../../src/sources/mbtiles/mbtiles-source.js';
import { noopObserver } from '../../src/sources/types.js';
import { httpGet } from '../support/http.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { CITY_TILE, OSM, sampleDataDir } from '../support/sample-data.js';

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ DATA_DIR: sampleDataDir() });
});
afterAll(() => api.close());

describe('GET /', () => {
  it('names the service, its version and data source, with links', async () => {
    const res = await httpGet(`${api.url}/`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      service: 'tilestack-api',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      dataSource: 'mbtiles',
      links: expect.objectContaining({ tile: '/maps/tileset/{tileset}/{z}/{x}/{y}' }),
    });
  });
});

describe('health', () => {
  it('/healthz answers while the process runs', async () => {
    expect((await httpGet(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when the source answers and 503 the moment shutdown starts', async () => {
    expect((await httpGet(`${api.url}/readyz`)).status).toBe(200);
    api.lifecycle.shuttingDown = true;
    try {
      const res = await httpGet(`${api.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.connection).toBe('close');
    } finally {
      api.lifecycle.shuttingDown = false;
    }
  });

  it('/readyz is 503 when the data source is unreachable', async () => {
    const broken = await startLocalApi(
      { DATA_DIR: '/nonexistent' },
      new MbtilesSource('/nonexistent/tilestack', 300, noopObserver),
    );
    try {
      const res = await httpGet(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.json().status).toBe('unavailable');
    } finally {
      await broken.close();
    }
  });
});

describe('GET /metrics', () => {
  it('exposes request counts by route and status, latency histograms and source queries', async () => {
    const { z, x, y } = CITY_TILE;
    await httpGet(`${api.url}/maps/tileset/${OSM}/${z}/${x}/${y}`);
    await httpGet(`${api.url}/maps/tileset/${OSM}/99/0/0`);
    const text = (await httpGet(`${api.url}/metrics`)).text();
    expect(text).toMatch(
      /http_requests_total\{route="\/maps\/tileset\/:tileset\/:z\/:x\/:y",method="GET",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /http_requests_total\{route="\/maps\/tileset\/:tileset\/:z\/:x\/:y",method="GET",status="400"\} 1/,
    );
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/tilestack_source_queries_total\{source="mbtiles",kind="tile",outcome="ok"\} \d+/);
    expect(text).toContain('tilestack_coalesced_requests_total');
    expect(text).toContain('tilestack_bigquery_bytes_billed_total');
  });
});

describe('unknown routes', () => {
  it('answer 404 as JSON', async () => {
    const res = await httpGet(`${api.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.json().error).toBe('not_found');
  });
});

describe('/readyz proves the data can be served', () => {
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

import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet, rawHttp } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { CITY_TILE, OSM, sampleDataDir } from '../support/sample-data.js';

let api: LocalApi;
let dataDir: string;
beforeAll(async () => {
  dataDir = sampleDataDir();
  api = await startLocalApi({ DATA_DIR: dataDir, REQUEST_TIMEOUT_MS: '1000' });
});
afterAll(() => api.close());

/** Status line and JSON body of a raw request (sent as is, so malformed requests reach the server). */
async function raw(text: string) {
  const reply = await rawHttp(api.url, text);
  const [head = '', body = ''] = reply.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: JSON.parse(body) };
}
const host = 'Host: 127.0.0.1\r\n';
const request = (line: string, headers = '') => `${line}\r\n${headers}${host}Connection: close\r\n\r\n`;
const x = (n: number) => 'x'.repeat(n);

const post = `${host}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`;
describe('one error shape for everything the server answers, never echoing the input', () => {
  it.each([
    ['bad percent-encoding', 400, 'bad_request', request('GET /maps/tileset/%ff HTTP/1.1')],
    ['a method Node does not know', 501, 'not_implemented', request('FOO / HTTP/1.1')],
    ['a method we do not serve', 405, 'method_not_allowed', request('DELETE / HTTP/1.1')],
    ['a 600-character id', 414, 'uri_too_long', request(`GET /maps/tileset/${x(600)} HTTP/1.1`)],
    ['20 kB headers', 431, 'request_header_fields_too_large', request('GET / HTTP/1.1', `X: ${x(2e4)}\r\n`)],
    ['viewer traversal', 403, 'forbidden', request('GET /viewer/%2e%2e/%2e%2e/package.json HTTP/1.1')],
    ['two Host headers (RFC 9112 §3.2)', 400, 'bad_request', request('GET / HTTP/1.1', 'Host: b\r\n')],
    ['an HTTP/2.0 request line', 505, 'http_version_not_supported', request('GET / HTTP/2.0')],
    // Bodies are refused before they are read (the connection closes), so an unfinished one costs nothing.
    ['a POST with an unfinished body', 405, 'method_not_allowed', `POST /maps/tileset/x HTTP/1.1\r\n${post}`],
    ['a GET with a body', 400, 'bad_request', `GET / HTTP/1.1\r\n${post}`],
    ['a request that does not arrive in time', 408, 'request_timeout', `GET / HTTP/1.1\r\n${host}`],
  ])('%s → %i %s', async (_name, status, error, text) => {
    const started = performance.now();
    const res = await raw(text);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, message: expect.any(String) });
    expect(res.head).toContain('content-type: application/json');
    if (status === 405) expect(res.head).toContain('allow: get, head, options');
    expect(JSON.stringify(res.body)).not.toMatch(/xxxx|%ff|package/);
    expect(performance.now() - started).toBeLessThan(status === 408 ? 4000 : 500);
  });

  it('OPTIONS without preflight headers → 204 with Allow; a preflight → 204 with CORS and Allow', async () => {
    const plain = await httpGet(`${api.url}/maps/tileset/${OSM}`, {}, 'OPTIONS');
    expect(plain.status).toBe(204);
    expect(plain.headers.allow).toBe('GET, HEAD, OPTIONS');
    const preflight = await httpGet(
      `${api.url}/maps/tileset/${OSM}/0/0/0`,
      { origin: 'https://maps.example', 'access-control-request-method': 'GET' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-methods': 'GET, HEAD',
      allow: 'GET, HEAD, OPTIONS',
    });
  });
});

describe('X-Request-Id', () => {
  it('is echoed when valid and replaced by a generated one when not', async () => {
    const id = async (value: string) =>
      (await httpGet(`${api.url}/healthz`, { 'x-request-id': value })).headers['x-request-id'];
    expect(await id('abc-123.def:4_5')).toBe('abc-123.def:4_5');
    for (const bad of ['<script>', 'x'.repeat(300), 'a b']) expect(await id(bad)).toMatch(/^[\da-f-]{36}$/);
  });
});

describe('forwarding headers are not trusted by default', () => {
  it('rotating X-Forwarded-For does not reset the rate limit', async () => {
    const limited = await startLocalApi({ DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await httpGet(`${limited.url}/`, { 'x-forwarded-for': `198.51.100.${i}` })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { httpGet } from '@tilestack/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { sampleDataDir } from '../support/sample-data.js';

const INDEX = '<!doctype html><title>viewer</title><script type="module" src="./app.js"></script>';
const APP = 'console.log("viewer");';
const NOT_BUILT = {
  error: 'viewer_not_built',
  message: expect.stringContaining('npm run build -w @tilestack/viewer'),
};

const dataDir = sampleDataDir();
// A stand-in for `viewer/dist`: what the route serves does not depend on the real build.
const viewerDir = mkdtempSync(join(tmpdir(), 'tilestack-viewer-'));
const apis: Record<string, LocalApi> = {};

beforeAll(async () => {
  writeFileSync(join(viewerDir, 'index.html'), INDEX);
  writeFileSync(join(viewerDir, 'app.js'), APP);
  writeFileSync(join(viewerDir, 'app.js.gz'), gzipSync(APP));
  apis.built = await startLocalApi({ DATA_DIR: dataDir, VIEWER_DIR: viewerDir });
  apis.missing = await startLocalApi({ DATA_DIR: dataDir, VIEWER_DIR: join(viewerDir, 'not-built') });
  apis.off = await startLocalApi({ DATA_DIR: dataDir, VIEWER_DIR: viewerDir, VIEWER_ENABLED: 'false' });
});

afterAll(async () => {
  for (const api of Object.values(apis)) await api.close();
  rmSync(viewerDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const gzip = { 'accept-encoding': 'gzip' };
it.each([
  // Short public caching: asset names carry no content hash.
  [
    'built',
    '/viewer/',
    {},
    200,
    { 'content-type': /^text\/html/, 'cache-control': 'public, max-age=300' },
    INDEX,
  ],
  // Relative asset URLs resolve only under /viewer/.
  ['built', '/viewer?env=dev', {}, 301, { location: '/viewer/?env=dev' }, ''],
  ['built', '/viewer/app.js', {}, 200, { 'content-type': /javascript/ }, APP],
  ['built', '/viewer/app.js', gzip, 200, { 'content-encoding': 'gzip' }, gzipSync(APP)], // the .gz twin
  ['built', '/viewer/nope.js', {}, 404, {}, { error: 'not_found' }],
  // Not built: uncached, so the fix (a build) shows on the next reload; the rest of the API runs.
  ['missing', '/viewer/', {}, 404, { 'cache-control': 'no-store' }, NOT_BUILT],
  ['missing', '/viewer/app.js', {}, 404, { 'cache-control': 'no-store' }, NOT_BUILT],
  ['missing', '/readyz', {}, 200, {}, { status: 'ready' }],
  ['off', '/viewer/', {}, 404, {}, { error: 'not_found' }],
] as const)('viewer %s: GET %s %o → %i', async (api, path, headers, status, expected, body) => {
  const res = await httpGet(`${apis[api]?.url}${path}`, headers);
  expect(res.status).toBe(status);
  for (const [name, value] of Object.entries(expected))
    expect(res.headers[name]).toEqual(typeof value === 'string' ? value : expect.stringMatching(value));
  if (Buffer.isBuffer(body)) expect(res.body).toEqual(body);
  else if (typeof body === 'string') expect(res.text()).toBe(body);
  else expect(res.json()).toMatchObject(body);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../support/http.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { sampleDataDir } from '../support/sample-data.js';

const INDEX = '<!doctype html><title>viewer</title><script type="module" src="./app.js"></script>';
const APP = 'console.log("viewer");';

let dataDir: string;
let viewerDir: string;
let built: LocalApi;
let missing: LocalApi;

/** A stand-in for `viewer/dist`: what the route serves does not depend on the real build. */
function fakeViewerBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-viewer-'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'app.js'), APP);
  writeFileSync(join(dir, 'app.js.gz'), gzipSync(APP));
  return dir;
}

beforeAll(async () => {
  dataDir = sampleDataDir();
  viewerDir = fakeViewerBuild();
  built = await startLocalApi({ DATA_DIR: dataDir, VIEWER_DIR: viewerDir });
  missing = await startLocalApi({ DATA_DIR: dataDir, VIEWER_DIR: join(viewerDir, 'not-built') });
});

afterAll(async () => {
  await built?.close();
  await missing?.close();
  rmSync(viewerDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /viewer/ when the viewer is built', () => {
  it('serves index.html with a short public Cache-Control', async () => {
    const res = await httpGet(`${built.url}/viewer/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.text()).toBe(INDEX);
  });

  it('redirects /viewer to /viewer/ (keeping the query) so relative asset URLs resolve', async () => {
    const res = await httpGet(`${built.url}/viewer?env=dev`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/viewer/?env=dev');
  });

  it('serves assets, gzipped from the pre-compressed twin when the client accepts it', async () => {
    const plain = await httpGet(`${built.url}/viewer/app.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.text()).toBe(APP);
    const gzip = await httpGet(`${built.url}/viewer/app.js`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body).toEqual(gzipSync(APP));
  });

  it('answers a JSON 404 for a file that is not there', async () => {
    const res = await httpGet(`${built.url}/viewer/nope.js`);
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('GET /viewer/ when the viewer is not built', () => {
  it('answers 404 JSON telling how to build it, uncached, and the rest of the API runs', async () => {
    for (const path of ['/viewer/', '/viewer/app.js']) {
      const res = await httpGet(`${missing.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toMatchObject({
        error: 'viewer_not_built',
        message: expect.stringContaining('npm run build -w @tilestack/viewer'),
      });
    }
    expect((await httpGet(`${missing.url}/readyz`)).status).toBe(200);
  });

  it('is not mounted at all when VIEWER_ENABLED=false', async () => {
    const off = await startLocalApi({ DATA_DIR: dataDir, VIEWER_DIR: viewerDir, VIEWER_ENABLED: 'false' });
    try {
      const res = await httpGet(`${off.url}/viewer/`);
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    } finally {
      await off.close();
    }
  });
});

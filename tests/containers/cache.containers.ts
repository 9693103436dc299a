import { freePort, waitForHttp } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Containers, labels } from './containers.js';
import { RUN_ID, run } from './engine.js';

const engine = inject('engine');
const images = inject('images');
const cache = images.cache.tag;
const TILE = '/maps/tileset/carto-demo-data.demo_tilesets.osm_buildings/14/8024/6177';
const WORKDIR = '/var/lib/varnish/tilestack';

describe('cache image in front of the API container', () => {
  const containers = new Containers(engine);
  const name = `${RUN_ID}-cache`;
  let url = '';

  beforeAll(async () => {
    // A private network where the API answers to `api`, the backend of the image's built-in
    // environment.vcl (the compose one), exactly as in compose.
    const network = containers.network(`${RUN_ID}-net`);
    containers.start(
      `${RUN_ID}-backend`,
      ['--network', network, '--network-alias', 'api'],
      images.runtime.tag,
    );
    const port = await freePort();
    // Kubernetes' constraints: read-only root filesystem; the working dir (compiled VCL: exec needed)
    // and /tmp writable. Podman 4.3 ignores tmpfs mode=, hence its `U` (chown to the container user).
    const workdir = engine.name === 'podman' ? 'rw,exec,U' : 'rw,exec,uid=999,gid=999,mode=0755';
    const hardened = `--read-only --tmpfs /tmp --tmpfs /var/lib/varnish:${workdir} --cap-drop ALL`.split(' ');
    containers.start(name, ['--network', network, '-p', `127.0.0.1:${port}:8080`, ...hardened], cache);
    url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/_cache/health`, 60_000);
    // Through the cache (not cached): 200 once Varnish's probe sees the API healthy.
    await waitForHttp(`${url}/readyz`, 60_000);
  });
  afterAll(() => containers.cleanup());

  it('answers MISS, then HIT for the same tile', async () => {
    const answers = [await fetch(`${url}${TILE}`), await fetch(`${url}${TILE}`)];
    for (const r of answers) await r.arrayBuffer();
    expect(answers.map((r) => [r.status, r.headers.get('x-cache')])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
    ]);
    expect(answers[1]?.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
  });

  it('runs as varnish 999:999 (what Kubernetes sets), healthy by its own HEALTHCHECK', () => {
    expect(containers.exec(name, ['sh', '-c', 'echo $(id -u):$(id -g)']).stdout.trim()).toBe('999:999');
    expect(containers.healthcheck(name, cache)).toBe(true);
  });

  it('exposes its counters to the Prometheus exporter through the working dir', () => {
    const r = containers.exec(name, ['prometheus_varnish_exporter', '-n', WORKDIR, '-test']);
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('varnish_main_cache_hit');
  });

  it('carries OCI labels', () => {
    const oci = ['source', 'revision', 'version'].map((k) => `org.opencontainers.image.${k}`);
    expect(Object.keys(labels(engine, cache))).toEqual(expect.arrayContaining(oci));
  });

  it('stops within 10 s on SIGTERM', () => {
    const started = performance.now();
    run([engine.name, 'stop', '-t', '10', name]);
    expect((performance.now() - started) / 1000).toBeLessThan(10);
  });
});

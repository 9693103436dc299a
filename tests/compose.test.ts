import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// compose.yaml, read as Docker Compose reads it (merge keys on). `npm run test:containers` runs api + cache;
// this checks the rest of the contract without an engine: defaults, health checks, the bigquery profile,
// and that the cache runs the very VCL file Kubernetes ships.
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
interface Service {
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const { services } = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
const mount = (name: string, target: string) =>
  services[name]?.volumes?.find((v) => v.split(':')[1] === target)?.split(':');
const API_BUILD = { context: '.', dockerfile: 'api/Dockerfile', target: `\${API_TARGET:-dev}` };
const CACHE_BUILD = { context: '.', dockerfile: 'cache/Dockerfile' };
const healthy = (name: string) => ({ [name]: { condition: 'service_healthy' } });

describe('compose.yaml', () => {
  it('runs api (dev target, sample data, no credentials) and cache by default; the rest only by profile', () => {
    const defaults = Object.entries(services).filter(([, s]) => !s.profiles?.length);
    expect(defaults.map(([name]) => name).sort()).toEqual(['api', 'cache']);
    expect(services).toMatchObject({
      api: { build: API_BUILD, ports: [`\${API_PORT:-3000}:3000`], volumes: ['./api/src:/app/api/src:ro'] },
      cache: { build: CACHE_BUILD, ports: [`\${CACHE_PORT:-8080}:8080`], depends_on: healthy('api') },
      'api-bigquery': {
        build: API_BUILD,
        profiles: ['bigquery'],
        networks: { bigquery: { aliases: ['api'] } },
      },
      'cache-bigquery': { build: CACHE_BUILD, profiles: ['bigquery'], networks: ['bigquery'] },
    });
    expect(services['cache-bigquery']).toMatchObject({ depends_on: healthy('api-bigquery') });
    expect(services.api?.environment?.DATA_SOURCE).toBeUndefined();
    // the dev target watches the bind-mounted sources
    expect(read('api/Dockerfile').split('AS dev')[1]).toMatch(
      /WORKDIR \/app\/api[\s\S]*"--watch", "src\/server\.ts"/,
    );
  });

  it('mounts cache/default.vcl, the file Kubernetes ships (cache/kustomization.yaml), read-only', () => {
    const kustomization = parse(read('cache/kustomization.yaml')) as {
      configMapGenerator: { files: string[] }[];
    };
    const shipped = kustomization.configMapGenerator
      .flatMap((g) => g.files)
      .map((f) => resolve(root, 'cache', f));
    for (const name of ['cache', 'cache-bigquery']) {
      const [source = '', , mode] = mount(name, '/etc/varnish/default.vcl') ?? [];
      expect([resolve(root, source), mode]).toEqual([shipped[0], 'ro']);
      expect(mount(name, '/etc/varnish/environment.vcl')?.[0]).toBe('./cache/environment.compose.vcl');
    }
  });

  it('has shell-form health checks on every server (podman-compose 1.0.3 breaks exec form)', () => {
    for (const [name, s] of Object.entries(services).filter(([name]) => name !== 'test'))
      expect(s.healthcheck?.test, name).toEqual(['CMD-SHELL', expect.any(String)]);
    expect(services.api?.healthcheck?.test[1]).toContain('/readyz');
    // The cache's check is the image's script, which asks Varnish itself (never the API).
    expect(services.cache?.healthcheck?.test[1]).toBe('healthcheck');
    expect(read('cache/healthcheck.sh')).toContain('GET /_cache/health');
  });

  it("profile bigquery: the developer's own credentials read-only, their billing project, the stable copy only", () => {
    const env = services['api-bigquery']?.environment ?? {};
    expect(env.DATA_SOURCE).toBe('bigquery');
    const credentials = `\${HOME}/.config/gcloud/application_default_credentials.json`;
    const target = env.GOOGLE_APPLICATION_CREDENTIALS ?? '';
    expect(mount('api-bigquery', target)).toEqual([credentials, target, 'ro']);
    expect(env.BIGQUERY_BILLING_PROJECT).toMatch(/^\$\{BIGQUERY_BILLING_PROJECT(:-)?\}$/);
    expect(env.BIGQUERY_ALLOWED_DATASETS).toMatch(/^\$\{STABLE_PROJECT:-[a-z0-9-]+\}\.tilestack_stable$/);
  });
});

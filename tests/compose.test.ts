import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// compose.yaml, read as Docker Compose reads it (merge keys on). `npm run test:containers` runs it;
// this checks the contract without an engine: services, ports, health checks, the bigquery profile,
// and that the cache runs the very VCL file Kubernetes ships.
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  build?: { context: string; dockerfile: string; target?: string };
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  networks?: unknown;
}
const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`compose.yaml has no service ${name}`);
  return s;
};
/** `${VAR:-default}:container` → [default, container]. */
const publishedPort = (port: string) => {
  const m = /^\$\{\w+:-(\d+)\}:(\d+)$/.exec(port);
  return m ? [Number(m[1]), Number(m[2])] : [];
};
const mount = (s: Service, target: string) => s.volumes?.find((v) => v.split(':')[1] === target)?.split(':');

describe('compose.yaml', () => {
  it('runs api and cache by default (no profile), built from the repository Dockerfiles', () => {
    const defaults = Object.entries(services).filter(([, s]) => !s.profiles?.length);
    expect(defaults.map(([name]) => name).sort()).toEqual(['api', 'cache']);
    expect(service('api').build).toMatchObject({ context: '.', dockerfile: 'api/Dockerfile' });
    expect(service('cache').build).toMatchObject({ context: '.', dockerfile: 'cache/Dockerfile' });
  });

  it('publishes the cache on 8080 and the API on 3000 (overridable)', () => {
    expect(publishedPort(service('cache').ports?.[0] ?? '')).toEqual([8080, 8080]);
    expect(publishedPort(service('api').ports?.[0] ?? '')).toEqual([3000, 3000]);
  });

  it('serves the bundled sample data by default: no data source, volume or credentials', () => {
    const api = service('api');
    expect(api.environment?.DATA_SOURCE).toBeUndefined();
    expect(api.volumes?.some((v) => v.includes('gcloud'))).toBe(false);
  });

  it('runs the dev target by default, with api/src bind-mounted where the watcher looks', () => {
    const api = service('api');
    expect(api.build?.target).toBe(`\${API_TARGET:-dev}`);
    expect(mount(api, '/app/api/src')?.[0]).toBe('./api/src');
    const dockerfile = read('api/Dockerfile');
    const dev = dockerfile.slice(dockerfile.indexOf('AS dev'));
    expect(dev).toMatch(/WORKDIR \/app\/api/);
    expect(dev).toMatch(/"--watch", "src\/server\.ts"/);
    expect(dockerfile).toMatch(/^FROM .* AS runtime$/m);
  });

  it('mounts cache/default.vcl, the file Kubernetes ships (cache/kustomization.yaml), in /etc/varnish', () => {
    const kustomization = parse(read('cache/kustomization.yaml')) as {
      configMapGenerator: { files: string[] }[];
    };
    const k8sFiles = kustomization.configMapGenerator
      .flatMap((g) => g.files)
      .map((f) => resolve(root, 'cache', f.split('=').pop() ?? ''));
    for (const name of ['cache', 'cache-bigquery']) {
      const [source, , mode] = mount(service(name), '/etc/varnish/default.vcl') ?? [];
      expect(k8sFiles).toContain(resolve(root, source ?? ''));
      expect(mode).toBe('ro');
      expect(mount(service(name), '/etc/varnish/environment.vcl')?.[0]).toBe(
        './cache/environment.compose.vcl',
      );
    }
  });

  it('has shell-form health checks on every server (podman-compose 1.0.3 breaks exec form)', () => {
    for (const [name, s] of Object.entries(services).filter(([name]) => name !== 'test')) {
      expect(s.healthcheck?.test[0], name).toBe('CMD-SHELL');
      expect(s.healthcheck?.test).toHaveLength(2);
    }
    expect(service('api').healthcheck?.test[1]).toContain('/readyz');
    // The cache's check is the image's script, which asks Varnish itself (never the API).
    expect(service('cache').healthcheck?.test[1]).toBe('healthcheck');
    expect(read('cache/healthcheck.sh')).toContain('GET /_cache/health');
    expect(read('cache/Dockerfile')).toContain('cache/healthcheck.sh /usr/local/bin/healthcheck');
  });

  it('starts the cache once the API is healthy', () => {
    expect(service('cache').depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(service('cache-bigquery').depends_on).toEqual({
      'api-bigquery': { condition: 'service_healthy' },
    });
  });

  describe('profile bigquery', () => {
    const api = service('api-bigquery');

    it('switches an API to BigQuery, with a cache of its own, only when the profile is asked for', () => {
      expect(api.profiles).toEqual(['bigquery']);
      expect(service('cache-bigquery').profiles).toEqual(['bigquery']);
      expect(api.environment?.DATA_SOURCE).toBe('bigquery');
      // Same image as the default API; on a network where it is the cache's `api` backend.
      expect(api.build).toEqual(service('api').build);
      expect(api.networks).toEqual({ bigquery: { aliases: ['api'] } });
      expect(service('cache-bigquery').networks).toEqual(['bigquery']);
    });

    it("uses the developer's own Application Default Credentials, mounted read-only", () => {
      const credentials = api.environment?.GOOGLE_APPLICATION_CREDENTIALS ?? '';
      const [source, target, mode] = mount(api, credentials) ?? [];
      expect(source).toBe(`\${HOME}/.config/gcloud/application_default_credentials.json`);
      expect(target).toBe(credentials);
      expect(mode).toBe('ro');
    });

    it("bills the developer's project and reads only the stable copy", () => {
      expect(api.environment?.BIGQUERY_BILLING_PROJECT).toMatch(/^\$\{BIGQUERY_BILLING_PROJECT(:-)?\}$/);
      expect(api.environment?.BIGQUERY_ALLOWED_DATASETS).toMatch(
        /^\$\{STABLE_PROJECT:-[a-z0-9-]+\}\.tilestack_stable$/,
      );
    });
  });
});

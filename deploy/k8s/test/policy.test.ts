import { loadConfig } from '@tilestack/api/config';
import { describe, expect, it } from 'vitest';
import { checkContainers, checkImages, containersOf, placeholderDigest, workloads } from '../src/check.js';
import { environments, find, findGenerated, type K8sObject } from '../src/render.js';
import { doctor, renderOnce } from './support.js';

const labelsOf = (objects: K8sObject[], name: string): Record<string, string> =>
  find(objects, 'Deployment', name).spec.template.metadata.labels;
const selects = (selector: { matchLabels: Record<string, string> }, labels: Record<string, string>) =>
  Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);
const container = (deployment: K8sObject, name: string) =>
  deployment.spec.template.spec.containers.find((c: K8sObject) => c.name === name);

describe.each(environments)('overlays/%s', (env) => {
  const objects = renderOnce(env);
  const api = find(objects, 'Deployment', 'tilestack-api');
  const cache = find(objects, 'Deployment', 'tilestack-cache');

  it('runs 5 API replicas (dev: 2 to 4, so rollouts and the PDB still mean something) and 1 cache', () => {
    if (env === 'dev') expect(api.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(api.spec.replicas).toBeLessThanOrEqual(5);
    if (env !== 'dev') expect(api.spec.replicas).toBe(5);
    expect(cache.spec.replicas).toBe(1);
  });

  it('every container has probes, requests/limits and a restricted security context', () => {
    expect(checkContainers(objects)).toEqual([]);
    expect(find(objects, 'Namespace', 'tilestack').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    // Readiness where a Service sends traffic (and the warmer's gate); never on the exporter (below).
    for (const c of [container(api, 'api'), container(cache, 'varnish'), container(cache, 'warmer')])
      expect(c.readinessProbe, c.name).toBeDefined();
  });

  it('every image is a digest reference (the placeholder until CD sets the real one)', () => {
    expect(checkImages(objects)).toEqual([]);
    expect(workloads(objects).flatMap(({ spec }) => containersOf(spec).map((c) => c.image))).toEqual([
      `REGION-docker.pkg.dev/PROJECT/tilestack/api@${placeholderDigest}`,
      ...Array(3).fill(`REGION-docker.pkg.dev/PROJECT/tilestack/cache@${placeholderDigest}`),
    ]);
  });

  it('the API is private: ClusterIP, no standalone NEG, and the only public entry leads to the cache', () => {
    const services = objects.filter((o) => o.kind === 'Service');
    expect(
      services.map((s) => [s.metadata.name, s.spec.type, s.metadata.annotations?.['cloud.google.com/neg']]),
    ).toEqual([
      ['tilestack-api', 'ClusterIP', undefined],
      ['tilestack-cache', 'ClusterIP', '{"ingress": true}'],
    ]);
    const { spec } = find(objects, 'Ingress', 'tilestack');
    expect([
      spec.defaultBackend,
      ...spec.rules.flatMap((r: K8sObject) => r.http.paths.map((p: K8sObject) => p.backend)),
    ]).toEqual([undefined, { service: { name: 'tilestack-cache', port: { name: 'http' } } }]);
    expect(objects.filter((o) => /Ingress|Route|Gateway/.test(o.kind)).map((o) => o.kind)).toEqual([
      'Ingress',
    ]);
  });

  it('the cache rolls surge-first; its exporter survives varnishstat failures and never gates readiness', () => {
    expect(cache.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(container(cache, 'exporter').args).toContain('-no-exit');
    expect(container(cache, 'exporter').readinessProbe).toBeUndefined();
  });

  it('a new cache pod turns ready only once warmed, within its startup budget', () => {
    const warmer = container(cache, 'warmer');
    expect(warmer.command).toEqual(['/usr/local/bin/warm', '--stay']);
    expect(warmer.readinessProbe.exec.command).toEqual(['test', '-f', '/tmp/warm.done']);
    const config = findGenerated(objects, 'ConfigMap', 'tilestack-cache-config').data;
    expect(config.WARM_TILESETS.split(',').length).toBeGreaterThan(0);
    const startup = warmer.startupProbe.periodSeconds * warmer.startupProbe.failureThreshold;
    expect(Number(config.WARM_SECONDS)).toBeLessThan(startup);
  });

  it('voluntary disruptions: the cache PDB and safe-to-evict hold the only pod; the API loses one at a time', () => {
    const cachePdb = find(objects, 'PodDisruptionBudget', 'tilestack-cache').spec;
    expect(cachePdb.minAvailable).toBe(cache.spec.replicas);
    expect(selects(cachePdb.selector, labelsOf(objects, 'tilestack-cache'))).toBe(true);
    expect(cache.spec.template.metadata.annotations).toMatchObject({
      'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
    });
    const apiPdb = find(objects, 'PodDisruptionBudget', 'tilestack-api').spec;
    expect(apiPdb.maxUnavailable).toBe(1);
    expect(selects(apiPdb.selector, labelsOf(objects, 'tilestack-api'))).toBe(true);
    const spread = api.spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: K8sObject) => c.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    for (const c of spread) expect(selects(c.labelSelector, labelsOf(objects, 'tilestack-api'))).toBe(true);
  });

  it('termination grace covers the preStop pause plus the API shutdown budget, and the LB drain', () => {
    const config = findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data;
    const pod = api.spec.template.spec;
    const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds;
    expect(preStop).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
      preStop + Number(config.SHUTDOWN_TIMEOUT_MS) / 1000,
    );
    expect(Number(config.SHUTDOWN_DRAIN_MS)).toBeLessThan(Number(config.SHUTDOWN_TIMEOUT_MS));
    const backend = find(objects, 'BackendConfig', 'tilestack-cache').spec;
    const cachePreStop = cache.spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds;
    expect(cachePreStop).toBeGreaterThan(backend.connectionDraining.drainingTimeoutSec);
    expect(cache.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(cachePreStop);
  });

  it('the load balancer health-checks the cache on its own health endpoint and port', () => {
    const backend = find(objects, 'BackendConfig', 'tilestack-cache').spec;
    const varnish = container(cache, 'varnish');
    expect(backend.healthCheck).toMatchObject({ type: 'HTTP', requestPath: '/_cache/health' });
    expect(varnish.ports[0].containerPort).toBe(backend.healthCheck.port);
    expect(varnish.readinessProbe.httpGet.path).toBe('/_cache/health');
    const annotations = find(objects, 'Service', 'tilestack-cache').metadata.annotations;
    expect(JSON.parse(annotations?.['cloud.google.com/backend-config'] ?? '{}')).toEqual({
      default: 'tilestack-cache',
    });
  });

  it("Varnish's storage and in-memory workdir fit in its memory limit; dev runs smaller pods than prod", () => {
    const pod = cache.spec.template.spec;
    const size = bytes(findGenerated(objects, 'ConfigMap', 'tilestack-cache-config').data.VARNISH_SIZE);
    const workdir = bytes(pod.volumes.find((v: K8sObject) => v.name === 'workdir').emptyDir.sizeLimit);
    expect(size + workdir).toBeLessThanOrEqual(bytes(pod.containers[0].resources.limits.memory) * 0.75);
    for (const name of ['tilestack-api', 'tilestack-cache']) {
      const resources = (o: K8sObject[]) =>
        find(o, 'Deployment', name).spec.template.spec.containers[0].resources;
      if (env !== 'dev') expect(resources(objects)).toEqual(resources(renderOnce('prod')));
      else
        expect(bytes(resources(objects).limits.memory)).toBeLessThan(
          bytes(resources(renderOnce('prod')).limits.memory),
        );
    }
  });

  it('its configuration is accepted by the API, reads its own stable copy and uses one hostname', () => {
    const data = findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data as Record<string, string>;
    const config = loadConfig(data) as Record<string, unknown>;
    expect(config.DATA_SOURCE).toBe('bigquery');
    for (const key of Object.keys(data)) expect(config, `unknown API setting ${key}`).toHaveProperty(key);
    const project = data.BIGQUERY_BILLING_PROJECT;
    expect(data.BIGQUERY_ALLOWED_DATASETS?.split(',')).toEqual([
      'carto-demo-data.demo_tilesets',
      'carto-demo-data.demo_tables',
      `${project}.tilestack_stable`,
    ]);
    const [hostname] = find(objects, 'ManagedCertificate', 'tilestack').spec.domains;
    expect(find(objects, 'Ingress', 'tilestack').spec.rules[0].host).toBe(hostname);
    expect(data.PUBLIC_BASE_URL).toBe(`https://${hostname}`);
  });

  it('pods reference the hash-suffixed ConfigMaps, so a change rolls them', () => {
    const name = (n: string) => findGenerated(objects, 'ConfigMap', n).metadata.name;
    expect(api.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(
      name('tilestack-api-config'),
    );
    for (const c of cache.spec.template.spec.containers)
      expect(c.envFrom[0].configMapRef.name).toBe(name('tilestack-cache-config'));
  });

  it.each([
    ['tilestack-api', 'api', 3000],
    ['tilestack-cache', 'exporter', 9131],
  ])('PodMonitoring %s scrapes /metrics of the %s container (port %i)', (name, containerName, port) => {
    const { spec } = find(objects, 'PodMonitoring', name);
    expect(selects(spec.selector, labelsOf(objects, name))).toBe(true);
    expect(spec.endpoints).toHaveLength(1);
    expect(spec.endpoints[0].path).toBe('/metrics');
    const named = container(find(objects, 'Deployment', name), containerName).ports.find(
      (p: K8sObject) => p.name === spec.endpoints[0].port,
    );
    expect(named?.containerPort).toBe(port);
  });
});

describe('the checks catch doctored manifests', () => {
  const api = find(renderOnce('prod'), 'Deployment', 'tilestack-api');
  const withImage = (image: string) => doctor(api, 'spec.template.spec.containers.0.image', image);
  const digest = `sha256:${'ab12'.repeat(16)}`;

  it.each([
    'europe-docker.pkg.dev/p/tilestack/api:latest',
    'europe-docker.pkg.dev/p/tilestack/api:1.4.2',
    'europe-docker.pkg.dev/p/tilestack/api',
    'localhost:5000/tilestack/api',
    `europe-docker.pkg.dev/p/tilestack/api:1.4.2@${digest}`,
    'europe-docker.pkg.dev/p/tilestack/api@sha256:abc',
  ])('refuses the image %s', (image) => {
    expect(checkImages([withImage(image)])).toEqual([
      expect.stringMatching(/container api.*not pinned by digest/),
    ]);
  });

  it('accepts a digest reference, also from a registry with a port; CD refuses the placeholder', () => {
    expect(checkImages([withImage(`europe-docker.pkg.dev/p/tilestack/api@${digest}`)])).toEqual([]);
    expect(checkImages([withImage(`localhost:5000/tilestack/api@${digest}`)])).toEqual([]);
    expect(checkImages([withImage(`x/api@${placeholderDigest}`)], { requireRealDigest: true })).toEqual([
      expect.stringMatching(/placeholder digest/),
    ]);
    const init = doctor(api, 'spec.template.spec.initContainers', [
      { name: 'migrate', image: 'busybox:latest' },
    ]);
    expect(checkImages([init])).toEqual([expect.stringMatching(/container migrate.*busybox:latest/)]);
  });

  it.each([
    ['no livenessProbe', 'containers.0.livenessProbe', undefined],
    ['no startupProbe', 'containers.0.startupProbe', undefined],
    ['no cpu and memory requests and limits', 'containers.0.resources.limits.memory', undefined],
    ['may run as root', 'containers.0.securityContext.runAsNonRoot', false],
    ['may run as root', 'containers.0.securityContext.runAsUser', 0],
    ['root filesystem is writable', 'containers.0.securityContext.readOnlyRootFilesystem', false],
    ['may escalate privileges', 'containers.0.securityContext.allowPrivilegeEscalation', undefined],
    ['capabilities not all dropped', 'containers.0.securityContext.capabilities.add', ['NET_ADMIN']],
    [
      'seccompProfile is not RuntimeDefault',
      'containers.0.securityContext.seccompProfile.type',
      'Unconfined',
    ],
    ['uses a host namespace or path', 'hostNetwork', true],
  ])('reports %s (%s: %s)', (problem, path, value) => {
    const weakened = doctor(api, `spec.template.spec.${path}`, value);
    expect(checkContainers([weakened])).toEqual([expect.stringContaining(problem)]);
  });
});

// Kubernetes quantities (Mi, Gi) and varnishd sizes (M, G: binary multiples) in bytes.
function bytes(value: string): number {
  const [, amount = '', unit = ''] = /^([0-9.]+)([KMG]?)i?$/.exec(value) ?? [];
  if (!amount) throw new Error(`unknown size ${value}`);
  return Number(amount) * 1024 ** ' KMG'.indexOf(unit || ' ');
}

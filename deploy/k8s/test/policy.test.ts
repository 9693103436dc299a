import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../api/src/config.js';
import { check } from '../src/check.js';
import { type Environment, environments, type K8sObject, repoRoot } from '../src/render.js';
import { at, renderOnce } from './support.js';

const [API, CACHE] = ['Deployment/tilestack-api', 'Deployment/tilestack-cache'];
const [INGRESS, LB] = ['Ingress/tilestack', 'BackendConfig/tilestack-cache'];
const [POD, C] = ['spec.template.spec', 'spec.template.spec.containers'];
const surgeFirst = { maxSurge: 1, maxUnavailable: 0 };
const has = (fields: object) => expect.objectContaining(fields);
const file = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
// Kubernetes quantities (Mi, Gi) and varnishd sizes (M, G: binary multiples) in bytes.
const bytes = (size: string) =>
  Number.parseFloat(size) * 1024 ** ' KMG'.indexOf(size.replace(/[\d.i]/g, '') || ' ');
const memory = (o: K8sObject[], d: string) => bytes(at(o, d, `${C}.0.resources.limits.memory`));

/** [object, path, value] that every overlay renders. */
const values = (env: Environment): [string, string, unknown][] => [
  ['Namespace/tilestack', 'metadata.labels[pod-security.kubernetes.io/enforce]', 'restricted'],
  [API, 'spec.replicas', env === 'dev' ? 2 : 5],
  [CACHE, 'spec.replicas', 1],
  [API, 'spec.strategy.rollingUpdate', surgeFirst],
  [CACHE, 'spec.strategy.rollingUpdate', surgeFirst],
  [API, `${C}.api.readinessProbe.httpGet.path`, '/readyz'],
  [CACHE, `${C}.varnish.readinessProbe.httpGet.path`, '/_cache/health'],
  [CACHE, `${C}.exporter.readinessProbe`, undefined],
  [CACHE, `${C}.exporter.args`, expect.arrayContaining(['-no-exit'])],
  [CACHE, `${C}.warmer.command`, ['/usr/local/bin/warm', '--stay']],
  [CACHE, `${C}.warmer.readinessProbe.exec.command`, ['test', '-f', '/tmp/warm.done']],
  ['PodDisruptionBudget/tilestack-cache', 'spec.minAvailable', 1],
  [CACHE, 'spec.template.metadata.annotations[cluster-autoscaler.kubernetes.io/safe-to-evict]', 'false'],
  ['PodDisruptionBudget/tilestack-api', 'spec.maxUnavailable', 1],
  [API, `${POD}.topologySpreadConstraints.0.topologyKey`, 'topology.kubernetes.io/zone'],
  [API, `${POD}.topologySpreadConstraints.1.topologyKey`, 'kubernetes.io/hostname'],
  ['Service/tilestack-api', 'spec.type', 'ClusterIP'],
  ['Service/tilestack-api', 'metadata.annotations', undefined],
  ['Service/tilestack-cache', 'metadata.annotations[cloud.google.com/neg]', '{"ingress": true}'],
  [INGRESS, 'metadata.annotations[kubernetes.io/ingress.global-static-ip-name]', `tilestack-${env}-ip`],
  [INGRESS, 'spec.defaultBackend', undefined],
  [INGRESS, 'spec.rules.length', 1],
  [INGRESS, 'spec.rules.0.http.paths.length', 1],
  [INGRESS, 'spec.rules.0.http.paths.0.backend.service', { name: 'tilestack-cache', port: { name: 'http' } }],
  [LB, 'spec.securityPolicy.name', `tilestack-${env}-edge`],
  [LB, 'spec.healthCheck', has({ type: 'HTTP', requestPath: '/_cache/health', port: 8080 })],
  [
    'Service/tilestack-cache',
    'metadata.annotations[cloud.google.com/backend-config]',
    '{"default": "tilestack-cache"}',
  ],
  [CACHE, `${C}.varnish.ports.http.containerPort`, 8080],
  [CACHE, `${C}.varnish.volumeMounts.vcl`, has({ mountPath: '/etc/varnish', readOnly: true })],
  ['PodMonitoring/tilestack-api', 'spec.endpoints', [has({ port: 'http', path: '/metrics' })]],
  [API, `${C}.api.ports.http.containerPort`, 3000],
  ['PodMonitoring/tilestack-cache', 'spec.endpoints', [has({ port: 'metrics', path: '/metrics' })]],
  [CACHE, `${C}.exporter.ports.metrics.containerPort`, 9131],
];

describe.each(environments)('overlays/%s', (env) => {
  const o = renderOnce(env);
  const $ = (ref: string, path = '') => at(o, ref, path);

  it.each(values(env))('%s: %s', (ref, path, value) => expect($(ref, path)).toEqual(value));

  it('passes the CD gate (schemas, probes, resources, restricted security, digests) but for the placeholders', async () => {
    expect(await check(o, { requireRealDigest: true })).toEqual(
      Array(4).fill(expect.stringMatching(/placeholder/)),
    );
  });

  it('all in namespace tilestack, every name filled by components/environment, one public route', () => {
    expect(o.filter((x) => x.metadata.namespace !== 'tilestack').map((x) => x.kind)).toEqual(['Namespace']);
    expect(JSON.stringify(o)).not.toMatch(/tilestack-ENV-|HOSTNAME|GSA_EMAIL/);
    expect(o.filter((x) => /Ingress|Route|Gateway/.test(x.kind)).length).toBe(1);
  });

  it("PDBs, spread constraints and PodMonitorings select their Deployment's pods", () => {
    const spread = $(API, `${POD}.topologySpreadConstraints`).map((c: K8sObject) => [
      'tilestack-api',
      c.labelSelector,
    ]);
    const selectors = o
      .filter((x) => /Pod(DisruptionBudget|Monitoring)/.test(x.kind))
      .map((x) => [x.metadata.name, x.spec.selector]);
    for (const [name, { matchLabels }] of [...selectors, ...spread])
      expect($(`Deployment/${name}`, 'spec.template.metadata.labels')).toMatchObject(matchLabels);
  });

  it('warms a new cache pod within its startup budget', () => {
    const { WARM_TILESETS, WARM_SECONDS } = $('ConfigMap/tilestack-cache-config', 'data');
    const { periodSeconds, failureThreshold } = $(CACHE, `${C}.warmer.startupProbe`);
    expect([WARM_TILESETS.length > 0, WARM_SECONDS < periodSeconds * failureThreshold]).toEqual([true, true]);
  });

  it('grants grace for the preStop pause plus the API shutdown budget; the cache outlasts the LB drain', () => {
    const { SHUTDOWN_DRAIN_MS, SHUTDOWN_TIMEOUT_MS } = $('ConfigMap/tilestack-api-config', 'data');
    const [api, cache] = [API, CACHE].map((d) => $(d, POD));
    const [apiStop, cacheStop] = [api, cache].map((pod) => pod.containers[0].lifecycle.preStop.sleep.seconds);
    const drain = $(LB, 'spec.connectionDraining.drainingTimeoutSec');
    expect(api.terminationGracePeriodSeconds).toBeGreaterThan(apiStop + SHUTDOWN_TIMEOUT_MS / 1000);
    expect([apiStop > 0, Number(SHUTDOWN_DRAIN_MS) < Number(SHUTDOWN_TIMEOUT_MS)]).toEqual([true, true]);
    expect([drain < cacheStop, cacheStop < cache.terminationGracePeriodSeconds]).toEqual([true, true]);
  });

  it("fits Varnish's storage and in-memory workdir in 3/4 of its memory; dev runs smaller pods than prod", () => {
    const storage = bytes($('ConfigMap/tilestack-cache-config', 'data.VARNISH_SIZE'));
    const workdir = bytes($(CACHE, `${POD}.volumes.workdir.emptyDir.sizeLimit`));
    expect(storage + workdir).toBeLessThanOrEqual(memory(o, CACHE) * 0.75);
    const smaller = [API, CACHE].map((d) => Math.sign(memory(o, d) - memory(renderOnce('prod'), d)));
    expect(smaller).toEqual(Array(2).fill(env === 'dev' ? -1 : 0));
  });

  it('gives the API a configuration it accepts, reading its own stable copy and using one hostname', () => {
    const data = $('ConfigMap/tilestack-api-config', 'data');
    const config = loadConfig(data);
    expect([config.DATA_SOURCE, Object.keys(data).filter((key) => !(key in config))]).toEqual([
      'bigquery',
      [],
    ]);
    const stable = `${data.BIGQUERY_BILLING_PROJECT}.tilestack_stable`;
    expect(data.BIGQUERY_ALLOWED_DATASETS.split(',')).toEqual([
      'carto-demo-data.demo_tilesets',
      'carto-demo-data.demo_tables',
      stable,
    ]);
    const [hostname] = $('ManagedCertificate/tilestack', 'spec.domains');
    expect([$(INGRESS, 'spec.rules.0.host'), data.PUBLIC_BASE_URL]).toEqual([
      hostname,
      `https://${hostname}`,
    ]);
  });

  it('mounts hash-named ConfigMaps; the VCL is cache/default.vcl and its include, byte for byte', () => {
    const name = (configMap: string) => $(`ConfigMap/tilestack-${configMap}`, 'metadata.name');
    const refs = [API, CACHE].flatMap((d) => $(d, C).map((c: K8sObject) => c.envFrom[0].configMapRef.name));
    expect(refs).toEqual(['api-config', ...Array(3).fill('cache-config')].map(name));
    const sources = $(CACHE, `${POD}.volumes.vcl.projected.sources`).map((s: K8sObject) => s.configMap);
    const source = (configMap: string, key: string) => ({
      name: name(configMap),
      items: [{ key, path: key }],
    });
    expect(sources).toEqual([
      source('cache-vcl', 'default.vcl'),
      source('cache-environment', 'environment.vcl'),
    ]);
    expect($('ConfigMap/tilestack-cache-vcl', 'data')['default.vcl']).toBe(file('cache/default.vcl'));
    const include = $('ConfigMap/tilestack-cache-environment', 'data')['environment.vcl'];
    expect(include).toBe(file('deploy/k8s/base/cache/environment.vcl'));
  });
});

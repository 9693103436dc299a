import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tilestack/api/config';
import { describe, expect, it } from 'vitest';
import { check } from '../src/check.js';
import { type Environment, environments, type K8sObject, repoRoot } from '../src/render.js';
import { at, renderOnce } from './support.js';

const [API, CACHE] = ['Deployment/tilestack-api', 'Deployment/tilestack-cache'];
const [INGRESS, LB] = ['Ingress/tilestack', 'BackendConfig/tilestack-cache'];
const [API_CONFIG, CACHE_CONFIG] = ['ConfigMap/tilestack-api-config', 'ConfigMap/tilestack-cache-config'];
const [POD, C] = ['spec.template.spec', 'spec.template.spec.containers'];
const SPREAD = `${POD}.topologySpreadConstraints`;
const [SERVICE, LABELS] = ['Service/tilestack-cache', 'spec.template.metadata.labels'];
const surgeFirst = { maxSurge: 1, maxUnavailable: 0 };
const has = (fields: object) => expect.objectContaining(fields);
const isMatch = (object: object, subset: object) =>
  Object.entries(subset).every(([k, v]) => object[k as keyof object] === v);
const satisfies = <T>(holds: (value: T) => boolean) => expect.toSatisfy(holds);
const file = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
// Kubernetes quantities (Mi, Gi) and varnishd sizes (M, G: binary multiples) in bytes.
const bytes = (size: string) =>
  Number.parseFloat(size) * 1024 ** ' KMG'.indexOf(size.replace(/[\d.i]/g, '') || ' ');
const memory = (o: K8sObject[], d: string) => bytes(at(o, d, `${C}.0.resources.limits.memory`));

/** [object, path, value] that every overlay renders; `$` reads the overlay for values that must agree. */
// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
function values(env: Environment, $: (ref: string, path?: string) => any): [string, string, unknown][] {
  const name = (configMap: string) => $(`ConfigMap/tilestack-${configMap}`, 'metadata.name');
  const vcl = (configMap: string, key: string) => ({ name: name(configMap), items: [{ key, path: key }] });
  // A selector of the Deployment's pods: labels they all carry.
  const pods = (d: string) => (labels: object) =>
    isMatch($(d, LABELS), labels) && Object.keys(labels).length > 0;
  const above = (n: number) => (value: string | number) => Number(value) > n;
  const below = (n: number) => (value: string | number) => Number(value) < n;
  const timeout = $(API_CONFIG, 'data.SHUTDOWN_TIMEOUT_MS');
  const warmer = $(CACHE, `${C}.warmer.startupProbe`);
  const [apiStop, cacheStop] = [API, CACHE].map((d) => $(d, `${C}.0.lifecycle.preStop.sleep.seconds`));
  const [hostname] = $('ManagedCertificate/tilestack', 'spec.domains');
  const project = $(API_CONFIG, 'data.BIGQUERY_BILLING_PROJECT');
  const datasets = `carto-demo-data.demo_tilesets,carto-demo-data.demo_tables,${project}.tilestack_stable`;
  const backend = { service: { name: 'tilestack-cache', port: { name: 'http' } } };
  return [
    ['Namespace/tilestack', 'metadata.labels[pod-security.kubernetes.io/enforce]', 'restricted'],
    [API, 'spec', has({ replicas: env === 'dev' ? 2 : 5, strategy: has({ rollingUpdate: surgeFirst }) })],
    [CACHE, 'spec', has({ replicas: 1, strategy: has({ rollingUpdate: surgeFirst }) })],
    [API, `${C}.api.readinessProbe.httpGet.path`, '/readyz'],
    [CACHE, `${C}.varnish.readinessProbe.httpGet.path`, '/_cache/health'],
    [CACHE, `${C}.exporter.readinessProbe`, undefined],
    [CACHE, `${C}.exporter.args`, expect.arrayContaining(['-no-exit'])],
    [CACHE, `${C}.warmer.command`, ['/usr/local/bin/warm', '--stay']],
    [CACHE, `${C}.warmer.readinessProbe.exec.command`, ['test', '-f', '/tmp/warm.done']],
    [CACHE_CONFIG, 'data.WARM_TILESETS', expect.stringMatching(/./)],
    ['PodDisruptionBudget/tilestack-cache', 'spec.minAvailable', 1],
    [CACHE, 'spec.template.metadata.annotations[cluster-autoscaler.kubernetes.io/safe-to-evict]', 'false'],
    ['PodDisruptionBudget/tilestack-api', 'spec.maxUnavailable', 1],
    [API, `${SPREAD}.0.topologyKey`, 'topology.kubernetes.io/zone'],
    [API, `${SPREAD}.1.topologyKey`, 'kubernetes.io/hostname'],
    [API, `${SPREAD}.0.labelSelector.matchLabels`, satisfies(pods(API))],
    [API, `${SPREAD}.1.labelSelector.matchLabels`, satisfies(pods(API))],
    ['PodDisruptionBudget/tilestack-api', 'spec.selector.matchLabels', satisfies(pods(API))],
    ['PodDisruptionBudget/tilestack-cache', 'spec.selector.matchLabels', satisfies(pods(CACHE))],
    ['PodMonitoring/tilestack-api', 'spec.selector.matchLabels', satisfies(pods(API))],
    ['PodMonitoring/tilestack-cache', 'spec.selector.matchLabels', satisfies(pods(CACHE))],
    [CACHE_CONFIG, 'data.WARM_SECONDS', satisfies(below(warmer.periodSeconds * warmer.failureThreshold))],
    [API, `${C}.0.lifecycle.preStop.sleep.seconds`, satisfies(above(0))],
    [API, `${POD}.terminationGracePeriodSeconds`, satisfies(above(apiStop + timeout / 1000))],
    [API_CONFIG, 'data.SHUTDOWN_DRAIN_MS', satisfies(below(timeout))],
    [LB, 'spec.connectionDraining.drainingTimeoutSec', satisfies(below(cacheStop))],
    [CACHE, `${POD}.terminationGracePeriodSeconds`, satisfies(above(cacheStop))],
    ['Service/tilestack-api', 'spec.type', 'ClusterIP'],
    ['Service/tilestack-api', 'metadata.annotations', undefined],
    [SERVICE, 'metadata.annotations[cloud.google.com/neg]', '{"ingress": true}'],
    [SERVICE, 'metadata.annotations[cloud.google.com/backend-config]', '{"default": "tilestack-cache"}'],
    [INGRESS, 'metadata.annotations[kubernetes.io/ingress.global-static-ip-name]', `tilestack-${env}-ip`],
    [INGRESS, 'spec.defaultBackend', undefined],
    [INGRESS, 'spec.rules', [{ host: hostname, http: { paths: [has({ backend })] } }]],
    [LB, 'spec.securityPolicy.name', `tilestack-${env}-edge`],
    [LB, 'spec.healthCheck', has({ type: 'HTTP', requestPath: '/_cache/health', port: 8080 })],
    [CACHE, `${C}.varnish.ports.http.containerPort`, 8080],
    ['PodMonitoring/tilestack-api', 'spec.endpoints', [has({ port: 'http', path: '/metrics' })]],
    [API, `${C}.api.ports.http.containerPort`, 3000],
    ['PodMonitoring/tilestack-cache', 'spec.endpoints', [has({ port: 'metrics', path: '/metrics' })]],
    [CACHE, `${C}.exporter.ports.metrics.containerPort`, 9131],
    [API, `${C}.api.envFrom.0.configMapRef.name`, name('api-config')],
    [CACHE, `${C}.varnish.envFrom.0.configMapRef.name`, name('cache-config')],
    [CACHE, `${C}.exporter.envFrom.0.configMapRef.name`, name('cache-config')],
    [CACHE, `${C}.warmer.envFrom.0.configMapRef.name`, name('cache-config')],
    [CACHE, `${C}.varnish.volumeMounts.vcl`, has({ mountPath: '/etc/varnish', readOnly: true })],
    [CACHE, `${POD}.volumes.vcl.projected.sources.0.configMap`, vcl('cache-vcl', 'default.vcl')],
    [CACHE, `${POD}.volumes.vcl.projected.sources.1.configMap`, vcl('cache-environment', 'environment.vcl')],
    ['ConfigMap/tilestack-cache-vcl', 'data[default.vcl]', file('cache/default.vcl')],
    [
      'ConfigMap/tilestack-cache-environment',
      'data[environment.vcl]',
      file('deploy/k8s/base/cache/environment.vcl'),
    ],
    [API_CONFIG, 'data.PUBLIC_BASE_URL', `https://${hostname}`],
    [API_CONFIG, 'data.BIGQUERY_ALLOWED_DATASETS', datasets],
  ];
}

describe.each(environments)('overlays/%s', (env) => {
  const o = renderOnce(env);
  const $ = (ref: string, path = '') => at(o, ref, path);

  it.each(values(env, $))('%s: %s', (ref, path, value) => expect($(ref, path)).toEqual(value));

  it('passes the CD gate (schemas, probes, resources, security, digests) but for its placeholder digests', async () => {
    const placeholders = Array(4).fill(expect.stringMatching(/placeholder digest/));
    expect(await check(o, { requireRealDigest: true })).toEqual(placeholders);
  });

  it('all in namespace tilestack, every name filled by components/environment, one public route', () => {
    expect(o.filter((x) => x.metadata.namespace !== 'tilestack').map((x) => x.kind)).toEqual(['Namespace']);
    expect(JSON.stringify(o)).not.toMatch(/tilestack-ENV-|HOSTNAME|GSA_EMAIL/);
    expect(o.filter((x) => /Ingress|Route|Gateway/.test(x.kind)).length).toBe(1);
  });

  it("fits Varnish's storage and in-memory workdir in 3/4 of its memory; dev runs smaller pods than prod", () => {
    const storage = bytes($(CACHE_CONFIG, 'data.VARNISH_SIZE'));
    const workdir = bytes($(CACHE, `${POD}.volumes.workdir.emptyDir.sizeLimit`));
    expect(storage + workdir).toBeLessThanOrEqual(memory(o, CACHE) * 0.75);
    const smaller = [API, CACHE].map((d) => Math.sign(memory(o, d) - memory(renderOnce('prod'), d)));
    expect(smaller).toEqual(Array(2).fill(env === 'dev' ? -1 : 0));
  });

  it('gives the API a configuration it accepts, all of it', () => {
    const data = $(API_CONFIG, 'data');
    const config = loadConfig(data);
    const unknown = Object.keys(data).filter((key) => !(key in config));
    expect([config.DATA_SOURCE, unknown]).toEqual(['bigquery', []]);
  });
});

// varnishd is on every machine that runs the cache's tests (.ci/run installs Debian's varnish).
it('the VCL Kubernetes mounts compiles with varnishd: cache/default.vcl including base/cache/environment.vcl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-vcl-'));
  // Run as root, varnishd compiles as its own unprivileged user, which must be able to read the files.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'default.vcl'), file('cache/default.vcl'));
  // The compiler resolves backend hosts; the Service name only resolves inside the cluster.
  const include = file('deploy/k8s/base/cache/environment.vcl').replace('"tilestack-api"', '"127.0.0.1"');
  writeFileSync(join(dir, 'environment.vcl'), include);
  const args = ['-C', '-n', join(dir, 'work'), '-p', `vcl_path=${dir}`, '-f', join(dir, 'default.vcl')];
  const run = spawnSync('varnishd', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  rmSync(dir, { recursive: true, force: true });
  if (run.error) throw new Error("varnishd not found: install Debian's varnish (apt-get install varnish)");
  // On failure VCC's message comes first on stderr; on success stderr holds the generated C.
  expect(run.status, run.stderr.slice(0, 2000)).toBe(0);
});

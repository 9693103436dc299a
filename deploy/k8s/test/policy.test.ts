import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../api/src/config.js';
import { containersOf, find, findGenerated, type K8sObject, selects, workloads } from '../src/manifest.js';
import { checkApiIsPrivate, checkContainers, checkImages, placeholderDigest } from '../src/policy.js';
import { environments } from '../src/render.js';
import { doctor, renderOnce } from './support.js';

const apiLabels = (objects: K8sObject[]) =>
  find(objects, 'Deployment', 'tilestack-api').spec.template.metadata.labels;

describe('replica counts', () => {
  it.each(['staging', 'prod'] as const)('%s runs exactly 5 API replicas and 1 cache replica', (env) => {
    const objects = renderOnce(env);
    expect(find(objects, 'Deployment', 'tilestack-api').spec.replicas).toBe(5);
    expect(find(objects, 'Deployment', 'tilestack-cache').spec.replicas).toBe(1);
  });

  it('dev runs fewer API replicas (at least 2, so rollouts and the PDB still mean something) and 1 cache', () => {
    const objects = renderOnce('dev');
    const api = find(objects, 'Deployment', 'tilestack-api').spec.replicas;
    expect(api).toBeGreaterThanOrEqual(2);
    expect(api).toBeLessThan(5);
    expect(find(objects, 'Deployment', 'tilestack-cache').spec.replicas).toBe(1);
  });
});

describe.each(environments)('overlays/%s: containers', (env) => {
  it('every container has probes, requests/limits and a restricted security context', () => {
    expect(checkContainers(renderOnce(env))).toEqual([]);
  });

  it('every image is a digest reference (the placeholder until CD sets the real one)', () => {
    const objects = renderOnce(env);
    expect(checkImages(objects)).toEqual([]);
    const images = workloads(objects).flatMap(({ spec }) => containersOf(spec).map((c) => c.image));
    expect(images).toEqual([
      `REGION-docker.pkg.dev/PROJECT/tilestack/api@${placeholderDigest}`,
      ...Array(3).fill(`REGION-docker.pkg.dev/PROJECT/tilestack/cache@${placeholderDigest}`),
    ]);
  });

  it('the namespace enforces the restricted Pod Security Standard', () => {
    expect(find(renderOnce(env), 'Namespace', 'tilestack').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });
});

describe('image check (doctored manifests)', () => {
  const api = find(renderOnce('prod'), 'Deployment', 'tilestack-api');
  const withImage = (image: string) =>
    doctor(api, (d) => {
      d.spec.template.spec.containers[0].image = image;
    });
  const digest = `sha256:${'ab12'.repeat(16)}`;

  it.each([
    ['europe-docker.pkg.dev/p/tilestack/api:latest', /tag :latest/],
    ['europe-docker.pkg.dev/p/tilestack/api:1.4.2', /tag :1.4.2/],
    ['europe-docker.pkg.dev/p/tilestack/api', /no tag \(= :latest\)/],
    ['tilestack-api', /no tag/],
    ['localhost:5000/tilestack/api', /no tag/],
    [`europe-docker.pkg.dev/p/tilestack/api:1.4.2@${digest}`, /a tag next to the digest/],
    ['europe-docker.pkg.dev/p/tilestack/api@sha256:abc', /a malformed digest/],
  ])('refuses %s', (image, reason) => {
    const problems = checkImages([withImage(image)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(reason);
  });

  it('accepts a digest reference, also from a registry with a port', () => {
    expect(checkImages([withImage(`europe-docker.pkg.dev/p/tilestack/api@${digest}`)])).toEqual([]);
    expect(checkImages([withImage(`localhost:5000/tilestack/api@${digest}`)])).toEqual([]);
  });

  it('refuses the placeholder digest when CD asks for the real one', () => {
    expect(checkImages([withImage(`x/api@${placeholderDigest}`)], { requireRealDigest: true })).toEqual([
      expect.stringMatching(/placeholder digest/),
    ]);
  });

  it('looks at init containers too', () => {
    const withInit = doctor(api, (d) => {
      d.spec.template.spec.initContainers = [{ name: 'migrate', image: 'busybox:latest' }];
    });
    expect(checkImages([withInit])).toEqual([expect.stringMatching(/container migrate.*:latest/)]);
  });
});

describe('container check (doctored manifests)', () => {
  const cache = find(renderOnce('prod'), 'Deployment', 'tilestack-cache');

  it('reports each missing protection', () => {
    const weakened = doctor(cache, (d) => {
      const exporter = d.spec.template.spec.containers[1];
      delete exporter.startupProbe;
      delete exporter.resources.limits.memory;
      exporter.securityContext.readOnlyRootFilesystem = false;
      exporter.securityContext.capabilities = { add: ['NET_ADMIN'] };
      delete exporter.securityContext.allowPrivilegeEscalation;
      d.spec.template.spec.securityContext.runAsNonRoot = false;
      delete exporter.securityContext.runAsNonRoot;
    });
    expect(checkContainers([weakened])).toEqual([
      expect.stringMatching(/exporter: no startupProbe/),
      expect.stringMatching(/exporter: no memory limit/),
      expect.stringMatching(/exporter: runAsNonRoot is not true/),
      expect.stringMatching(/exporter: root filesystem is writable/),
      expect.stringMatching(/exporter: allowPrivilegeEscalation is not false/),
      expect.stringMatching(/exporter: capabilities not dropped/),
      expect.stringMatching(/exporter: adds capabilities/),
    ]);
  });

  it('wants a readiness probe exactly where a Service sends traffic', () => {
    const objects = renderOnce('prod');
    const unready = doctor(cache, (d) => {
      delete d.spec.template.spec.containers[0].readinessProbe;
    });
    const rest = objects.filter((o) => o.kind === 'Service');
    expect(checkContainers([unready, ...rest])).toEqual([
      expect.stringMatching(/container varnish: a Service sends it traffic but it has no readinessProbe/),
    ]);
    expect(checkContainers([cache, ...rest])).toEqual([]);
  });
});

describe.each(environments)('overlays/%s: the API is private', (env) => {
  it('its Service is a ClusterIP and nothing public routes to it', () => {
    const objects = renderOnce(env);
    expect(find(objects, 'Service', 'tilestack-api').spec.type).toBe('ClusterIP');
    expect(checkApiIsPrivate(objects, apiLabels(objects))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Service' && o.spec.type !== 'ClusterIP')).toEqual([]);
  });

  it('the public entry (Ingress) leads to the cache only', () => {
    const objects = renderOnce(env);
    const ingress = find(objects, 'Ingress', 'tilestack');
    const backends = ingress.spec.rules.flatMap((r: K8sObject) =>
      r.http.paths.map((p: K8sObject) => p.backend),
    );
    expect(backends).toEqual([{ service: { name: 'tilestack-cache', port: { name: 'http' } } }]);
    expect(ingress.spec.defaultBackend).toBeUndefined();
  });
});

describe('API privacy check (doctored manifests)', () => {
  const objects = renderOnce('prod');
  const apiService = find(objects, 'Service', 'tilestack-api');

  it('catches a LoadBalancer or NodePort Service in front of the API pods', () => {
    for (const type of ['LoadBalancer', 'NodePort']) {
      const exposed = doctor(apiService, (s) => {
        s.metadata.name = 'tilestack-api-public';
        s.spec.type = type;
      });
      expect(checkApiIsPrivate([...objects, exposed], apiLabels(objects))).toEqual([
        expect.stringMatching(new RegExp(`tilestack-api-public.*type ${type}`)),
      ]);
    }
  });

  it('catches an Ingress rule or a Gateway route to the API Service', () => {
    const ingress = doctor(find(objects, 'Ingress', 'tilestack'), (i) => {
      i.spec.rules[0].http.paths.push({
        path: '/maps',
        pathType: 'Prefix',
        backend: { service: { name: 'tilestack-api', port: { name: 'http' } } },
      });
    });
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'direct' },
      spec: { rules: [{ backendRefs: [{ name: 'tilestack-api', port: 80 }] }] },
    };
    const others = objects.filter((o) => o.kind !== 'Ingress');
    expect(checkApiIsPrivate([...others, ingress, route], apiLabels(objects))).toEqual([
      expect.stringMatching(/Ingress tilestack routes to tilestack-api/),
      expect.stringMatching(/HTTPRoute direct routes to tilestack-api/),
    ]);
  });

  it('catches a standalone NEG on the API Service', () => {
    const neg = doctor(apiService, (s) => {
      s.metadata.annotations = { 'cloud.google.com/neg': '{"exposed_ports": {"80": {}}}' };
    });
    const others = objects.filter((o) => o !== apiService);
    expect(checkApiIsPrivate([...others, neg], apiLabels(objects))).toEqual([
      expect.stringMatching(/standalone/),
    ]);
  });
});

describe.each(environments)('overlays/%s: availability', (env) => {
  const objects = renderOnce(env);
  const api = find(objects, 'Deployment', 'tilestack-api');
  const cache = find(objects, 'Deployment', 'tilestack-cache');

  it('the cache rolls by starting the new pod before stopping the old one', () => {
    expect(cache.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  it('the exporter survives varnishstat failures and never decides the cache pod is unready', () => {
    const exporter = cache.spec.template.spec.containers.find((c: K8sObject) => c.name === 'exporter');
    expect(exporter.args).toContain('-no-exit');
    expect(exporter.readinessProbe).toBeUndefined();
  });

  it('the new cache pod turns ready only once warmed, from the same settings as the cache', () => {
    const warmer = cache.spec.template.spec.containers.find((c: K8sObject) => c.name === 'warmer');
    expect(warmer.command).toEqual(['/usr/local/bin/warm', '--stay']);
    expect(warmer.readinessProbe.exec.command).toEqual(['test', '-f', '/tmp/warm.done']);
    const config = findGenerated(objects, 'ConfigMap', 'tilestack-cache-config').data;
    expect(config.WARM_TILESETS.split(',').length).toBeGreaterThan(0);
    // Warm-up budget inside the startup probe's, so a slow API never restarts the warmer.
    const startup = warmer.startupProbe.periodSeconds * warmer.startupProbe.failureThreshold;
    expect(Number(config.WARM_SECONDS)).toBeLessThan(startup);
  });

  it('voluntary evictions never take the only cache pod: a PDB and the Autopilot annotation', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'tilestack-cache');
    expect(pdb.spec.minAvailable).toBe(cache.spec.replicas);
    expect(selects(pdb.spec.selector, cache.spec.template.metadata.labels)).toBe(true);
    expect(cache.spec.template.metadata.annotations).toMatchObject({
      'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
    });
  });

  it('the API spreads over zones and nodes and keeps all but one replica through disruptions', () => {
    const spread = api.spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: K8sObject) => c.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    for (const constraint of spread) expect(selects(constraint.labelSelector, apiLabels(objects))).toBe(true);
    const pdb = find(objects, 'PodDisruptionBudget', 'tilestack-api');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(selects(pdb.spec.selector, apiLabels(objects))).toBe(true);
  });

  it('termination grace covers the preStop pause plus the API shutdown budget', () => {
    const config = findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data;
    const pod = api.spec.template.spec;
    const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds;
    expect(preStop).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
      preStop + Number(config.SHUTDOWN_TIMEOUT_MS) / 1000,
    );
    expect(Number(config.SHUTDOWN_DRAIN_MS)).toBeLessThan(Number(config.SHUTDOWN_TIMEOUT_MS));
    const cachePod = cache.spec.template.spec;
    const drain = find(objects, 'BackendConfig', 'tilestack-cache').spec.connectionDraining
      .drainingTimeoutSec;
    const cachePreStop = cachePod.containers[0].lifecycle.preStop.sleep.seconds;
    expect(cachePreStop).toBeGreaterThan(drain);
    expect(cachePod.terminationGracePeriodSeconds).toBeGreaterThan(cachePreStop);
  });

  it('the load balancer health-checks the cache on its own health endpoint and port', () => {
    const backend = find(objects, 'BackendConfig', 'tilestack-cache').spec;
    const varnish = cache.spec.template.spec.containers[0];
    expect(backend.healthCheck).toMatchObject({ type: 'HTTP', requestPath: '/_cache/health' });
    expect(varnish.ports[0].containerPort).toBe(backend.healthCheck.port);
    expect(varnish.readinessProbe.httpGet.path).toBe('/_cache/health');
    const service = find(objects, 'Service', 'tilestack-cache');
    expect(JSON.parse(service.metadata.annotations?.['cloud.google.com/backend-config'] ?? '{}')).toEqual({
      default: 'tilestack-cache',
    });
  });
});

// Kubernetes quantities (Mi, Gi) and varnishd sizes (M, G: binary multiples) in bytes.
const bytes = (value: string): number => {
  const [, amount = '', unit = ''] = /^([0-9.]+)([A-Za-z]*)$/.exec(value) ?? [];
  const factor: Record<string, number> = {
    '': 1,
    k: 2 ** 10,
    K: 2 ** 10,
    Ki: 2 ** 10,
    M: 2 ** 20,
    Mi: 2 ** 20,
    G: 2 ** 30,
    Gi: 2 ** 30,
  };
  if (!(unit in factor)) throw new Error(`unknown unit in ${value}`);
  return Number(amount) * (factor[unit] as number);
};

describe.each(environments)('overlays/%s: sizing', (env) => {
  const objects = renderOnce(env);

  it("Varnish's storage and in-memory workdir fit in its memory limit with room for overhead", () => {
    const pod = find(objects, 'Deployment', 'tilestack-cache').spec.template.spec;
    const size = bytes(findGenerated(objects, 'ConfigMap', 'tilestack-cache-config').data.VARNISH_SIZE);
    const workdir = bytes(pod.volumes.find((v: K8sObject) => v.name === 'workdir').emptyDir.sizeLimit);
    const limit = bytes(pod.containers[0].resources.limits.memory);
    expect(size + workdir).toBeLessThanOrEqual(limit * 0.75);
  });

  it(
    env === 'dev' ? 'dev runs smaller pods than production' : 'runs the production sizing of the base',
    () => {
      const resources = (name: string) =>
        find(objects, 'Deployment', name).spec.template.spec.containers[0].resources;
      const prod = renderOnce('prod');
      const prodResources = (name: string) =>
        find(prod, 'Deployment', name).spec.template.spec.containers[0].resources;
      for (const name of ['tilestack-api', 'tilestack-cache']) {
        if (env === 'dev') {
          expect(bytes(resources(name).limits.memory)).toBeLessThan(bytes(prodResources(name).limits.memory));
        } else {
          expect(resources(name)).toEqual(prodResources(name));
        }
      }
    },
  );
});

describe.each(environments)('overlays/%s: configuration', (env) => {
  const objects = renderOnce(env);
  const data = findGenerated(objects, 'ConfigMap', 'tilestack-api-config').data as Record<string, string>;
  const hostname = find(objects, 'ManagedCertificate', 'tilestack').spec.domains[0];

  it("is accepted by the API's own configuration parser (api/src/config.ts), key by key", () => {
    const config = loadConfig(data) as Record<string, unknown>;
    expect(config.DATA_SOURCE).toBe('bigquery');
    for (const key of Object.keys(data)) expect(config, `unknown API setting ${key}`).toHaveProperty(key);
  });

  it('bills its own project and may read the demo data and its stable copy only', () => {
    const project = data.BIGQUERY_BILLING_PROJECT;
    expect(data.BIGQUERY_ALLOWED_DATASETS?.split(',')).toEqual([
      'carto-demo-data.demo_tilesets',
      'carto-demo-data.demo_tables',
      `${project}.tilestack_stable`,
    ]);
    const account = find(objects, 'ServiceAccount', 'tilestack-api').metadata.annotations;
    expect(account?.['iam.gke.io/gcp-service-account']).toBe(
      `tilestack-api@${project}.iam.gserviceaccount.com`,
    );
  });

  it('uses one hostname for the certificate, the Ingress rule and the API’s public URLs', () => {
    expect(find(objects, 'Ingress', 'tilestack').spec.rules[0].host).toBe(hostname);
    expect(data.PUBLIC_BASE_URL).toBe(`https://${hostname}`);
  });

  it('pods reference the hash-suffixed ConfigMaps, so a change rolls them', () => {
    const api = find(objects, 'Deployment', 'tilestack-api').spec.template.spec;
    expect(api.containers[0].envFrom[0].configMapRef.name).toBe(
      findGenerated(objects, 'ConfigMap', 'tilestack-api-config').metadata.name,
    );
    const cache = find(objects, 'Deployment', 'tilestack-cache').spec.template.spec;
    const cacheConfig = findGenerated(objects, 'ConfigMap', 'tilestack-cache-config').metadata.name;
    for (const container of cache.containers)
      expect(container.envFrom[0].configMapRef.name).toBe(cacheConfig);
  });
});

describe.each(environments)('overlays/%s: monitoring (Managed Service for Prometheus)', (env) => {
  const objects = renderOnce(env);

  it.each([
    ['tilestack-api', 'api', 3000],
    ['tilestack-cache', 'exporter', 9131],
  ])('PodMonitoring %s scrapes /metrics of the %s container (port %i)', (name, containerName, port) => {
    const monitoring = find(objects, 'PodMonitoring', name);
    const deployment = find(objects, 'Deployment', name);
    expect(selects(monitoring.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    expect(monitoring.spec.endpoints).toHaveLength(1);
    const [endpoint] = monitoring.spec.endpoints;
    expect(endpoint.path).toBe('/metrics');
    const container = deployment.spec.template.spec.containers.find(
      (c: K8sObject) => c.name === containerName,
    );
    const named = container.ports.find((p: K8sObject) => p.name === endpoint.port);
    expect(named?.containerPort).toBe(port);
  });
});

import { describe, expect, it } from 'vitest';
import { find } from '../src/manifest.js';
import { environments, kubectlVersion, minKubectlMinor } from '../src/render.js';
import { validateAll, validateObject } from '../src/schema.js';
import { doctor, renderOnce } from './support.js';

describe('kubectl', () => {
  // Never skipped: without kubectl nothing below means anything, so say how to get it.
  it(`is installed, version 1.${minKubectlMinor} or later (deploy/k8s/scripts/ensure-kubectl.sh)`, () => {
    const { major, minor } = kubectlVersion();
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(minKubectlMinor);
  });
});

const expectedObjects = [
  'Namespace/tilestack',
  'ServiceAccount/tilestack-api',
  'ServiceAccount/tilestack-cache',
  'Deployment/tilestack-api',
  'Deployment/tilestack-cache',
  'Service/tilestack-api',
  'Service/tilestack-cache',
  'PodDisruptionBudget/tilestack-api',
  'PodDisruptionBudget/tilestack-cache',
  'Ingress/tilestack',
  'ManagedCertificate/tilestack',
  'FrontendConfig/tilestack',
  'BackendConfig/tilestack-cache',
  'NetworkPolicy/default-deny',
  'NetworkPolicy/allow-dns',
  'NetworkPolicy/tilestack-api',
  'NetworkPolicy/tilestack-cache',
  'PodMonitoring/tilestack-api',
  'PodMonitoring/tilestack-cache',
];

describe.each(environments)('overlays/%s', (env) => {
  it('renders with `kubectl kustomize` into the expected objects, all in namespace tilestack', () => {
    const objects = renderOnce(env);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(ids).toEqual(expect.arrayContaining(expectedObjects));
    // Generated ConfigMaps: the API's and the cache's settings, the VCL and its environment include.
    expect(
      ids.filter((id) => id.startsWith('ConfigMap/')).map((id) => id.replace(/-[a-z0-9]{10}$/, '')),
    ).toEqual(
      expect.arrayContaining([
        'ConfigMap/tilestack-api-config',
        'ConfigMap/tilestack-cache-config',
        'ConfigMap/tilestack-cache-vcl',
        'ConfigMap/tilestack-cache-environment',
      ]),
    );
    expect(objects).toHaveLength(expectedObjects.length + 4);
    for (const o of objects.filter((o) => o.kind !== 'Namespace'))
      expect(o.metadata.namespace).toBe('tilestack');
  });

  it('validates every object against the Kubernetes / GKE schemas', () => {
    expect(validateAll(renderOnce(env))).toEqual([]);
  });

  it('leaves no placeholder of the base behind (components/environment filled them all)', () => {
    const text = JSON.stringify(renderOnce(env));
    expect(text).not.toMatch(/tilestack-ENV-|HOSTNAME|GSA_EMAIL/);
    // environment.yaml is local configuration, read by Kustomize and never applied.
    expect(renderOnce(env).filter((o) => o.metadata.name === 'environment')).toEqual([]);
    const ingress = find(renderOnce(env), 'Ingress', 'tilestack');
    expect(ingress.metadata.annotations?.['kubernetes.io/ingress.global-static-ip-name']).toBe(
      `tilestack-${env}-ip`,
    );
    expect(find(renderOnce(env), 'BackendConfig', 'tilestack-cache').spec.securityPolicy.name).toBe(
      `tilestack-${env}-edge`,
    );
  });
});

describe('schema validation catches broken objects', () => {
  const objects = renderOnce('prod');

  it('rejects a Deployment with a wrongly typed field', () => {
    const broken = doctor(find(objects, 'Deployment', 'tilestack-api'), (d) => {
      d.spec.replicas = 'five';
    });
    expect(validateObject(broken)).toEqual([expect.stringMatching(/replicas must be integer/)]);
  });

  it('rejects a BackendConfig whose health check has a wrongly typed port (GKE CRD schema)', () => {
    const broken = doctor(find(objects, 'BackendConfig', 'tilestack-cache'), (b) => {
      b.spec.healthCheck.port = 'http';
    });
    expect(validateObject(broken)).toHaveLength(1);
  });

  it('rejects a PodMonitoring with a misspelt field or a bad interval', () => {
    const monitoring = find(objects, 'PodMonitoring', 'tilestack-api');
    const typo = doctor(monitoring, (m) => {
      m.spec.endpoints[0].intervall = m.spec.endpoints[0].interval;
      delete m.spec.endpoints[0].interval;
    });
    expect(validateObject(typo)[0]).toMatch(/interval/);
    const badInterval = doctor(monitoring, (m) => {
      m.spec.endpoints[0].interval = 'thirty seconds';
    });
    expect(validateObject(badInterval)).toHaveLength(1);
  });

  it('refuses kinds it has no schema for, instead of passing them', () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(validateObject(unknown)).toEqual([expect.stringMatching(/no schema for example.com\/v1 Widget/)]);
  });
});

import { describe, expect, it } from 'vitest';
import { find, type K8sObject } from '../src/manifest.js';
import { type Endpoint, inCidr, NetworkPolicies } from '../src/network-policy.js';
import { environments } from '../src/render.js';
import { doctor, renderOnce } from './support.js';

const tilestackNs = { 'kubernetes.io/metadata.name': 'tilestack' };
const podLabels = (objects: K8sObject[], name: string): Record<string, string> =>
  find(objects, 'Deployment', name).spec.template.metadata.labels;

describe('CIDR matching', () => {
  it('matches addresses inside a block only', () => {
    expect(inCidr('35.191.12.7', '35.191.0.0/16')).toBe(true);
    expect(inCidr('35.192.0.1', '35.191.0.0/16')).toBe(false);
    expect(inCidr('130.211.3.255', '130.211.0.0/22')).toBe(true);
    expect(inCidr('130.211.4.0', '130.211.0.0/22')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
  });
});

describe.each(environments)('overlays/%s: network policies', (env) => {
  const objects = renderOnce(env);
  const policies = new NetworkPolicies(objects, tilestackNs);
  const api = podLabels(objects, 'tilestack-api');
  const cache = podLabels(objects, 'tilestack-cache');
  const apiPod: Endpoint = { pod: api, namespace: tilestackNs };
  const cachePod: Endpoint = { pod: cache, namespace: tilestackNs };
  const otherPod: Endpoint = { pod: { app: 'debug-shell' }, namespace: tilestackNs };
  const otherNamespacePod: Endpoint = { pod: cache, namespace: { 'kubernetes.io/metadata.name': 'default' } };
  const collector: Endpoint = {
    pod: { 'app.kubernetes.io/name': 'collector' },
    namespace: { 'kubernetes.io/metadata.name': 'gke-gmp-system' },
  };
  const loadBalancer: Endpoint = { ip: '35.191.20.30' };
  const healthChecker: Endpoint = { ip: '130.211.1.9' };
  const internet: Endpoint = { ip: '203.0.113.50' };
  const googleApi: Endpoint = { ip: '142.250.180.10' };
  const vpcHost: Endpoint = { ip: '10.20.0.5' };

  it('denies everything by default, in both directions, for every pod', () => {
    for (const pod of [api, cache, { app: 'anything' }]) {
      expect(policies.isolated('Ingress', pod)).toBe(true);
      expect(policies.isolated('Egress', pod)).toBe(true);
    }
    expect(
      policies.allows({ from: otherPod, to: { pod: { app: 'x' }, namespace: tilestackNs }, port: 80 }),
    ).toBe(false);
  });

  it('isolates the API: only the cache (and the metrics collector) reach it', () => {
    expect(policies.allows({ from: cachePod, to: apiPod, port: 3000 })).toBe(true);
    expect(policies.admits(api, collector, 3000)).toBe(true);
    for (const from of [
      otherPod,
      otherNamespacePod,
      loadBalancer,
      healthChecker,
      internet,
      vpcHost,
      apiPod,
    ]) {
      expect(policies.admits(api, from, 3000), JSON.stringify(from)).toBe(false);
    }
    expect(policies.admits(api, cachePod, 22)).toBe(false);
    // As written: two peers, the cache pods and the managed collector; no address block.
    const peers = policies.ingressPeers(api);
    expect(peers).toHaveLength(2);
    expect(peers.some((p) => p.ipBlock || Object.keys(p).length === 0)).toBe(false);
  });

  it('lets the load balancer (proxies and health checks) reach the cache, and nobody else from outside', () => {
    expect(policies.admits(cache, loadBalancer, 8080)).toBe(true);
    expect(policies.admits(cache, healthChecker, 8080)).toBe(true);
    expect(policies.admits(cache, internet, 8080)).toBe(false);
    expect(policies.admits(cache, vpcHost, 8080)).toBe(false);
    expect(policies.admits(cache, otherPod, 8080)).toBe(false);
    expect(policies.admits(cache, loadBalancer, 9131)).toBe(false);
    expect(policies.admits(cache, collector, 9131)).toBe(true);
  });

  it('gives the cache egress to the API only (plus DNS)', () => {
    expect(policies.emits(cache, apiPod, 3000)).toBe(true);
    expect(policies.emits(cache, { ip: '10.0.0.10' }, 53)).toBe(true);
    expect(policies.emits(cache, googleApi, 443)).toBe(false);
    expect(policies.emits(cache, otherPod, 3000)).toBe(false);
  });

  it('gives the API egress to DNS, the metadata server and public HTTPS (Google APIs), not to the VPC', () => {
    expect(policies.emits(api, { ip: '10.0.0.10' }, 53)).toBe(true);
    expect(policies.emits(api, { ip: '169.254.169.254' }, 80)).toBe(true);
    expect(policies.emits(api, { ip: '169.254.169.252' }, 988)).toBe(true);
    expect(policies.emits(api, googleApi, 443)).toBe(true);
    expect(policies.emits(api, vpcHost, 443)).toBe(false);
    expect(policies.emits(api, { ip: '192.168.1.1' }, 443)).toBe(false);
    expect(policies.emits(api, googleApi, 80)).toBe(false);
    expect(policies.emits(api, cachePod, 8080)).toBe(false);
  });

  it('a doctored policy that opens the API is caught', () => {
    const open = objects.map((o) =>
      o.kind === 'NetworkPolicy' && o.metadata.name === 'tilestack-api'
        ? doctor(o, (p) => {
            p.spec.ingress.push({ ports: [{ protocol: 'TCP', port: 3000 }] });
          })
        : o,
    );
    const opened = new NetworkPolicies(open, tilestackNs);
    expect(opened.admits(api, internet, 3000)).toBe(true);
    expect(opened.ingressPeers(api).some((p) => Object.keys(p).length === 0)).toBe(true);
  });
});

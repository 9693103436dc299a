import { expect, it } from 'vitest';
import { environments, type K8sObject } from '../src/render.js';
import { at, renderOnce } from './support.js';

// The rendered NetworkPolicies as flows: `<pods> <direction> <peers> :<ports>`. Pods and pod peers by their
// labels (namespace/labels; no namespaceSelector = the policy's own), address blocks with their exceptions.
const selector = (s?: K8sObject) =>
  s ? JSON.stringify(s.matchExpressions ?? Object.values(s.matchLabels ?? {})) : '*';
const peer = ({ ipBlock, namespaceSelector, podSelector }: K8sObject) =>
  ipBlock
    ? [ipBlock.cidr, ...(ipBlock.except ?? []).map((e: string) => `!${e}`)].join(' ')
    : `${namespaceSelector ? selector(namespaceSelector) : 'own'}/${selector(podSelector)}`;
const flows = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .flatMap(({ spec }) => {
      const rule = (direction: string, peers: K8sObject[] = [], ports: K8sObject[] = []) =>
        `${selector(spec.podSelector)} ${direction} ${peers.map(peer).join(', ') || 'anywhere'} :${ports.map((p) => `${p.protocol} ${p.port}`).join(', ')}`;
      return [
        `${selector(spec.podSelector)} isolated ${spec.policyTypes.join('+')}`,
        ...(spec.ingress ?? []).map((r: K8sObject) => rule('←', r.from, r.ports)),
        ...(spec.egress ?? []).map((r: K8sObject) => rule('→', r.to, r.ports)),
      ];
    });

it.each(environments)('overlays/%s: policies deny by default, then allow only the intended flows', (env) => {
  const objects = renderOnce(env);
  // The policies select pods by these labels.
  const names = ['tilestack-api', 'tilestack-cache'];
  const label = 'spec.template.metadata.labels[app.kubernetes.io/name]';
  expect(names.map((name) => at(objects, `Deployment/${name}`, label))).toEqual(names);
  const gmp = '["gke-gmp-system"]/["collector"]';
  expect(flows(objects)).toEqual([
    '[] isolated Egress',
    '[] → anywhere :UDP 53, TCP 53',
    '[] isolated Ingress+Egress',
    '["tilestack-api"] isolated Ingress+Egress',
    '["tilestack-api"] ← own/["tilestack-cache"] :TCP 3000',
    `["tilestack-api"] ← ${gmp} :TCP 3000`,
    '["tilestack-api"] → 169.254.169.254/32 :TCP 80',
    '["tilestack-api"] → 169.254.169.252/32 :TCP 988',
    '["tilestack-api"] → 0.0.0.0/0 !10.0.0.0/8 !172.16.0.0/12 !192.168.0.0/16 !100.64.0.0/10 !169.254.0.0/16 :TCP 443',
    '["tilestack-cache"] isolated Ingress+Egress',
    '["tilestack-cache"] ← 130.211.0.0/22, 35.191.0.0/16 :TCP 8080',
    `["tilestack-cache"] ← ${gmp} :TCP 9131`,
    '["tilestack-cache"] → own/["tilestack-api"] :TCP 3000',
  ]);
});

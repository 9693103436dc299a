import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { type K8sObject, selects } from './manifest.js';

/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (TCP, IPv4, numeric ports), enough to ask of
 * the rendered policies the questions that matter: may this peer reach this pod on this port?
 * Rules: a pod selected by no policy of a direction is open in that direction; once selected, only what
 * some rule of some selecting policy allows gets through (policies are additive allow-lists).
 */

/** One end of a connection: a pod (its labels and namespace's labels) or an address outside the cluster. */
export type Endpoint = { pod: Record<string, string>; namespace: Record<string, string> } | { ip: string };

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  port: number;
}

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255)))
    throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toInt(base) / size) * size;
  const n = toInt(ip);
  return n >= start && n < start + size;
}

function peerMatches(
  peer: INetworkPolicyPeer,
  endpoint: Endpoint,
  policyNamespace: Record<string, string>,
): boolean {
  if (peer.ipBlock) {
    // ipBlock is meant for addresses outside the cluster; pods are matched by selectors.
    if (!('ip' in endpoint)) return false;
    const { cidr, except = [] } = peer.ipBlock;
    return inCidr(endpoint.ip, cidr) && !except.some((e) => inCidr(endpoint.ip, e));
  }
  if (!('pod' in endpoint)) return false;
  // No namespaceSelector: pods of the policy's own namespace.
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, endpoint.namespace)
    : sameNamespace(endpoint.namespace, policyNamespace);
  const podOk = peer.podSelector ? selects(peer.podSelector, endpoint.pod) : true;
  return namespaceOk && podOk;
}

function sameNamespace(a: Record<string, string>, b: Record<string, string>): boolean {
  return a['kubernetes.io/metadata.name'] === b['kubernetes.io/metadata.name'];
}

function portMatches(ports: INetworkPolicyPort[] | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') throw new Error('named ports are not supported by this evaluator');
    return port >= p.port && port <= (p.endPort ?? p.port);
  });
}

export class NetworkPolicies {
  private readonly policies: INetworkPolicy[];

  /** `namespace`: labels of the namespace the policies (and the pods we ask about) live in. */
  constructor(
    objects: K8sObject[],
    private readonly namespace: Record<string, string>,
  ) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as INetworkPolicy[];
  }

  private applying(direction: 'Ingress' | 'Egress', pod: Record<string, string>): INetworkPolicy[] {
    return this.policies.filter((p) => {
      const types = p.spec?.policyTypes ?? (p.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
      return types.includes(direction) && selects(p.spec?.podSelector ?? {}, pod);
    });
  }

  /** Is the pod isolated (default deny) in this direction? */
  isolated(direction: 'Ingress' | 'Egress', pod: Record<string, string>): boolean {
    return this.applying(direction, pod).length > 0;
  }

  /** Would the destination pod accept this connection? (ingress side) */
  admits(pod: Record<string, string>, from: Endpoint, port: number): boolean {
    const policies = this.applying('Ingress', pod);
    if (policies.length === 0) return true;
    return policies.some((p) =>
      (p.spec?.ingress ?? []).some(
        (rule) =>
          portMatches(rule.ports, port) &&
          (!rule.from ||
            rule.from.length === 0 ||
            rule.from.some((peer) => peerMatches(peer, from, this.namespace))),
      ),
    );
  }

  /** Would the source pod be allowed to open this connection? (egress side) */
  emits(pod: Record<string, string>, to: Endpoint, port: number): boolean {
    const policies = this.applying('Egress', pod);
    if (policies.length === 0) return true;
    return policies.some((p) =>
      (p.spec?.egress ?? []).some(
        (rule) =>
          portMatches(rule.ports, port) &&
          (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, to, this.namespace))),
      ),
    );
  }

  /** A connection goes through when the source may send it and the destination accepts it. */
  allows({ from, to, port }: Flow): boolean {
    const out = 'pod' in from ? this.emits(from.pod, to, port) : true;
    const accepted = 'pod' in to ? this.admits(to.pod, from, port) : true;
    return out && accepted;
  }

  /** Every ingress peer that may reach a pod, as written (for "who can talk to the API?" assertions). */
  ingressPeers(pod: Record<string, string>): INetworkPolicyPeer[] {
    return this.applying('Ingress', pod).flatMap((p) =>
      (p.spec?.ingress ?? []).flatMap((rule) => (rule.from && rule.from.length > 0 ? rule.from : [{}])),
    );
  }
}

import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import * as c from './config.js';

// The public entry. The GKE Ingress (deploy/k8s) creates the load balancer and its managed
// certificate and refers to these by name, so the IP (hence DNS) outlives it.
export const address = new gcp.compute.GlobalAddress(
  'ip',
  {
    project: c.project,
    name: `${c.prefix}-ip`,
    addressType: 'EXTERNAL',
    ipVersion: 'IPV4',
    labels: c.labels,
  },
  { dependsOn: apis },
);

// Rules run by priority and the first match decides. A rate-limit rule *allows* conforming traffic,
// which ends the evaluation, so the WAF rules (sensitivity 1: fewest false positives) come first.
const everyone = { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } };
const wafRules = ['sqli', 'xss', 'lfi', 'rce', 'protocolattack', 'scannerdetection', 'methodenforcement'];

export const securityPolicy = new gcp.compute.SecurityPolicy(
  'edge',
  {
    project: c.project,
    name: `${c.prefix}-edge`,
    description: 'tilestack edge: OWASP rule sets, per-client rate limit with ban.',
    type: 'CLOUD_ARMOR',
    labels: c.labels,
    adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
    rules: [
      ...wafRules.map((set, index) => ({
        priority: 1000 + index * 10,
        description: `OWASP ${set} (preconfigured WAF)`,
        action: 'deny(403)',
        preview: c.wafPreview,
        match: { expr: { expression: `evaluatePreconfiguredWaf('${set}-v33-stable', {'sensitivity': 1})` } },
      })),
      {
        // A map view loads tens of tiles at once: the limit is per minute and generous.
        priority: 2000,
        description: `Per-IP rate limit: ${c.rateLimitPerMinute}/min, then ban`,
        action: 'rate_based_ban',
        match: everyone,
        rateLimitOptions: {
          enforceOnKey: 'IP',
          rateLimitThreshold: { count: c.rateLimitPerMinute, intervalSec: 60 },
          banThreshold: { count: c.rateLimitPerMinute * 5, intervalSec: 300 },
          banDurationSec: c.rateLimitBanSeconds,
          conformAction: 'allow',
          exceedAction: 'deny(429)',
        },
      },
      { priority: 2147483647, description: 'Default: allow', action: 'allow', match: everyone },
    ],
  },
  { dependsOn: apis },
);

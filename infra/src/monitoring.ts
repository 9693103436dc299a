import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import * as c from './config.js';
import { promql } from './metrics.js';

// Threshold alerts catch sharp breakages sooner than the SLO burn-rate alerts (slo.ts) do.
const channel = new gcp.monitoring.NotificationChannel(
  'email',
  {
    project: c.project,
    displayName: `tilestack ${c.environment} on-call`,
    type: 'email',
    labels: { email_address: c.alertEmail },
    userLabels: c.labels,
  },
  { dependsOn: apis },
);

type Alert = { severity: string; conditions: gcp.types.input.monitoring.AlertPolicyCondition[] };

/** An alert policy of this environment, sent to its channel, linking the runbooks. */
export const alertPolicy = (
  name: string,
  title: string,
  content: string,
  alert: Alert & { combiner?: string },
) =>
  new gcp.monitoring.AlertPolicy(
    name,
    {
      project: c.project,
      notificationChannels: [channel.name],
      userLabels: c.labels,
      alertStrategy: { autoClose: '1800s' },
      displayName: `tilestack ${c.environment}: ${title}`,
      combiner: 'OR',
      ...alert,
      documentation: {
        mimeType: 'text/markdown',
        subject: `tilestack ${c.environment}: ${title}`,
        content: `${content} Runbooks: docs/runbooks/ in the tilestack repository.`,
      },
    },
    { dependsOn: apis },
  );

// The public readiness endpoint, from several regions, through DNS, TLS, Cloud Armor and the cache.
export const uptimeCheck = new gcp.monitoring.UptimeCheckConfig(
  'readyz',
  {
    project: c.project,
    displayName: `tilestack ${c.environment} https://${c.hostname}/readyz`,
    timeout: '10s',
    period: '60s',
    monitoredResource: { type: 'uptime_url', labels: { project_id: c.project, host: c.hostname } },
    httpCheck: {
      path: '/readyz',
      port: 443,
      useSsl: true,
      validateSsl: true,
      acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
    },
    userLabels: c.labels,
  },
  { dependsOn: apis },
);

alertPolicy('uptime', '/readyz failing', `https://${c.hostname}/readyz fails from several regions.`, {
  severity: 'CRITICAL',
  conditions: [
    {
      displayName: 'Uptime check failing from more than one region',
      conditionThreshold: {
        filter: pulumi.interpolate`metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${uptimeCheck.uptimeCheckId}"`,
        aggregations: [
          {
            alignmentPeriod: '1200s',
            perSeriesAligner: 'ALIGN_NEXT_OLDER',
            crossSeriesReducer: 'REDUCE_COUNT_FALSE',
            groupByFields: ['resource.label.*'],
          },
        ],
        comparison: 'COMPARISON_GT',
        thresholdValue: 1,
        duration: '60s',
        trigger: { count: 1 },
      },
    },
  ],
});

// PromQL alerts (MQL is deprecated), evaluated every minute, firing after `minutes` above `limit`.
const thresholds = [
  {
    name: 'edge-5xx',
    severity: 'ERROR',
    title: `5xx ratio above ${c.errorRatioThreshold * 100}%`,
    query: promql.edge5xxRatio,
    limit: c.errorRatioThreshold,
    minutes: 5,
  },
  {
    name: 'api-p95-latency',
    severity: 'WARNING',
    title: `API tile p95 above ${c.apiLatencyP95Seconds}s (cache misses)`,
    query: promql.apiTileP95Seconds,
    limit: c.apiLatencyP95Seconds,
    minutes: 10,
  },
];
for (const { name, severity, title, query, limit, minutes } of thresholds)
  alertPolicy(name, title, `${title} for ${minutes} minutes.`, {
    severity,
    conditions: [
      {
        displayName: title,
        conditionPrometheusQueryLanguage: {
          query: `${query} > ${limit}`,
          duration: `${minutes * 60}s`,
          evaluationInterval: '60s',
        },
      },
    ],
  });

import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import {
  alertEmail,
  apiLatencyP95Seconds,
  environment,
  errorRatioThreshold,
  hostname,
  labels,
  project,
} from './config.js';
import { promql } from './metrics.js';

// Threshold alerts: the endpoint answers, the edge does not fail, the API is not slow. The SLO
// burn-rate alerts (slo.ts) page on the error budget; these catch the sharp breakages sooner.
// Every alert goes to one e-mail channel per environment and links to the runbooks.
const after = { dependsOn: apis };

export const channel = new gcp.monitoring.NotificationChannel(
  'email',
  {
    project,
    displayName: `tilestack ${environment} on-call`,
    type: 'email',
    labels: { email_address: alertEmail },
    userLabels: labels,
  },
  after,
);

const runbooks = 'Runbooks: docs/runbooks/ in the tilestack repository.';

/** Common settings of every alert policy of this environment. */
export const alertDefaults = {
  project,
  notificationChannels: [channel.name],
  userLabels: labels,
  alertStrategy: { autoClose: '1800s' },
};

// The public readiness endpoint, from several regions, through DNS, TLS, Cloud Armor and the cache.
export const uptimeCheck = new gcp.monitoring.UptimeCheckConfig(
  'readyz',
  {
    project,
    displayName: `tilestack ${environment} https://${hostname}/readyz`,
    timeout: '10s',
    period: '60s',
    monitoredResource: { type: 'uptime_url', labels: { project_id: project, host: hostname } },
    httpCheck: {
      path: '/readyz',
      port: 443,
      useSsl: true,
      validateSsl: true,
      acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
    },
    userLabels: labels,
  },
  after,
);

export const uptimeAlert = new gcp.monitoring.AlertPolicy(
  'uptime',
  {
    ...alertDefaults,
    displayName: `tilestack ${environment}: /readyz failing`,
    severity: 'CRITICAL',
    combiner: 'OR',
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
    documentation: {
      mimeType: 'text/markdown',
      subject: `tilestack ${environment} is unreachable`,
      content: `https://${hostname}/readyz fails from several regions. ${runbooks}`,
    },
  },
  after,
);

export const errorRatioAlert = new gcp.monitoring.AlertPolicy(
  'edge-5xx',
  {
    ...alertDefaults,
    displayName: `tilestack ${environment}: 5xx ratio above ${errorRatioThreshold * 100}%`,
    severity: 'ERROR',
    combiner: 'OR',
    conditions: [
      {
        displayName: 'Share of 5xx responses at the load balancer',
        conditionPrometheusQueryLanguage: {
          query: `${promql.edge5xxRatio} > ${errorRatioThreshold}`,
          duration: '300s',
          evaluationInterval: '60s',
        },
      },
    ],
    documentation: {
      mimeType: 'text/markdown',
      subject: `tilestack ${environment}: clients get 5xx`,
      content: `More than ${errorRatioThreshold * 100}% of requests at the edge failed for 5 minutes. ${runbooks}`,
    },
  },
  after,
);

export const latencyAlert = new gcp.monitoring.AlertPolicy(
  'api-p95-latency',
  {
    ...alertDefaults,
    displayName: `tilestack ${environment}: API tile p95 above ${apiLatencyP95Seconds}s`,
    severity: 'WARNING',
    combiner: 'OR',
    conditions: [
      {
        displayName: 'p95 of tile requests reaching the API (cache misses)',
        conditionPrometheusQueryLanguage: {
          query: `${promql.apiTileP95Seconds} > ${apiLatencyP95Seconds}`,
          duration: '600s',
          evaluationInterval: '60s',
        },
      },
    ],
    documentation: {
      mimeType: 'text/markdown',
      subject: `tilestack ${environment}: tile misses are slow`,
      content: `Tiles the cache does not have take more than ${apiLatencyP95Seconds}s at p95 (BigQuery slow or throttled?). ${runbooks}`,
    },
  },
  after,
);

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
export const channel = new gcp.monitoring.NotificationChannel(
  'email',
  {
    project,
    displayName: `tilestack ${environment} on-call`,
    type: 'email',
    labels: { email_address: alertEmail },
    userLabels: labels,
  },
  { dependsOn: apis },
);

type Condition = gcp.types.input.monitoring.AlertPolicyCondition;

/** An alert policy of this environment: `title` and `subject` are prefixed with the environment. */
export function alertPolicy(
  name: string,
  alert: {
    title: string;
    severity: string;
    conditions: Condition[];
    combiner?: string;
    subject: string;
    content: string;
  },
): gcp.monitoring.AlertPolicy {
  return new gcp.monitoring.AlertPolicy(
    name,
    {
      project,
      notificationChannels: [channel.name],
      userLabels: labels,
      alertStrategy: { autoClose: '1800s' },
      displayName: `tilestack ${environment}: ${alert.title}`,
      severity: alert.severity,
      combiner: alert.combiner ?? 'OR',
      conditions: alert.conditions,
      documentation: {
        mimeType: 'text/markdown',
        subject: `tilestack ${environment}: ${alert.subject}`,
        content: `${alert.content} Runbooks: docs/runbooks/ in the tilestack repository.`,
      },
    },
    { dependsOn: apis },
  );
}

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
  { dependsOn: apis },
);

export const uptimeAlert = alertPolicy('uptime', {
  title: '/readyz failing',
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
  subject: 'unreachable',
  content: `https://${hostname}/readyz fails from several regions.`,
});

/** A PromQL condition that holds for `duration`, evaluated every minute. */
const promqlCondition = (displayName: string, query: string, duration: string): Condition => ({
  displayName,
  conditionPrometheusQueryLanguage: { query, duration, evaluationInterval: '60s' },
});

export const errorRatioAlert = alertPolicy('edge-5xx', {
  title: `5xx ratio above ${errorRatioThreshold * 100}%`,
  severity: 'ERROR',
  conditions: [
    promqlCondition(
      'Share of 5xx responses at the load balancer',
      `${promql.edge5xxRatio} > ${errorRatioThreshold}`,
      '300s',
    ),
  ],
  subject: 'clients get 5xx',
  content: `More than ${errorRatioThreshold * 100}% of requests at the edge failed for 5 minutes.`,
});

export const latencyAlert = alertPolicy('api-p95-latency', {
  title: `API tile p95 above ${apiLatencyP95Seconds}s`,
  severity: 'WARNING',
  conditions: [
    promqlCondition(
      'p95 of tile requests reaching the API (cache misses)',
      `${promql.apiTileP95Seconds} > ${apiLatencyP95Seconds}`,
      '600s',
    ),
  ],
  subject: 'tile misses are slow',
  content: `Tiles the cache does not have take more than ${apiLatencyP95Seconds}s at p95 (BigQuery slow or throttled?).`,
});

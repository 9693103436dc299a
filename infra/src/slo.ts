import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import {
  availabilityGoal,
  environment,
  labels,
  latencyGoal,
  latencyThresholdMs,
  prefix,
  project,
  sloWindowDays,
} from './config.js';
import { filters } from './metrics.js';
import { alertPolicy } from './monitoring.js';

// Service level objectives of tile requests through the cache, measured at the edge (metrics.ts),
// and multi-window burn-rate alerts on them (Google SRE workbook, chapter "Alerting on SLOs"): a
// long window proves the burn is significant, a short one that it is still going on.
export const service = new gcp.monitoring.CustomService(
  'service',
  { project, serviceId: prefix, displayName: `tilestack ${environment}`, userLabels: labels },
  { dependsOn: apis },
);

export const availabilitySlo = new gcp.monitoring.Slo('availability', {
  project,
  service: service.serviceId,
  sloId: 'availability',
  displayName: `${availabilityGoal * 100}% of requests through the cache are not 5xx (${sloWindowDays} d)`,
  goal: availabilityGoal,
  rollingPeriodDays: sloWindowDays,
  requestBasedSli: {
    goodTotalRatio: { totalServiceFilter: filters.edgeTotal, badServiceFilter: filters.edgeBad },
  },
  userLabels: labels,
});

export const latencySlo = new gcp.monitoring.Slo('latency', {
  project,
  service: service.serviceId,
  sloId: 'latency',
  displayName: `${latencyGoal * 100}% of requests through the cache within ${latencyThresholdMs} ms (${sloWindowDays} d)`,
  goal: latencyGoal,
  rollingPeriodDays: sloWindowDays,
  requestBasedSli: {
    distributionCut: { distributionFilter: filters.edgeLatency, range: { max: latencyThresholdMs } },
  },
  userLabels: labels,
});

/**
 * Burn rates for a 30-day budget: fast = 2% of the budget in 1 h (page), slow = 5% in 6 h (ticket).
 * Each fires only while both its long and its short window burn above the rate.
 */
export const burnRates = {
  fast: { rate: 14.4, longWindow: '3600s', shortWindow: '300s', severity: 'CRITICAL' },
  slow: { rate: 6, longWindow: '21600s', shortWindow: '1800s', severity: 'WARNING' },
} as const;

const burnCondition = (slo: gcp.monitoring.Slo, window: string, rate: number) => ({
  displayName: `Burn rate over ${window} above ${rate}`,
  conditionThreshold: {
    filter: pulumi.interpolate`select_slo_burn_rate("${slo.name}", "${window}")`,
    comparison: 'COMPARISON_GT',
    thresholdValue: rate,
    duration: '0s',
  },
});

export const burnRateAlerts = Object.fromEntries(
  (
    [
      ['availability', availabilitySlo],
      ['latency', latencySlo],
    ] as const
  ).flatMap(([sloName, slo]) =>
    Object.entries(burnRates).map(([speed, { rate, longWindow, shortWindow, severity }]) => {
      const name = `${sloName}-${speed}-burn`;
      const policy = alertPolicy(name, {
        title: `${sloName} SLO ${speed} burn (×${rate})`,
        severity,
        combiner: 'AND',
        conditions: [burnCondition(slo, longWindow, rate), burnCondition(slo, shortWindow, rate)],
        subject: `${sloName} error budget burning ${rate}× too fast`,
        content: `At this rate the ${sloWindowDays}-day ${sloName} error budget is gone in ${Math.round((sloWindowDays * 24) / rate)} h.`,
      });
      return [name, policy] as const;
    }),
  ),
);

import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import * as c from './config.js';
import { filters } from './metrics.js';
import { alertPolicy } from './monitoring.js';

// SLOs of requests through the cache, measured at the edge, with multi-window burn-rate alerts
// (Google SRE workbook, "Alerting on SLOs"): the long window proves the burn is significant, the
// short one that it is still going on.
const service = new gcp.monitoring.CustomService(
  'service',
  {
    project: c.project,
    serviceId: c.prefix,
    displayName: `tilestack ${c.environment}`,
    userLabels: c.labels,
  },
  { dependsOn: apis },
);

const slo = (
  sloId: string,
  goal: number,
  what: string,
  requestBasedSli: gcp.types.input.monitoring.SloRequestBasedSli,
) =>
  new gcp.monitoring.Slo(sloId, {
    project: c.project,
    service: service.serviceId,
    sloId,
    displayName: `${goal * 100}% of requests through the cache ${what} (${c.sloWindowDays} d)`,
    goal,
    rollingPeriodDays: c.sloWindowDays,
    requestBasedSli,
    userLabels: c.labels,
  });

export const availabilitySlo = slo('availability', c.availabilityGoal, 'are not 5xx', {
  goodTotalRatio: { totalServiceFilter: filters.edgeTotal, badServiceFilter: filters.edgeBad },
});
export const latencySlo = slo('latency', c.latencyGoal, `within ${c.latencyThresholdMs} ms`, {
  distributionCut: { distributionFilter: filters.edgeLatency, range: { max: c.latencyThresholdMs } },
});

// For a 30-day budget: fast = 2% of it in 1 h (page), slow = 5% in 6 h (ticket).
const burnRates = [
  ['fast', 14.4, ['3600s', '300s'], 'CRITICAL'],
  ['slow', 6, ['21600s', '1800s'], 'WARNING'],
] as const;

for (const [sloName, { name }] of Object.entries({ availability: availabilitySlo, latency: latencySlo }))
  for (const [speed, rate, windows, severity] of burnRates)
    alertPolicy(
      `${sloName}-${speed}-burn`,
      `${sloName} SLO ${speed} burn (×${rate})`,
      `At this rate the ${c.sloWindowDays}-day ${sloName} error budget is gone in ${Math.round((c.sloWindowDays * 24) / rate)} h.`,
      {
        severity,
        combiner: 'AND',
        conditions: windows.map((window) => ({
          displayName: `Burn rate over ${window} above ${rate}`,
          conditionThreshold: {
            filter: pulumi.interpolate`select_slo_burn_rate("${name}", "${window}")`,
            comparison: 'COMPARISON_GT',
            thresholdValue: rate,
            duration: '0s',
          },
        })),
      },
    );

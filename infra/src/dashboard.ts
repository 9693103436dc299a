import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import { environment, labels, project } from './config.js';
import { promql } from './metrics.js';
import { availabilitySlo, latencySlo } from './slo.js';

// Edge (what clients see), API (cache misses), SLO budgets and BigQuery spend, two tiles a row.
const chart = (title: string, query: string, unit?: string) => ({
  title,
  xyChart: {
    dataSets: [{ plotType: 'LINE', timeSeriesQuery: { prometheusQuery: query, unitOverride: unit } }],
    yAxis: { scale: 'LINEAR' },
  },
});
const budget = (title: string, sloName: string) => ({
  title,
  scorecard: {
    timeSeriesQuery: { timeSeriesFilter: { filter: `select_slo_budget_fraction("${sloName}")` } },
    thresholds: [
      { value: 0.25, color: 'YELLOW', direction: 'BELOW' },
      { value: 0, color: 'RED', direction: 'BELOW' },
    ],
  },
});

const dashboardJson = pulumi.all([availabilitySlo.name, latencySlo.name]).apply(([availability, latency]) =>
  JSON.stringify({
    displayName: `tilestack ${environment}`,
    labels,
    mosaicLayout: {
      columns: 48,
      tiles: [
        budget('Availability SLO: error budget left', availability),
        budget('Latency SLO: error budget left', latency),
        chart('Edge requests/s by response class', promql.edgeRate),
        chart('Edge 5xx ratio', promql.edge5xxRatio),
        chart('Edge p95 latency to the cache (ms)', promql.edgeP95Ms, 'ms'),
        chart('Share of tile requests the cache answered (approx.)', promql.cacheOffload),
        chart('API tile requests/s by status (cache misses)', promql.apiTileRate),
        chart('API tile p95 latency (s)', promql.apiTileP95Seconds, 's'),
        chart('BigQuery bytes billed/s by query kind', promql.bigQueryBytesBilled, 'By'),
      ].map((widget, i) => ({
        xPos: (i % 2) * 24,
        yPos: Math.floor(i / 2) * 16,
        width: 24,
        height: 16,
        widget,
      })),
    },
  }),
);

export const dashboard = new gcp.monitoring.Dashboard(
  'dashboard',
  { project, dashboardJson },
  { dependsOn: apis },
);

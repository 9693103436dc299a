import type * as gcp from '@pulumi/gcp';
import { beforeAll, describe, expect, test } from 'vitest';
import { environmentRuns, named, ofType, type Run, stacks } from './harness.js';

// Monitoring as code: uptime check, threshold alerts, SLOs with burn-rate alerts, dashboard.
let runs: Record<string, Run>;
beforeAll(async () => {
  runs = await environmentRuns();
});

describe.each(stacks)('%s stack', (stack) => {
  const run = () => runs[stack] as Run;
  const project = () => run().config['gcp:project'];
  const alert = (name: string) => named<gcp.monitoring.AlertPolicyArgs>(run(), 'AlertPolicy', name);
  const query = (name: string) => alert(name).conditions[0]?.conditionPrometheusQueryLanguage?.query ?? '';
  const sloName = (slo: string) =>
    `projects/${project()}/services/tilestack-${stack}/serviceLevelObjectives/${slo}`;

  test('every alert goes to the configured e-mail address', () => {
    const channel = named<gcp.monitoring.NotificationChannelArgs>(run(), 'NotificationChannel', 'email');
    expect([channel.type, channel.labels]).toEqual([
      'email',
      { email_address: run().config['tilestack:alertEmail'] },
    ]);
    for (const { name, inputs } of ofType(run(), 'AlertPolicy'))
      expect(inputs.notificationChannels, name).toEqual([`projects/${project()}/notificationChannels/email`]);
  });

  test('an uptime check probes https://<hostname>/readyz and alerts when it fails', () => {
    const check = named<gcp.monitoring.UptimeCheckConfigArgs>(run(), 'UptimeCheckConfig', 'readyz');
    expect(check.monitoredResource?.labels).toMatchObject({ host: run().config['tilestack:hostname'] });
    expect(check.httpCheck).toMatchObject({ path: '/readyz', port: 443, useSsl: true, validateSsl: true });
    const filter = alert('uptime').conditions[0]?.conditionThreshold?.filter;
    expect(filter).toContain('uptime_check/check_passed');
    expect(filter).toContain('metric.label.check_id="readyz-check-id"');
  });

  test('threshold alerts watch the edge 5xx ratio and the p95 latency of tile misses', () => {
    expect(query('edge-5xx')).toContain('loadbalancing_googleapis_com:https_request_count');
    expect(query('edge-5xx')).toMatch(/response_code_class="500".*> 0\.02$/);
    expect(query('api-p95-latency')).toContain('histogram_quantile(0.95');
    expect(query('api-p95-latency')).toContain(
      'http_request_duration_seconds_bucket{namespace="tilestack",route="/maps/tileset/:tileset/:z/:x/:y"}',
    );
  });

  test('availability and latency SLOs of requests through the cache, on a custom service', () => {
    expect(ofType(run(), 'CustomService')).toHaveLength(1);
    const availability = named<gcp.monitoring.SloArgs>(run(), 'Slo', 'availability');
    expect(availability).toMatchObject({
      goal: stack === 'prod' ? 0.999 : 0.995,
      rollingPeriodDays: 28,
      service: `tilestack-${stack}`,
    });
    const edge =
      'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule"';
    expect(availability.requestBasedSli?.goodTotalRatio).toEqual({
      totalServiceFilter: edge,
      badServiceFilter: `${edge} metric.label.response_code_class=500`,
    });
    const latency = named<gcp.monitoring.SloArgs>(run(), 'Slo', 'latency');
    expect(latency.goal).toBe(0.95); // p95
    const cut = latency.requestBasedSli?.distributionCut;
    expect(cut?.distributionFilter).toContain('loadbalancing.googleapis.com/https/backend_latencies');
    expect(cut?.range).toEqual({ max: 500 });
  });

  test.each([
    ['availability', 'fast', 14.4, ['3600s', '300s'], 'CRITICAL'],
    ['availability', 'slow', 6, ['21600s', '1800s'], 'WARNING'],
    ['latency', 'fast', 14.4, ['3600s', '300s'], 'CRITICAL'],
    ['latency', 'slow', 6, ['21600s', '1800s'], 'WARNING'],
  ] as const)(
    '%s SLO has a %s burn-rate alert (×%s, long and short window)',
    (slo, speed, rate, windows, severity) => {
      const policy = alert(`${slo}-${speed}-burn`);
      expect([policy.combiner, policy.severity]).toEqual(['AND', severity]);
      expect(policy.conditions.map((c) => c.conditionThreshold)).toEqual(
        windows.map((window) =>
          expect.objectContaining({
            filter: `select_slo_burn_rate("${sloName(slo)}", "${window}")`,
            comparison: 'COMPARISON_GT',
            thresholdValue: rate,
          }),
        ),
      );
    },
  );

  test('the dashboard is valid JSON charting the edge, the API and both error budgets', () => {
    const json = String(named(run(), 'Dashboard', 'dashboard').dashboardJson);
    const dashboard = JSON.parse(json);
    expect(dashboard.displayName).toBe(`tilestack ${stack}`);
    expect(dashboard.mosaicLayout.tiles.length).toBeGreaterThanOrEqual(8);
    for (const slo of ['availability', 'latency'])
      expect(json).toContain(`select_slo_budget_fraction(\\"${sloName(slo)}\\")`);
    expect(json).toContain('loadbalancing_googleapis_com:https_request_count');
    expect(json).toContain('http_requests_total');
  });
});

import type * as gcp from '@pulumi/gcp';
import { beforeAll, describe, expect, test } from 'vitest';
import { argsOf, envConfig, named, ofType, type Run, runProgram, T } from './harness.js';

// Monitoring as code: uptime check, threshold alerts, SLOs with burn-rate alerts, dashboard.
const stacks = ['dev', 'staging', 'prod'] as const;
const runs = new Map<string, Run>();

beforeAll(async () => {
  for (const stack of stacks) runs.set(stack, await runProgram('env', stack, envConfig(stack)));
});

type Alert = ReturnType<typeof argsOf<gcp.monitoring.AlertPolicyArgs>>;
const alert = (run: Run, name: string): Alert =>
  argsOf<gcp.monitoring.AlertPolicyArgs>(named(run, T.alert, name));

describe.each(stacks)('%s stack', (stack) => {
  const run = () => runs.get(stack) as Run;
  const config = () => run().config;
  const channelName = () => `projects/${config()['gcp:project']}/notificationChannels/email`;

  test('alerts go to the configured e-mail address', () => {
    const channel = argsOf<gcp.monitoring.NotificationChannelArgs>(named(run(), T.channel, 'email'));
    expect(channel.type).toBe('email');
    expect(channel.labels).toEqual({ email_address: config()['tilestack:alertEmail'] });
    for (const policy of ofType(run(), T.alert)) {
      expect(argsOf<gcp.monitoring.AlertPolicyArgs>(policy).notificationChannels, policy.name).toEqual([
        channelName(),
      ]);
    }
  });

  test('an uptime check probes https://<hostname>/readyz and alerts when it fails', () => {
    const check = argsOf<gcp.monitoring.UptimeCheckConfigArgs>(named(run(), T.uptime, 'readyz'));
    expect(check.monitoredResource?.labels).toMatchObject({ host: config()['tilestack:hostname'] });
    expect(check.httpCheck).toMatchObject({ path: '/readyz', port: 443, useSsl: true, validateSsl: true });
    const uptime = alert(run(), 'uptime');
    expect(uptime.conditions[0]?.conditionThreshold?.filter).toContain('uptime_check/check_passed');
    expect(uptime.conditions[0]?.conditionThreshold?.filter).toContain(
      'metric.label.check_id="readyz-check-id"',
    );
  });

  test('threshold alerts watch the edge 5xx ratio and the p95 latency of tile misses', () => {
    const errors = alert(run(), 'edge-5xx').conditions[0]?.conditionPrometheusQueryLanguage?.query ?? '';
    expect(errors).toContain('loadbalancing_googleapis_com:https_request_count');
    expect(errors).toContain('response_code_class="500"');
    expect(errors).toMatch(/> 0\.02$/);
    const latency =
      alert(run(), 'api-p95-latency').conditions[0]?.conditionPrometheusQueryLanguage?.query ?? '';
    expect(latency).toContain('histogram_quantile(0.95');
    expect(latency).toContain(
      'http_request_duration_seconds_bucket{namespace="tilestack",route="/maps/tileset/:tileset/:z/:x/:y"}',
    );
  });

  test('availability and latency SLOs of requests through the cache, on a custom service', () => {
    expect(ofType(run(), T.service)).toHaveLength(1);
    const availability = argsOf<gcp.monitoring.SloArgs>(named(run(), T.slo, 'availability'));
    expect(availability.goal).toBe(stack === 'prod' ? 0.999 : 0.995);
    expect(availability.rollingPeriodDays).toBe(28);
    expect(availability.service).toBe(`tilestack-${stack}`);
    const ratio = availability.requestBasedSli?.goodTotalRatio;
    expect(ratio?.totalServiceFilter).toBe(
      'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule"',
    );
    expect(ratio?.badServiceFilter).toBe(`${ratio?.totalServiceFilter} metric.label.response_code_class=500`);

    const latency = argsOf<gcp.monitoring.SloArgs>(named(run(), T.slo, 'latency'));
    expect(latency.goal).toBe(0.95); // p95
    expect(latency.requestBasedSli?.distributionCut?.distributionFilter).toContain(
      'loadbalancing.googleapis.com/https/backend_latencies',
    );
    expect(latency.requestBasedSli?.distributionCut?.range).toEqual({ max: 500 });
  });

  test.each([
    ['availability', 'fast', 14.4, ['3600s', '300s'], 'CRITICAL'],
    ['availability', 'slow', 6, ['21600s', '1800s'], 'WARNING'],
    ['latency', 'fast', 14.4, ['3600s', '300s'], 'CRITICAL'],
    ['latency', 'slow', 6, ['21600s', '1800s'], 'WARNING'],
  ] as const)(
    '%s SLO has a %s burn-rate alert (×%s, long and short window)',
    (slo, speed, rate, windows, severity) => {
      const policy = alert(run(), `${slo}-${speed}-burn`);
      expect(policy.combiner).toBe('AND');
      expect(policy.severity).toBe(severity);
      const sloName = `projects/${config()['gcp:project']}/services/tilestack-${stack}/serviceLevelObjectives/${slo}`;
      expect(policy.conditions.map((c) => c.conditionThreshold)).toEqual(
        windows.map((window) =>
          expect.objectContaining({
            filter: `select_slo_burn_rate("${sloName}", "${window}")`,
            comparison: 'COMPARISON_GT',
            thresholdValue: rate,
          }),
        ),
      );
    },
  );

  test('the dashboard is valid JSON charting the edge, the API and both error budgets', () => {
    const dashboard = JSON.parse(String(named(run(), T.dashboard, 'dashboard').inputs.dashboardJson)) as {
      displayName: string;
      mosaicLayout: { tiles: { widget: { title: string } }[] };
    };
    expect(dashboard.displayName).toBe(`tilestack ${stack}`);
    const text = JSON.stringify(dashboard);
    expect(text).toContain(
      `select_slo_budget_fraction(\\"projects/${config()['gcp:project']}/services/tilestack-${stack}`,
    );
    expect(text).toContain('loadbalancing_googleapis_com:https_request_count');
    expect(text).toContain('http_requests_total');
    expect(dashboard.mosaicLayout.tiles.length).toBeGreaterThanOrEqual(8);
  });
});

import { expect, test } from 'vitest';
import { configOf, describeStacks, named, ofType, stacks } from './harness.js';

// Monitoring as code: uptime check, threshold alerts, SLOs with burn-rate alerts, dashboard.
describeStacks(stacks, (stack, run, project) => {
  const config = configOf(stack);
  const sloName = (slo: string) =>
    `projects/${project}/services/tilestack-${stack}/serviceLevelObjectives/${slo}`;
  const lb = 'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule"';

  const alerts = () => Object.fromEntries(ofType(run(), 'AlertPolicy').map((a) => [a.name, a.inputs]));
  const conditions = (name: string) => JSON.stringify(alerts()[name]?.conditions);
  test.each([
    ['uptime', /uptime_check\/check_passed.*metric\.label\.check_id=\\"readyz-check-id\\"/],
    ['edge-5xx', /https_request_count\{[^}]*response_code_class=\\"500\\".* > 0\.02"/],
    [
      'api-p95-latency',
      /histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket\{namespace=\\"tilestack\\",route=\\"\/maps\/tileset\/:tileset\/:z\/:x\/:y\\"\}.* > 2\.5"/,
    ],
  ])('the %s alert watches its metric', (name, pattern) => expect(conditions(name)).toMatch(pattern));

  test('every alert goes to the e-mail channel', () => {
    expect(Object.values(alerts()).map((a) => a.notificationChannels)).toEqual(Array(7).fill(['email']));
  });

  test.each(
    ['availability', 'latency'].flatMap((slo) => [
      [slo, 'fast', 14.4, ['3600s', '300s'], 'CRITICAL'] as const,
      [slo, 'slow', 6, ['21600s', '1800s'], 'WARNING'] as const,
    ]),
  )('%s SLO has a %s burn-rate alert (×%s, long and short window)', (slo, speed, rate, windows, severity) => {
    expect(alerts()[`${slo}-${speed}-burn`]).toMatchObject({
      combiner: 'AND',
      severity,
      conditions: windows.map((window) => ({
        conditionThreshold: {
          filter: `select_slo_burn_rate("${sloName(slo)}", "${window}")`,
          comparison: 'COMPARISON_GT',
          thresholdValue: rate,
        },
      })),
    });
  });

  test('the dashboard is valid JSON charting the edge, the API and both error budgets', () => {
    const json = String(named(run(), 'Dashboard', 'dashboard').dashboardJson);
    expect(JSON.parse(json).mosaicLayout.tiles.length).toBeGreaterThanOrEqual(8);
    const budgets = ['availability', 'latency'].map((slo) => sloName(slo));
    for (const chart of [...budgets, 'https_request_count', 'http_requests_total'])
      expect(json).toContain(chart);
  });
  return {
    'NotificationChannel email': { type: 'email', labels: { email_address: config['tilestack:alertEmail'] } },
    'UptimeCheckConfig readyz': {
      monitoredResource: { labels: { host: config['tilestack:hostname'] } },
      httpCheck: { path: '/readyz', port: 443, useSsl: true, validateSsl: true },
    },
    'Slo availability': {
      goal: stack === 'prod' ? 0.999 : 0.995,
      rollingPeriodDays: 28,
      service: `tilestack-${stack}`,
      requestBasedSli: {
        goodTotalRatio: {
          totalServiceFilter: lb,
          badServiceFilter: `${lb} metric.label.response_code_class=500`,
        },
      },
    },
    'Slo latency': {
      goal: 0.95, // p95
      rollingPeriodDays: 28,
      requestBasedSli: {
        distributionCut: {
          distributionFilter: expect.stringContaining('https/backend_latencies'),
          range: { max: 500 },
        },
      },
    },
  };
});

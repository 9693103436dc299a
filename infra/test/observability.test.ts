import type * as gcp from '@pulumi/gcp';
import { expect, test } from 'vitest';
import { describeStacks, type Expectations, envConfig, matches, named, ofType } from './harness.js';

// Monitoring as code: uptime check, threshold alerts, SLOs with burn-rate alerts, dashboard.
describeStacks((stack, run, project) => {
  const alert = (name: string) => named<gcp.monitoring.AlertPolicyArgs>(run(), 'AlertPolicy', name);
  const sloName = (slo: string) =>
    `projects/${project}/services/tilestack-${stack}/serviceLevelObjectives/${slo}`;
  const config = envConfig(stack);
  const edge = 'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule"';
  const expectations: Expectations = {
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
          totalServiceFilter: edge,
          badServiceFilter: `${edge} metric.label.response_code_class=500`,
        },
      },
    },
    'Slo latency': {
      goal: 0.95, // p95
      rollingPeriodDays: 28,
      requestBasedSli: {
        distributionCut: {
          distributionFilter: expect.stringContaining('loadbalancing.googleapis.com/https/backend_latencies'),
          range: { max: 500 },
        },
      },
    },
  };
  test.each(Object.entries(expectations))('%s', (id, expected) => matches(run(), id, expected));

  test('every alert goes to the e-mail channel', () => {
    expect(ofType(run(), 'AlertPolicy').map((a) => a.inputs.notificationChannels)).toEqual(
      Array(7).fill([`projects/${project}/notificationChannels/email`]),
    );
  });

  test.each([
    ['uptime', 'conditionThreshold', /uptime_check\/check_passed.*metric\.label\.check_id="readyz-check-id"/],
    [
      'edge-5xx',
      'conditionPrometheusQueryLanguage',
      /https_request_count\{[^}]*response_code_class="500".* > 0\.02$/,
    ],
    [
      'api-p95-latency',
      'conditionPrometheusQueryLanguage',
      /^histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket\{namespace="tilestack",route="\/maps\/tileset\/:tileset\/:z\/:x\/:y"\}.* > 2\.5$/,
    ],
  ] as const)('the %s alert watches its metric', (name, kind, pattern) => {
    const condition = alert(name).conditions[0]?.[kind] as { filter?: string; query?: string } | undefined;
    expect(condition?.filter ?? condition?.query).toMatch(pattern);
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
    expect(JSON.parse(json).mosaicLayout.tiles.length).toBeGreaterThanOrEqual(8);
    for (const slo of ['availability', 'latency'])
      expect(json).toContain(`select_slo_budget_fraction(\\"${sloName(slo)}\\")`);
    expect(json).toContain('loadbalancing_googleapis_com:https_request_count');
    expect(json).toContain('http_requests_total');
  });
});

import { expect, it } from 'vitest';
import { Metrics } from '../../src/plugins/metrics.js';

it('counts requests and source calls in Prometheus counters and cumulative histogram buckets', async () => {
  const metrics = new Metrics('mbtiles');
  const tile = (status: number, ms: number) =>
    metrics.recordResponse('/maps/tileset/:tileset/:z/:x/:y', 'GET', status, ms / 1000);
  tile(200, 3);
  tile(200, 30);
  tile(204, 700);
  metrics.query({ kind: 'tile', outcome: 'ok', seconds: 0.0002 });
  const lines = (await metrics.registry.metrics()).split('\n');
  const route = 'route="/maps/tileset/:tileset/:z/:x/:y",method="GET"';
  const duration = 'http_request_duration_seconds';
  expect(lines).toEqual(
    expect.arrayContaining([
      `http_requests_total{${route},status="200"} 2`,
      `http_requests_total{${route},status="204"} 1`,
      ...[
        ['0.001', 0],
        ['0.005', 1],
        ['0.05', 2],
        ['1', 3],
        ['+Inf', 3],
      ].map(([le, n]) => `${duration}_bucket{le="${le}",${route}} ${n}`),
      `${duration}_count{${route}} 3`,
      'tilestack_source_queries_total{source="mbtiles",kind="tile",outcome="ok"} 1',
      'tilestack_source_query_duration_seconds_bucket{le="0.0005",source="mbtiles",kind="tile"} 1',
    ]),
  );
  const sum = lines.find((l) => l.startsWith(`${duration}_sum{${route}}`));
  expect(Number(sum?.split(' ')[1])).toBeCloseTo(0.733);
});

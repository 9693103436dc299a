import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/plugins/metrics.js';

describe('request and source metrics (counted in plain numbers, read at scrape time)', () => {
  it('expose Prometheus counters and cumulative histogram buckets per label set', async () => {
    const metrics = new Metrics('mbtiles');
    const reply = (statusCode: number, elapsedTime: number) => ({ statusCode, elapsedTime }) as never;
    const request = { method: 'GET', routeUrl: '/maps/tileset/:tileset/:z/:x/:y' } as never;
    metrics.recordResponse(request, reply(200, 3));
    metrics.recordResponse(request, reply(200, 30));
    metrics.recordResponse(request, reply(204, 700));
    metrics.query({ kind: 'tile', outcome: 'ok', seconds: 0.0002 });
    const text = await metrics.registry.metrics();
    const line = (name: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(name))
        ?.split(' ')[1];
    const route = 'route="/maps/tileset/:tileset/:z/:x/:y",method="GET"';
    expect(line(`http_requests_total{${route},status="200"}`)).toBe('2');
    expect(line(`http_requests_total{${route},status="204"}`)).toBe('1');
    expect(line(`http_request_duration_seconds_bucket{${route},le="0.001"}`)).toBe('0');
    expect(line(`http_request_duration_seconds_bucket{${route},le="0.005"}`)).toBe('1');
    expect(line(`http_request_duration_seconds_bucket{${route},le="0.05"}`)).toBe('2');
    expect(line(`http_request_duration_seconds_bucket{${route},le="1"}`)).toBe('3');
    expect(line(`http_request_duration_seconds_bucket{${route},le="+Inf"}`)).toBe('3');
    expect(Number(line(`http_request_duration_seconds_sum{${route}}`))).toBeCloseTo(0.733);
    expect(line(`http_request_duration_seconds_count{${route}}`)).toBe('3');
    expect(line('tilestack_source_queries_total{source="mbtiles",kind="tile",outcome="ok"}')).toBe('1');
    expect(
      line('tilestack_source_query_duration_seconds_bucket{source="mbtiles",kind="tile",le="0.0005"}'),
    ).toBe('1');
  });
});

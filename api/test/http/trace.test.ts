import { describe, expect, it } from 'vitest';
import { traceLogFields } from '../../src/http/trace.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('traceLogFields', () => {
  it('reads W3C traceparent', () => {
    expect(traceLogFields({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }, 'my-project')).toEqual({
      'logging.googleapis.com/trace': `projects/my-project/traces/${TRACE}`,
      'logging.googleapis.com/spanId': '00f067aa0ba902b7',
      'logging.googleapis.com/trace_sampled': true,
    });
  });

  it("reads Google's X-Cloud-Trace-Context (decimal span id)", () => {
    expect(traceLogFields({ 'x-cloud-trace-context': `${TRACE}/1;o=0` }, 'p-1')).toEqual({
      'logging.googleapis.com/trace': `projects/p-1/traces/${TRACE}`,
      'logging.googleapis.com/spanId': '0000000000000001',
      'logging.googleapis.com/trace_sampled': false,
    });
  });

  it('prefers traceparent and ignores malformed or all-zero ids', () => {
    expect(traceLogFields({}, 'p')).toBeUndefined();
    expect(traceLogFields({ traceparent: 'garbage' }, 'p')).toBeUndefined();
    expect(traceLogFields({ traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }, 'p')).toBeUndefined();
    const both = traceLogFields(
      { traceparent: `00-${TRACE}-00f067aa0ba902b7-00`, 'x-cloud-trace-context': `${'1'.repeat(32)}/5` },
      undefined,
    );
    expect(both?.['logging.googleapis.com/trace']).toBe(TRACE);
  });
});

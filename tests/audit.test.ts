import { describe, expect, it } from 'vitest';
import { type AuditReport, evaluate } from '../scripts/audit.js';

const advisory = (id: string, severity: string) => ({ url: `https://x/${id}`, severity, title: id });
const report: AuditReport = {
  vulnerabilities: {
    fastify: { name: 'fastify', via: [advisory('GHSA-aaaa', 'high')] },
    debug: { name: 'debug', via: [advisory('GHSA-dddd', 'moderate')] },
    wrapper: { name: 'wrapper', via: ['fastify'] },
  },
};
const exception = { advisory: 'GHSA-aaaa', package: 'fastify', reason: 'unused', expires: '2026-12-31' };

describe('npm audit gate (scripts/audit.ts)', () => {
  it('blocks HIGH/CRITICAL advisories, not moderate ones or transitive mentions', () => {
    expect(evaluate(report, [], '2026-11-25').blocking).toEqual([
      { package: 'fastify', advisory: 'GHSA-aaaa', severity: 'high', title: 'GHSA-aaaa' },
    ]);
  });

  it('honours a documented exception until it expires, then blocks again and names the expired exception', () => {
    expect(evaluate(report, [exception], '2026-11-25')).toMatchObject({ blocking: [], expired: [] });
    const later = evaluate(report, [exception], '2027-01-01');
    expect(later.blocking).toHaveLength(1);
    expect(later.expired).toEqual([exception]);
  });
});

import { describe, expect, it } from 'vitest';
import { type AuditReport, evaluate } from '../scripts/audit.js';

const report: AuditReport = {
  vulnerabilities: {
    fastify: {
      name: 'fastify',
      severity: 'high',
      via: [
        { url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'high', title: 'bad thing' },
      ],
    },
    debug: {
      name: 'debug',
      severity: 'moderate',
      via: [{ url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', severity: 'moderate', title: 'meh' }],
    },
    wrapper: { name: 'wrapper', severity: 'high', via: ['fastify'] },
  },
};

describe('npm audit gate', () => {
  it('blocks HIGH/CRITICAL advisories, not moderate ones or transitive mentions', () => {
    const { blocking } = evaluate(report, [], '2026-11-25');
    expect(blocking).toEqual([
      { package: 'fastify', advisory: 'GHSA-aaaa-bbbb-cccc', severity: 'high', title: 'bad thing' },
    ]);
  });

  it('honours a documented exception until it expires', () => {
    const exception = {
      advisory: 'GHSA-aaaa-bbbb-cccc',
      package: 'fastify',
      reason: 'not reachable',
      expires: '2026-12-31',
    };
    expect(evaluate(report, [exception], '2026-11-25').blocking).toEqual([]);
    const later = evaluate(report, [exception], '2027-01-01');
    expect(later.blocking).toHaveLength(1);
    expect(later.expired).toEqual([exception]);
  });
});

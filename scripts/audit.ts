// `npm run audit`: fails on HIGH or CRITICAL advisories in production dependencies, except those listed in
// audit-exceptions.json with a reason and an expiry date (an expired exception fails again, so nobody
// forgets one). Runs in CI (GitHub reaches npm's advisory endpoint; this sandbox does not).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type AuditException = { advisory: string; package: string; reason: string; expires: string };
type Via = { url?: string; title?: string; severity?: string };
export type AuditReport = { vulnerabilities?: Record<string, { name: string; via: (Via | string)[] }> };

/** Blocking and excepted HIGH/CRITICAL findings of an `npm audit --json` report, and expired exceptions. */
export function evaluate(report: AuditReport, exceptions: AuditException[], today: string) {
  const findings = Object.values(report.vulnerabilities ?? {}).flatMap(({ name, via }) =>
    via
      .filter((v): v is Via => typeof v !== 'string' && /^(high|critical)$/.test(v.severity ?? ''))
      .map(({ url, severity, title = '' }) => ({
        package: name,
        advisory: url?.split('/').pop() ?? 'unknown',
        severity,
        title,
      })),
  );
  const excepted = (f: (typeof findings)[number]) =>
    exceptions.some((e) => e.advisory === f.advisory && e.package === f.package && e.expires >= today);
  const expired = exceptions.filter((e) => e.expires < today);
  return { blocking: findings.filter((f) => !excepted(f)), excepted: findings.filter(excepted), expired };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../', import.meta.url));
  // npm audit exits 1 when it finds anything: the report is on stdout either way.
  const { stdout } = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8' });
  const report = JSON.parse(stdout) as AuditReport & { statusCode?: number; message?: string };
  if (report.statusCode && !report.vulnerabilities) {
    console.error(`audit: the advisory service did not answer (${report.message}); cannot decide`);
    process.exit(2);
  }
  const exceptions = JSON.parse(readFileSync(`${root}audit-exceptions.json`, 'utf8')) as AuditException[];
  const { blocking, excepted, expired } = evaluate(report, exceptions, new Date().toISOString().slice(0, 10));
  for (const f of excepted) console.log(`audit: excepted ${f.severity} ${f.advisory} in ${f.package}`);
  for (const e of expired)
    console.error(`audit: exception for ${e.advisory} (${e.package}) expired on ${e.expires}`);
  for (const f of blocking) console.error(`audit: ${f.severity} ${f.advisory} in ${f.package}: ${f.title}`);
  console.log(
    `audit: ${blocking.length} blocking, ${excepted.length} excepted, ${expired.length} expired exceptions`,
  );
  process.exit(blocking.length > 0 ? 1 : 0);
}

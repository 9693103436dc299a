#!/usr/bin/env node
// Exit code: 0 every check passed, 1 a check failed, 2 bad usage.
import { parseOptions, type SmokeOptions, USAGE } from './options.js';
import { runSmoke } from './smoke.js';

let options: SmokeOptions;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`smoke: ${(error as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const report = await runSmoke(options);
// With --json the summary owns stdout and the per-check lines go to stderr, so logs keep them.
const lines = options.json ? process.stderr : process.stdout;
const label = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };
for (const c of report.checks) lines.write(`${label[c.status]} ${c.name.padEnd(9)} ${c.message}\n`);
if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const count = (status: string) => report.checks.filter((c) => c.status === status).length;
const [total, skipped] = [report.checks.length, count('skip') ? `, ${count('skip')} skipped` : ''];
process.stderr.write(
  report.ok
    ? `smoke: all ${total} checks passed against ${report.baseUrl} in ${report.durationMs} ms\n`
    : `smoke: FAILED against ${report.baseUrl}: ${count('fail')} of ${total} checks failed${skipped}\n`,
);
process.exitCode = report.ok ? 0 : 1;

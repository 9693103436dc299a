import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One line describing where a benchmark ran, for the docs. */
export function machineDescription(): string {
  const cpu = cpus();
  const out = spawnSync('varnishd', ['-V'], { encoding: 'utf8' }); // prints its version on stderr
  const varnish = /varnish-[\d.]+/.exec(`${out.stdout}${out.stderr}`)?.[0] ?? 'varnishd not found';
  return `${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}, ${varnish}`;
}

/** Replaces (or appends) the block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a doc. */
export function writeSection(path: string, name: string, body: string): void {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const doc = readFileSync(path, 'utf8');
  const block = `${start}\n${body.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(path, pattern.test(doc) ? doc.replace(pattern, block) : `${doc.trimEnd()}\n\n${block}\n`);
}

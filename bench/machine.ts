import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One line describing where a benchmark ran, for the docs. */
export function machineDescription(): string {
  const cpu = cpus();
  let varnish = 'varnishd not found';
  try {
    varnish =
      execFileSync('varnishd', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')[0]
        ?.replace(/^varnishd \((varnish-[\d.]+).*$/, '$1') ?? varnish;
  } catch {
    // reported as missing
  }
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}, ${varnish}`;
}

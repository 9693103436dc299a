import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One line describing where a benchmark ran, for the docs. */
export function machineDescription(): string {
  const cpu = cpus();
  // varnishd prints its version on stderr
  const out = spawnSync('varnishd', ['-V'], { encoding: 'utf8' });
  const varnish =
    /varnish-[\d.]+/.exec(`${out.stdout ?? ''}${out.stderr ?? ''}`)?.[0] ?? 'varnishd not found';
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 2 ** 30);
  return `${cpu.length} × ${model}, ${memory} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}, ${varnish}`;
}

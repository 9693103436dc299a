import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, environmentVcl } from './environment-vcl.js';
import { CACHE_DIR, POLICY_VCL } from './paths.js';
import { freePort, waitForHttp } from './ports.js';
import { ManagedProcess } from './process.js';

export interface VarnishOptions {
  backends: Backend[];
  port?: number;
  /** `-s malloc` size for cached objects. */
  size?: string;
  purgers?: string[];
}

export interface Varnish {
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The image's varnishd tuning (`-p` settings), read from its entrypoint so both run the same. */
const TUNING = (
  /^TUNING="(.*)"$/m.exec(readFileSync(join(CACHE_DIR, 'docker-entrypoint.sh'), 'utf8'))?.[1] ?? ''
)
  .split(' ')
  .filter(Boolean);

/**
 * Runs a real `varnishd` in the foreground with the repository's `default.vcl` and a generated
 * `environment.vcl` (found first on vcl_path), memory bounded for both cached and transient objects.
 */
export async function startVarnish(options: VarnishOptions): Promise<Varnish> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-varnish-'));
  writeFileSync(join(dir, 'environment.vcl'), environmentVcl(options.backends, options.purgers));
  const args = [
    '-F',
    '-j',
    'none',
    '-n',
    join(dir, 'work'),
    '-a',
    `127.0.0.1:${port}`,
    '-T',
    'none',
    '-f',
    POLICY_VCL,
    '-p',
    `vcl_path=${dir}:${CACHE_DIR}`,
    '-s',
    `malloc,${options.size ?? '256m'}`,
    '-s',
    'Transient=malloc,64m',
    ...TUNING,
  ];
  const varnishd = ManagedProcess.start(`varnish:${port}`, process.env.VARNISHD ?? 'varnishd', args);
  const url = `http://127.0.0.1:${port}`;
  await varnishd.readyOrExit(waitForHttp(`${url}/_cache/health`, 20_000));
  return {
    url,
    port,
    process: varnishd,
    stop: async () => {
      await varnishd.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedProcess, waitForHttp } from './process.js';

const CACHE_DIR = fileURLToPath(new URL('../', import.meta.url));

export interface VarnishOptions {
  /** Ports of the API processes on 127.0.0.1. */
  backends: number[];
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

/**
 * The per-environment include of `default.vcl` for processes on this machine: one backend per API
 * process (probed on /readyz), a round-robin director `api` and the invalidation ACL. Kubernetes and
 * compose ship a static version of this file.
 */
export function environmentVcl(ports: number[], purgers = ['"127.0.0.1"', '"::1"']): string {
  const backend = (port: number, i: number) => `backend api_${i} {
    .host = "127.0.0.1";
    .port = "${port}";
    .probe = api_ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
}
`;
  return `${ports.map(backend).join('\n')}
acl purgers {
    ${purgers.join(';\n    ')};
}

sub vcl_init {
    new api = directors.round_robin();
${ports.map((_, i) => `    api.add_backend(api_${i});`).join('\n')}
}
`;
}

/** The image's varnishd tuning (`-p` settings), read from its entrypoint so both run the same. */
const TUNING = (
  /^TUNING="(.*)"$/m.exec(readFileSync(join(CACHE_DIR, 'docker-entrypoint.sh'), 'utf8'))?.[1] ?? ''
)
  .split(' ')
  .filter(Boolean);

/**
 * A real `varnishd` in the foreground with the repository's `default.vcl` and a generated
 * `environment.vcl` (first on vcl_path), memory bounded for both cached and transient objects.
 */
export async function startVarnish(options: VarnishOptions): Promise<Varnish> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-varnish-'));
  writeFileSync(join(dir, 'environment.vcl'), environmentVcl(options.backends, options.purgers));
  const args = ['-F', '-j', 'none', '-n', join(dir, 'work'), '-a', `127.0.0.1:${port}`, '-T', 'none'];
  args.push('-f', join(CACHE_DIR, 'default.vcl'), '-p', `vcl_path=${dir}:${CACHE_DIR}`);
  args.push('-s', `malloc,${options.size ?? '256m'}`, '-s', 'Transient=malloc,64m', ...TUNING);
  const varnishd = ManagedProcess.start(`varnish:${port}`, process.env.VARNISHD ?? 'varnishd', args);
  const url = `http://127.0.0.1:${port}`;
  await varnishd.readyOrExit(waitForHttp(`${url}/_cache/health`));
  const stop = async () => {
    await varnishd.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, port, process: varnishd, stop };
}

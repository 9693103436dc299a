import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedProcess, waitForHttp } from './process.js';

const CACHE_DIR = fileURLToPath(new URL('../', import.meta.url));
/** The image's varnishd tuning (`-p` settings), read from its entrypoint so both run the same. */
const TUNING = /^TUNING="(.*)"$/m.exec(readFileSync(join(CACHE_DIR, 'docker-entrypoint.sh'), 'utf8'))?.[1];

export interface Varnish {
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * The `environment.vcl` of processes on this machine (Kubernetes and compose ship a static one): a
 * backend per API port on 127.0.0.1, probed on /readyz, a round-robin director `api`, localhost may invalidate.
 */
const backend = (port: number, i: number) => `backend api_${i} {
    .host = "127.0.0.1";
    .port = "${port}";
    .probe = api_ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
}
`;
const environmentVcl = (ports: number[]) => `${ports.map(backend).join('\n')}
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new api = directors.round_robin();
${ports.map((_, i) => `    api.add_backend(api_${i});`).join('\n')}
}
`;

/**
 * A real `varnishd` in the foreground with the repository's `default.vcl` and a generated
 * `environment.vcl` (first on vcl_path), memory bounded for both cached and transient objects.
 */
export async function startVarnish(options: { backends: number[]; port?: number }): Promise<Varnish> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-varnish-'));
  writeFileSync(join(dir, 'environment.vcl'), environmentVcl(options.backends));
  const args = `-F -j none -T none -s malloc,256m -s Transient=malloc,64m ${TUNING ?? ''}`
    .split(' ')
    .filter(Boolean);
  args.push('-n', join(dir, 'work'), '-a', `127.0.0.1:${port}`, '-f', join(CACHE_DIR, 'default.vcl'));
  args.push('-p', `vcl_path=${dir}:${CACHE_DIR}`);
  const varnishd = ManagedProcess.start(`varnish:${port}`, process.env.VARNISHD ?? 'varnishd', args);
  const url = `http://127.0.0.1:${port}`;
  await varnishd.readyOrExit(waitForHttp(`${url}/_cache/health`));
  const stop = () => varnishd.stop().then(() => rmSync(dir, { recursive: true, force: true }));
  return { url, port, process: varnishd, stop };
}

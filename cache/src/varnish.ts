import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedProcess, waitForHttp } from './process.js';

const CACHE_DIR = fileURLToPath(new URL('../', import.meta.url));
/** The image's varnishd tuning (`-p` settings), read from its entrypoint so both run the same. */
const TUNING = /^TUNING="(.*)"$/m.exec(readFileSync(join(CACHE_DIR, 'docker-entrypoint.sh'), 'utf8'))?.[1];

export type Varnish = Awaited<ReturnType<typeof startVarnish>>;

/** compose's `environment.vcl` (same backend settings and ACL) with one backend per local API process. */
const COMPOSE = readFileSync(join(CACHE_DIR, 'environment.compose.vcl'), 'utf8');
const BACKEND = /^backend api_compose \{[^}]*\}$/m.exec(COMPOSE)?.[0] ?? '';
const backend = (port: number, i: number) =>
  BACKEND.replace('api_compose', `api_${i}`).replace('"api"', '"127.0.0.1"').replace('"3000"', `"${port}"`);
const environmentVcl = (ports: number[]) =>
  COMPOSE.replace(BACKEND, ports.map(backend).join('\n\n')).replace(
    'api.add_backend(api_compose);',
    ports.map((_, i) => `api.add_backend(api_${i});`).join('\n    '),
  );

/** A real `varnishd` in the foreground with `default.vcl` and a generated `environment.vcl` (first on vcl_path). */
export async function startVarnish(options: { backends: number[]; port?: number }) {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-varnish-'));
  writeFileSync(join(dir, 'environment.vcl'), environmentVcl(options.backends));
  const args = `-F -j none -T none -s malloc,256m -s Transient=malloc,64m ${TUNING ?? ''}`.trim().split(' ');
  args.push('-n', join(dir, 'work'), '-a', `127.0.0.1:${port}`, '-f', join(CACHE_DIR, 'default.vcl'));
  args.push('-p', `vcl_path=${dir}:${CACHE_DIR}`);
  const varnishd = ManagedProcess.start(`varnish:${port}`, process.env.VARNISHD ?? 'varnishd', args);
  const url = `http://127.0.0.1:${port}`;
  await varnishd.readyOrExit(waitForHttp(`${url}/_cache/health`));
  const stop = () => varnishd.stop().then(() => rmSync(dir, { recursive: true, force: true }));
  return { url, port, process: varnishd, stop };
}

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Engine {
  name: 'docker' | 'podman';
  /** How to run compose with this engine: `docker compose`, or podman-compose. */
  compose: string[];
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (no shell); never throws, the caller checks `status`. */
export function exec(cmd: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Result {
  const [file = '', ...args] = cmd;
  const r = spawnSync(file, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Like exec, but throws with the command's output when it fails. */
export function run(cmd: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const r = exec(cmd, options);
  if (r.status !== 0) {
    throw new Error(
      `${cmd.join(' ')} exited ${r.status}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`,
    );
  }
  return r.stdout;
}

/** Runs `entrypoint ...args` in a throwaway container of `image` (no health check); throws when it fails. */
export function runOnce(engine: Engine, image: string, entry: string, args: string[], flags: string[] = []) {
  const options = ['--rm', '--no-healthcheck', ...flags, '--entrypoint', entry];
  return run([engine.name, 'run', ...options, image, ...args]);
}

const works = (cmd: string[]) => exec(cmd, { timeoutMs: 20_000 }).status === 0;

/**
 * Docker when a Docker engine answers (a `docker` that is really podman-docker counts as podman),
 * else podman. Compose: `docker compose` / `podman compose` (podman >= 4.7) / podman-compose.
 */
export function detectEngine(): Engine {
  const docker = exec(['docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 });
  const shim = /podman/i.test(exec(['docker', '--version']).stdout);
  if (docker.status === 0 && !shim) return { name: 'docker', compose: ['docker', 'compose'] };
  if (!works(['podman', 'version'])) throw new Error('neither docker nor podman is usable on this machine');
  const compose = works(['podman-compose', 'version']) ? ['podman-compose'] : ['podman', 'compose'];
  return { name: 'podman', compose };
}

/** A unique, engine-safe name prefix for this run's containers and networks. */
export const RUN_ID = `tilestack-ct-${process.pid}-${Date.now().toString(36)}`;

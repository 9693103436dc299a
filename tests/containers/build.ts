import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Engine, exec, ROOT, run } from './engine.js';

export interface ImageSpec {
  tag: string;
  /** Dockerfile and build context, relative to the repository root. */
  dockerfile: string;
  context: string;
  target?: string;
}

export interface BuiltImage extends ImageSpec {
  seconds: number;
  bytes: number;
  /** Base images whose digest pin was stripped because the engine could neither find nor pull them. */
  unpinned: string[];
}

const PIN = /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)@(sha256:[0-9a-f]{64})/gim;

/** Whether the engine has the pinned base image, pulling it if it can (a real registry). */
function hasImage(engine: Engine, ref: string): boolean {
  if (exec([engine.name, 'image', 'inspect', ref]).status === 0) return true;
  return exec([engine.name, 'pull', ref], { timeoutMs: 300_000 }).status === 0;
}

/**
 * The Dockerfile to build: the real one when every pinned base is available; otherwise a temporary
 * copy without the pins that cannot be satisfied (this machine's local stand-ins for the public images
 * cannot carry the upstream digests, see ../shared/tools/containers/README.md). The tag stays.
 */
function buildableDockerfile(engine: Engine, spec: ImageSpec): { file: string; unpinned: string[] } {
  const file = join(ROOT, spec.dockerfile);
  const text = readFileSync(file, 'utf8');
  const missing = new Set(
    [...text.matchAll(PIN)].map((m) => `${m[2]}@${m[3]}`).filter((ref) => !hasImage(engine, ref)),
  );
  if (missing.size === 0) return { file, unpinned: [] };
  const stripped = text.replace(PIN, (line, from: string, image: string, digest: string) =>
    missing.has(`${image}@${digest}`) ? `${from}${image}` : line,
  );
  const copy = join(mkdtempSync(join(tmpdir(), 'tilestack-dockerfile-')), 'Dockerfile');
  writeFileSync(copy, stripped);
  return { file: copy, unpinned: [...missing] };
}

/** Builds one image and reports how long it took and how big it is. */
export function buildImage(engine: Engine, spec: ImageSpec, extraArgs: string[] = []): BuiltImage {
  const { file, unpinned } = buildableDockerfile(engine, spec);
  for (const ref of unpinned)
    console.warn(`note: ${spec.dockerfile}: ${ref} unavailable, built without its digest`);
  const version = JSON.parse(readFileSync(join(ROOT, 'api/package.json'), 'utf8')).version as string;
  const revision = exec(['git', 'rev-parse', 'HEAD']).stdout.trim() || 'unknown';
  const source = exec(['git', 'remote', 'get-url', 'origin']).stdout.trim();
  const args = [
    engine.name,
    'build',
    ...(engine.name === 'podman'
      ? // docker format keeps HEALTHCHECK; never reach for a registry the stand-ins replace; host network
        // for npm and apt during RUN (see the shared README).
        ['--format', 'docker', '--pull=never', '--network=host']
      : []),
    ...(spec.target ? ['--target', spec.target] : []),
    ...['--build-arg', `VERSION=${version}`, '--build-arg', `REVISION=${revision}`],
    ...(source ? ['--build-arg', `SOURCE=${source}`] : []),
    ...extraArgs,
    ...['-f', file, '-t', spec.tag, join(ROOT, spec.context)],
  ];
  const started = performance.now();
  run(args, { timeoutMs: 20 * 60_000 });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const bytes = Number(run([engine.name, 'image', 'inspect', '-f', '{{.Size}}', spec.tag]).trim());
  return { ...spec, seconds, bytes, unpinned };
}

import { join } from 'node:path';
import { machineDescription, writeSection } from '../../bench/report.js';
import type { BuiltImage } from './build.js';
import { type Engine, exec, ROOT, runOnce } from './engine.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** Writes the `images` section of docs/benchmarks.md from this run's builds. */
export function recordBenchmarks(
  engine: Engine,
  images: Record<'runtime' | 'dev' | 'cache', BuiltImage>,
  noCache: boolean,
  totalSeconds: number,
): void {
  const version = exec([engine.name, 'version', '--format', '{{.Client.Version}}']).stdout.trim();
  const base = (ref: string) => {
    const size = exec([engine.name, 'image', 'inspect', '-f', '{{.Size}}', ref]).stdout.trim();
    return size ? mb(Number(size)) : 'n/a';
  };
  const row = (i: BuiltImage, what: string) =>
    `| \`${i.tag}\` | ${i.dockerfile}${i.target ? ` (target \`${i.target}\`)` : ''} | ${what} | **${mb(i.bytes)}** | ${i.seconds} s |`;
  const node = runOnce(engine, images.runtime.tag, 'node', ['--version']);
  // machineDescription() ends with the host's varnishd, empty when it is not installed.
  const machine = machineDescription().replace(/,\s*$/, '');
  const unpinned = [...new Set(Object.values(images).flatMap((i) => i.unpinned))];
  const body = `## Container images
Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${engine.name} ${version}; the images run Node ${node.trim()}.
Command: \`${noCache ? 'CONTAINERS_NO_CACHE=1 ' : ''}RECORD_BENCHMARKS=1 npm run test:containers\`.
Build times are ${noCache ? "**cold**: `--no-cache`, so every image is built from scratch (apt and npm downloads included, base images present) and dev does not reuse the runtime build's layers" : "with the layer cache of earlier builds (dev reuses the runtime build's dependency and build layers)"}. Sizes are uncompressed, as the engine reports them. The whole run (builds, then every check) took **${Math.round(totalSeconds)} s**.

| image | built from | what | size | build |
|---|---|---|---|---|
${row(images.runtime, 'production API: the node binary and its libraries (no distribution), compiled JS, prod deps, sample data, viewer')}
${row(images.dev, 'compose dev target: full toolchain and dev dependencies, tsx watch')}
${row(images.cache, 'Varnish 7.1 + gcc (VCL compiler) + Prometheus exporter')}

Target: API runtime ≤ 200 MB. For scale, the base images here: \`node:24-bookworm-slim\` ${base('docker.io/library/node:24-bookworm-slim')}, \`debian:bookworm-slim\` ${base('docker.io/library/debian:bookworm-slim')}.
The runtime image is the stripped node binary (~108 MB), the libraries it loads and /bin/sh (~5 MB), production \`node_modules\` (~30 MB) and the sample data (<1 MB): no Debian (~80 MB), no npm, corepack or yarn.
${unpinned.length ? `\nThis machine has no registry access: the images were built from local stand-ins of the base images, without their digest pins (${unpinned.map((r) => `\`${r.replace(/@sha256:(.{12}).*/, '@sha256:$1…')}\``).join(', ')}), so sizes differ slightly from builds on the real bases.\n` : ''}`;
  writeSection(join(ROOT, 'docs/benchmarks.md'), 'images', body);
}

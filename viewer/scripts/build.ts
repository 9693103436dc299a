import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { DIST_DIR, SRC_DIR } from './paths.js';

const require = createRequire(import.meta.url);
const MAPLIBRE_DIST = dirname(require.resolve('maplibre-gl/dist/maplibre-gl.css'));

/** The bundle: our code and MapLibre in one ES module (MapLibre 6 ships ESM only). */
export const bundleOptions = (outdir: string): esbuild.BuildOptions => ({
  entryPoints: { app: join(SRC_DIR, 'main.ts') },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // What MapLibre 6 itself needs (WebGL2, module workers); older browsers fail at the map anyway.
  target: ['chrome111', 'edge111', 'firefox114', 'safari16.4'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});

/** Files served as they are, next to the bundle. The worker must be there: it is loaded by URL. */
const STATIC_FILES: Array<[from: string, to: string]> = [
  [join(SRC_DIR, 'index.html'), 'index.html'],
  [join(SRC_DIR, 'viewer.css'), 'viewer.css'],
  [join(MAPLIBRE_DIST, 'maplibre-gl.css'), 'maplibre-gl.css'],
  [join(MAPLIBRE_DIST, 'maplibre-gl-worker.mjs'), 'maplibre-gl-worker.mjs'],
];

const COMPRESSIBLE = /\.(html|css|js|mjs|json|txt)$/;

/** `.gz` twins, served by the API (@fastify/static `preCompressed`) to clients that accept gzip. */
function gzipTwins(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!COMPRESSIBLE.test(name)) continue;
    writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(dir, name)), { level: 9 }));
  }
}

/**
 * Builds the viewer into `outDir` (default `viewer/dist`): bundle, static files, gzip twins. Written
 * to a sibling folder first and swapped in, so a running API never serves half a build.
 */
export async function buildViewer(outDir: string = DIST_DIR): Promise<{ outDir: string; ms: number }> {
  const startedAt = Date.now();
  const target = resolve(outDir);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await esbuild.build(bundleOptions(staging));
    for (const [from, to] of STATIC_FILES) copyFileSync(from, join(staging, to));
    gzipTwins(staging);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { outDir: target, ms: Date.now() - startedAt };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { outDir, ms } = await buildViewer(process.argv[2]);
  console.log(`viewer built into ${outDir} in ${ms} ms`);
}

import { copyFileSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const MAPLIBRE = dirname(createRequire(import.meta.url).resolve('maplibre-gl/dist/maplibre-gl.css'));
/** Served as they are, next to the bundle; the worker too, since MapLibre loads it by URL. */
const STATIC = ['index.html', 'viewer.css'].map((f) => join(SRC, f));
STATIC.push(join(MAPLIBRE, 'maplibre-gl.css'), join(MAPLIBRE, 'maplibre-gl-worker.mjs'));

/** Our code and MapLibre (ESM only) in one ES module, for the browsers MapLibre 6 itself needs. */
export const bundleOptions = (outdir: string): esbuild.BuildOptions => ({
  entryPoints: { app: join(SRC, 'main.ts') },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'edge111', 'firefox114', 'safari16.4'], // WebGL2 and module workers
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});

/** Bundle, static files and `.gz` twins (@fastify/static `preCompressed`), swapped in whole: never half a build. */
export async function buildViewer(outDir: string = DIST): Promise<string> {
  const target = resolve(outDir);
  const staging = `${target}.tmp-${process.pid}`;
  try {
    await esbuild.build(bundleOptions(staging));
    for (const file of STATIC) copyFileSync(file, join(staging, basename(file)));
    for (const name of readdirSync(staging).filter((n) => /\.(html|css|m?js|txt)$/.test(n))) {
      writeFileSync(join(staging, `${name}.gz`), gzipSync(readFileSync(join(staging, name)), { level: 9 }));
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const startedAt = Date.now();
  console.log(`viewer built into ${await buildViewer(process.argv[2])} in ${Date.now() - startedAt} ms`);
}

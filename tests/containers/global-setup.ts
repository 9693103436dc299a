import type { TestProject } from 'vitest/node';
import { type BuiltImage, buildImage } from './build.js';
import { detectEngine, type Engine } from './engine.js';
import { recordBenchmarks } from './record.js';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: Engine;
    images: Record<'runtime' | 'dev' | 'cache' | 'devcontainer', BuiltImage>;
  }
}

/**
 * Builds the images once for every container suite, with the tags compose.yaml uses (so the
 * compose suite runs exactly these builds). CONTAINERS_NO_CACHE=1 builds from scratch;
 * RECORD_BENCHMARKS=1 writes sizes and build times into docs/benchmarks.md.
 */
export default function setup(project: TestProject): () => void {
  const started = performance.now();
  const engine = detectEngine();
  const extra = process.env.CONTAINERS_NO_CACHE === '1' ? ['--no-cache'] : [];
  console.log(`container engine: ${engine.name}; compose: ${engine.compose.join(' ')}`);
  const build = (tag: string, dockerfile: string, context: string, target?: string) => {
    const image = buildImage(engine, { tag, dockerfile, context, ...(target ? { target } : {}) }, extra);
    console.log(`built ${tag} in ${image.seconds} s, ${(image.bytes / 1e6).toFixed(0)} MB`);
    return image;
  };
  // runtime first: dev reuses its dependency and build layers.
  const images = {
    runtime: build('tilestack-api:runtime', 'api/Dockerfile', '.', 'runtime'),
    dev: build('tilestack-api:dev', 'api/Dockerfile', '.', 'dev'),
    cache: build('tilestack-cache:local', 'cache/Dockerfile', '.'),
    devcontainer: build('tilestack-devcontainer:local', '.devcontainer/Dockerfile', '.'),
  };
  project.provide('engine', engine);
  project.provide('images', images);
  return () => {
    const seconds = (performance.now() - started) / 1000;
    if (process.env.RECORD_BENCHMARKS === '1') recordBenchmarks(engine, images, extra.length > 0, seconds);
  };
}

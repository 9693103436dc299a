import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { buildViewer, bundleOptions } from './build.js';
import { DIST_DIR } from './paths.js';

/**
 * The viewer on its own, without an API: esbuild's dev server over `dist/`, rebuilding the bundle on
 * each page load (edit `src/*.ts`, reload). Pass the environment in the URL with `?api=`; "local"
 * means this server, which has no tiles.
 *
 *   npm run serve -w @tilestack/viewer -- [--port 3100] [--api http://localhost:3000]
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3100' },
    host: { type: 'string', default: '127.0.0.1' },
    api: { type: 'string', default: 'http://localhost:3000' },
  },
});

await buildViewer(); // index.html, CSS and the worker come from dist/; the bundle is served from memory
const context = await esbuild.context(bundleOptions(DIST_DIR));
const { hosts, port } = await context.serve({
  servedir: DIST_DIR,
  host: values.host,
  port: Number(values.port),
});
const api = values.api ? `?api=${values.api}` : '';
console.log(`viewer: http://${hosts[0] ?? values.host}:${port}/${api}`);

const stop = async () => {
  await context.dispose();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

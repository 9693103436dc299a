import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { buildViewer, bundleOptions, DIST } from './build.js';

// esbuild's dev server over `dist/`, rebuilding the bundle on each page load; it has no tiles: use `?api=`.
//   npm run serve -w @tilestack/viewer -- [--port 3100] [--host 127.0.0.1] [--api http://localhost:3000]
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3100' },
    host: { type: 'string', default: '127.0.0.1' },
    api: { type: 'string', default: 'http://localhost:3000' },
  },
});

await buildViewer(); // index.html, CSS and the worker come from dist/; the bundle is served from memory
const context = await esbuild.context(bundleOptions(DIST));
const { hosts, port } = await context.serve({ servedir: DIST, host: values.host, port: Number(values.port) });
console.log(`viewer: http://${hosts[0] ?? values.host}:${port}/${values.api ? `?api=${values.api}` : ''}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void context.dispose().then(() => process.exit(0)));
}

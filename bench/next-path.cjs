// Loaded by autocannon's worker threads (functions cannot cross threads, files can): every request of a
// connection takes the next tile path, each connection starting at its own random place in the list.
const { readFileSync } = require('node:fs');

const paths = JSON.parse(readFileSync(process.env.BENCH_PATHS_FILE, 'utf8'));

module.exports = function setupRequest(request, context) {
  context.next = ((context.next ?? Math.floor(Math.random() * paths.length)) + 7919) % paths.length;
  return { ...request, path: paths[context.next] };
};

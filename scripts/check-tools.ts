// The system tools `npm test` runs for real, checked first (well under a second): a missing or too-old one
// is named with its install command instead of failing minutes later inside a test report.
//   node --import tsx scripts/check-tools.ts [test|bench]     exit 1 when anything is missing or too old
// The dev image (.devcontainer/Dockerfile) carries all of them: `docker compose run --rm test`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import semver from 'semver';

const CONTAINER = 'or run everything in the dev image: docker compose run --rm test';
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
type Tool = { name: string; why: string; command?: string[]; min?: string; debian?: string; macos?: string };
/** `command` defaults to `NAME --version`, installs to the package of that name; `for` to ['test']. */
const TOOLS: (Tool & { for?: string[] })[] = [
  {
    name: 'varnishd',
    // default.vcl is `vcl 4.1` (6.0+) and is tested on 7.1, the Varnish of Debian 12 and the cache image.
    why: 'cache tests against a real Varnish; default.vcl is tested on 7.1',
    command: [process.env.VARNISHD ?? 'varnishd', '-V'],
    min: '7.1.0',
    debian: 'sudo apt-get install varnish   (Debian 12 / Ubuntu 24.04: 7.1)',
    macos: 'brew install varnish',
    for: ['test', 'bench'],
  },
  {
    name: 'chromium',
    why: 'the viewer test drives it with playwright-core',
    command: [chromium, '--version'],
    debian:
      'sudo apt-get install chromium   (Ubuntu: sudo snap install chromium; CHROMIUM=/snap/bin/chromium)',
    macos: 'brew install --cask chromium; CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium',
  },
  {
    name: 'kubectl',
    why: 'renders the Kubernetes overlays (kubectl kustomize, Kustomize v5 from kubectl 1.27)',
    command: ['kubectl', 'version', '--client'],
    min: '1.27.0',
    debian: 'sudo bash deploy/k8s/scripts/ensure-kubectl.sh   (Debian’s kubernetes-client is too old)',
  },
  { name: 'shellcheck', why: 'lints the workflows’ run: scripts and scripts/' },
  { name: 'wrk', why: 'the load generator of npm run bench', command: ['wrk', '-v'], for: ['bench'] },
];

/** The first x.y[.z] in a tool's version output ("varnish-7.1.1", "v1.34.5"); undefined when not found. */
function versionOf([cmd = '', ...args]: string[]): string | null | undefined {
  const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 4000 });
  if (run.error) return undefined; // not found (a non-zero exit is fine: `wrk -v` exits 1)
  const [, x, y, z = 0] = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(`${run.stdout}\n${run.stderr}`) ?? [];
  return x ? `${x}.${y}.${z}` : null;
}

const purpose = process.argv[2] === 'bench' ? 'bench' : 'test';
const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const nvmrc = readFileSync(new URL('../.nvmrc', import.meta.url), 'utf8').trim();
const problems = semver.satisfies(process.versions.node, engines)
  ? []
  : [`node (${process.versions.node}, not ${engines}): .nvmrc says ${nvmrc}. nvm install · ${CONTAINER}`];
for (const { name, why, command = [name, '--version'], min, ...tool } of TOOLS) {
  if (!(tool.for ?? ['test']).includes(purpose)) continue;
  const version = versionOf(command);
  if (version !== undefined && (!min || (version && semver.gte(version, min)))) continue;
  const state = version === undefined ? 'missing' : `${version ?? 'unknown version'}, older than ${min}`;
  const { debian = `sudo apt-get install ${name}`, macos = `brew install ${name}` } = tool;
  problems.push(`${name} (${state}): ${why}. Debian/Ubuntu: ${debian} · macOS: ${macos} · ${CONTAINER}`);
}
for (const line of problems) console.error(line);
process.exitCode = problems.length > 0 ? 1 : 0;

// The system tools `npm test` runs for real, checked first (well under a second) so a missing or too-old
// one is named with its install command instead of failing minutes later inside a test report.
//   node --import tsx scripts/check-tools.ts [test|bench]     exit 1 when anything is missing or too old
// The dev image (.devcontainer/Dockerfile) carries all of them: `docker compose run --rm test`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import semver from 'semver';

interface Tool {
  name: string;
  why: string;
  command: string[];
  /** Lowest version that works, and why; undefined: any version. */
  min?: string;
  debian: string;
  macos: string;
  /** What needs it (default: npm test). */
  for?: Purpose[];
}
type Purpose = 'test' | 'bench';

const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const CONTAINER = 'or run everything in the dev image: docker compose run --rm test';

const TOOLS: Tool[] = [
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
    command: [process.env.CHROMIUM ?? '/usr/bin/chromium', '--version'],
    debian:
      'sudo apt-get install chromium   (Ubuntu: sudo snap install chromium; CHROMIUM=/snap/bin/chromium)',
    macos: 'brew install --cask chromium; CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium',
  },
  {
    name: 'kubectl',
    // Kustomize v5 (components, replacements) is built into kubectl 1.27+.
    why: 'renders the Kubernetes overlays (kubectl kustomize, v5 from kubectl 1.27)',
    command: ['kubectl', 'version', '--client'],
    min: '1.27.0',
    debian: 'sudo bash deploy/k8s/scripts/ensure-kubectl.sh   (Debian’s kubernetes-client is too old)',
    macos: 'brew install kubectl',
  },
  {
    name: 'shellcheck',
    why: 'lints the workflows’ run: scripts (--format=json1 from 0.7)',
    command: ['shellcheck', '--version'],
    min: '0.7.0',
    debian: 'sudo apt-get install shellcheck',
    macos: 'brew install shellcheck',
  },
  {
    name: 'wrk',
    why: 'the load generator of npm run bench',
    command: ['wrk', '-v'],
    debian: 'sudo apt-get install wrk',
    macos: 'brew install wrk',
    for: ['bench'],
  },
];

/** The first x.y.z (or x.y) in a tool's version output: "varnish-7.1.1", "v1.34.5", "version: 0.9.0". */
function versionOf(tool: Tool): string | null | undefined {
  const [cmd = '', ...args] = tool.command;
  const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 4000 });
  if (run.error) return undefined; // not found (a non-zero exit is fine: `wrk -v` exits 1)
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(`${run.stdout}\n${run.stderr}`);
  return match ? `${match[1]}.${match[2]}.${match[3] ?? 0}` : null;
}

/** One line per problem: what is wrong, why it is needed, how to install it on Debian/Ubuntu and macOS. */
function problems(purpose: Purpose): string[] {
  const nvmrc = readFileSync(new URL('../.nvmrc', import.meta.url), 'utf8').trim();
  const node = semver.satisfies(process.versions.node, engines)
    ? []
    : [`node (${process.versions.node}, not ${engines}): .nvmrc says ${nvmrc}. nvm install · ${CONTAINER}`];
  return node.concat(
    TOOLS.filter((tool) => (tool.for ?? ['test']).includes(purpose)).flatMap((tool) => {
      const version = versionOf(tool);
      if (version !== undefined && (!tool.min || (version && semver.gte(version, tool.min)))) return [];
      const state =
        version === undefined ? 'missing' : `${version ?? 'unknown version'}, older than ${tool.min}`;
      return [
        `${tool.name} (${state}): ${tool.why}. Debian/Ubuntu: ${tool.debian} · macOS: ${tool.macos} · ${CONTAINER}`,
      ];
    }),
  );
}

const found = problems(process.argv[2] === 'bench' ? 'bench' : 'test');
for (const line of found) console.error(line);
process.exitCode = found.length > 0 ? 1 : 0;

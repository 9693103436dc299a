// What protects a reader of the docs: every relative link of every tracked Markdown file resolves (file
// and #anchor) and stays inside the repository; each "done" readiness item cites a test that exists; the
// generated benchmark sections say when, on what machine and with which command.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const markdown = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .trim()
  .split('\n');
const unfenced = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');
const prose = (text: string) => unfenced(text).replace(/`[^`\n]*`/g, '');
const links = (text: string) =>
  [...prose(text).matchAll(/\]\(<?([^)\s>]+)>?(?: "[^"]*")?\)/g)].map((m) => m[1] ?? '');
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchors = (file: string) =>
  [...unfenced(readFileSync(file, 'utf8')).matchAll(/^#+\s+(.+)$/gm)].map((m) => slug(m[1] ?? ''));

describe('docs', () => {
  it('every relative link of every tracked Markdown file resolves inside the repository', () => {
    expect(markdown.length).toBeGreaterThan(10);
    const broken = markdown.flatMap((file) =>
      links(read(file))
        .filter((link) => !/^[a-z]+:/.test(link))
        .flatMap((link) => {
          const [path = '', anchor] = link.split('#');
          const target = path ? resolve(root, dirname(file), decodeURI(path)) : join(root, file);
          const inside = !relative(root, target).startsWith('..');
          const anchored = !anchor || !target.endsWith('.md') || anchors(target).includes(anchor);
          const ok = inside && existsSync(target) && anchored;
          return ok ? [] : [`${file}: ${link}${inside ? '' : ' (outside the repository)'}`];
        }),
    );
    expect(broken).toEqual([]);
  });

  it('backs every done item of docs/production-readiness.md with a test file that exists', () => {
    const rows = read('docs/production-readiness.md').match(/^\|[^|]+\| done.*$/gm) ?? [];
    expect(rows.length).toBeGreaterThan(20);
    const tests = (row: string) => links(row).filter((l) => /(^|\/)tests?\/|\.test\.ts$/.test(l));
    for (const row of rows) expect(tests(row), row).not.toEqual([]);
  });

  it('links every runbook from the runbook index', () => {
    const index = read('docs/runbooks/README.md');
    for (const book of markdown.filter((f) => f.startsWith('docs/runbooks/') && !f.endsWith('README.md')))
      expect(links(index)).toContain(book.slice('docs/runbooks/'.length));
  });

  it('docs/benchmarks.md holds generated sections, each naming its date, machine and command', () => {
    const doc = read('docs/benchmarks.md');
    const sections = [...doc.matchAll(/<!-- ([\w:-]+):start -->([\s\S]*?)<!-- \1:end -->/g)];
    expect(sections.map((s) => s[1])).toEqual(expect.arrayContaining(['bench:tiles', 'images']));
    for (const [, name, body] of sections) {
      expect(body, name).toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(body, name).toMatch(/\d+ × [^,]+, \d+ GiB RAM/);
      expect(body, name).toMatch(/`([A-Z_]+=\S+ )*npm run [\w:-]+[^`]*`/);
    }
  });
});

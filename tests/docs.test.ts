// What protects a reader of the docs: every relative link of every tracked Markdown file resolves (file
// and #anchor) and stays inside the repository; each "done" readiness item cites a test that exists; the
// generated benchmark sections say when, on what machine and with which command.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const markdown = spawnSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .stdout.split('\n')
  .filter(Boolean);
const unfenced = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');
const prose = (text: string) => unfenced(text).replace(/`[^`\n]*`/g, '');
const links = (text: string) =>
  [...prose(text).matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  return new Set(
    [...unfenced(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)].map((m) => {
      const slug = (m[1] ?? '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      return n ? `${slug}-${n}` : slug;
    }),
  );
}

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
          const exists = inside && existsSync(target);
          const ok =
            exists &&
            (!anchor ||
              statSync(target).isDirectory() ||
              !target.endsWith('.md') ||
              anchors(readFileSync(target, 'utf8')).has(anchor));
          return ok ? [] : [`${file}: ${link}${inside ? '' : ' (outside the repository)'}`];
        }),
    );
    expect(broken).toEqual([]);
  });

  it('backs every done item of docs/production-readiness.md with a test file that exists', () => {
    const rows = read('docs/production-readiness.md')
      .split('\n')
      .filter((l) => /^\|[^|]+\| done/.test(l));
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows)
      expect(
        links(row).filter((l) => /(^|\/)(test|tests)\/|\.test\.ts$/.test(l)),
        row,
      ).not.toEqual([]);
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

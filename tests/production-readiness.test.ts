import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const page = readFileSync(join(DOCS, 'production-readiness.md'), 'utf8');
const links = (text: string) => [...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1] ?? '');
const rows = page.split('\n').filter((line) => /^\| .* \| (done|planned)/.test(line));

describe('docs/production-readiness.md', () => {
  it('links only to files that exist', () => {
    const missing = links(page).filter((link) => !existsSync(resolve(DOCS, link)));
    expect(missing).toEqual([]);
  });

  it('backs every done item with an existing file and a test that covers it', () => {
    const done = rows.filter((row) => row.split('|')[2]?.trim().startsWith('done'));
    expect(done.length).toBeGreaterThan(20);
    for (const row of done) {
      const cells = row.split('|');
      const proof = cells[cells.length - 2] ?? '';
      const tests = links(proof).filter((l) => /\.test\.ts$/.test(l) && existsSync(resolve(DOCS, l)));
      expect(tests, row).not.toEqual([]);
      expect(links(cells[3] ?? '').length + tests.length, row).toBeGreaterThan(0);
    }
  });

  it('gives every planned item a reason and an effort', () => {
    for (const row of rows.filter((r) => r.split('|')[2]?.trim() === 'planned')) {
      expect(row, row).toMatch(/Effort: /);
    }
  });
});

describe('docs/runbooks', () => {
  const dir = join(DOCS, 'runbooks');
  const index = readFileSync(join(dir, 'README.md'), 'utf8');
  const books = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');

  it('indexes every runbook, and each says how to check and how to act', () => {
    expect(books.length).toBeGreaterThanOrEqual(5);
    for (const book of books) {
      expect(index).toContain(`(${book})`);
      const text = readFileSync(join(dir, book), 'utf8');
      expect(text, book).toMatch(/\*\*Symptoms\*\*/);
      expect(text, book).toMatch(/^## (Check|Act)/m);
      for (const link of links(text))
        expect(existsSync(resolve(dirname(join(dir, book)), link)), link).toBe(true);
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../docs/benchmarks.md', import.meta.url), 'utf8');
const sections = [...doc.matchAll(/<!-- ([\w:-]+):start -->([\s\S]*?)<!-- \1:end -->/g)];

describe('docs/benchmarks.md', () => {
  it('holds generated sections, each naming when, on what machine and with which command', () => {
    expect(sections.map((s) => s[1])).toEqual(expect.arrayContaining(['bench:tiles', 'images']));
    for (const [, name, body] of sections) {
      expect(body, name).toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(body, name).toMatch(/\d+ × [^,]+, \d+ GiB RAM/);
      expect(body, name).toMatch(/`([A-Z_]+=\S+ )*npm run [\w:-]+[^`]*`/);
    }
  });
});

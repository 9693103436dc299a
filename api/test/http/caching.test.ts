import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { acceptsGzip, cacheControl, strongEtag } from '../../src/http/caching.js';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['x-gzip', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['br', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header || undefined)).toBe(expected);
  });
});

it('strongEtag is quoted, stable for equal bytes, different for different bytes and representations', () => {
  expect(strongEtag('a')).toMatch(/^"[\w-]+"$/);
  expect(strongEtag('a')).toBe(strongEtag(Buffer.from('a')));
  expect(new Set([strongEtag('a'), strongEtag('b'), strongEtag('a', '-identity')]).size).toBe(3);
});

it('builds the default, immutable, short and none Cache-Control policies from configuration', () => {
  const config = loadConfig({ CACHE_MAX_AGE: '60', CACHE_S_MAXAGE: '600', CACHE_IMMUTABLE_MAX_AGE: '86400' });
  expect(
    (['default', 'immutable', 'short', 'none'] as const).map((policy) => cacheControl(config, policy)),
  ).toEqual([
    'public, max-age=60, s-maxage=600, stale-while-revalidate=600, stale-if-error=86400',
    'public, max-age=86400, s-maxage=86400, immutable',
    'public, max-age=30, s-maxage=60',
    'no-store',
  ]);
});

import { describe, expect, it } from 'vitest';
import { configuredEnvironments, normalizeBaseUrl } from '../src/environments.js';
import { DEFAULT_TILESET, readState, searchOf } from '../src/url-state.js';

describe('environments', () => {
  it('resolves local to the origin that served the page and keeps the others absolute', () => {
    const envs = configuredEnvironments('http://127.0.0.1:8080');
    expect(envs.map((e) => e.id)).toEqual(['local', 'dev', 'staging', 'prod']);
    expect(envs[0]?.baseUrl).toBe('http://127.0.0.1:8080');
    for (const e of envs.slice(1)) expect(e.baseUrl).toMatch(/^https:\/\/[a-z.]+\.example\.com$/);
  });

  it('accepts only http(s) base URLs, without a trailing slash', () => {
    expect(normalizeBaseUrl('https://tiles.example.com/')).toBe('https://tiles.example.com');
    expect(normalizeBaseUrl(' http://localhost:3000/prefix/ ')).toBe('http://localhost:3000/prefix');
    expect(normalizeBaseUrl('javascript:alert(1)')).toBeUndefined();
    expect(normalizeBaseUrl('tiles.example.com')).toBeUndefined();
  });
});

describe('readState', () => {
  it('defaults to the local environment, osm_buildings, no table', () => {
    expect(readState('')).toEqual({ envId: 'local', tileset: DEFAULT_TILESET, stores: false });
  });

  it('lets ?api= override ?env=', () => {
    expect(readState('?env=dev&api=http://localhost:3000/&tileset=a.b.c&stores=1')).toEqual({
      envId: 'custom',
      apiBase: 'http://localhost:3000',
      tileset: 'a.b.c',
      stores: true,
    });
    expect(readState('?env=staging&api=not-a-url').envId).toBe('staging');
  });
});

describe('searchOf', () => {
  it('writes only what differs from the defaults, and round-trips through readState', () => {
    expect(searchOf({ envId: 'local', tileset: DEFAULT_TILESET, stores: false })).toBe('');
    const custom = { envId: 'custom', apiBase: 'http://localhost:3000', tileset: 'a.b.c', stores: true };
    expect(readState(searchOf(custom))).toEqual(custom);
    expect(searchOf({ envId: 'dev', tileset: DEFAULT_TILESET, stores: false })).toBe('?env=dev');
  });
});

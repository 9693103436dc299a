import { describe, expect, it } from 'vitest';
import {
  baseUrlOf,
  DEFAULT_TILESET,
  environments,
  normalizeBaseUrl,
  readState,
  searchOf,
  type ViewerState,
} from '../src/state.js';

const envs = environments('http://127.0.0.1:8080');
const state = (patch: Partial<ViewerState>): ViewerState => ({
  envId: 'local',
  tileset: DEFAULT_TILESET,
  stores: false,
  ...patch,
});

const custom = state({ envId: 'custom', apiBase: 'http://localhost:3000', tileset: 'a.b.c', stores: true });

describe('environments', () => {
  it('resolves local to the origin that served the page and keeps the others absolute', () => {
    expect(envs.map((e) => e.id)).toEqual(['local', 'dev', 'staging', 'prod']);
    expect(envs[0]?.baseUrl).toBe('http://127.0.0.1:8080');
    for (const e of envs.slice(1)) expect(e.baseUrl).toMatch(/^https:\/\/[a-z.]+\.example\.com$/);
  });

  it.each([
    ['https://tiles.example.com/', 'https://tiles.example.com'],
    [' http://localhost:3000/prefix/ ', 'http://localhost:3000/prefix'],
    ['javascript:alert(1)', undefined],
    ['tiles.example.com', undefined],
  ])('normalizes the base URL %j to %j', (input, expected) => expect(normalizeBaseUrl(input)).toBe(expected));

  it.each([
    [state({ envId: 'dev' }), envs[1]?.baseUrl],
    [custom, 'http://localhost:3000'],
    [state({ envId: 'nope' }), 'http://127.0.0.1:8080'],
  ])('picks the base URL of %j', (s, expected) => expect(baseUrlOf(s, envs)).toBe(expected));
});

describe('the selection in the query string', () => {
  it.each([
    ['', state({})],
    [
      '?env=dev&api=http://localhost:3000/&tileset=a.b.c&stores=1',
      state({ envId: 'custom', apiBase: 'http://localhost:3000', tileset: 'a.b.c', stores: true }),
    ],
    ['?env=staging&api=not-a-url', state({ envId: 'staging' })],
  ])('reads %j (?api= wins over ?env=)', (search, expected) => expect(readState(search)).toEqual(expected));

  it.each([
    [state({}), ''],
    [state({ envId: 'dev' }), '?env=dev'],
    [custom, '?api=http%3A%2F%2Flocalhost%3A3000&tileset=a.b.c&stores=1'],
  ])('writes only what differs from the defaults, and round-trips: %j', (s, search) => {
    expect(searchOf(s)).toBe(search);
    expect(readState(search)).toEqual(s);
  });
});

import config from './environments.json' with { type: 'json' };

export interface Environment {
  id: string;
  label: string;
  /** Absolute base URL without a trailing slash, e.g. `https://tiles.dev.example.com`. */
  baseUrl: string;
}

export const CUSTOM_ID = 'custom';

/** `http(s)://host[:port][/path]` without a trailing slash, or undefined when it is not such a URL. */
export function normalizeBaseUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/**
 * The configured environments with absolute base URLs. `local` means "whoever served this page" — the
 * API itself or the cache in front of it — so the same build works behind any host name.
 */
export function configuredEnvironments(pageOrigin: string): Environment[] {
  return config.environments.map((e) => ({ ...e, baseUrl: e.baseUrl === '' ? pageOrigin : e.baseUrl }));
}

export function customEnvironment(baseUrl: string): Environment {
  return { id: CUSTOM_ID, label: `custom: ${new URL(baseUrl).host}`, baseUrl };
}

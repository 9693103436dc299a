import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { stackConfig } from './harness.js';

// The committed project and stack files: the runtime Pulumi uses, and settings that are
// non-secret and spelled as config.ts reads them (a typo would silently fall back to a default).
const infra = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(`${infra}/${file}`, 'utf8');

/** Keys a config.ts reads: `cfg.get('x')`, `gcpCfg.require('project')`, `cfg.getNumber('y')`... */
function keysRead(file: string, namespace: string) {
  const keys = [...read(file).matchAll(/\b(cfg|gcpCfg)\.(?:get|require)\w*\('(\w+)'\)/g)];
  return new Set(keys.map(([, reader, key]) => `${reader === 'gcpCfg' ? 'gcp' : namespace}:${key}`));
}

test.each([
  ['Pulumi.yaml', 'tilestack'],
  ['shared/Pulumi.yaml', 'tilestack-shared'],
])('%s runs TypeScript ES modules through tsx', (file, name) => {
  const project = parse(read(file)) as {
    name: string;
    main: string;
    runtime: { name: string; options: object };
  };
  expect(project.name).toBe(name);
  expect(project.main).toBe('index.ts');
  expect(project.runtime).toEqual({
    name: 'nodejs',
    options: { typescript: false, nodeargs: '--import tsx', packagemanager: 'npm' },
  });
});

test.each([
  ['Pulumi.dev.yaml', 'src/config.ts', 'tilestack'],
  ['Pulumi.staging.yaml', 'src/config.ts', 'tilestack'],
  ['Pulumi.prod.yaml', 'src/config.ts', 'tilestack'],
  ['shared/Pulumi.shared.yaml', 'shared/config.ts', 'tilestack-shared'],
])('%s sets only settings the program reads, and no secrets', (file, configFile, namespace) => {
  expect(read(file)).not.toMatch(/secure:/);
  const known = keysRead(configFile, namespace);
  for (const key of Object.keys(stackConfig(file))) expect(known, key).toContain(key);
});

test.each(['Pulumi.dev.yaml', 'Pulumi.staging.yaml', 'Pulumi.prod.yaml', 'shared/Pulumi.shared.yaml'])(
  '%s names the KMS key of the shared project as its secrets provider (CI never asks for a passphrase)',
  (file) => {
    const stack = parse(read(file)) as { secretsprovider?: string };
    const shared = (parse(read('../environments.yaml')) as { shared: { project: string; region: string } })
      .shared;
    expect(stack.secretsprovider).toBe(
      `gcpkms://projects/${shared.project}/locations/${shared.region}/keyRings/pulumi/cryptoKeys/state`,
    );
  },
);

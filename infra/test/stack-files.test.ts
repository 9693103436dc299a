import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { stackConfig } from './harness.js';

// The committed project and stack files: the runtime Pulumi uses, and settings that are non-secret
// and spelled as config.ts reads them (a typo would silently fall back to a default).
const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const { shared } = parse(read('../environments.yaml'));

test.each([
  ['Pulumi.yaml', 'tilestack'],
  ['shared/Pulumi.yaml', 'tilestack-shared'],
])('%s runs TypeScript ES modules through tsx', (file, name) => {
  const options = { typescript: false, nodeargs: '--import tsx', packagemanager: 'npm' };
  expect(parse(read(file))).toMatchObject({ name, main: 'index.ts', runtime: { name: 'nodejs', options } });
});

test.each([
  ['Pulumi.dev.yaml', 'src/config.ts', 'tilestack'],
  ['Pulumi.staging.yaml', 'src/config.ts', 'tilestack'],
  ['Pulumi.prod.yaml', 'src/config.ts', 'tilestack'],
  ['shared/Pulumi.shared.yaml', 'shared/config.ts', 'tilestack-shared'],
])(
  '%s sets only settings the program reads, no secrets, and the KMS secrets provider',
  (file, configFile, namespace) => {
    const reads = [...read(configFile).matchAll(/\b(cfg|gcpCfg)\.(?:get|require)\w*\('(\w+)'\)/g)];
    const known = reads.map(([, reader, key]) => `${reader === 'gcpCfg' ? 'gcp' : namespace}:${key}`);
    for (const key of Object.keys(stackConfig(file))) expect(known, key).toContain(key);
    expect(read(file)).not.toMatch(/secure:/);
    // CI's preview and up never ask for a passphrase.
    const provider = `gcpkms://projects/${shared.project}/locations/${shared.region}/keyRings/pulumi/cryptoKeys/state`;
    expect(parse(read(file)).secretsprovider).toBe(provider);
  },
);

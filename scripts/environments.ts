// The one source of every per-environment value (environments.yaml) and the copies made from it.
//
//   npm run environments                  rewrite every copy from environments.yaml
//   npm run environments -- --check       exit 1 naming each copy that differs (npm test does this too)
//   npm run environments -- --github dev  key=value lines for $GITHUB_OUTPUT (deploy.yml, stable-copy.yml)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument } from 'yaml';
import { z } from 'zod';

const name = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
const environment = z.strictObject({
  project: name,
  region: name,
  hostname: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/),
  alertEmail: z.email(),
});
const Source = z.strictObject({
  github: z.strictObject({
    owner: z.string(),
    repository: z.string(),
    repositoryId: z.string().regex(/^\d+$/),
  }),
  shared: z.strictObject({ project: name, region: name }),
  environments: z.strictObject({ dev: environment, staging: environment, prod: environment }),
});
export type Source = z.infer<typeof Source>;
export type EnvironmentName = keyof Source['environments'];

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const readSource = (root = REPO_ROOT): Source =>
  Source.parse(parse(readFileSync(join(root, 'environments.yaml'), 'utf8')));

/** What a workflow job needs to know about one environment. */
export function githubValues(source: Source, env: EnvironmentName): Record<string, string> {
  const e = source.environments[env];
  const cluster = `tilestack-${env}-gke`;
  return {
    project: e.project,
    region: e.region,
    cluster,
    hostname: e.hostname,
    url: `https://${e.hostname}`,
  };
}

/** Sets `values` in a Pulumi stack file, keeping its comments and its other settings. */
function stackFile(text: string, values: Record<string, string>, secretsProvider: string): string {
  const doc = parseDocument(text);
  doc.set('secretsprovider', secretsProvider);
  for (const [key, value] of Object.entries(values)) doc.setIn(['config', key], value);
  return doc.toString({ lineWidth: 0 });
}

const overlayEnvironment = (
  env: string,
  e: Source['environments']['dev'],
) => `# Generated from environments.yaml by scripts/environments.ts: edit that file, then \`npm run environments\`.
# This environment's names, written into the base by components/environment (see its README).
apiVersion: v1
kind: ConfigMap
metadata:
  name: environment
  annotations:
    # Read by Kustomize only; never applied to the cluster.
    config.kubernetes.io/local-config: "true"
data:
  # tilestack-${env}-ip (global address) and tilestack-${env}-edge (Cloud Armor policy), created by infra.
  name: ${env}
  hostname: ${e.hostname}
  project: ${e.project}
  stableDataset: ${e.project}.tilestack_stable
  apiServiceAccount: tilestack-api@${e.project}.iam.gserviceaccount.com
`;

/** Every copy: repository-relative path -> the content the source gives it. */
export function copies(source: Source, root = REPO_ROOT): Map<string, string> {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const { shared, github } = source;
  const secrets = `gcpkms://projects/${shared.project}/locations/${shared.region}/keyRings/pulumi/cryptoKeys/state`;
  const out = new Map<string, string>();
  out.set(
    'infra/shared/Pulumi.shared.yaml',
    stackFile(
      read('infra/shared/Pulumi.shared.yaml'),
      {
        'gcp:project': shared.project,
        'gcp:region': shared.region,
        'tilestack-shared:githubOwner': github.owner,
        'tilestack-shared:githubRepository': github.repository,
        'tilestack-shared:githubRepositoryId': github.repositoryId,
      },
      secrets,
    ),
  );
  const viewer: { id: string; label: string; baseUrl: string }[] = [
    { id: 'local', label: 'local (this server)', baseUrl: '' },
  ];
  for (const [env, e] of Object.entries(source.environments)) {
    const values = {
      'gcp:project': e.project,
      'gcp:region': e.region,
      'tilestack:hostname': e.hostname,
      'tilestack:alertEmail': e.alertEmail,
    };
    out.set(`infra/Pulumi.${env}.yaml`, stackFile(read(`infra/Pulumi.${env}.yaml`), values, secrets));
    out.set(`deploy/k8s/overlays/${env}/environment.yaml`, overlayEnvironment(env, e));
    viewer.push({ id: env, label: env, baseUrl: `https://${e.hostname}` });
  }
  const $comment =
    'Generated from environments.yaml by scripts/environments.ts. `local` is empty: the origin that served this page. Any base can be given at run time with ?api=<base url>.';
  out.set('viewer/src/environments.json', `${JSON.stringify({ $comment, environments: viewer }, null, 2)}\n`);
  return out;
}

/** Copies whose committed content is not what the source gives. */
export function stale(root = REPO_ROOT): string[] {
  return [...copies(readSource(root), root)]
    .filter(([path, text]) => read(root, path) !== text)
    .map(([p]) => p);
}
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

export function write(root = REPO_ROOT): void {
  for (const [path, text] of copies(readSource(root), root)) writeFileSync(join(root, path), text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [flag, env] = process.argv.slice(2);
  if (flag === '--github') {
    const values = githubValues(readSource(), z.enum(['dev', 'staging', 'prod']).parse(env));
    for (const [key, value] of Object.entries(values)) console.log(`${key}=${value}`);
  } else if (flag === '--check') {
    const differ = stale();
    for (const path of differ)
      console.error(`${path} differs from environments.yaml: run npm run environments`);
    process.exitCode = differ.length > 0 ? 1 : 0;
  } else {
    write();
  }
}

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
const digits = z.string().regex(/^\d+$/);
const hostname = z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/);
const environment = z.strictObject({ project: name, region: name, hostname, alertEmail: z.email() });
const Source = z.strictObject({
  github: z.strictObject({ owner: z.string(), repository: z.string(), repositoryId: digits }),
  shared: z.strictObject({ project: name, region: name }),
  environments: z.strictObject({ dev: environment, staging: environment, prod: environment }),
});
export type Source = z.infer<typeof Source>;

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
export const readSource = (root = REPO_ROOT): Source => Source.parse(parse(read(root, 'environments.yaml')));

/** What a workflow job needs to know about one environment. */
export function githubValues(source: Source, env: keyof Source['environments']): Record<string, string> {
  const { project, region, hostname } = source.environments[env];
  return { project, region, cluster: `tilestack-${env}-gke`, hostname, url: `https://${hostname}` };
}

function overlayEnvironment(env: string, e: z.infer<typeof environment>): string {
  return `# Generated from environments.yaml by scripts/environments.ts: edit that file, then \`npm run environments\`.
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
}

/** Every copy: repository-relative path -> the content the source gives it. */
export function copies(source: Source, root = REPO_ROOT): Map<string, string> {
  const { shared, github, environments } = source;
  // A stack file with the secrets provider and `values` set (project, region: gcp's; others: the program's).
  const stack = (path: string, program: string, values: Record<string, string>): [string, string] => {
    const doc = parseDocument(read(root, path));
    const key = `projects/${shared.project}/locations/${shared.region}/keyRings/pulumi/cryptoKeys/state`;
    doc.set('secretsprovider', `gcpkms://${key}`);
    for (const [name, value] of Object.entries(values))
      doc.setIn(['config', `${/^(project|region)$/.test(name) ? 'gcp' : program}:${name}`], value);
    return [path, doc.toString({ lineWidth: 0 })];
  };
  const viewer = [
    { id: 'local', label: 'local (this server)', baseUrl: '' },
    ...Object.entries(environments).map(([id, e]) => ({ id, label: id, baseUrl: `https://${e.hostname}` })),
  ];
  const $comment =
    'Generated from environments.yaml by scripts/environments.ts. `local` is empty: the origin that served this page. Any base can be given at run time with ?api=<base url>.';
  return new Map([
    stack('infra/shared/Pulumi.shared.yaml', 'tilestack-shared', {
      ...shared,
      githubOwner: github.owner,
      githubRepository: github.repository,
      githubRepositoryId: github.repositoryId,
    }),
    ...Object.entries(environments).flatMap(([env, e]): [string, string][] => [
      stack(`infra/Pulumi.${env}.yaml`, 'tilestack', e),
      [`deploy/k8s/overlays/${env}/environment.yaml`, overlayEnvironment(env, e)],
    ]),
    ['viewer/src/environments.json', `${JSON.stringify({ $comment, environments: viewer }, null, 2)}\n`],
  ]);
}

/** Copies whose committed content is not what the source gives. */
export const stale = (root = REPO_ROOT): string[] =>
  [...copies(readSource(root), root)]
    .filter(([path, text]) => read(root, path) !== text)
    .map(([path]) => path);

export function write(root = REPO_ROOT): void {
  for (const [path, text] of copies(readSource(root), root)) writeFileSync(join(root, path), text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [flag, env] = process.argv.slice(2);
  if (flag === '--github') {
    const values = githubValues(readSource(), Source.shape.environments.keyof().parse(env));
    for (const [key, value] of Object.entries(values)) console.log(`${key}=${value}`);
  } else if (flag === '--check') {
    for (const path of stale()) {
      console.error(`${path} differs from environments.yaml: run npm run environments`);
      process.exitCode = 1;
    }
  } else {
    write();
  }
}

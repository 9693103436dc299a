import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environments, renderCommand, repoRoot } from '../src/render.js';

const readme = readFileSync(join(repoRoot, 'deploy/k8s/README.md'), 'utf8');

describe('deploy/k8s/README.md', () => {
  it.each(environments)('documents the render and apply commands the tests and CD use (%s)', (env) => {
    expect(readme).toContain(renderCommand(env).join(' '));
    expect(readme).toContain(`kubectl apply -k deploy/k8s/overlays/${env}`);
  });

  it('documents how kubectl is installed, how CD sets and checks the image, and how to roll back', () => {
    for (const text of [
      'bash deploy/k8s/scripts/ensure-kubectl.sh',
      'kustomize edit set image',
      'node --import tsx deploy/k8s/src/check.ts --require-real-digest rendered.yaml',
      'kubectl -n tilestack rollout undo deployment/tilestack-api',
      'npx vitest run deploy/k8s',
      '```mermaid',
    ]) {
      expect(readme).toContain(text);
    }
  });
});

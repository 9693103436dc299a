import { beforeAll, expect, test } from 'vitest';
import { envConfig, type Run, runProgram } from './harness.js';

// The environments differ only by their configuration files: same resources, same shape, and
// no behaviour keyed on the stack's name.
const stacks = ['dev', 'staging', 'prod'] as const;
const runs = new Map<string, Run>();

beforeAll(async () => {
  for (const stack of stacks) runs.set(stack, await runProgram('env', stack, envConfig(stack)));
});

const ids = (run: Run) => run.resources.map((r) => `${r.type} ${r.name}`).sort();

/** The structure of a value: keys and types, not contents. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}

const shapes = (run: Run) =>
  Object.fromEntries(run.resources.map((r) => [`${r.type} ${r.name}`, shape(r.inputs)]));

test('every stack declares the same resources under the same logical names', () => {
  const dev = runs.get('dev') as Run;
  expect(dev.resources.length).toBeGreaterThan(40);
  expect(new Set(ids(dev)).size).toBe(dev.resources.length);
  for (const stack of ['staging', 'prod']) expect(ids(runs.get(stack) as Run)).toEqual(ids(dev));
});

test('every resource has the same inputs in every stack; only their values differ', () => {
  const dev = shapes(runs.get('dev') as Run);
  for (const stack of ['staging', 'prod']) expect(shapes(runs.get(stack) as Run)).toEqual(dev);
});

test('nothing depends on the stack name beyond naming: prod with dev settings is dev renamed', async () => {
  const renamed = await runProgram('env', 'prod', envConfig('dev'));
  const byId = (run: Run) => Object.fromEntries(run.resources.map((r) => [`${r.type} ${r.name}`, r.inputs]));
  const asDev = JSON.parse(JSON.stringify(byId(renamed)).replace(/(?<![A-Za-z])prod(?![A-Za-z])/g, 'dev'));
  expect(asDev).toEqual(byId(runs.get('dev') as Run));
});

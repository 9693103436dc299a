import { expect, test } from 'vitest';
import { configOf, type Run, runProgram, stackRun } from './harness.js';

// The environments differ only by their configuration files: same resources, same shape, and
// no behaviour keyed on the stack's name.

/** The structure of a value: keys and types, not contents. */
const shape = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(shape)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shape(v)]))
      : typeof value;
const byId = (run: Run, f: (inputs: unknown) => unknown = (x) => x) =>
  Object.fromEntries(run.resources.map((r) => [`${r.type} ${r.name}`, f(r.inputs)]));

test('every stack declares the same resources under the same logical names, with the same inputs', async () => {
  const dev = await stackRun('dev');
  expect(dev.resources.length).toBeGreaterThan(40);
  expect(Object.keys(byId(dev))).toHaveLength(dev.resources.length);
  for (const stack of ['staging', 'prod'])
    expect(byId(await stackRun(stack), shape)).toEqual(byId(dev, shape));
});

test('nothing depends on the stack name beyond naming: prod with dev settings is dev renamed', async () => {
  const renamed = await runProgram('prod', configOf('dev'));
  const asDev = JSON.parse(JSON.stringify(byId(renamed)).replace(/(?<![A-Za-z])prod(?![A-Za-z])/g, 'dev'));
  expect(asDev).toEqual(byId(await stackRun('dev')));
});

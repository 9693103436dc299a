#!/usr/bin/env node
// The `stable-copy` bin: Node runs TypeScript through tsx (a dependency of the repo, nothing to
// download), on Node 20 and 24 alike; `tsx/esm/api` registers the loader for this process only.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2), process);

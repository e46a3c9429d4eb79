#!/usr/bin/env node
// Entry point: load the TypeScript sources through tsx (no build step), hand
// the CLI the registry of shipped models, and exit with its status.
import { register } from 'tsx/esm/api';

// `slubcheck ... | head`: a reader that closes the pipe early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { main } = await import('../models/cli.ts');
process.exitCode = await main(process.argv.slice(2));

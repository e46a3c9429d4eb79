#!/usr/bin/env node
// Entry point: load the TypeScript sources through tsx (no build step), hand
// the CLI the registry of shipped models, and exit with its status.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../models/cli.ts');
process.exitCode = await main(process.argv.slice(2));

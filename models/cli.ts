// Wires the generic CLI in src/ to the models shipped in models/: the
// registry, and the demonstration run when no command is given.
import { runCli } from '../src/cli/main.ts';
import { runSuite } from '../src/cli/suite.ts';
import { registry } from './index.ts';
import { DEMO, DEMO_HEADERS } from './slub/demo.ts';
import { isPatchFile, loadPatchFile } from './slub/patches.ts';
import { UsageError } from '../src/engine/errors.ts';
import { readTraceArgument } from '../src/engine/trace.ts';

/** Loads the patch files named on the command line, or in the trace given to replay or minimize, before the (synchronous) CLI runs. */
async function preloadPatches(argv: readonly string[]): Promise<void> {
  const names: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--patch' && argv[i + 1] !== undefined) names.push(argv[i + 1]!);
    else if (a.startsWith('--patch=')) names.push(a.slice('--patch='.length));
  });
  if ((argv[0] === 'replay' || argv[0] === 'minimize') && argv[1] !== undefined && !argv[1].startsWith('-')) {
    try {
      const config = readTraceArgument(argv[1]).config as { patches?: unknown } | null;
      if (config && Array.isArray(config.patches)) names.push(...config.patches.filter((p): p is string => typeof p === 'string'));
    } catch {
      // A bad token or file is reported by the command itself.
    }
  }
  for (const n of names) if (isPatchFile(n)) await loadPatchFile(n);
}

export async function main(argv: string[]): Promise<number> {
  try {
    await preloadPatches(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`slubcheck: error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return runCli(registry, argv, undefined, (reg, _args, io) => {
    io.out('slubcheck: the two 2026 SLUB bugs, found from general workloads, and the fixes, checked completely');
    io.out("(run 'slubcheck --help' for the commands, 'slubcheck list' for versions, scenarios and patches)");
    io.out('');
    return runSuite(reg, DEMO, io, { headers: DEMO_HEADERS, traces: true });
  });
}

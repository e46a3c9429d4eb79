// Wires the generic CLI in src/ to the models shipped in models/: the
// registry, and the demonstration run when no command is given.
import { defaultIo, runCli, type Io } from '../src/cli/main.ts';
import { runSuite } from '../src/cli/suite.ts';
import { registry } from './index.ts';
import { DEMO, DEMO_HEADERS } from './slub/demo.ts';
import { findScenario } from './slub/scenarios.ts';
import { wrap } from '../src/engine/render.ts';
import { isPatchFile, loadPatchFile, splitPatchRef } from './slub/patches.ts';
import { LOAD_SECONDS } from './slub/load-module.ts';
import { UsageError } from '../src/engine/errors.ts';
import { loadScenarioFile } from './slub/scenario-files.ts';
import { readTraceArgument } from '../src/engine/trace.ts';

export interface MainHooks {
  /** True once the user pressed Ctrl-C. */
  readonly interrupted?: () => boolean;
  /** A patch or scenario file (named with its kind) starts loading (so that the caller can give up on one that never finishes). */
  readonly onLoading?: (file: string, seconds: number) => void;
  readonly onLoaded?: (file: string) => void;
}

/** Loads the scenario files and patch files named on the command line, or in the trace given to replay or minimize, before the (synchronous) CLI runs. */
async function preloadPatches(argv: readonly string[], hooks: MainHooks): Promise<void> {
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
  const scenarioFiles: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--scenario-file' && argv[i + 1] !== undefined) scenarioFiles.push(argv[i + 1]!);
    else if (a.startsWith('--scenario-file=')) scenarioFiles.push(a.slice('--scenario-file='.length));
  });
  for (const file of scenarioFiles) {
    hooks.onLoading?.(`scenario file ${file}`, LOAD_SECONDS);
    await loadScenarioFile(file);
    hooks.onLoaded?.(file);
  }
  for (const n of names) {
    if (!isPatchFile(n)) continue;
    const file = splitPatchRef(n).file;
    hooks.onLoading?.(`patch file ${file}`, LOAD_SECONDS);
    await loadPatchFile(file);
    hooks.onLoaded?.(file);
  }
}

export async function main(argv: string[], hooks: MainHooks = {}): Promise<number> {
  try {
    await preloadPatches(argv, hooks);
  } catch (e) {
    if (e instanceof UsageError) {
      defaultIo.err(`slubcheck: error: ${e.message.split('\n')[0]}`);
      return 2;
    }
    throw e;
  }
  const io: Io = { ...defaultIo, ...(hooks.interrupted ? { interrupted: hooks.interrupted } : {}) };
  return runCli(registry, argv, io, (reg, _args, out) => {
    out.out('slubcheck: the two 2026 SLUB bugs, found from operations the checker chooses, and the fixes, checked completely');
    out.out("(run 'slubcheck --help' for the commands, 'slubcheck list' for versions, scenarios and patches)");
    out.out('');
    // The bounds: every search below is complete within its scenario's workload.
    out.out('workloads (each search below is complete within its workload):');
    for (const name of [...new Set(DEMO.map((r) => (r.config as { scenario: string }).scenario))]) {
      for (const l of wrap(`  ${name}: ${findScenario(name)!.summary}`, 160, '      ')) out.out(l);
    }
    out.out('');
    return runSuite(reg, DEMO, out, { headers: DEMO_HEADERS, traces: true, width: 160 });
  });
}

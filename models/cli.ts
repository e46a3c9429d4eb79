// Wires the generic CLI in src/ to the models shipped in models/: the
// registry, and the demonstration run when no command is given.
import { runCli } from '../src/cli/main.ts';
import { runSuite } from '../src/cli/suite.ts';
import { registry } from './index.ts';
import { DEMO, DEMO_HEADERS } from './slub/demo.ts';

export async function main(argv: string[]): Promise<number> {
  return runCli(registry, argv, undefined, (reg, _args, io) => {
    io.out('slubcheck: the two 2026 SLUB bugs, found from general workloads, and the fixes, checked completely');
    io.out("(run 'slubcheck --help' for the commands, 'slubcheck list' for versions, scenarios and patches)");
    io.out('');
    return runSuite(reg, DEMO, io, { headers: DEMO_HEADERS, traces: true });
  });
}

// Wires the generic CLI in src/ to the models shipped in models/.
import { runCli } from '../src/cli/main.ts';
import { registry } from './index.ts';

export async function main(argv: string[]): Promise<number> {
  return runCli(registry, argv);
}

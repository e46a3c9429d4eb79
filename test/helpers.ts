// Shared test helpers: run the CLI in-process and capture what it prints.
import { canonicalJson } from '../src/engine/fingerprint.ts';
import { runCli } from '../src/cli/main.ts';
import { registry } from '../models/index.ts';

export function cli(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(registry, argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The length of the shortest path to a state satisfying `bad`, by plain iterative deepening without a visited set: an oracle independent of the BFS. */
export function shortestByIterativeDeepening<S>(
  model: { initStates: () => readonly S[]; actions: (s: S) => readonly any[]; next: (s: S, a: any) => S },
  bad: (s: S) => boolean,
  limit: number,
): number | undefined {
  const go = (s: S, left: number): boolean => {
    if (bad(s)) return true;
    if (left === 0) return false;
    return model.actions(s).some((a) => go(model.next(s, a), left - 1));
  };
  for (let k = 0; k <= limit; k++) if (model.initStates().some((s) => go(s, k))) return k;
  return undefined;
}

/** The number of reachable states, by a naive worklist over canonical JSON strings: an oracle independent of fingerprints. */
export function reachableByJson<S>(model: { initStates: () => readonly S[]; actions: (s: S) => readonly any[]; next: (s: S, a: any) => S }): number {
  const seen = new Set<string>();
  const work = [...model.initStates()];
  for (const s of work) seen.add(canonicalJson(s));
  while (work.length > 0) {
    const s = work.pop()!;
    for (const a of model.actions(s)) {
      const t = model.next(s, a);
      const k = canonicalJson(t);
      if (!seen.has(k)) {
        seen.add(k);
        work.push(t);
      }
    }
  }
  return seen.size;
}

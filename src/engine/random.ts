// Random exploration: random walks and PCT (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of
// Finding Bugs", ASPLOS 2010), over the same models as the exhaustive
// explorers. Every run is reproducible from the printed seed and run number,
// and a counterexample is an ordinary trace (replay token, minimization).
// A random search is never complete: the result always says so.
import type { Action, Model } from './model.ts';
import { FingerprintSet } from './fingerprint.ts';
import { actionsChecked, holds, produceChecked, propertySets } from './run.ts';
import { traceOf } from './trace.ts';
import { rng, type Rng } from './prng.ts';
import type { CheckResult, Progress } from './explore.ts';
import { memoryStop, type Stops } from './stops.ts';

export interface RandomOptions extends Stops {
  readonly strategy: 'random' | 'pct';
  readonly runs: number;
  readonly seed: number;
  /** Longest run, in steps (a run also ends at a terminal state or a deadlock). */
  readonly maxSteps?: number;
  /** PCT's bug depth d: d - 1 priority change points per run. */
  readonly depth?: number;
  readonly maxSeconds?: number;
  readonly onProgress?: (p: Progress) => void;
}

interface Chooser {
  /** Picks the index of the action to take among `enabled` at step `step`. */
  pick(enabled: readonly Action[], step: number): number;
}

/**
 * A random walk over contexts: a runnable context uniformly, then one of its
 * actions uniformly (as shuttle's random scheduler does), so that a context
 * offering many choices does not crowd out the others.
 */
function uniform(r: Rng): Chooser {
  return {
    pick: (enabled) => {
      const contexts = [...new Set(enabled.map((a) => a.context))];
      const who = contexts[r.int(contexts.length)];
      const mine = enabled.map((a, i) => [a, i] as const).filter(([a]) => a.context === who);
      return mine[r.int(mine.length)]![1];
    },
  };
}

/**
 * PCT: contexts get distinct random priorities d .. d+n-1; at each step the
 * enabled context with the highest priority runs (a uniform choice among its
 * own actions); at each of d - 1 change points, chosen uniformly among the
 * first k steps, the running context drops to priority i (below every
 * initial one). Contexts not in the model's list (none, normally) rank last.
 */
function pctChooser(r: Rng, contexts: readonly string[], d: number, k: number): Chooser {
  const n = contexts.length;
  const order = contexts.map((_c, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const prio = new Map<string, number>();
  order.forEach((ci, rank) => prio.set(contexts[ci]!, d + rank));
  const change = new Map<number, number>(); // step -> new priority (1 .. d-1)
  for (let i = 1; i < d; i++) change.set(1 + r.int(Math.max(1, k)), i);
  return {
    pick(enabled, step) {
      let best = -Infinity;
      let who = '';
      for (const a of enabled) {
        const p = prio.get(a.context) ?? -1;
        if (p > best) {
          best = p;
          who = a.context;
        }
      }
      const mine = enabled.map((a, i) => [a, i] as const).filter(([a]) => a.context === who);
      const choice = mine[r.int(mine.length)]![1];
      const lower = change.get(step);
      if (lower !== undefined) prio.set(who, lower);
      return choice;
    },
  };
}

export function randomSearch<S, A extends Action>(model: Model<S, A>, opts: RandomOptions): CheckResult<S, A> & { readonly run?: number } {
  const props = propertySets(model);
  const seen = new FingerprintSet();
  const witness = new Map<string, number>();
  const start = Date.now();
  let lastProgress = start;
  let transitions = 0;
  let deepest = 0;
  const maxSteps = opts.maxSteps ?? 1000;
  // PCT needs k, the number of steps of a run: take the longest run so far (at least one uniform run first).
  let k = 0;
  const label = opts.strategy === 'pct' ? `PCT (d=${opts.depth ?? 3})` : 'random walk';
  const base = (complete: false, extra: object): unknown => ({
    model: model.id,
    strategy: opts.strategy,
    complete,
    states: seen.size,
    transitions,
    depth: deepest,
    seconds: (Date.now() - start) / 1000,
    witnesses: props.sometimes.map((p) => (witness.has(p.name) ? { name: p.name, reached: true, depth: witness.get(p.name)! } : { name: p.name, reached: false })),
    ...extra,
  });
  const inits = model.initStates();
  let runsDone = 0;
  let stopped: string | undefined;
  for (let run = 0; run < opts.runs; run++) {
    if (opts.maxSeconds !== undefined && Date.now() - start > opts.maxSeconds * 1000) {
      stopped = `stopped by --max-seconds ${opts.maxSeconds} before ${opts.runs} runs`;
      break;
    }
    stopped = opts.shouldStop?.() ?? ((run & 15) === 0 ? memoryStop(opts) : undefined);
    if (stopped !== undefined) break;
    const r = rng(opts.seed, run);
    const init = r.int(inits.length);
    const chooser = opts.strategy === 'pct' && run > 0 ? pctChooser(r, model.contexts, opts.depth ?? 3, k) : uniform(r);
    let s: S = inits[init] as S;
    const indices: number[] = [];
    const actions: A[] = [];
    const fail = (name: string, kind: 'always' | 'at_end' | 'deadlock') => {
      const trace = traceOf(model, init, indices, actions, name);
      const prop = model.properties.find((p) => p.name === name);
      const explanation = prop?.explain?.(s);
      return base(false, {
        result: kind === 'deadlock' ? 'deadlock' : 'violation',
        stopReason: `${label} run ${run} of seed ${opts.seed} (${run + 1} runs)`,
        property: name,
        propertyKind: kind,
        ...(explanation !== undefined ? { explanation } : {}),
        trace,
        path: { states: [inits[init]!, ...replayStates(model, inits[init]!, actions)], actions },
        run,
      }) as CheckResult<S, A> & { run: number };
    };
    for (let step = 0; ; step++) {
      seen.add(s);
      if (step > deepest) deepest = step;
      for (const p of props.sometimes) if (!witness.has(p.name) && holds(model, p, s)) witness.set(p.name, step);
      const bad = props.always.find((p) => !holds(model, p, s));
      if (bad) return fail(bad.name, 'always');
      const enabled = actionsChecked(model, s);
      if (model.terminal(s)) {
        const badEnd = props.atEnd.find((p) => !holds(model, p, s));
        if (badEnd) return fail(badEnd.name, 'at_end');
      } else if (enabled.length === 0) return fail('deadlock', 'deadlock');
      if (enabled.length === 0 || step >= maxSteps) {
        if (step > k) k = step;
        break;
      }
      const i = chooser.pick(enabled, step + 1);
      const a = enabled[i]!;
      s = produceChecked(model, s, a);
      transitions++;
      indices.push(i);
      actions.push(a);
    }
    runsDone = run + 1;
    if (opts.onProgress && Date.now() - lastProgress > 3000) {
      lastProgress = Date.now();
      const seconds = (lastProgress - start) / 1000;
      opts.onProgress({ states: seen.size, statesPerSecond: Math.round(seen.size / seconds), queue: opts.runs - runsDone, depth: deepest, seconds });
    }
  }
  return base(false, {
    result: 'ok',
    stopReason: `${label}: ${runsDone} runs from seed ${opts.seed}${stopped !== undefined ? ` (${stopped})` : ''}; ${seen.size} distinct states seen`,
  }) as CheckResult<S, A>;
}

function replayStates<S, A extends Action>(model: Model<S, A>, init: S, actions: readonly A[]): S[] {
  const out: S[] = [];
  let s = init;
  for (const a of actions) {
    s = produceChecked(model, s, a);
    out.push(s);
  }
  return out;
}

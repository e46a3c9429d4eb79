// Counterexample minimization.
//
// Given any trace that violates a property (from random, PCT, DFS or a
// user), find a smaller one that violates the same property. First the
// workload: delta debugging (Zeller and Hildebrandt, "Simplifying and
// Isolating Failure-Inducing Input", 2002) over the trace's operations
// (an operation is a context's choice and the steps it then takes), then
// over single steps, keeping a removal when the rest still replays and
// still violates the property; dropping every operation of a context drops
// the context. Then the schedule: fewer preemptions (iterative context
// bounding: K = 0, 1, 2, ...), then fewer steps, with no more operations
// per context and no context that the reduced trace did not use. Each
// bound is a breadth-first search of the model restricted to that
// workload, so within a bound the result is a shortest trace. A result is
// never longer than the trace given, and it is replayed on the real model
// before it is returned, so it always reproduces.
import type { Action, Model, Property } from './model.ts';
import { UsageError } from './errors.ts';
import { asPacked, search, type Progress } from './search.ts';
import type { Stops } from './stops.ts';
import { actionsChecked, holds, propertySets } from './run.ts';
import { replay, traceOf, type Path, type Trace } from './trace.ts';
import { canonicalJson } from './fingerprint.ts';
import { choiceKey, countPreemptions, isChoice, restrict, unwrap, type RestrictOptions } from './preemption.ts';

export interface TraceStats {
  readonly steps: number;
  readonly preemptions: number;
  readonly contexts: number;
  readonly operations: number;
}

export interface Violation {
  readonly name: string;
  readonly kind: 'always' | 'at_end' | 'deadlock';
  /** Index of the first state that shows it. */
  readonly index: number;
  readonly explanation?: string;
}

export interface Minimized<S, A extends Action> {
  readonly property: string;
  readonly kind: Violation['kind'];
  readonly explanation?: string;
  readonly before: TraceStats;
  readonly after: TraceStats;
  readonly trace: Trace;
  readonly path: Path<S, A>;
  /** The preemption bound that produced the result, or null when no search improved on the truncated original. */
  readonly bound: number | null;
  readonly note?: string;
}

export function stats<S, A extends Action>(model: Model<S, A>, path: Path<S, A>): TraceStats {
  return {
    steps: path.actions.length,
    preemptions: countPreemptions(model, path),
    contexts: new Set(path.actions.map((a) => a.context)).size,
    operations: path.actions.filter(isChoice).length,
  };
}

/** The first property the path violates: an `always` at the first bad state, else `at_end` or a deadlock at the end. */
export function violationOf<S, A extends Action>(model: Model<S, A>, path: Path<S, A>): Violation | undefined {
  const sets = propertySets(model);
  for (let i = 0; i < path.states.length; i++) {
    const bad = sets.always.find((p) => !holds(model, p, path.states[i]!));
    if (bad) return { name: bad.name, kind: 'always', index: i, ...explained(bad, path.states[i]!) };
  }
  const i = path.states.length - 1;
  const last = path.states[i]!;
  if (model.terminal(last)) {
    const bad = sets.atEnd.find((p) => !holds(model, p, last));
    if (bad) return { name: bad.name, kind: 'at_end', index: i, ...explained(bad, last) };
  } else if (actionsChecked(model, last).length === 0) return { name: 'deadlock', kind: 'deadlock', index: i };
  return undefined;
}

function explained<S>(p: Property<S>, s: S): { explanation?: string } {
  const e = p.explain?.(s);
  return e === undefined ? {} : { explanation: e };
}

/** The target as one `always` property of the model's packed states (the restricted model lifts it). */
function target<S>(model: Model<S, any>, v: Violation): Property<Uint32Array> {
  const P = asPacked(model);
  const p = P.properties.find((x) => x.name === v.name);
  if (v.kind === 'deadlock') return { name: 'deadlock', kind: 'always', check: (w) => P.terminal(w) || P.actions(w).length > 0 };
  if (v.kind === 'at_end') return { name: v.name, kind: 'always', check: (w) => !P.terminal(w) || p!.check(w) };
  return { name: v.name, kind: 'always', check: (w) => p!.check(w) };
}

/**
 * Replays `actions` from initial state `init`, each matched by its context,
 * step and choices among the enabled actions; the path up to the first state
 * that violates `v`'s property, or undefined when an action is not enabled
 * or the property is not violated.
 */
function replayMatching<S, A extends Action>(model: Model<S, A>, init: number, actions: readonly A[], v: Violation): { path: Path<S, A>; indices: number[] } | undefined {
  let s: S = model.initStates()[init]!;
  const states: S[] = [s];
  const taken: A[] = [];
  const indices: number[] = [];
  for (const a of actions) {
    const key = canonicalJson(a);
    const enabled = model.actions(s);
    const i = enabled.findIndex((b) => b.context === a.context && b.step === a.step && canonicalJson(b) === key);
    if (i < 0) return undefined;
    s = model.next(s, enabled[i]!);
    states.push(s);
    taken.push(enabled[i]!);
    indices.push(i);
  }
  const path = { states, actions: taken };
  const again = violationOf(model, path);
  if (again?.name !== v.name) return undefined;
  return { path: { states: states.slice(0, again.index + 1), actions: taken.slice(0, again.index) }, indices: indices.slice(0, again.index) };
}

/** The trace's operations: each choice starts one, and the context's later steps up to its next choice belong to it; steps before a context's first choice are units of their own. */
function operations(actions: readonly Action[]): number[][] {
  const groups: number[][] = [];
  const open = new Map<string, number[]>();
  actions.forEach((a, i) => {
    if (isChoice(a)) {
      const g = [i];
      groups.push(g);
      open.set(a.context, g);
    } else {
      const g = open.get(a.context);
      if (g) g.push(i);
      else groups.push([i]);
    }
  });
  return groups;
}

/**
 * Delta debugging (ddmin) over `units`: drop chunks of units (halves, then
 * quarters, ...) while what is left still `keeps`. Returns the kept units.
 */
function ddmin<U>(units: U[], keeps: (rest: U[]) => boolean, outOfTime: () => boolean): U[] {
  let n = 2;
  while (units.length >= 2 && !outOfTime()) {
    const size = Math.ceil(units.length / n);
    let reduced = false;
    for (let start = 0; start < units.length && !outOfTime(); start += size) {
      const rest = [...units.slice(0, start), ...units.slice(start + size)];
      if (rest.length > 0 && keeps(rest)) {
        units = rest;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= units.length) break;
      n = Math.min(n * 2, units.length);
    }
  }
  return units;
}

/** Do the actions at these indices (in order) still replay to `v`? */
function replays<S, A extends Action>(model: Model<S, A>, init: number, actions: readonly A[], v: Violation): (units: number[][]) => boolean {
  return (us) => replayMatching(model, init, us.flat().sort((x, y) => x - y).map((i) => actions[i]!), v) !== undefined;
}

export interface MinimizeOptions extends Stops {
  /** Distinct-state budget of each bounded search. */
  readonly maxStates?: number;
  /** Time budget of the whole minimization: the best trace found so far is returned when it runs out. */
  readonly maxSeconds?: number;
  readonly onProgress?: (p: Progress) => void;
}

export function minimize<S, A extends Action>(model: Model<S, A>, trace: Trace, opts: MinimizeOptions = {}): Minimized<S, A> {
  const path = replay(model, trace);
  const v = violationOf(model, path);
  if (!v) throw new UsageError('the trace violates no property of the model: nothing to minimize');
  const before = stats(model, path);
  // 1. Cut everything after the first state that shows the violation.
  const cut: Path<S, A> = { states: path.states.slice(0, v.index + 1), actions: path.actions.slice(0, v.index) };
  let best = { trace: traceOf(model, trace.init, trace.steps.slice(0, v.index).map((s) => s.index), cut.actions, v.name), path: cut };
  let bestStats = stats(model, cut);
  let bound: number | null = null;
  let note: string | undefined;
  const deadline = opts.maxSeconds !== undefined ? Date.now() + opts.maxSeconds * 1000 : undefined;
  const outOfTime = () => (deadline !== undefined && Date.now() >= deadline) || opts.shouldStop?.() !== undefined;
  // 2. The workload: drop whole operations (and so contexts), then single steps, while the rest still violates.
  {
    const keeps = replays(model, trace.init, cut.actions, v);
    const ops = ddmin(operations(cut.actions), keeps, outOfTime);
    const steps = ddmin(ops.flat().sort((x, y) => x - y).map((i) => [i]), keeps, outOfTime);
    const kept = replayMatching(model, trace.init, steps.flat().sort((x, y) => x - y).map((i) => cut.actions[i]!), v);
    if (kept && kept.path.actions.length < bestStats.steps) {
      best = { trace: traceOf(model, trace.init, kept.indices, kept.path.actions, v.name), path: kept.path };
      bestStats = stats(model, kept.path);
    }
  }
  const maxStates = opts.maxStates ?? 300_000;
  const timeLeft = () => (deadline === undefined ? undefined : (deadline - Date.now()) / 1000);
  /** A breadth-first search of the model restricted as given, for the target property: a shortest trace within it, checked by replay. */
  const searchFor = (r: RestrictOptions, cap: number, share = 1): { found?: { trace: Trace; path: Path<S, A> }; complete: boolean; stopReason?: string } => {
    const all = timeLeft();
    const left = all === undefined ? undefined : all * share;
    if (left !== undefined && left <= 0) return { complete: false, stopReason: 'time budget' };
    const res = search(restrict(model, { ...r, properties: [target(model, v)] }), {
      maxStates: cap,
      liveness: false,
      ...(left !== undefined ? { maxSeconds: left } : {}),
      ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
      ...(opts.maxMemoryMb !== undefined ? { maxMemoryMb: opts.maxMemoryMb } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    if (res.result === 'violation' && res.path && res.trace) {
      const cand = unwrap(model, res.path, res.trace.init, v.name);
      // Every candidate is checked by replay on the real model.
      if (violationOf(model, replay(model, cand.trace))?.name === v.name) return { found: cand, complete: res.complete };
    }
    return { complete: res.complete, ...(res.stopReason !== undefined ? { stopReason: res.stopReason } : {}) };
  };
  /** Fewer contexts, or as many and fewer steps, or as many and fewer preemptions; never longer than the trace given. */
  const offer = (cand: { trace: Trace; path: Path<S, A> }, k: number | null): boolean => {
    const st = stats(model, cand.path);
    const b = bestStats;
    const better = st.contexts !== b.contexts ? st.contexts < b.contexts : st.steps !== b.steps ? st.steps < b.steps : st.preemptions < b.preemptions;
    if (st.steps > before.steps || !better) return false;
    best = cand;
    bestStats = st;
    bound = k;
    return true;
  };
  // 3. The workload as fixed operations per context (what each chose, in order): first the shortest
  // interleaving of the trace's own operations, then delta debugging over them, where a smaller
  // workload is kept when some interleaving of it still violates the property (a search, not a
  // replay, so that the other contexts' steps may change with it). It may use 70% of the time budget.
  const scriptsOf = (acts: readonly Action[]) => {
    const out: Record<string, string[]> = {};
    for (const a of acts) if (isChoice(a)) (out[a.context] ??= []).push(choiceKey(a));
    return out;
  };
  {
    // Fixed operations make a small space: it may take a few times the per-search budget.
    const r = searchFor({ scripts: scriptsOf(best.path.actions) }, maxStates * 5, 0.4);
    if (r.found) offer(r.found, null);
    else if (!r.complete) note = `the search for the shortest interleaving of the reduced workload stopped (${r.stopReason ?? 'bounded'})`;
  }
  {
    const units = Object.entries(scriptsOf(best.path.actions)).flatMap(([ctx, keys]) => keys.map((key, i) => ({ ctx, key, i })));
    const scriptOfUnits = (us: typeof units) => {
      const out: Record<string, string[]> = {};
      for (const u of [...us].sort((x, y) => x.i - y.i)) (out[u.ctx] ??= []).push(u.key);
      return out;
    };
    const ddEnd = deadline === undefined ? undefined : Date.now() + (deadline - Date.now()) * 0.7;
    ddmin(
      units,
      (rest) => {
        const r = searchFor({ scripts: scriptOfUnits(rest) }, Math.min(maxStates, 20_000), 0.2);
        if (r.found) offer(r.found, null);
        return r.found !== undefined;
      },
      () => outOfTime() || (ddEnd !== undefined && Date.now() >= ddEnd),
    );
  }
  // 4. The schedule: the fewest preemptions (iterative context bounding) over the reduced operations,
  // then over the reduced and the original workload with at most as many operations per context
  // (other choices, or a context that the reduction dropped, may make a shorter trace).
  const capsOf = (acts: readonly Action[]) => {
    const caps: Record<string, number> = {};
    for (const a of acts) if (isChoice(a)) caps[a.context] = (caps[a.context] ?? 0) + 1;
    return caps;
  };
  // The shortest trace with at most the reduced workload's number of operations per context, whatever they are.
  if (!outOfTime()) {
    const r = searchFor({ choiceCaps: capsOf(best.path.actions) }, maxStates, 0.5);
    if (r.found) offer(r.found, null);
  }
  const workloads: RestrictOptions[] = [{ scripts: scriptsOf(best.path.actions) }, { choiceCaps: capsOf(best.path.actions) }, { choiceCaps: capsOf(cut.actions) }];
  for (const w of workloads) {
    // On the fixed operations the shortest is known: only fewer preemptions can improve it.
    const top = w.scripts ? bestStats.preemptions - 1 : bestStats.preemptions;
    for (let k = 0; k <= top; k++) {
      if (outOfTime()) {
        note = `the time budget (--max-seconds ${opts.maxSeconds}) ran out before the search with at most ${k} preemptions`;
        break;
      }
      const r = searchFor({ ...w, preemptions: k }, maxStates);
      if (r.found) {
        offer(r.found, k);
        break;
      }
      if (!r.complete) {
        note = `the search with at most ${k} preemption${k === 1 ? '' : 's'} was cut short (${r.stopReason ?? 'bounded'}); larger bounds were not tried`;
        break;
      }
    }
    if (note !== undefined && outOfTime()) break;
  }
  const final = violationOf(model, best.path)!;
  return {
    property: v.name,
    kind: v.kind,
    ...(final.explanation !== undefined ? { explanation: final.explanation } : {}),
    before,
    after: bestStats,
    trace: best.trace,
    path: best.path,
    bound,
    ...(note !== undefined ? { note } : {}),
  };
}

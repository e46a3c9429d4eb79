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
import { countPreemptions, isChoice, restrict, unwrap } from './preemption.ts';

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
 * Delta debugging over `units` (sets of action indices): drop chunks of
 * units while what is left still violates `v`. Returns the kept units.
 */
function ddmin<S, A extends Action>(model: Model<S, A>, init: number, actions: readonly A[], units: number[][], v: Violation, outOfTime: () => boolean): number[][] {
  const keeps = (us: number[][]) => {
    const idx = us.flat().sort((x, y) => x - y);
    return replayMatching(model, init, idx.map((i) => actions[i]!), v) !== undefined;
  };
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
    const ops = ddmin(model, trace.init, cut.actions, operations(cut.actions), v, outOfTime);
    const steps = ddmin(model, trace.init, cut.actions, ops.flat().sort((x, y) => x - y).map((i) => [i]), v, outOfTime);
    const kept = replayMatching(model, trace.init, steps.flat().sort((x, y) => x - y).map((i) => cut.actions[i]!), v);
    if (kept && kept.path.actions.length < bestStats.steps) {
      best = { trace: traceOf(model, trace.init, kept.indices, kept.path.actions, v.name), path: kept.path };
      bestStats = stats(model, kept.path);
    }
  }
  // 3. Iterative context bounding over the reduced workload, then over the original one (a context that
  // delta debugging dropped may make a trace with fewer preemptions): the best of both.
  const capsOf = (acts: readonly Action[]) => {
    const caps: Record<string, number> = {};
    for (const a of acts) if (isChoice(a)) caps[a.context] = (caps[a.context] ?? 0) + 1;
    return caps;
  };
  const workloads = [capsOf(best.path.actions), capsOf(cut.actions)];
  if (canonicalJson(workloads[0]) === canonicalJson(workloads[1])) workloads.pop();
  const maxStates = opts.maxStates ?? 300_000;
  for (const caps of workloads) {
    const most = bestStats.preemptions;
    for (let k = 0; k <= most; k++) {
      const left = deadline === undefined ? undefined : (deadline - Date.now()) / 1000;
      if (left !== undefined && left <= 0) {
        note = `the time budget (--max-seconds ${opts.maxSeconds}) ran out before the search with at most ${k} preemptions`;
        break;
      }
      const r = search(restrict(model, { preemptions: k, choiceCaps: caps, properties: [target(model, v)] }), {
        maxStates,
        liveness: false,
        ...(left !== undefined ? { maxSeconds: left } : {}),
        ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
        ...(opts.maxMemoryMb !== undefined ? { maxMemoryMb: opts.maxMemoryMb } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      if (r.result === 'violation' && r.path && r.trace) {
        const cand = unwrap(model, r.path, r.trace.init, v.name);
        // Every candidate is checked by replay on the real model.
        const again = violationOf(model, replay(model, cand.trace));
        if (again?.name === v.name) {
          const st = stats(model, cand.path);
          // Fewer preemptions, or as many and fewer steps; never longer than the trace given.
          if (st.steps <= before.steps && (st.preemptions < bestStats.preemptions || (st.preemptions === bestStats.preemptions && st.steps < bestStats.steps))) {
            best = cand;
            bestStats = st;
            bound = k;
          }
          break;
        }
      }
      if (!r.complete && r.result === 'ok') {
        note = `the search with at most ${k} preemptions stopped (${r.stopReason ?? 'bounded'}); larger bounds were not tried`;
        break;
      }
    }
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

// Counterexample minimization.
//
// Given any trace that violates a property (from random, PCT, DFS or a
// user), find a smaller one that violates the same property: fewer
// preemptions first (iterative context bounding: K = 0, 1, 2, ...), then
// fewer steps, with no more operations per context and no context that the
// original did not use. Each bound is a breadth-first search of the model
// restricted to the original's workload, so within a bound the result is a
// shortest trace; the result is replayed on the real model before it is
// returned, so it always reproduces.
import type { Action, Model, Property } from './model.ts';
import { UsageError } from './errors.ts';
import { asPacked, search, type Progress } from './search.ts';
import type { Stops } from './stops.ts';
import { actionsChecked, holds, propertySets } from './run.ts';
import { replay, traceOf, type Path, type Trace } from './trace.ts';
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
  // 2. Iterative context bounding over the same workload.
  const caps: Record<string, number> = {};
  for (const a of cut.actions) if (isChoice(a)) caps[a.context] = (caps[a.context] ?? 0) + 1;
  const maxStates = opts.maxStates ?? 300_000;
  const deadline = opts.maxSeconds !== undefined ? Date.now() + opts.maxSeconds * 1000 : undefined;
  for (let k = 0; k <= bestStats.preemptions; k++) {
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
        if (st.preemptions < bestStats.preemptions || (st.preemptions === bestStats.preemptions && st.steps < bestStats.steps)) {
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

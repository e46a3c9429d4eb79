// Preemptions and restricted searches (iterative context bounding, after
// Musuvathi and Qadeer's CHESS: most real concurrency bugs need at most two
// preemptions).
//
// A preemption is a context switch while the context that ran the previous
// step could have continued. `restrict` wraps a model so that a search
// explores only the paths with at most K preemptions and, optionally, at most
// a given number of choice actions (operations a context starts) per context.
// The wrapper keeps packed states: the model's words, then the context that
// ran last, the preemptions used and the choices each context took. Traces of
// the wrapper are converted back into traces of the real model, so they
// replay with `slubcheck replay` like any other.
import type { Action, Model, Plain, Property } from './model.ts';
import { canonicalJson } from './fingerprint.ts';
import { EngineError } from './errors.ts';
import { asPacked, pathFromIndices, type CheckResult } from './search.ts';
import { traceOf, type Path, type Trace } from './trace.ts';

/** An action that carries choices beyond its context and step (e.g. which operation a context starts). */
export function isChoice(a: Action): boolean {
  return Object.keys(a).some((k) => k !== 'context' && k !== 'step');
}

/** What a choice action chose: its fields other than context and step, canonically. */
export function choiceKey(a: Action): string {
  const { context: _c, step: _s, ...rest } = a;
  return canonicalJson(rest as Plain);
}

export function countPreemptions<S, A extends Action>(model: Model<S, A>, path: Path<S, A>): number {
  let n = 0;
  for (let i = 1; i < path.actions.length; i++) {
    const prev = path.actions[i - 1]!.context;
    if (path.actions[i]!.context !== prev && model.actions(path.states[i]!).some((a) => a.context === prev)) n++;
  }
  return n;
}

export interface RestrictOptions {
  readonly preemptions?: number;
  /** At most this many choice actions per context; contexts not listed take none. */
  readonly choiceCaps?: { readonly [ctx: string]: number };
  /**
   * Exactly these choice actions per context, in this order (each given as
   * choiceKey(action)); contexts not listed take none. A workload of fixed
   * operations whose interleavings the search explores (the minimizer).
   */
  readonly scripts?: { readonly [ctx: string]: readonly string[] };
  /** Replace the properties (the minimizer looks for one property only), as properties of the real model's states. */
  readonly properties?: readonly Property<Uint32Array>[];
}

/** The model restricted to at most K preemptions and the given choice caps (packed states). */
export function restrict<S, A extends Action>(model: Model<S, A>, opts: RestrictOptions): Model<Uint32Array, A> {
  const P = asPacked(model);
  const W = P.packed!.width;
  const ctxIndex = new Map(P.contexts.map((c, i) => [c, i]));
  const LAST = W, PRE = W + 1, USED = W + 2;
  const width = W + 2 + P.contexts.length;
  const inner = (w: Uint32Array) => w.subarray(0, W);
  const allowed = (w: Uint32Array): { a: A; p: number }[] => {
    const enabled = P.actions(inner(w));
    const last = w[LAST]! - 1;
    const lastCtx = last >= 0 ? P.contexts[last] : undefined;
    const lastCanRun = lastCtx !== undefined && enabled.some((a) => a.context === lastCtx);
    const out: { a: A; p: number }[] = [];
    for (const a of enabled) {
      const p = w[PRE]! + (lastCtx !== undefined && a.context !== lastCtx && lastCanRun ? 1 : 0);
      if (opts.preemptions !== undefined && p > opts.preemptions) continue;
      if (opts.choiceCaps && isChoice(a) && w[USED + ctxIndex.get(a.context)!]! >= (opts.choiceCaps[a.context] ?? 0)) continue;
      if (opts.scripts && isChoice(a) && (opts.scripts[a.context] ?? [])[w[USED + ctxIndex.get(a.context)!]!] !== choiceKey(a)) continue;
      out.push({ a, p });
    }
    return out;
  };
  const lift = ({ explain, check, ...rest }: Property<Uint32Array>): Property<Uint32Array> => ({
    ...rest,
    check: rest.kind === 'at_end' ? (w) => !P.terminal(inner(w)) || check(inner(w)) : (w) => check(inner(w)),
    ...(explain ? { explain: (w: Uint32Array) => explain(inner(w)) } : {}),
  });
  // The search asks for a state's actions and then takes them one by one: remember the last state's.
  let lastW: Uint32Array | undefined;
  let lastAllowed: { a: A; p: number }[] = [];
  const same = (w: Uint32Array) => {
    if (lastW === undefined || lastW.length !== w.length) return false;
    for (let i = 0; i < w.length; i++) if (lastW[i] !== w[i]) return false;
    return true;
  };
  const allowedOf = (w: Uint32Array) => {
    if (!same(w)) {
      lastAllowed = allowed(w);
      if (lastW?.length === w.length) lastW.set(w);
      else lastW = w.slice();
    }
    return lastAllowed;
  };
  const nextInto = (w: Uint32Array, a: A, out: Uint32Array, emit: (e: string) => void) => {
    const x = allowedOf(w).find((y) => y.a === a) ?? allowedOf(w).find((y) => canonicalJson(y.a) === canonicalJson(a));
    if (!x) throw new EngineError(`restricted search took an action it did not allow: ${a.context} ${a.step}`);
    P.packed!.nextInto(inner(w), a, out.subarray(0, W), emit);
    const c = ctxIndex.get(a.context)!;
    // Without a preemption bound, who ran last and how often the schedule preempted are not part of the state.
    if (opts.preemptions !== undefined) {
      out[LAST] = c + 1;
      out[PRE] = x.p;
    }
    if ((opts.choiceCaps || opts.scripts) && isChoice(a)) out[USED + c] = w[USED + c]! + 1;
  };
  return {
    id: P.id,
    config: P.config,
    contexts: P.contexts,
    initStates: () =>
      P.initStates().map((s) => {
        const w = new Uint32Array(width);
        w.set(s);
        return w;
      }),
    actions: (w) => allowedOf(w).map((x) => x.a),
    next: (w, a) => {
      const out = w.slice();
      nextInto(w, a, out, () => {});
      return out;
    },
    properties: (opts.properties ?? P.properties).map(lift),
    // A state whose every action the bound cut is not a deadlock: only a real
    // dead end (no action at all, not terminal) keeps the engine's check.
    terminal: (w) => P.terminal(inner(w)) || P.actions(inner(w)).length > 0,
    view: (w) => (P.view ? P.view(inner(w)) : (Array.from(inner(w)) as Plain)),
    packed: { width, nextInto },
  };
}

/** Converts a path of the wrapped model into a trace and path of the real model. */
export function unwrap<S, A extends Action>(model: Model<S, A>, path: Path<Uint32Array, A>, init: number, property?: string): { trace: Trace; path: Path<S, A> } {
  const real = pathFromIndices(model, init, []);
  let s: S = real.states[0] as S;
  const indices: number[] = [];
  path.actions.forEach((a, i) => {
    const k = model.actions(s).findIndex((b) => canonicalJson(b) === canonicalJson(a));
    if (k < 0) throw new EngineError(`restricted path step ${i + 1} is not an action of ${model.id}`);
    indices.push(k);
    s = model.next(s, model.actions(s)[k]!);
  });
  const p = pathFromIndices(model, init, indices);
  return { trace: traceOf(model, init, indices, p.actions, property), path: p };
}

/** A bounded check result expressed in terms of the real model; never `complete`. */
export function unwrapResult<S, A extends Action>(model: Model<S, A>, r: CheckResult<Uint32Array, A>, bound: number): CheckResult<S, A> {
  const reason = `every interleaving with at most ${bound} preemption${bound === 1 ? '' : 's'} (--preemptions ${bound})`;
  const base = { ...r, complete: false, stopReason: r.stopReason && !r.complete ? `${r.stopReason}; ${reason}` : reason } as unknown as CheckResult<S, A>;
  if (!r.path || !r.trace) return { ...base, path: undefined, trace: undefined } as unknown as CheckResult<S, A>;
  const u = unwrap(model, r.path, r.trace.init, r.property);
  return { ...base, trace: u.trace, path: u.path };
}

// Preemptions and restricted searches (iterative context bounding, after
// Musuvathi and Qadeer's CHESS: most real concurrency bugs need at most two
// preemptions).
//
// A preemption is a context switch while the context that ran the previous
// step could have continued. `restrict` wraps a model so that a search
// explores only the paths with at most K preemptions and, optionally, at most
// a given number of choice actions (operations a context starts) per context.
// Traces of the wrapper are converted back into traces of the real model, so
// they replay with `slubcheck replay` like any other.
import type { Action, Model, Plain, Property } from './model.ts';
import { canonicalJson } from './fingerprint.ts';
import { EngineError } from './errors.ts';
import { actionsChecked, produceChecked } from './run.ts';
import { traceOf, type Path, type Trace } from './trace.ts';
import type { CheckResult } from './explore.ts';

/** An action that carries choices beyond its context and step (e.g. which operation a context starts). */
export function isChoice(a: Action): boolean {
  return Object.keys(a).some((k) => k !== 'context' && k !== 'step');
}

export function countPreemptions<S, A extends Action>(model: Model<S, A>, path: Path<S, A>): number {
  let n = 0;
  for (let i = 1; i < path.actions.length; i++) {
    const prev = path.actions[i - 1]!.context;
    if (path.actions[i]!.context !== prev && actionsChecked(model, path.states[i]!).some((a) => a.context === prev)) n++;
  }
  return n;
}

export interface Wrapped<S> {
  readonly s: S;
  readonly last: string | null;
  readonly p: number;
  /** Choice actions taken so far, per context (only when capped). */
  readonly used: { readonly [ctx: string]: number };
}

export interface RestrictOptions {
  readonly preemptions?: number;
  /** At most this many choice actions per context; contexts not listed take none. */
  readonly choiceCaps?: { readonly [ctx: string]: number };
  /** Replace the properties (the minimizer looks for one property only). */
  readonly properties?: readonly Property<Wrapped<any>>[];
}

/** The model restricted to at most K preemptions and the given choice caps. */
export function restrict<S, A extends Action>(model: Model<S, A>, opts: RestrictOptions): Model<Wrapped<S>, A> {
  // actions, next and terminal all need the model's enabled actions of the same state: compute them once.
  const cache = new WeakMap<object, readonly A[]>();
  const enabledOf = (s: S): readonly A[] => {
    if (typeof s !== 'object' || s === null) return actionsChecked(model, s);
    let e = cache.get(s);
    if (!e) cache.set(s, (e = actionsChecked(model, s)));
    return e;
  };
  const allowed = (w: Wrapped<S>): { a: A; p: number }[] => {
    const enabled = enabledOf(w.s);
    const lastCanRun = w.last !== null && enabled.some((a) => a.context === w.last);
    const out: { a: A; p: number }[] = [];
    for (const a of enabled) {
      const p = w.p + (w.last !== null && a.context !== w.last && lastCanRun ? 1 : 0);
      if (opts.preemptions !== undefined && p > opts.preemptions) continue;
      if (opts.choiceCaps && isChoice(a) && (w.used[a.context] ?? 0) >= (opts.choiceCaps[a.context] ?? 0)) continue;
      out.push({ a, p });
    }
    return out;
  };
  const lift = (p: Property<S>): Property<Wrapped<S>> => ({
    ...p,
    check: p.kind === 'at_end' ? (w) => !model.terminal(w.s) || p.check(w.s) : (w) => p.check(w.s),
    explain: p.explain ? (w: Wrapped<S>) => p.explain!(w.s) : undefined,
  });
  return {
    id: model.id,
    config: model.config,
    contexts: model.contexts,
    initStates: () => model.initStates().map((s) => ({ s, last: null, p: 0, used: {} })),
    actions: (w) => allowed(w).map((x) => x.a),
    next: (w, a) => {
      const x = allowed(w).find((y) => y.a === a || canonicalJson(y.a) === canonicalJson(a));
      if (!x) throw new EngineError(`restricted search took an action it did not allow: ${a.context} ${a.step}`);
      const used = opts.choiceCaps && isChoice(a) ? { ...w.used, [a.context]: (w.used[a.context] ?? 0) + 1 } : w.used;
      return { s: produceChecked(model, w.s, a), last: a.context, p: x.p, used };
    },
    properties: opts.properties ?? model.properties.map(lift),
    // A state whose every action the bound cut is not a deadlock: only a real
    // dead end (no action at all, not terminal) keeps the engine's check.
    terminal: (w) => model.terminal(w.s) || enabledOf(w.s).length > 0,
    view: (w) => (model.view ? model.view(w.s) : (w.s as Plain)),
  };
}

/** Converts a path of the wrapped model into a trace and path of the real model. */
export function unwrap<S, A extends Action>(model: Model<S, A>, path: Path<Wrapped<S>, A>, init: number, property?: string): { trace: Trace; path: Path<S, A> } {
  const states = path.states.map((w) => w.s);
  const indices = path.actions.map((a, i) => {
    const k = actionsChecked(model, states[i]!).findIndex((b) => canonicalJson(b) === canonicalJson(a));
    if (k < 0) throw new EngineError(`restricted path step ${i + 1} is not an action of ${model.id}`);
    return k;
  });
  return { trace: traceOf(model, init, indices, path.actions, property), path: { states, actions: path.actions } };
}

/** A bounded check result expressed in terms of the real model; never `complete`. */
export function unwrapResult<S, A extends Action>(model: Model<S, A>, r: CheckResult<Wrapped<S>, A>, bound: number): CheckResult<S, A> {
  const reason = `every interleaving with at most ${bound} preemption${bound === 1 ? '' : 's'} (--preemptions ${bound})`;
  const base = { ...r, complete: false, stopReason: r.stopReason && !r.complete ? `${r.stopReason}; ${reason}` : reason } as unknown as CheckResult<S, A>;
  if (!r.path || !r.trace) return { ...base, path: undefined, trace: undefined } as unknown as CheckResult<S, A>;
  const u = unwrap(model, r.path, r.trace.init, r.property);
  return { ...base, trace: u.trace, path: u.path };
}

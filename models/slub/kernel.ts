// The small interpreter that runs kernel functions as labelled atomic steps.
//
// What this abstracts and why:
// - A kernel function is a set of steps keyed by label, with typed locals; a
//   step has a guard (e.g. a spinlock is free) and an update that touches
//   only what that kernel line touches, then names the next label (`goto`),
//   calls a function (`call`, with a continuation label) or returns a value
//   (`ret`). A context that is spinning on a lock simply has no enabled step.
// - Steps that touch only data private to their context (dispatching on a
//   return value, bookkeeping of locals) are marked `local` and run in the
//   same atomic step as the step before them: no other context can observe
//   the difference, so fusing them hides no interleaving.
// - Scheduling follows the kernel's rules per CPU (reference §0.2, §2.4):
//   an interrupt context (irq, softirq) runs to completion once it starts and
//   may start at any step boundary of a task-level context (task, worker,
//   unbound worker) of its CPU, unless that CPU has irqs off; task-level
//   contexts of one CPU preempt each other unless one has preemption or irqs
//   off. Contexts of different CPUs interleave freely.
import { ModelError } from '../../src/engine/errors.ts';
import type { Emit, Plain } from '../../src/engine/model.ts';
import { holds, releaseBefore, type LockName } from './locks.ts';
import { cpuOf, setLocal, type Ctx, type FrameView, type Locals, type LocalsSpec, type Messages, type Op, type SlubLayout, type SlubState } from './state.ts';

export interface CacheParams {
  /** Objects per slab. */
  readonly objects: number;
  /** v6.19 cpu_partial_slabs (0 disables the CPU partial lists). */
  readonly cpu_partial_slabs: number;
  readonly min_partial: number;
  /** 0: the cache has no sheaves. */
  readonly sheaf_capacity: number;
  /** Barn soft limit for full and empty sheaves (MAX_FULL_SHEAVES, MAX_EMPTY_SHEAVES). */
  readonly barn_max: number;
}

export interface VersionFeatures {
  /** kmem_cache_cpu with a cpu slab and the lockless fast paths (v6.19). */
  readonly cpuSlab: boolean;
  /** CONFIG_SLUB_CPU_PARTIAL: __slab_free puts full slabs on the CPU partial list without list_lock. */
  readonly cpuPartial: boolean;
  /** Which caches have sheaves: 'opt-in' (v6.19: only when the scenario asks) or 'all'. */
  readonly sheaves: 'opt-in' | 'all';
  /** Compare tid in the per-CPU cmpxchg (false only in a deliberately broken variant). */
  readonly tidInCmpxchg: boolean;
  /** kvfree_rcu_barrier_on_cache() ends with rcu_barrier() (the SEED1 fix). */
  readonly kvfreeRcuBarrier: boolean;
  /** get_barn() is the barn of numa_node_id(), and every online node has one, memoryless or not (seed 000's patch 2; false in 7.0-rc). */
  readonly barnOnEveryNode: boolean;
}

export interface Env {
  readonly p: CacheParams;
  readonly fns: FnTable;
  /** Version switches read by shared steps. */
  readonly v: VersionFeatures;
  /** Per CPU: does the scenario have an interrupt context (irq, softirq) on it? */
  readonly irqCpus: readonly boolean[];
  /** v6.19 TID_STEP: roundup_pow_of_two(NR_CPUS); each CPU's tid starts at its number, so tids of different CPUs never meet. */
  readonly tidStep: number;
  /** The scenario's name (for error messages). */
  readonly scenario: string;
  /** Page allocations fail when the pool is empty (otherwise running out is an error in the scenario). */
  readonly pageAllocCanFail: boolean;
  readonly L: SlubLayout;
  readonly msgs: Messages;
  /** Context names in order (without the environment). */
  readonly contexts: readonly string[];
  /** Locks some patch dropped somewhere in this version: steps `under` them are not fused. */
  readonly dropped: ReadonlySet<LockName>;
  /** Whose `owns` set holds the objects a context allocated: its own, or, when clients share their objects (any may free any), the first context's. */
  readonly pool: (ctx: Ctx) => Ctx;
}

/** What a step sees: the state (being built), its context, its frame and the frame's typed locals. */
export interface StepCtx<L extends Locals = Locals> {
  readonly d: SlubState;
  readonly ctx: Ctx;
  readonly cpu: number;
  readonly f: FrameView;
  readonly l: L;
  readonly e: Env;
  /** Reports an event for `sometimes` witnesses (not part of the state). */
  readonly emit: Emit;
  /** The choice the action took, for a step that declares `choose`. */
  readonly choice?: string;
}

export interface StepDef<L extends Locals = Locals> {
  /** One line: the kernel source this models and the version, e.g. `mm/slub.c (17c38c88) get_from_partial_node(): ...`. */
  readonly cite: string;
  /** Shared locations read and written (documentation, and footprints for partial-order reduction). `{slab}`, `{node}`, `{cpu}` are filled from the frame. */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Enabled only when this holds (e.g. a spinlock is free); it only reads. */
  readonly guard?: (x: StepCtx<L>) => boolean;
  readonly run: (x: StepCtx<L>) => void;
  /** Touches only this context's private data: fused into the step before it. */
  readonly local?: boolean;
  /**
   * The body of a section that only the same CPU's interrupt contexts can
   * observe (the pcs lock disables preemption, not irqs): fused into the
   * step before it when the CPU has no interrupt context, a separate step
   * when it does, so that an irq can find the lock taken.
   */
  readonly localUnlessIrq?: boolean;
  /**
   * A step inside the section of this lock, split from the step before it at
   * a shared access the lock protects: fused into the step before it while
   * every path of the version takes the lock, a separate step once a patch
   * drops the lock anywhere (locks.ts).
   */
  readonly under?: LockName;
  /**
   * The nondeterministic choices this step makes, in a fixed order: the
   * checker explores each as its own action (the action's `choice`), and
   * `run` reads the one taken as `x.choice`. For what the kernel decides by
   * something the model does not track (a defrag-ratio gate on get_cycles(),
   * a page allocation that fails). No choice (an empty list) is one action
   * without `choice`.
   */
  readonly choose?: (x: StepCtx<L>) => readonly string[];
  /** Locks this step runs without (set by a patch's `dropLocks`): its operations on them do nothing. */
  readonly without?: readonly LockName[];
}

export interface FnDef<L extends Locals = Locals> {
  readonly entry: string;
  /** The function's frame locals and their types (state.ts `T`); arguments of `call` are locals. */
  readonly locals?: LocalsSpec;
  readonly steps: { readonly [pc: string]: StepDef<L> };
}

export type FnTable = { readonly [fn: string]: FnDef<any> };

/** Defines a function with typed locals (the type parameter names them for the steps). */
export function fn<L extends Locals>(def: FnDef<L>): FnDef<L> {
  return def;
}

// ---- control flow ------------------------------------------------------------

/** The mutable step context the interpreter reuses (one per model). */
export class Runner implements StepCtx {
  d!: SlubState;
  ctx!: Ctx;
  cpu = -1;
  f!: FrameView;
  l!: Locals;
  /** The step being run or whose guard is being tested (locks.ts reads its `without`). */
  step: StepDef | undefined = undefined;
  choice: string | undefined = undefined;
  emit: Emit = () => {};
  constructor(readonly e: Env) {}
  /** Points the runner at the top frame of `ctx`; false when it is idle. */
  at(ctx: Ctx): boolean {
    this.ctx = ctx;
    this.cpu = cpuOf(ctx);
    const f = this.d.ctx[ctx]!.stack.top();
    if (!f) return false;
    this.f = f;
    this.l = f.l;
    return true;
  }
}

/** A list argument read out of the caller's frame (ListView) before the callee's frame is written. */
const plainArg = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'toArray' in (v as object) ? (v as { toArray(): number[] }).toArray() : v);

/** The arguments of a call, read before the frame they may come from is written (reused: no allocation per call). */
const argKeys: string[] = [];
const argVals: unknown[] = [];
function readArgs(args: { readonly [k: string]: unknown }): number {
  let n = 0;
  for (const k in args) {
    argKeys[n] = k;
    argVals[n] = plainArg(args[k]);
    n++;
  }
  return n;
}

function assign(x: StepCtx, f: FrameView, fn: string, n: number): void {
  const l = f.l;
  for (let i = 0; i < n; i++) {
    const k = argKeys[i]!;
    if (!setLocal(l, k, argVals[i])) throw new ModelError(x.e.L.modelId, `call of ${fn} with an argument ${k} it does not declare`);
    argVals[i] = undefined;
  }
}

/** The context oopsed in this step (its stack is gone): the rest of the step's control flow is void. */
const dead = (x: StepCtx): boolean => x.d.ctx[x.ctx]!.stack.length === 0;

export function goto(x: StepCtx, pc: string): void {
  if (dead(x)) return;
  x.f.pc = pc;
  if (x.e.dropped.size > 0) {
    const next = x.e.fns[x.f.fn]?.steps[pc];
    if (next?.without) releaseBefore(x, next);
  }
}

/** Calls `fn` with `args` (its locals); when it returns, the caller continues at `cont` with the result in its `ret`. */
export function call(x: StepCtx, fn: string, args: { readonly [k: string]: unknown }, cont: string): void {
  const def = x.e.fns[fn];
  if (!def) throw new ModelError(x.e.L.modelId, `call of unknown kernel function ${fn}`);
  if (dead(x)) return;
  const n = readArgs(args);
  x.f.pc = cont;
  const f = x.d.ctx[x.ctx]!.stack.push(fn, def.entry);
  assign(x, f, fn, n);
  (x as Runner).f = f;
  (x as Runner).l = f.l;
}

/** Starts an operation: the root frame of `fn` at its entry, its arguments in its locals. */
export function enterRoot(x: Runner, fn: string, args: { readonly [k: string]: unknown }): void {
  const def = x.e.fns[fn];
  if (!def) throw new ModelError(x.e.L.modelId, `operation starts at unknown kernel function ${fn}`);
  const n = readArgs(args);
  const f = x.d.ctx[x.ctx]!.stack.push(fn, def.entry);
  assign(x, f, fn, n);
  x.f = f;
  x.l = f.l;
}

/** Replaces the current frame by a call of `fn` (a tail call: the result goes to our caller). */
export function tailcall(x: StepCtx, fn: string, args: { readonly [k: string]: unknown }): void {
  const def = x.e.fns[fn];
  if (!def) throw new ModelError(x.e.L.modelId, `call of unknown kernel function ${fn}`);
  if (dead(x)) return;
  const stack = x.d.ctx[x.ctx]!.stack;
  // Read the arguments before the frame they may come from is cleared.
  const n = readArgs(args);
  stack.pop();
  const f = stack.push(fn, def.entry);
  assign(x, f, fn, n);
  (x as Runner).f = f;
  (x as Runner).l = f.l;
}

/** Returns `value` to the caller (into its `ret` local). */
export function ret(x: StepCtx, value: number | boolean | null | ArrayLike<number> | { toArray(): number[] }): void {
  const stack = x.d.ctx[x.ctx]!.stack;
  if (stack.length === 0) return; // oopsed in this step
  const v = plainArg(value);
  stack.pop();
  const caller = stack.top();
  if (!caller) return;
  (x as Runner).f = caller;
  (x as Runner).l = caller.l;
  if ('ret' in caller.l) {
    // NULL into a list result (a callee that returns nothing to a caller that keeps a list there): empty.
    const cur = caller.l.ret as unknown;
    if (v === null && cur !== null && typeof cur === 'object' && 'clear' in (cur as object)) (cur as { clear(): void }).clear();
    else caller.l.ret = v;
  }
  else if (v !== null && !(Array.isArray(v) && v.length === 0)) throw new ModelError(x.e.L.modelId, `${caller.fn} receives a result from its callee but declares no ret local`);
}

/**
 * The function of a root frame: its `return` step ends the operation (after
 * `onReturn`, e.g. taking a finished RCU callback off its queue). A private
 * step, fused into the step that returned to it.
 */
export function rootReturn(cite: string, onReturn?: (x: StepCtx) => void): StepDef {
  return {
    local: true,
    cite,
    reads: [],
    writes: [],
    run: (x) => {
      onReturn?.(x);
      x.d.ctx[x.ctx]!.stack.pop();
    },
  };
}

/** Steps by function id and label index of a layout (a lookup table built once per layout; not state). */
const STEP_TABLES = new WeakMap<SlubLayout, (readonly (StepDef | undefined)[])[]>();

// The table of the layout asked for last (a search asks for one layout millions of times: no WeakMap lookup then).
let lastTableOf: SlubLayout | undefined;
let lastTable: (readonly (StepDef | undefined)[])[] = [];

export function stepOf(e: Env, f: FrameView): StepDef {
  let tab: (readonly (StepDef | undefined)[])[] | undefined;
  if (e.L === lastTableOf) tab = lastTable;
  else {
    tab = STEP_TABLES.get(e.L);
    if (!tab) {
      tab = e.L.fnById.map((fl) => fl.pcs.map((pc) => e.fns[fl.name]?.steps[pc]));
      STEP_TABLES.set(e.L, tab);
    }
    lastTableOf = e.L;
    lastTable = tab;
  }
  const st = tab[f.fnId]?.[f.pcIndex];
  if (!st) throw new ModelError(e.L.modelId, `no step ${f.fn}/${f.pc} in this version`);
  return st;
}

/** A number for the step a frame is at (coverage counts steps by it; `stepName` gives the name back). */
export const stepCode = (f: FrameView): number => f.fnId * 1024 + f.pcIndex;
const STEP_NAMES = new WeakMap<SlubLayout, (readonly string[])[]>();
let lastNamesOf: SlubLayout | undefined;
let lastNames: (readonly string[])[] = [];
export const stepName = (L: SlubLayout, code: number): string => {
  if (L !== lastNamesOf) {
    let names = STEP_NAMES.get(L);
    if (!names) STEP_NAMES.set(L, (names = L.fnById.map((fl) => fl.pcs.map((pc) => `${fl.name}/${pc}`))));
    lastNamesOf = L;
    lastNames = names;
  }
  return lastNames[code >> 10]![code & 1023]!;
};

// ---- scheduling --------------------------------------------------------------

// A context's kind and whether it is an interrupt, remembered by name (asked for every context of every state).
const KIND_OF = new Map<Ctx, string>();
const INTERRUPT = new Map<Ctx, boolean>();
export const kindOf = (ctx: Ctx): string => {
  let k = KIND_OF.get(ctx);
  if (k === undefined) KIND_OF.set(ctx, (k = ctx.slice(ctx.indexOf('/') + 1)));
  return k;
};
export const isInterrupt = (ctx: Ctx): boolean => {
  let i = INTERRUPT.get(ctx);
  if (i === undefined) {
    const k = kindOf(ctx);
    INTERRUPT.set(ctx, (i = k === 'irq' || k === 'softirq'));
  }
  return i;
};

/** Preemption is off for a context holding a spinlock or local lock, or inside a preempt-disabled region. */
function preemptOff(s: SlubState, ctx: Ctx): boolean {
  const c = s.ctx[ctx]!;
  if (c.stack.length === 0) return false;
  if (c.irqoff > 0 || c.preempt > 0) return true;
  // local_trylock() of the pcs lock disables preemption while held.
  return s.cpus[cpuOf(ctx)]!.pcs_lock === ctx;
}

/** Can `ctx` take a step (or start an operation) now, by the per-CPU rules? */
/** The CPU of each of `contexts` (one list remembered: a model asks with the same list every time). */
let cpusOfList: readonly Ctx[] | undefined;
let cpusOf: number[] = [];
function cpusOfContexts(contexts: readonly Ctx[]): number[] {
  if (contexts !== cpusOfList) {
    cpusOf = contexts.map(cpuOf);
    cpusOfList = contexts;
  }
  return cpusOf;
}

export function mayRun(s: SlubState, ctx: Ctx, contexts: readonly Ctx[]): boolean {
  const cpu = cpuOf(ctx);
  if (cpu < 0) return true; // the environment (grace periods) is on no CPU
  const mine = s.ctx[ctx]!;
  let activeInterrupt = false;
  let irqsOff = false;
  let preempted = false;
  const cpus = cpusOfContexts(contexts);
  for (let i = 0; i < contexts.length; i++) {
    const c = contexts[i]!;
    if (c === ctx || cpus[i] !== cpu) continue;
    const o = s.ctx[c]!;
    if (isInterrupt(c)) {
      if (o.stack.length > 0) activeInterrupt = true;
    } else if (preemptOff(s, c)) preempted = true;
    if (o.irqoff > 0) irqsOff = true;
  }
  if (isInterrupt(ctx)) {
    if (mine.stack.length > 0) return true;
    // A new interrupt: irqs must be on, and no other interrupt running (no nesting).
    return !activeInterrupt && !irqsOff;
  }
  return !activeInterrupt && !preempted;
}

/** kmem_cache_destroy() may start once every other client has finished and freed everything it owned (§6.5's client-bug filter). */
function clientsDone(s: SlubState, ctx: Ctx, contexts: readonly Ctx[]): boolean {
  return contexts.every((name) => {
    if (name === ctx) return true;
    const c = s.ctx[name]!;
    return c.stack.length === 0 && c.opsLeft === 0 && c.owns.size === 0 && !c.sheaf.exists;
  });
}

/** The operations a context may start now: the environment's jobs (RCU callbacks in softirq, work items in a worker), its scripted next op, or its nondeterministic choices. */
export function startable(s: SlubState, ctx: Ctx, contexts: readonly Ctx[], choices: readonly Op['op'][], gfps: readonly string[], pool: Ctx = ctx): Op[] {
  const c = s.ctx[ctx]!;
  if (c.stack.length > 0) return [];
  const cpu = cpuOf(ctx);
  const kind = kindOf(ctx);
  if (kind === 'softirq') {
    // rcu_do_batch(): callbacks run in the order they were queued, once a grace period has ended.
    const cb = s.cpus[cpu]!.rcu_cbs.at(0);
    if (cb && cb.ready && !cb.running) return [{ op: 'rcu_callback', cb: cb.id }];
  }
  if (kind === 'worker') {
    const w = s.cpus[cpu]!.work.at(0);
    if (w && !w.running) return [{ op: 'work', work: w.id }];
  }
  // The defer_free irq_work is raised on this CPU: it runs in hard irq context whenever irqs are on,
  // so the irq context may start it (or, as any interrupt may come first, its own next operation).
  if (kind === 'irq' && s.cpus[cpu]!.deferred.length > 0) return [{ op: 'irq_work' }, ...clientOps(s, ctx, contexts, choices, gfps, pool)];
  return clientOps(s, ctx, contexts, choices, gfps, pool);
}

/** The operations a client context may start now: its scripted next op, or its nondeterministic choices. */
function clientOps(s: SlubState, ctx: Ctx, contexts: readonly Ctx[], choices: readonly Op['op'][], gfps: readonly string[], pool: Ctx): Op[] {
  const c = s.ctx[ctx]!;
  const op = c.nextOp;
  if (op) {
    if (op.op === 'kmem_cache_destroy' && !clientsDone(s, ctx, contexts)) return [];
    if (op.op !== 'kmem_cache_destroy' && s.cache.destroying) return [];
    if (op.op === 'free_any') return [{ op: 'kmem_cache_free', obj: op.obj }, { op: 'kfree_rcu', obj: op.obj }];
    if (op.op === 'choose') return chosen(s, ctx, choices, gfps, pool);
    return [op];
  }
  if (c.budget <= 0 || s.cache.destroying) return [];
  // kmem_cache_destroy() as a choice: like a scripted one, only once every other client is done, and only
  // by a context that holds no object itself (destroying a cache with one's own objects live is a caller bug).
  return chosen(s, ctx, choices, gfps, pool).filter((o) => o.op !== 'kmem_cache_destroy' || (clientsDone(s, ctx, contexts) && s.ctx[pool]!.owns.size === 0));
}

/** The operations a nondeterministic choice ranges over: allocations (one per gfp that changes the path), frees of every object the context's pool holds, a flush, a destroy. */
function chosen(s: SlubState, ctx: Ctx, choices: readonly Op['op'][], gfps: readonly string[], pool: Ctx): Op[] {
  const sheaf = s.ctx[ctx]!.sheaf;
  const out: Op[] = [];
  for (const op of choices) {
    if (op === 'kmem_cache_alloc') for (const gfp of gfps) out.push({ op, gfp: gfp as 'GFP_KERNEL' | 'GFP_ATOMIC' });
    else if (op === 'kmem_cache_free' || op === 'kfree_rcu' || op === 'kfree_nolock') for (const obj of s.ctx[pool]!.owns.toArray()) out.push({ op, obj });
    else if (op === 'kmem_cache_free_bulk') {
      const owned = s.ctx[pool]!.owns.toArray();
      for (let i = 0; i < owned.length; i++) for (let j = i + 1; j < owned.length; j++) out.push({ op, obj: owned[i]!, obj2: owned[j]! });
    }
    else if (op === 'flush_cpu_slab' || op === 'kmem_cache_destroy' || op === 'kmem_cache_alloc_bulk' || op === 'kmalloc_nolock') out.push({ op });
    // A context holds one prefilled sheaf at a time: it prefills one when it has none, and allocates from it or returns it when it has one.
    else if (op === 'kmem_cache_prefill_sheaf') {
      if (!sheaf.exists) out.push({ op });
    } else if ((op === 'kmem_cache_alloc_from_sheaf' || op === 'kmem_cache_return_sheaf') && sheaf.exists) out.push({ op });
  }
  return out;
}

export function isLocal(e: Env, st: StepDef, cpu: number): boolean {
  if (st.local === true) return true;
  if (st.localUnlessIrq === true) return !e.irqCpus[cpu] && !e.dropped.has('pcs_lock');
  return st.under !== undefined && !e.dropped.has(st.under);
}

/** Tests a step's guard (with the runner pointed at the step, for the lock operations in it). */
export function enabled(x: Runner, st: StepDef): boolean {
  x.step = st;
  return !st.guard || st.guard(x);
}

/** Runs a step. */
export function runStep(x: Runner, st: StepDef): void {
  x.step = st;
  st.run(x);
}

/**
 * A list of numbers or strings emptied by resetting its count: the model
 * fills and empties a few such lists on every transition (step codes,
 * events), and changing an array's length is a call into the runtime.
 */
export class Reused<T> {
  n = 0;
  readonly data: T[] = [];
  push(v: T): void {
    this.data[this.n++] = v;
  }
  clear(): void {
    this.n = 0;
  }
}

/** Runs local (private) steps at the top of the runner's context until a shared step or an empty stack; `trail` collects their step codes. */
export function runLocals(x: Runner, trail?: { push(code: number): void }): void {
  for (let n = 0; n < 64; n++) {
    if (!x.at(x.ctx)) return;
    const st = stepOf(x.e, x.f);
    if (!isLocal(x.e, st, x.cpu)) return;
    // A step fused because a lock is held is fused only while this context holds it (a patch may have
    // changed the step that takes it), and a fused step whose guard is false waits as a step of its own.
    const lockOf = st.under ?? (st.localUnlessIrq ? 'pcs_lock' : undefined);
    if (lockOf !== undefined && !holds(x, lockOf)) return;
    if (st.guard && !enabled(x, st)) return;
    if (st.choose) throw new ModelError(x.e.L.modelId, `step ${x.f.fn}/${x.f.pc} makes a choice, so it cannot be fused into the step before it`);
    trail?.push(stepCode(x.f));
    runStep(x, st);
  }
  throw new ModelError(x.e.L.modelId, `context ${x.ctx} loops through local steps`);
}

export type { Plain };

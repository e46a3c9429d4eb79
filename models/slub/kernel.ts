// The small interpreter that runs kernel functions as labelled atomic steps.
//
// What this abstracts and why:
// - A kernel function is a set of steps keyed by label; a step has a guard
//   (e.g. a spinlock is free) and an update that touches only what that
//   kernel line touches, then names the next label (`goto`), calls a function
//   (`call`, with a continuation label) or returns a value (`ret`). A context
//   that is spinning on a lock simply has no enabled step.
// - Steps that touch only data private to their context (dispatching on a
//   return value, bookkeeping of locals) are marked `local` and run in the
//   same atomic step as the step before them: no other context can observe
//   the difference, so fusing them hides no interleaving.
// - Scheduling follows the kernel's rules per CPU (reference §0.2, §2.4):
//   an interrupt context (irq, softirq) runs to completion once it starts and
//   may start at any step boundary of a task-level context (task, worker) of
//   its CPU, unless that CPU has irqs off; task-level contexts of one CPU
//   preempt each other unless one has preemption or irqs off. Contexts of
//   different CPUs interleave freely.
import type { Plain } from '../../src/engine/model.ts';
import { ModelError } from '../../src/engine/errors.ts';
import { cpuOf, type Ctx, type Frame, type Locals, type Op, type SlubState } from './state.ts';
import type { D } from './mm.ts';

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
}

export interface StepCtx {
  readonly d: D;
  readonly ctx: Ctx;
  readonly cpu: number;
  readonly f: { -readonly [K in keyof Frame]: Frame[K] } & { l: { [k: string]: Plain } };
  readonly e: Env;
}

export interface StepDef {
  /** One line: the kernel source this models and the version, e.g. `mm/slub.c (17c38c88) get_from_partial_node(): ...`. */
  readonly cite: string;
  /** Shared locations read and written (documentation, and footprints for partial-order reduction). `{slab}`, `{node}`, `{cpu}` are filled from the frame. */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Enabled only when this holds (e.g. a spinlock is free). */
  readonly guard?: (s: SlubState, ctx: Ctx, l: Locals) => boolean;
  readonly run: (x: StepCtx) => void;
  /** Touches only this context's private data: fused into the step before it. */
  readonly local?: boolean;
  /**
   * The body of a section that only the same CPU's interrupt contexts can
   * observe (the pcs lock disables preemption, not irqs): fused into the
   * step before it when the CPU has no interrupt context, a separate step
   * when it does, so that an irq can find the lock taken.
   */
  readonly localUnlessIrq?: boolean;
}

export interface FnDef {
  readonly entry: string;
  readonly steps: { readonly [pc: string]: StepDef };
}

export type FnTable = { readonly [fn: string]: FnDef };

// ---- control flow ------------------------------------------------------------

export function goto(x: StepCtx, pc: string): void {
  x.f.pc = pc;
}

/** Calls `fn` with `locals`; when it returns, the caller continues at `cont` with the result in `l.ret`. */
export function call(x: StepCtx, fn: string, locals: Locals, cont: string): void {
  const def = x.e.fns[fn];
  if (!def) throw new ModelError('slub', `call of unknown kernel function ${fn}`);
  x.f.pc = cont;
  (x.d.ctx[x.ctx]!.stack as Frame[]).push({ fn, pc: def.entry, l: locals });
}

/** Replaces the current frame by a call of `fn` (a tail call: the result goes to our caller). */
export function tailcall(x: StepCtx, fn: string, locals: Locals): void {
  const def = x.e.fns[fn];
  if (!def) throw new ModelError('slub', `call of unknown kernel function ${fn}`);
  const stack = x.d.ctx[x.ctx]!.stack as Frame[];
  stack[stack.length - 1] = { fn, pc: def.entry, l: locals };
}

/** Returns `value` to the caller. */
export function ret(x: StepCtx, value: Plain): void {
  const stack = x.d.ctx[x.ctx]!.stack as Frame[];
  stack.pop();
  const caller = stack[stack.length - 1];
  if (caller) (caller.l as { [k: string]: Plain }).ret = value;
}

/**
 * The function of a root frame: its `return` step ends the operation (after
 * `onReturn`, e.g. taking a finished RCU callback off its queue). A private
 * step, fused into the step that returned to it.
 */
export function rootFn(cite: string, onReturn?: (x: StepCtx) => void): FnDef {
  return {
    entry: 'return',
    steps: {
      return: {
        local: true,
        cite,
        reads: [],
        writes: [],
        run: (x) => {
          onReturn?.(x);
          (x.d.ctx[x.ctx]!.stack as Frame[]).pop();
        },
      },
    },
  };
}

export function top(s: SlubState, ctx: Ctx): Frame | undefined {
  const st = s.ctx[ctx]!.stack;
  return st[st.length - 1];
}

export function stepOf(e: Env, f: Frame): StepDef {
  const st = e.fns[f.fn]?.steps[f.pc];
  if (!st) throw new ModelError('slub', `no step ${f.fn}/${f.pc} in this version`);
  return st;
}

// ---- scheduling --------------------------------------------------------------

export const kindOf = (ctx: Ctx): string => ctx.slice(ctx.indexOf('/') + 1);
export const isInterrupt = (ctx: Ctx): boolean => {
  const k = kindOf(ctx);
  return k === 'irq' || k === 'softirq';
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
export function mayRun(s: SlubState, ctx: Ctx, contexts: readonly Ctx[]): boolean {
  const cpu = cpuOf(ctx);
  if (cpu < 0) return true; // the environment (grace periods) is on no CPU
  const mine = s.ctx[ctx]!;
  const siblings = contexts.filter((c) => c !== ctx && cpuOf(c) === cpu);
  const activeInterrupt = siblings.find((c) => isInterrupt(c) && s.ctx[c]!.stack.length > 0);
  if (isInterrupt(ctx)) {
    if (mine.stack.length > 0) return true;
    // A new interrupt: irqs must be on, and no other interrupt running (no nesting).
    if (activeInterrupt) return false;
    return !siblings.some((c) => s.ctx[c]!.irqoff > 0);
  }
  if (activeInterrupt) return false;
  return !siblings.some((c) => !isInterrupt(c) && preemptOff(s, c));
}

/** kmem_cache_destroy() may start once every other client has finished and freed everything it owned (§6.5's client-bug filter). */
function clientsDone(s: SlubState, ctx: Ctx): boolean {
  return Object.entries(s.ctx).every(([name, c]) => name === ctx || (c.stack.length === 0 && c.ops.length === 0 && c.owns.length === 0));
}

/** The operations a context may start now: the environment's jobs (RCU callbacks in softirq, work items in a worker), its scripted next op, or its nondeterministic choices. */
export function startable(s: SlubState, ctx: Ctx, choices: readonly Op['op'][], gfps: readonly string[]): Op[] {
  const c = s.ctx[ctx]!;
  if (c.stack.length > 0) return [];
  const cpu = cpuOf(ctx);
  const kind = kindOf(ctx);
  if (kind === 'softirq') {
    // rcu_do_batch(): callbacks run in the order they were queued, once a grace period has ended.
    const cb = s.cpus[cpu]!.rcu_cbs[0];
    if (cb && cb.ready && !cb.running) return [{ op: 'rcu_callback', cb: cb.id }];
  }
  if (kind === 'worker') {
    const w = s.cpus[cpu]!.work[0];
    if (w && !w.running) return [{ op: 'work', work: w.id }];
  }
  if (c.ops.length > 0) {
    const op = c.ops[0]!;
    if (op.op === 'kmem_cache_destroy' && !clientsDone(s, ctx)) return [];
    if (op.op !== 'kmem_cache_destroy' && s.cache.destroying) return [];
    if (op.op === 'free_any') return [{ op: 'kmem_cache_free', obj: op.obj }, { op: 'kfree_rcu', obj: op.obj }];
    return [op];
  }
  if (c.budget <= 0 || s.cache.destroying) return [];
  const out: Op[] = [];
  for (const op of choices) {
    if (op === 'kmem_cache_alloc') for (const gfp of gfps) out.push({ op, gfp: gfp as 'GFP_KERNEL' | 'GFP_ATOMIC' });
    else if (op === 'kmem_cache_free' || op === 'kfree_rcu') for (const obj of c.owns) out.push({ op, obj });
    else if (op === 'flush_cpu_slab') out.push({ op });
  }
  return out;
}

export function isLocal(e: Env, st: StepDef, cpu: number): boolean {
  return st.local === true || (st.localUnlessIrq === true && !e.irqCpus[cpu]);
}

/** Runs local (private) steps at the top of ctx's stack until a shared step or an empty stack; `trail` collects their names. */
export function runLocals(d: D, ctx: Ctx, e: Env, trail?: string[]): void {
  for (let guard = 0; guard < 64; guard++) {
    const stack = d.ctx[ctx]!.stack;
    const f = stack[stack.length - 1];
    if (!f) return;
    const st = stepOf(e, f);
    if (!isLocal(e, st, cpuOf(ctx))) return;
    trail?.push(`${f.fn}/${f.pc}`);
    st.run({ d, ctx, cpu: cpuOf(ctx), f: f as StepCtx['f'], e });
  }
  throw new ModelError('slub', `context ${ctx} loops through local steps`);
}

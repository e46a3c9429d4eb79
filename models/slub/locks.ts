// The locks of SLUB's concurrency protocol, by name, and the lock operations
// the steps use.
//
// What this abstracts and why:
// - A lock is a holder field in the state (the context holding it, or
//   nobody). A blocking acquire is a step whose guard is "the lock is free";
//   a trylock is a step that reads the holder and branches; a release is a
//   write of "nobody". spin_lock_irqsave() also turns the holder's irqs off,
//   which the scheduler reads (kernel.ts).
// - Every lock operation goes through this file, so a patch can remove a
//   lock from a function or from one step (`dropLocks`, patch-api.ts) with
//   one line, as a kernel diff deletes a spin_lock()/spin_unlock() pair:
//   inside what was dropped the acquire takes nothing (a trylock succeeds),
//   the release releases nothing, the guard is always true, and a step that
//   runs without a lock its function still holds releases it first (at the
//   end of the step before it, where a kernel diff moves the unlock to).
// - Steps a lock makes atomic are written as separate steps at every shared
//   access and marked `under` that lock: while every path takes the lock
//   they are fused into one step (nobody can observe the difference); once a
//   patch drops that lock anywhere in the version they are separate steps,
//   so the interleavings the lock prevented are explored.
// - A lock can be dropped only where its sections are split at every access:
//   list_lock anywhere (every list operation asserts it), the pcs lock in
//   free_to_pcs(), the cpu_slab local lock in put_cpu_partial(), the barn
//   lock in rcu_free_sheaf() (the other barn operations are one step inside
//   a pcs section).
//   Elsewhere a section is one step, and dropping its lock would hide the
//   interleavings that opens, so a patch that tries is refused with the
//   reason.
import { UsageError } from '../../src/engine/errors.ts';
import type { StepCtx, StepDef } from './kernel.ts';
import type { Ctx, SlubState } from './state.ts';
import { kernelWarning } from './mm.ts';

export type LockName = 'list_lock' | 'pcs_lock' | 'barn_lock' | 'cpu_slab_lock';

export interface LockInfo {
  /** The lock as the kernel spells it. */
  readonly kernel: string;
  /** The acquire and release the kernel uses. */
  readonly ops: string;
  /** True, or why a patch cannot drop it. */
  readonly droppable: true | string;
  /** The only functions it can be dropped from (their sections are split at every access), and why not elsewhere. */
  readonly onlyIn?: { readonly fns: readonly string[]; readonly why: string };
}

export const LOCKS: { readonly [K in LockName]: LockInfo } = {
  // Every list operation asserts the lock (lockdep_assert_held() in add_partial()/remove_partial(),
  // mm.ts writeLink()), so a list operation a patch leaves unlocked is reported where it happens.
  list_lock: { kernel: 'kmem_cache_node.list_lock', ops: 'spin_lock_irqsave() / spin_unlock_irqrestore()', droppable: true },
  pcs_lock: {
    kernel: 'slub_percpu_sheaves.lock',
    ops: 'local_trylock() / local_lock() / local_unlock()',
    droppable: true,
    onlyIn: { fns: ['free_to_pcs'], why: "only free_to_pcs()'s push is split at every access; the other pcs sections (alloc_from_pcs(), __kfree_rcu_sheaf(), the flushes) are single steps, which without the lock would hide the interleavings it opens" },
  },
  barn_lock: {
    kernel: 'node_barn.lock',
    ops: 'spin_lock_irqsave() / spin_unlock_irqrestore()',
    droppable: true,
    onlyIn: { fns: ['rcu_free_sheaf'], why: "only rcu_free_sheaf()'s barn put is split at every access; the other barn operations are single steps inside the pcs sections that call them" },
  },
  cpu_slab_lock: {
    kernel: 'kmem_cache_cpu.lock (v6.19, 17c38c88)',
    ops: 'local_lock_irqsave() / local_unlock_irqrestore()',
    droppable: true,
    onlyIn: { fns: ['put_cpu_partial'], why: "only put_cpu_partial()'s section is split at every access; the other cpu_slab sections (___slab_alloc(), flush_slab(), the bulk allocator) are single irq-off steps" },
  },
};

export const isLockName = (s: string): s is LockName => Object.hasOwn(LOCKS, s);

/** The step the runner is executing or testing (kernel.ts Runner sets it). */
const stepNow = (x: StepCtx): StepDef | undefined => (x as { step?: StepDef }).step;

/** Does the running step run without `lock` (a patch dropped it)? */
export function without(x: StepCtx, lock: LockName): boolean {
  const w = stepNow(x)?.without;
  return w !== undefined && w.includes(lock);
}

// ---- where each lock's holder lives ---------------------------------------------

/** A lock's holder field: per node or per CPU, and whether holding it turns irqs off. */
interface Holder {
  readonly perNode: boolean;
  readonly irqsave: boolean;
  readonly name: (i: number) => string;
  readonly get: (s: SlubState, i: number) => Ctx | null;
  readonly set: (s: SlubState, i: number, v: Ctx | null) => void;
}

const HOLDERS: { readonly [K in LockName]: Holder } = {
  list_lock: { perNode: true, irqsave: true, name: (i) => `node${i}'s list_lock`, get: (s, i) => s.nodes[i]!.list_lock, set: (s, i, v) => void (s.nodes[i]!.list_lock = v) },
  barn_lock: { perNode: true, irqsave: true, name: (i) => `node${i}'s barn lock`, get: (s, i) => s.nodes[i]!.barn_lock, set: (s, i, v) => void (s.nodes[i]!.barn_lock = v) },
  pcs_lock: { perNode: false, irqsave: false, name: (i) => `cpu${i}'s pcs lock`, get: (s, i) => s.cpus[i]!.pcs_lock, set: (s, i, v) => void (s.cpus[i]!.pcs_lock = v) },
  cpu_slab_lock: { perNode: false, irqsave: true, name: (i) => `cpu${i}'s cpu_slab lock`, get: (s, i) => s.cpus[i]!.cpu_slab_lock, set: (s, i, v) => void (s.cpus[i]!.cpu_slab_lock = v) },
};

/** Take `lock` (node or CPU `i`): record the holder, irqs off for an irqsave lock. Nothing inside what a patch dropped. */
function acquire(x: StepCtx, lock: LockName, i: number): void {
  if (without(x, lock)) return;
  const h = HOLDERS[lock];
  h.set(x.d, i, x.ctx);
  if (h.irqsave) x.d.ctx[x.ctx]!.irqoff++;
}

/** A trylock: false when someone holds it. */
function tryAcquire(x: StepCtx, lock: LockName, i: number): boolean {
  if (without(x, lock)) return true;
  if (HOLDERS[lock].get(x.d, i) !== null) return false;
  acquire(x, lock, i);
  return true;
}

/** Release `lock`; of a lock the context does not hold, lockdep's "bad unlock balance" (and nothing else). */
function release(x: StepCtx, lock: LockName, i: number): void {
  if (without(x, lock)) return;
  const h = HOLDERS[lock];
  const holder = h.get(x.d, i);
  if (holder !== x.ctx) return kernelWarning(x, `lockdep: bad unlock balance: ${x.ctx} releases ${h.name(i)}, held by ${holder ?? 'nobody'}`);
  h.set(x.d, i, null);
  if (h.irqsave) x.d.ctx[x.ctx]!.irqoff--;
}

/** The guard of a step that spins on `lock`. */
const isFree = (x: StepCtx, lock: LockName, i: number): boolean => without(x, lock) || HOLDERS[lock].get(x.d, i) === null;

const oldStyle = (x: StepCtx, call: string): void => {
  if (x.d === undefined) throw new UsageError(`${call} takes the step context x (not x.d) since locks are named: see docs/patch-tutorial.md`);
};

// ---- list_lock ---------------------------------------------------------------

/** spin_lock_irqsave(&n->list_lock). */
export const lock = (x: StepCtx, n: number): void => acquire(x, 'list_lock', n);

/** spin_unlock_irqrestore(&n->list_lock). */
export const unlock = (x: StepCtx, n: number): void => release(x, 'list_lock', n);

/** spin_trylock_irqsave(&n->list_lock) (an allow_spin == false path): false when someone holds it. */
export const spin_trylock = (x: StepCtx, n: number): boolean => tryAcquire(x, 'list_lock', n);

/** The guard of a step that spins on n->list_lock. */
export function lockFree(x: StepCtx, n: number): boolean {
  oldStyle(x, 'lockFree(x, n)');
  return isFree(x, 'list_lock', n);
}

// ---- the pcs lock (slub_percpu_sheaves.lock, a local_trylock_t) ---------------

/** local_trylock(&s->cpu_sheaves->lock) on the CPU the context runs on: false when it is held (we interrupted its holder). */
export const local_trylock = (x: StepCtx): boolean => tryAcquire(x, 'pcs_lock', x.cpu);

/**
 * local_lock(&s->cpu_sheaves->lock): the step's guard is pcsFree(). In an
 * interrupt context lockdep (CONFIG_PROVE_LOCKING) reports it: task contexts
 * take this lock with irqs on, and a non-try acquire in irq context marks it
 * used in irq, the inconsistent usage lockdep reports as a possible deadlock.
 * (Without PREEMPT_RT it cannot deadlock here: an irq that found the lock
 * held failed its first trylock and never reached this acquire.)
 */
export function local_lock(x: StepCtx): void {
  if (without(x, 'pcs_lock')) return;
  if (/\/(irq|softirq)$/.test(x.ctx)) {
    const kind = x.ctx.endsWith('/irq') ? 'HARDIRQ' : 'SOFTIRQ';
    kernelWarning(x, `lockdep: inconsistent {${kind}-ON-W} -> {IN-${kind}-W} usage: local_lock(&s->cpu_sheaves->lock) in ${kind === 'HARDIRQ' ? 'irq' : 'softirq'} context, a lock task context takes with ${kind === 'HARDIRQ' ? 'irqs' : 'softirqs'} on`);
  }
  acquire(x, 'pcs_lock', x.cpu);
}

/** local_unlock(&s->cpu_sheaves->lock). */
export const local_unlock = (x: StepCtx): void => release(x, 'pcs_lock', x.cpu);

/** The guard of a step that takes the pcs lock with local_lock(). */
export function pcsFree(x: StepCtx): boolean {
  oldStyle(x, 'pcsFree(x)');
  return isFree(x, 'pcs_lock', x.cpu);
}

// ---- the barn lock (node_barn.lock) ---------------------------------------------

/** spin_lock_irqsave(&barn->lock) of node n's barn. */
export const barn_lock = (x: StepCtx, n: number): void => acquire(x, 'barn_lock', n);

/** spin_unlock_irqrestore(&barn->lock). */
export const barn_unlock = (x: StepCtx, n: number): void => release(x, 'barn_lock', n);

/** The guard of a step that spins on node n's barn lock. */
export const barnLockFree = (x: StepCtx, n: number): boolean => isFree(x, 'barn_lock', n);

// ---- the cpu_slab local lock (kmem_cache_cpu.lock) ------------------------------

/** local_lock_irqsave(&s->cpu_slab->lock): irqs off, and no other context of this CPU runs until the release. */
export const local_lock_irqsave = (x: StepCtx): void => acquire(x, 'cpu_slab_lock', x.cpu);

/** local_unlock_irqrestore(&s->cpu_slab->lock). */
export const local_unlock_irqrestore = (x: StepCtx): void => release(x, 'cpu_slab_lock', x.cpu);

// ---- held, and dropping -----------------------------------------------------------

/** The holder slots of `lock` a context can hold: every node's, or its own CPU's. */
const slots = (x: StepCtx, lock: LockName): readonly number[] => (HOLDERS[lock].perNode ? x.d.nodes.map((_n, i) => i) : [x.cpu]);

/** Does the context hold `lock` (its CPU's pcs or cpu_slab lock, or some node's list_lock or barn lock)? */
export function holds(x: StepCtx, lock: LockName): boolean {
  const h = HOLDERS[lock];
  if (!h.perNode) return h.get(x.d, x.cpu) === x.ctx;
  for (let i = 0; i < x.d.nodes.length; i++) if (h.get(x.d, i) === x.ctx) return true;
  return false;
}

/**
 * Control moves to a step that runs without some locks: release those the
 * context holds, at the end of the step it moves from (where a kernel diff
 * that shortens a section puts the unlock).
 */
export function releaseBefore(x: StepCtx, next: StepDef): void {
  for (const l of next.without ?? []) {
    const h = HOLDERS[l];
    for (const i of slots(x, l)) {
      if (h.get(x.d, i) !== x.ctx) continue;
      h.set(x.d, i, null);
      if (h.irqsave) x.d.ctx[x.ctx]!.irqoff--;
    }
  }
}

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

// ---- list_lock ---------------------------------------------------------------

/** spin_lock_irqsave(&n->list_lock). */
export function lock(x: StepCtx, n: number): void {
  if (without(x, 'list_lock')) return;
  x.d.nodes[n]!.list_lock = x.ctx;
  x.d.ctx[x.ctx]!.irqoff++;
}

/** spin_unlock_irqrestore(&n->list_lock); of a lock the context does not hold, lockdep's "bad unlock balance" (and nothing else). */
export function unlock(x: StepCtx, n: number): void {
  if (without(x, 'list_lock')) return;
  const holder = x.d.nodes[n]!.list_lock;
  if (holder !== x.ctx) return kernelWarning(x, `lockdep: bad unlock balance: ${x.ctx} releases node${n}'s list_lock, held by ${holder ?? 'nobody'}`);
  x.d.nodes[n]!.list_lock = null;
  x.d.ctx[x.ctx]!.irqoff--;
}

/** spin_trylock_irqsave(&n->list_lock) (an allow_spin == false path): false when someone holds it. */
export function spin_trylock(x: StepCtx, n: number): boolean {
  if (without(x, 'list_lock')) return true;
  if (x.d.nodes[n]!.list_lock !== null) return false;
  x.d.nodes[n]!.list_lock = x.ctx;
  x.d.ctx[x.ctx]!.irqoff++;
  return true;
}

/** The guard of a step that spins on n->list_lock. */
export function lockFree(x: StepCtx, n: number): boolean {
  if (x.d === undefined) throw new UsageError('lockFree(x, n) takes the step context x (not x.d) since locks are named: see docs/patch-tutorial.md');
  return without(x, 'list_lock') || x.d.nodes[n]!.list_lock === null;
}

// ---- the pcs lock (slub_percpu_sheaves.lock, a local_trylock_t) ---------------

/** local_trylock(&s->cpu_sheaves->lock) on the CPU the context runs on: false when it is held (we interrupted its holder). */
export function local_trylock(x: StepCtx): boolean {
  if (without(x, 'pcs_lock')) return true;
  const c = x.d.cpus[x.cpu]!;
  if (c.pcs_lock !== null) return false;
  c.pcs_lock = x.ctx;
  return true;
}

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
  x.d.cpus[x.cpu]!.pcs_lock = x.ctx;
}

/** local_unlock(&s->cpu_sheaves->lock); of a lock the context does not hold, lockdep's "bad unlock balance" (and nothing else). */
export function local_unlock(x: StepCtx): void {
  if (without(x, 'pcs_lock')) return;
  const holder = x.d.cpus[x.cpu]!.pcs_lock;
  if (holder !== x.ctx) return kernelWarning(x, `lockdep: bad unlock balance: ${x.ctx} releases cpu${x.cpu}'s pcs lock, held by ${holder ?? 'nobody'}`);
  x.d.cpus[x.cpu]!.pcs_lock = null;
}

// ---- the barn lock (node_barn.lock) ---------------------------------------------

/** spin_lock_irqsave(&barn->lock) of node n's barn. */
export function barn_lock(x: StepCtx, n: number): void {
  if (without(x, 'barn_lock')) return;
  x.d.nodes[n]!.barn_lock = x.ctx;
  x.d.ctx[x.ctx]!.irqoff++;
}

/** spin_unlock_irqrestore(&barn->lock); of a lock the context does not hold, lockdep's "bad unlock balance". */
export function barn_unlock(x: StepCtx, n: number): void {
  if (without(x, 'barn_lock')) return;
  const holder = x.d.nodes[n]!.barn_lock;
  if (holder !== x.ctx) return kernelWarning(x, `lockdep: bad unlock balance: ${x.ctx} releases node${n}'s barn lock, held by ${holder ?? 'nobody'}`);
  x.d.nodes[n]!.barn_lock = null;
  x.d.ctx[x.ctx]!.irqoff--;
}

/** The guard of a step that spins on node n's barn lock. */
export const barnLockFree = (x: StepCtx, n: number): boolean => without(x, 'barn_lock') || x.d.nodes[n]!.barn_lock === null;

// ---- the cpu_slab local lock (kmem_cache_cpu.lock) ------------------------------

/** local_lock_irqsave(&s->cpu_slab->lock): irqs off, and no other context of this CPU runs until the release. */
export function local_lock_irqsave(x: StepCtx): void {
  if (without(x, 'cpu_slab_lock')) return;
  x.d.cpus[x.cpu]!.cpu_slab_lock = x.ctx;
  x.d.ctx[x.ctx]!.irqoff++;
}

/** local_unlock_irqrestore(&s->cpu_slab->lock); of a lock the context does not hold, lockdep's "bad unlock balance". */
export function local_unlock_irqrestore(x: StepCtx): void {
  if (without(x, 'cpu_slab_lock')) return;
  const holder = x.d.cpus[x.cpu]!.cpu_slab_lock;
  if (holder !== x.ctx) return kernelWarning(x, `lockdep: bad unlock balance: ${x.ctx} releases cpu${x.cpu}'s cpu_slab lock, held by ${holder ?? 'nobody'}`);
  x.d.cpus[x.cpu]!.cpu_slab_lock = null;
  x.d.ctx[x.ctx]!.irqoff--;
}

/** Does the context hold `lock` (a pcs or cpu_slab lock of its CPU, or some node's list_lock)? */
export function holds(x: StepCtx, lock: LockName): boolean {
  if (lock === 'pcs_lock') return x.d.cpus[x.cpu]!.pcs_lock === x.ctx;
  if (lock === 'cpu_slab_lock') return x.d.cpus[x.cpu]!.cpu_slab_lock === x.ctx;
  if (lock === 'list_lock') return x.d.nodes.some((n) => n.list_lock === x.ctx);
  if (lock === 'barn_lock') return x.d.nodes.some((n) => n.barn_lock === x.ctx);
  return false;
}

/** The guard of a step that takes the pcs lock with local_lock(). */
export function pcsFree(x: StepCtx): boolean {
  if (x.d === undefined) throw new UsageError('pcsFree(x) takes the step context x (not x.d) since locks are named: see docs/patch-tutorial.md');
  return without(x, 'pcs_lock') || x.d.cpus[x.cpu]!.pcs_lock === null;
}

// ---- dropping ------------------------------------------------------------------

/**
 * Control moves to a step that runs without some locks: release those the
 * context holds, at the end of the step it moves from (where a kernel diff
 * that shortens a section puts the unlock).
 */
export function releaseBefore(x: StepCtx, next: StepDef): void {
  for (const l of next.without ?? []) {
    if (l === 'list_lock') {
      for (const n of x.d.nodes) {
        if (n.list_lock !== x.ctx) continue;
        n.list_lock = null;
        x.d.ctx[x.ctx]!.irqoff--;
      }
    } else if (l === 'pcs_lock' && x.d.cpus[x.cpu]!.pcs_lock === x.ctx) x.d.cpus[x.cpu]!.pcs_lock = null;
    else if (l === 'barn_lock') {
      for (const n of x.d.nodes) {
        if (n.barn_lock !== x.ctx) continue;
        n.barn_lock = null;
        x.d.ctx[x.ctx]!.irqoff--;
      }
    } else if (l === 'cpu_slab_lock' && x.d.cpus[x.cpu]!.cpu_slab_lock === x.ctx) {
      x.d.cpus[x.cpu]!.cpu_slab_lock = null;
      x.d.ctx[x.ctx]!.irqoff--;
    }
  }
}

// Prefilled sheaves, as the maple tree uses them: kmem_cache_prefill_sheaf(),
// kmem_cache_alloc_from_sheaf(), kmem_cache_return_sheaf() (mm/slub.c of
// v6.19 [619], 17c38c88 [INT] and 7.x [7x]; docs/findings.md sources; the
// lock sections are the same in the three).
//
// What this abstracts and why: a context holds at most one prefilled sheaf of
// the cache's capacity (the kernel's oversize sheaves, for a size above it,
// come from kzalloc + __kmem_cache_alloc_bulk and are not modelled), in its
// own state (`prefilled`): allocating from it takes no lock and touches only
// the client's data. Getting one: under the pcs lock (local_lock(), not a
// trylock) the spare, else a full or empty sheaf of the barn; else
// alloc_empty_sheaf(); then refill_sheaf() up to the capacity, and if that
// fails the sheaf is flushed to the slabs and freed (NULL). Returning one:
// under the pcs lock it becomes the spare if there is none (partly filled or
// not); else, outside the lock, a barn under its racy full limit gets it
// refilled to full, otherwise it is flushed to the slabs and freed.
// pfmemalloc is not modelled (no reserves).
import { call, fn, goto, rootReturn, type FnDef, type StepCtx, type StepDef } from '../kernel.ts';
import { seen } from '../mm.ts';
import { alloc_empty_sheaf, hasBarn, sheafAllocChoices, takeHeld } from '../helpers.ts';
import { local_lock, local_unlock, pcsFree } from '../locks.ts';
import { handOut } from './client.ts';
import { T, type ListView } from '../state.ts';

interface L {
  /** The sheaf being prefilled or returned (its objects). */
  held: ListView;
  /** There is a sheaf (possibly empty) in `held`. */
  got: boolean;
  ret: ListView;
}

const LOCALS = { held: T.held('sheaf'), got: T.bool, ret: T.held('sheaf') };

/** sheaf_flush_unused() + free_empty_sheaf() of the frame's sheaf, then `cont`. */
function flushAndFree(x: StepCtx<L>, cont: string): void {
  x.l.got = false;
  const objs = takeHeld(x.l.held);
  if (objs.length === 0) return goto(x, cont);
  call(x, 'sheaf_flush_unused', { held: objs }, cont);
}

/** refill_sheaf() up to the capacity, continuing at `cont` (which finds the objects in `ret`). */
function refillToCapacity(x: StepCtx<L>, cont: string): void {
  const need = x.e.p.sheaf_capacity - x.l.held.length;
  if (need === 0) return goto(x, cont);
  call(x, 'refill_sheaf', { n: x.d.cpus[x.cpu]!.node, need }, cont);
}

/** The refill returned: true when the sheaf is full now (refill_sheaf() returned 0). */
function refilled(x: StepCtx<L>): boolean {
  const got = takeHeld(x.l.ret);
  x.l.held.set([...x.l.held.toArray(), ...got]);
  return x.l.held.length === x.e.p.sheaf_capacity;
}

/** `fn`'s local_lock(&s->cpu_sheaves->lock) (a task waits while its CPU's pcs lock is held), then `next`. */
const localLock = (fn: string, next: string): StepDef<L> => ({
  cite: `mm/slub.c ${fn}(): local_lock(&s->cpu_sheaves->lock)`,
  reads: ['cpu{cpu}.pcs_lock'],
  writes: ['cpu{cpu}.pcs_lock'],
  guard: (x) => pcsFree(x),
  run: (x) => {
    local_lock(x);
    goto(x, next);
  },
});

export const prefillFns: { readonly [fn: string]: FnDef<any> } = {
  kmem_cache_prefill_sheaf: fn<L>({
    entry: 'local_lock',
    locals: LOCALS,
    steps: {
      local_lock: localLock('kmem_cache_prefill_sheaf', 'take'),
      take: {
        localUnlessIrq: true,
        cite: 'mm/slub.c kmem_cache_prefill_sheaf(): pcs->spare (SHEAF_PREFILL_FAST), else barn_get_full_or_empty_sheaf(); local_unlock()',
        reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
        writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn', 'cpu{cpu}.pcs_lock'],
        run: (x) => {
          const c = x.d.cpus[x.cpu]!;
          const barn = x.d.nodes[c.node]!.barn;
          x.l.got = true;
          if (c.spare.exists) {
            x.l.held.set(c.spare.toArray());
            c.spare.setNull();
            seen(x, 'prefill_took_spare');
          } else if (hasBarn(x) && barn.fullCount > 0) x.l.held.set(barn.shiftFull());
          else if (hasBarn(x) && barn.empty > 0) barn.empty--;
          else x.l.got = false;
          local_unlock(x);
          // alloc_empty_sheaf(gfp) when there was none: a step of its own only while the checker may fail it.
          if (!x.l.got && x.d.cache.sheafFailuresLeft > 0) return goto(x, 'alloc_empty_sheaf');
          x.l.got = true;
          refillToCapacity(x, 'refilled');
        },
      },
      alloc_empty_sheaf: {
        cite: 'mm/slub.c kmem_cache_prefill_sheaf(): if (!sheaf) sheaf = alloc_empty_sheaf(s, gfp); NULL -> return NULL',
        choose: sheafAllocChoices,
        reads: ['cache.sheaf_failures_left'],
        writes: ['cache.sheaf_failures_left'],
        run: (x) => {
          if (!alloc_empty_sheaf(x, 'prefill')) return goto(x, 'return');
          x.l.got = true;
          refillToCapacity(x, 'refilled');
        },
      },
      refilled: {
        local: true,
        cite: 'mm/slub.c kmem_cache_prefill_sheaf(): sheaf->size < size and __prefill_sheaf_pfmemalloc() (refill_sheaf()) failed -> sheaf_flush_unused(), free_empty_sheaf(), NULL',
        reads: [],
        writes: [],
        run: (x) => {
          if (refilled(x)) return goto(x, 'return');
          seen(x, 'sheaf_refill_failed');
          flushAndFree(x, 'return');
        },
      },
      return: {
        local: true,
        cite: 'mm/slub.c kmem_cache_prefill_sheaf(): the sheaf (or NULL) goes to the caller',
        reads: [],
        writes: [],
        run: (x) => {
          if (x.l.got) {
            x.d.ctx[x.ctx]!.sheaf.install(takeHeld(x.l.held));
            seen(x, 'sheaf_prefilled');
          }
          x.d.ctx[x.ctx]!.stack.pop();
        },
      },
    },
  }),
  kmem_cache_alloc_from_sheaf: fn({
    entry: 'pop',
    steps: {
      pop: {
        local: true,
        cite: 'mm/slub.c kmem_cache_alloc_from_sheaf(): no lock: if (sheaf->size == 0) NULL, else sheaf->objects[--sheaf->size]',
        reads: [],
        writes: [],
        run: (x) => {
          const sh = x.d.ctx[x.ctx]!.sheaf;
          if (sh.exists && sh.length > 0) handOut(x, sh.pop());
          x.d.ctx[x.ctx]!.stack.pop();
        },
      },
    },
  }),
  kmem_cache_return_sheaf: fn<L>({
    entry: 'take_back',
    locals: LOCALS,
    steps: {
      take_back: {
        local: true,
        cite: 'mm/slub.c kmem_cache_return_sheaf(): the caller hands its sheaf back',
        reads: [],
        writes: [],
        run: (x) => {
          const sh = x.d.ctx[x.ctx]!.sheaf;
          if (!sh.exists) return goto(x, 'return');
          x.l.held.set(sh.toArray());
          x.l.got = true;
          sh.setNull();
          goto(x, 'local_lock');
        },
      },
      local_lock: localLock('kmem_cache_return_sheaf', 'spare'),
      spare: {
        localUnlessIrq: true,
        cite: 'mm/slub.c kmem_cache_return_sheaf(): if (!pcs->spare) pcs->spare = sheaf (SHEAF_RETURN_FAST); local_unlock()',
        reads: ['cpu{cpu}.pcs'],
        writes: ['cpu{cpu}.pcs', 'cpu{cpu}.pcs_lock'],
        run: (x) => {
          const c = x.d.cpus[x.cpu]!;
          if (!c.spare.exists) {
            c.spare.install(takeHeld(x.l.held));
            x.l.got = false;
            seen(x, 'sheaf_returned_as_spare');
          }
          local_unlock(x);
          goto(x, x.l.got ? 'barn_full_limit' : 'return');
        },
      },
      barn_full_limit: {
        cite: 'mm/slub.c kmem_cache_return_sheaf(): !barn || data_race(barn->nr_full) >= MAX_FULL_SHEAVES -> flush and free; else refill_sheaf() to full',
        reads: ['node{cpunode}.barn'],
        writes: [],
        run: (x) => {
          if (!hasBarn(x) || x.d.nodes[x.d.cpus[x.cpu]!.node]!.barn.fullCount >= x.e.p.barn_max) return flushAndFree(x, 'return');
          refillToCapacity(x, 'barn_put');
        },
      },
      barn_put: {
        cite: 'mm/slub.c kmem_cache_return_sheaf(): refill_sheaf() failed -> sheaf_flush_unused(), free_empty_sheaf(); else barn_put_full_sheaf() under the barn lock',
        reads: ['node{cpunode}.barn'],
        writes: ['node{cpunode}.barn'],
        run: (x) => {
          if (!refilled(x)) return flushAndFree(x, 'return');
          x.d.nodes[x.d.cpus[x.cpu]!.node]!.barn.pushFull(takeHeld(x.l.held));
          x.l.got = false;
          seen(x, 'barn_put');
          goto(x, 'return');
        },
      },
      return: rootReturn('mm/slub.c kmem_cache_return_sheaf(): returned to the caller'),
    },
  }),
};

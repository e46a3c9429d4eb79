// Percpu sheaves, allocation side (17c38c88, 7.0; v6.19 for caches that opt
// in; reference §2.3.1, PA1-PA4 and R1-R8). The pcs lock is a local_trylock
// that disables only preemption: an irq on the same CPU can run inside the
// section, finds the lock taken, fails its own trylock and falls back to the
// slab paths. So taking the lock is its own step and the body is another
// (fused when the CPU has no interrupt context, since then nobody can see the
// lock held). The barn is touched under its own lock inside the body.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { leak, seen } from '../mm.ts';
import { alloc_empty_sheaf, hasBarn, sheafAllocChoices, takeHeld } from '../helpers.ts';
import { local_lock, local_trylock, local_unlock, pcsFree } from '../locks.ts';
import { T, type ListView, type Obj } from '../state.ts';

export interface AllocPcsL {
  gfp: string;
  ret: ListView;
  held_sheaf: ListView;
  /** allow_spin is false (kmalloc_nolock()): never a refill, whatever the gfp. */
  nospin: boolean;
}

/** Pops the top of main and releases the pcs lock (PA3). */
export function popMain(x: StepCtx): void {
  const o = x.d.cpus[x.cpu]!.main.pop();
  local_unlock(x);
  ret(x, o);
}

/** Swaps the contents of main and spare (spare exists). */
export function swapMainSpare(x: StepCtx): void {
  const c = x.d.cpus[x.cpu]!;
  const main = c.main.toArray();
  c.main.set(c.spare.toArray());
  c.spare.install(main);
}

/**
 * __pcs_replace_empty_main() after the barn had no full sheaf (R5-R7): when
 * `refill` (the kernel's can_alloc, or allow_spin after seed 000's patch),
 * take the spare or an empty sheaf from the barn (or alloc_empty_sheaf());
 * unlock the pcs; then refill that sheaf from the slabs, or return NULL.
 */
export function refill_empty_main(x: StepCtx, refill: boolean): void {
  const c = x.d.cpus[x.cpu]!;
  const barn = x.d.nodes[c.node]!.barn;
  let allocate = false;
  if (refill) {
    if (c.spare.exists) c.spare.setNull();
    else if (barn.empty > 0) barn.empty--;
    else allocate = true; // alloc_empty_sheaf(gfp) after the unlock
  }
  local_unlock(x);
  if (!refill) return ret(x, null);
  // The allocation touches nothing shared: a step of its own only while the checker may fail it.
  if (allocate && x.d.cache.sheafFailuresLeft > 0) return goto(x, 'alloc_empty_sheaf');
  call(x, 'refill_sheaf', { n: c.node, need: x.e.p.sheaf_capacity }, 'refilled');
}

export const alloc_from_pcs: FnDef<AllocPcsL> = fn<AllocPcsL>({
  entry: 'trylock',
  locals: { gfp: T.enum('GFP_KERNEL', 'GFP_ATOMIC'), ret: T.held('sheaf'), held_sheaf: T.held('sheaf'), nospin: T.bool },
  steps: {
    trylock: {
      cite: 'mm/slub.c alloc_from_pcs(): local_trylock(&s->cpu_sheaves->lock), failing when we interrupted its holder (PA1)',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      run: (x) => {
        if (local_trylock(x)) return goto(x, 'take');
        seen(x, 'pcs_trylock_failed');
        ret(x, null); // PA4: the caller takes the slow path
      },
    },
    take: {
      localUnlessIrq: true,
      cite: 'mm/slub.c alloc_from_pcs(): pop main, or __pcs_replace_empty_main(): spare, barn_replace_empty_sheaf(), !gfpflags_allow_blocking -> NULL (PA2-PA3, R1-R6)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (c.main.length > 0) {
          seen(x, 'alloc_fastpath');
          return popMain(x);
        }
        if (c.spare.exists && c.spare.length > 0) {
          swapMainSpare(x); // R2
          return popMain(x);
        }
        if (!hasBarn(x)) {
          local_unlock(x); // R3: get_barn() is NULL
          return ret(x, null);
        }
        const barn = x.d.nodes[c.node]!.barn;
        if (barn.fullCount > 0) {
          // R4 barn_replace_empty_sheaf(): under the barn lock swap our empty main for a full sheaf.
          seen(x, 'barn_get');
          const full = barn.shiftFull();
          barn.empty++;
          c.main.set(full);
          return popMain(x);
        }
        seen(x, 'barn_get_fail');
        goto(x, 'can_alloc');
      },
    },
    can_alloc: {
      under: 'pcs_lock',
      cite: 'mm/slub.c __pcs_replace_empty_main(): can_alloc = gfpflags_allow_blocking(gfp); if so the spare or barn_get_empty_sheaf() is the sheaf to refill; local_unlock(); !can_alloc -> NULL (R5-R6)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn', 'cpu{cpu}.pcs_lock'],
      run: (x) => refill_empty_main(x, x.l.gfp === 'GFP_KERNEL'),
    },
    alloc_empty_sheaf: {
      cite: 'mm/slub.c __pcs_replace_empty_main(): if (!empty) { empty = alloc_empty_sheaf(s, gfp); if (!empty) return NULL; } then refill_sheaf() (R6)',
      choose: sheafAllocChoices,
      reads: ['cache.sheaf_failures_left'],
      writes: ['cache.sheaf_failures_left'],
      run: (x) => (alloc_empty_sheaf(x, 'refill') ? call(x, 'refill_sheaf', { n: x.d.cpus[x.cpu]!.node, need: x.e.p.sheaf_capacity }, 'refilled') : ret(x, null)),
    },
    refilled: {
      local: true,
      cite: 'mm/slub.c __pcs_replace_empty_main(): refill_sheaf() returned: if it failed, the partly refilled sheaf is freed (R7)',
      reads: [],
      writes: [],
      run: (x) => {
        const full = x.l.ret.toArray();
        x.l.ret.clear();
        x.l.held_sheaf.set(full);
        if (full.length === x.e.p.sheaf_capacity) return goto(x, 'relock');
        seen(x, 'sheaf_refill_failed');
        goto(x, 'refill_failed');
      },
    },
    refill_failed: {
      local: true,
      cite: 'mm/slub.c (7.0-rc) __pcs_replace_empty_main(): free_empty_sheaf(s, empty), with no sheaf_flush_unused(); if (!full) return NULL (R7)',
      reads: [],
      writes: [],
      run: (x) => {
        // refill_objects() returns what it got when new_slab() fails; free_empty_sheaf() then kfree()s the
        // sheaf with those objects in it: they stay counted in their slabs' inuse and are never freed.
        const got = takeHeld(x.l.held_sheaf);
        if (got.length > 0) leak(x, got, 'free_empty_sheaf() in __pcs_replace_empty_main() freed a partly refilled sheaf');
        ret(x, null);
      },
    },
    relock: {
      cite: 'mm/slub.c __pcs_replace_empty_main(): local_lock(&s->cpu_sheaves->lock) after the refill (R8)',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      guard: (x) => pcsFree(x),
      run: (x) => {
        local_lock(x);
        goto(x, 'install');
      },
    },
    install: {
      localUnlessIrq: true,
      cite: 'mm/slub.c __pcs_replace_empty_main(): install the refilled sheaf as main or spare, or barn_put_full_sheaf(); pop (R8, PA3)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const full: Obj[] = x.l.held_sheaf.toArray();
        x.l.held_sheaf.clear();
        seen(x, 'sheaf_refill');
        const barn = x.d.nodes[c.node]!.barn;
        if (c.main.length === 0) {
          if (!c.spare.exists) c.spare.install([]);
          else barn.empty++;
          c.main.set(full);
        } else if (!c.spare.exists) c.spare.install(full);
        else if (c.spare.length === 0) {
          barn.empty++;
          c.spare.install(full);
        } else barn.pushFull(full);
        popMain(x);
      },
    },
  },
});

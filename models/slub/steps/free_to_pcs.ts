// Percpu sheaves, free side (17c38c88, 7.0; v6.19 for caches that opt in;
// reference §2.3.2, PF1-PF3 and RFM1-RFM7): push onto main under the pcs
// trylock; a full main is swapped with the spare, traded for an empty sheaf
// at the barn, or, when the barn is over its limit, the spare is flushed to
// the slabs through __kmem_cache_free_bulk() -> __slab_free(). As on the
// allocation side, taking the pcs lock is its own step when the CPU has an
// interrupt context. free_to_pcs() returns the object it could not keep
// (slab_free() then frees it to its slab), or nothing.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { alloc_empty_sheaf, hasBarn, linkChain, sheafAllocChoices, slabFreeFn, slabOfObj, takeHeld } from '../helpers.ts';
import { local_trylock, local_unlock } from '../locks.ts';
import { T, type ListView, type SlabId } from '../state.ts';
import { swapMainSpare } from './alloc_from_pcs.ts';

export interface FreePcsL {
  slab: SlabId | null;
  held: ListView;
  ret: number | null;
  size: number;
  /** allow_spin is false (kfree_nolock()): no sheaf is allocated or flushed, the free fails instead. */
  nospin: boolean;
}

type X = StepCtx<FreePcsL>;

/** free_to_pcs() returns false: the object goes back to slab_free(), which frees it to its slab (PF3). */
function fallback(x: X): void {
  ret(x, takeHeld(x.l.held));
}

/** pcs->main->objects[pcs->main->size++] = object: reads size here; the store is the step `store`. */
function push(x: X): void {
  x.l.size = x.d.cpus[x.cpu]!.main.length;
  goto(x, 'store');
}

function trylock(x: X, body: string): void {
  if (local_trylock(x)) return goto(x, body);
  seen(x, 'pcs_trylock_failed');
  if (body === 'install') x.d.nodes[x.d.cpus[x.cpu]!.node]!.barn.empty++; // RFM7: the empty sheaf goes to the barn
  fallback(x); // PF3
}

export const free_to_pcs: FnDef<FreePcsL> = fn<FreePcsL>({
  entry: 'trylock',
  locals: { slab: T.slab, held: T.held(1), ret: T.ret, size: T.int(0, 'all'), nospin: T.bool },
  steps: {
    trylock: {
      cite: 'mm/slub.c free_to_pcs(): local_trylock(&s->cpu_sheaves->lock), else __slab_free() (PF1, PF3)',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      run: (x) => trylock(x, 'push'),
    },
    push: {
      localUnlessIrq: true,
      cite: 'mm/slub.c free_to_pcs(): push to main, or __pcs_replace_full_main(): spare swap, barn_get_empty_sheaf(), barn_replace_full_sheaf() (PF1, RFM1-RFM5)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const cap = x.e.p.sheaf_capacity;
        if (c.main.length < cap) return push(x);
        if (!hasBarn(x)) {
          local_unlock(x); // RFM1
          return fallback(x);
        }
        const barn = x.d.nodes[c.node]!.barn;
        if (!c.spare.exists) {
          if (barn.empty > 0) {
            barn.empty--; // RFM2 barn_get_empty_sheaf()
            c.spare.install(c.main.toArray());
            c.main.clear();
            return push(x);
          }
          local_unlock(x); // RFM6: unlock, alloc_empty_sheaf(GFP_NOWAIT); "if (!allow_spin) return NULL" first
          return x.l.nospin ? fallback(x) : goto(x, 'install_empty');
        }
        if (c.spare.length < cap) {
          swapMainSpare(x); // RFM3
          return push(x);
        }
        if (barn.fullCount >= x.e.p.barn_max && !x.l.nospin) {
          // RFM5 -E2BIG (only with allow_spin: "sheaf_flush_unused() doesn't support !allow_spin"): flush the spare to the slabs, then install it as the empty sheaf.
          seen(x, 'barn_put_fail');
          const toFlush = c.spare.toArray();
          c.spare.setNull();
          local_unlock(x);
          return call(x, 'sheaf_flush_unused', { held: toFlush }, 'got_empty');
        }
        if (barn.empty === 0 || barn.fullCount >= x.e.p.barn_max) {
          local_unlock(x); // RFM6 -ENOMEM (or -E2BIG without allow_spin): alloc_empty, where !allow_spin returns NULL
          return x.l.nospin ? fallback(x) : goto(x, 'install_empty');
        }
        barn.empty--; // RFM4 barn_replace_full_sheaf()
        barn.pushFull(c.main.toArray());
        c.main.clear();
        seen(x, 'barn_put');
        push(x);
      },
    },
    install_empty: {
      cite: 'mm/slub.c __pcs_replace_full_main(): alloc_empty_sheaf(s, GFP_NOWAIT), then local_trylock(&s->cpu_sheaves->lock) again with the empty sheaf (RFM7); NULL -> sheaf_flush_main(): local_trylock() or return NULL',
      choose: sheafAllocChoices,
      reads: ['cpu{cpu}.pcs_lock', 'cache.sheaf_failures_left'],
      writes: ['cpu{cpu}.pcs_lock', 'cache.sheaf_failures_left'],
      run: (x) => {
        if (alloc_empty_sheaf(x, 'free')) return trylock(x, 'install');
        trylock(x, 'flush_main');
      },
    },
    got_empty: {
      cite: 'mm/slub.c __pcs_replace_full_main(): after -E2BIG, sheaf_flush_unused(s, to_flush); empty = to_flush; goto got_empty: local_trylock(&s->cpu_sheaves->lock) again with it (RFM5, RFM7)',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      run: (x) => trylock(x, 'install'),
    },
    flush_main: {
      localUnlessIrq: true,
      cite: 'mm/slub.c sheaf_flush_main() (7.x sheaf_try_flush_main()): batch = min(PCS_BATCH_MAX, main->size) objects off main (all of a model sheaf), local_unlock(), __kmem_cache_free_bulk()',
      reads: ['cpu{cpu}.pcs'],
      writes: ['cpu{cpu}.pcs', 'cpu{cpu}.pcs_lock'],
      run: (x) => {
        const main = x.d.cpus[x.cpu]!.main;
        const objs = main.toArray();
        main.clear();
        local_unlock(x);
        seen(x, 'sheaf_flush');
        call(x, 'sheaf_flush_unused', { held: objs }, 'relock_flushed');
      },
    },
    relock_flushed: {
      cite: 'mm/slub.c __pcs_replace_full_main(): after sheaf_flush_main(), local_trylock() or return NULL; main full again (interrupted, migrated) -> restart, else push',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      run: (x) => trylock(x, 'push'),
    },
    install: {
      localUnlessIrq: true,
      cite: 'mm/slub.c __pcs_install_empty_sheaf(): the empty sheaf becomes main or goes to the barn; push (RFM7)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const cap = x.e.p.sheaf_capacity;
        const barn = x.d.nodes[c.node]!.barn;
        if (!c.spare.exists) {
          c.spare.install(c.main.toArray());
          c.main.clear();
        } else if (c.main.length < cap) barn.empty++;
        else if (c.spare.length < cap) {
          swapMainSpare(x);
          barn.empty++;
        } else {
          barn.pushFull(c.main.toArray());
          c.main.clear();
          seen(x, 'barn_put');
        }
        push(x);
      },
    },
    store: {
      under: 'pcs_lock',
      cite: 'mm/slub.c free_to_pcs(): pcs->main->objects[pcs->main->size++] = object; local_unlock(&s->cpu_sheaves->lock) (PF1)',
      reads: ['cpu{cpu}.pcs'],
      writes: ['cpu{cpu}.pcs', 'cpu{cpu}.pcs_lock'],
      run: (x) => {
        const main = x.d.cpus[x.cpu]!.main;
        if (x.l.size >= x.e.p.sheaf_capacity) {
          // objects[size++] past the end of the sheaf: a heap overflow (KASAN: slab-out-of-bounds); the object is lost.
          x.d.ghost.first('sheaf_overflow', `${x.ctx}: free_to_pcs() stored object ${x.l.held.at(0)} at objects[${x.l.size}] of a main sheaf of capacity ${x.e.p.sheaf_capacity}`);
          x.l.held.clear();
          local_unlock(x);
          return ret(x, []);
        }
        const now = main.toArray();
        // Under the lock size is still main's length. Without it an irq may have pushed (its slot is
        // overwritten: the object is lost) or popped (the slots between are objects already handed out).
        if (x.l.size > now.length) x.d.ghost.first('double_alloc', `${x.ctx}: free_to_pcs() stored at objects[${x.l.size}] of a main sheaf that shrank to ${now.length} since it read size: slots ${now.length}..${x.l.size - 1} hold objects already handed out`);
        main.set([...now.slice(0, x.l.size), x.l.held.at(0)]);
        x.l.size = 0;
        x.l.held.clear();
        local_unlock(x);
        seen(x, 'free_fastpath');
        ret(x, []);
      },
    },
  },
});

interface FlushL {
  held: ListView;
}

export const sheaf_flush_unused: FnDef<FlushL> = fn<FlushL>({
  entry: 'free_bulk',
  locals: { held: T.held('all') },
  steps: {
    free_bulk: {
      local: true,
      cite: "mm/slub.c (7.0) sheaf_flush_unused() -> __kmem_cache_free_bulk(): build_detached_freelist() of one slab's objects, then __slab_free(head, tail, cnt)",
      reads: [],
      writes: ['object.freepointer'],
      run: (x) => {
        const objs = x.l.held.toArray();
        if (objs.length === 0) return ret(x, null);
        const k = slabOfObj(x.e.p, objs[0]!);
        const group = objs.filter((o) => slabOfObj(x.e.p, o) === k);
        x.l.held.set(objs.filter((o) => slabOfObj(x.e.p, o) !== k));
        const { head, tail } = linkChain(x, group);
        seen(x, 'sheaf_flush');
        call(x, slabFreeFn(x), { slab: k, head, tail, cnt: group.length, held: group }, 'free_bulk');
      },
    },
  },
});

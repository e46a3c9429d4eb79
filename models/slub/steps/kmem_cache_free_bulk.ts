// kmem_cache_free_bulk() (mm/slub.c of v6.19 [619], 17c38c88 [INT], 7.x [7x];
// docs/findings.md sources). What this abstracts and why:
// - A cache with sheaves goes to free_to_pcs_bulk(): the free hooks per
//   object (generic KASAN keeps every object: it goes to the quarantine and
//   leaves the array), objects of another node set aside (can_free_to_pcs()),
//   then batches under the pcs trylock: copy as many as fit into main, after
//   making room the way __pcs_replace_full_main() does but never allocating
//   a sheaf or flushing the spare (no empty sheaf -> no_empty); what is left,
//   and the remote objects, go to __kmem_cache_free_bulk().
// - A cache without sheaves builds detached freelists (build_detached_freelist():
//   the objects of one slab, linked privately) and frees each with
//   slab_free_bulk(): slab_free_freelist_hook() first, which with generic KASAN
//   takes every object out of the detached freelist (it goes to the
//   quarantine, and cnt shrinks with it), then do_slab_free() (v6.19) or
//   __slab_free() with the rest.
// The operation frees two objects the client owns (BULK_SIZE); the array is
// the frame's `held` list, private to the caller.
import { call, fn, goto, ret, rootReturn, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { hasBarn, isLocalNode, linkChain, slabFreeFn, slabOfObj, takeHeld } from '../helpers.ts';
import { local_trylock, local_unlock } from '../locks.ts';
import { kasan_quarantine_put } from './kasan.ts';
import { swapMainSpare } from './alloc_from_pcs.ts';
import { T, type ListView } from '../state.ts';

interface BulkL {
  held: ListView;
  remote: ListView;
  ret: number | null;
}

interface FreeBulkL {
  held: ListView;
  /** The detached freelist being freed: the objects of one slab. */
  df: ListView;
  ret: number | null;
}

/** slab_free_hook() of every object: generic KASAN keeps each one in this CPU's quarantine (the array loses it). */
function kasanHooks(x: StepCtx<BulkL>): void {
  for (const o of takeHeld(x.l.held)) kasan_quarantine_put(x, o);
}

export const kmem_cache_free_bulk: FnDef<FreeBulkL> = fn<FreeBulkL>({
  entry: 'dispatch',
  locals: { held: T.held('all'), df: T.held('all'), ret: T.ret },
  steps: {
    dispatch: {
      local: true,
      cite: 'mm/slub.c kmem_cache_free_bulk(): a cache with sheaves -> free_to_pcs_bulk(s, size, p); else build_detached_freelist() + slab_free_bulk() per slab',
      reads: [],
      writes: [],
      run: (x) => (x.e.p.sheaf_capacity > 0 ? call(x, 'free_to_pcs_bulk', { held: takeHeld(x.l.held) }, 'return') : goto(x, 'build_detached_freelist')),
    },
    build_detached_freelist: {
      local: true,
      cite: 'mm/slub.c build_detached_freelist(): the objects of p[] in the slab of the last one, linked into a private freelist (head, tail, cnt)',
      reads: [],
      writes: ['object.freepointer'],
      run: (x) => {
        const objs = x.l.held.toArray();
        if (objs.length === 0) return goto(x, 'return');
        const k = slabOfObj(x.e.p, objs[objs.length - 1]!);
        x.l.df.set(objs.filter((o) => slabOfObj(x.e.p, o) === k));
        x.l.held.set(objs.filter((o) => slabOfObj(x.e.p, o) !== k));
        goto(x, 'slab_free_bulk');
      },
    },
    slab_free_bulk: {
      cite: 'mm/slub.c slab_free_bulk(): slab_free_freelist_hook() takes the objects KASAN keeps out of the detached freelist (and out of cnt); what is left -> do_slab_free() (v6.19) / __slab_free(head, tail, cnt)',
      reads: ['cpu{cpu}.quarantine'],
      writes: ['cpu{cpu}.quarantine', 'object.freepointer'],
      run: (x) => {
        if (x.d.cache.kasan) {
          for (const o of takeHeld(x.l.df)) kasan_quarantine_put(x, o);
          return goto(x, 'build_detached_freelist');
        }
        const group = takeHeld(x.l.df);
        const { head, tail } = linkChain(x, group);
        seen(x, 'free_bulk_detached');
        call(x, slabFreeFn(x), { slab: slabOfObj(x.e.p, head), head, tail, cnt: group.length, held: group }, 'build_detached_freelist');
      },
    },
    return: rootReturn('mm/slub.c kmem_cache_free_bulk(): returned to the caller'),
  },
});

export const free_to_pcs_bulk: FnDef<BulkL> = fn<BulkL>({
  entry: 'hooks',
  locals: { held: T.held('all'), remote: T.held('all'), ret: T.ret },
  steps: {
    hooks: {
      cite: 'mm/slub.c free_to_pcs_bulk(): per object slab_free_hook() (KASAN keeps it: p[i] = p[--size]); !can_free_to_pcs(slab) -> remote_objects[]',
      reads: ['cpu{cpu}.quarantine'],
      writes: ['cpu{cpu}.quarantine'],
      run: (x) => {
        if (x.d.cache.kasan) kasanHooks(x);
        const objs = takeHeld(x.l.held);
        x.l.held.set(objs.filter((o) => isLocalNode(x, slabOfObj(x.e.p, o))));
        x.l.remote.set(objs.filter((o) => !isLocalNode(x, slabOfObj(x.e.p, o))));
        if (x.l.held.length === 0) return goto(x, 'flush_remote');
        goto(x, 'next_batch');
      },
    },
    next_batch: {
      cite: 'mm/slub.c free_to_pcs_bulk() next_batch: local_trylock(&s->cpu_sheaves->lock), else fallback: __kmem_cache_free_bulk()',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      run: (x) => {
        if (local_trylock(x)) return goto(x, 'do_free');
        seen(x, 'pcs_trylock_failed');
        goto(x, 'fallback');
      },
    },
    do_free: {
      localUnlessIrq: true,
      cite: 'mm/slub.c free_to_pcs_bulk(): main full -> empty sheaf from the barn, spare swap or barn_replace_full_sheaf(), none -> no_empty; do_free: batch = min(size, capacity - main->size) copied into main; local_unlock(); the rest -> next_batch',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn', 'cpu{cpu}.pcs_lock'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const cap = x.e.p.sheaf_capacity;
        if (c.main.length >= cap) {
          const barn = x.d.nodes[c.node]!.barn;
          if (!hasBarn(x)) return noEmpty(x);
          if (!c.spare.exists) {
            if (barn.empty === 0) return noEmpty(x); // barn_get_empty_sheaf() found none
            barn.empty--;
            c.spare.install(c.main.toArray());
            c.main.clear();
          } else if (c.spare.length < cap) swapMainSpare(x);
          else {
            // barn_replace_full_sheaf(): -E2BIG over the limit, -ENOMEM without an empty sheaf
            if (barn.fullCount >= x.e.p.barn_max || barn.empty === 0) {
              seen(x, 'barn_put_fail');
              return noEmpty(x);
            }
            barn.empty--;
            barn.pushFull(c.main.toArray());
            c.main.clear();
            seen(x, 'barn_put');
          }
        }
        const objs = x.l.held.toArray();
        const batch = Math.min(objs.length, cap - c.main.length);
        for (const o of objs.slice(0, batch)) c.main.push(o);
        x.l.held.set(objs.slice(batch));
        local_unlock(x);
        seen(x, 'free_fastpath');
        goto(x, x.l.held.length > 0 ? 'next_batch' : 'flush_remote');
      },
    },
    fallback: {
      local: true,
      cite: 'mm/slub.c free_to_pcs_bulk() no_empty/fallback: __kmem_cache_free_bulk(s, size, p) of what is left',
      reads: [],
      writes: [],
      run: (x) => call(x, 'sheaf_flush_unused', { held: takeHeld(x.l.held) }, 'flush_remote'),
    },
    flush_remote: {
      local: true,
      cite: 'mm/slub.c free_to_pcs_bulk() flush_remote: __kmem_cache_free_bulk(s, remote_nr, remote_objects)',
      reads: [],
      writes: [],
      run: (x) => (x.l.remote.length > 0 ? call(x, 'sheaf_flush_unused', { held: takeHeld(x.l.remote) }, 'flush_remote') : ret(x, null)),
    },
  },
});

/** no_empty: local_unlock(), then the rest goes to the slabs. */
function noEmpty(x: StepCtx<BulkL>): void {
  local_unlock(x);
  goto(x, 'fallback');
}

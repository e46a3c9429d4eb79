// Sheaf refill from the node partial list (7.0 and 17c38c88; reference
// §2.3.3, RF1a-RF3): get_partial_node_bulk() unlinks slabs under list_lock
// onto a private list first, then takes their objects with
// get_freelist_nofreeze(); leftovers go back through __slab_free() (the
// slab is full and off every list there, so the CPU-partial free at
// 17c38c88 is safe, §0.5), and unprocessed slabs are re-added.
import type { FnDef } from '../kernel.ts';
import { call, goto, ret } from '../kernel.ts';
import { add_partial, discard_slab, release, remove_partial, seen, takePrivate } from '../mm.ts';
import { addNewSlabToPartial, allocate_slab, lock, lockFree, memNode, unlock } from '../helpers.ts';
import { chain, nodeList, type Obj, type SlabId } from '../state.ts';

const need = (l: { [k: string]: unknown }) => (l.need as number) - (l.held as Obj[]).length;

export const refill_sheaf: FnDef = {
  entry: 'get_partial_node_bulk',
  steps: {
    get_partial_node_bulk: {
      cite: 'mm/slub.c (7.0) __refill_objects_node() -> get_partial_node_bulk(): under list_lock remove_partial() slabs onto the private pc.slabs (RF1, RF1a)',
      reads: ['node{n}.nr_partial', 'node{n}.list', 'slab*.pair'],
      writes: ['node{n}.list', 'slab*.links'],
      guard: (s, ctx) => {
        const n = memNode(s, Number(ctx.slice(3, ctx.indexOf('/'))));
        return s.nodes[n]!.nr_partial === 0 || lockFree(s, n);
      },
      run: (x) => {
        const n = memNode(x.d, x.cpu);
        if (x.d.nodes[n]!.nr_partial === 0) return goto(x, 'new_slab');
        lock(x.d, x.ctx, n);
        let free = 0;
        const taken: SlabId[] = [];
        for (const k of nodeList(x.d, n)) {
          if (free >= need(x.f.l)) break;
          const sl = x.d.slabs[k]!;
          free += x.e.p.objects - sl.inuse; // racy counters: a lower bound
          remove_partial(x.d, x.ctx, n, k);
          takePrivate(x.d, x.ctx, k, 'none');
          taken.push(k);
        }
        unlock(x.d, x.ctx, n);
        x.f.l.slabs = taken;
        goto(x, taken.length > 0 ? 'get_freelist_nofreeze' : 'new_slab');
      },
    },
    get_freelist_nofreeze: {
      cite: 'mm/slub.c (7.0) __refill_objects_node(): get_freelist_nofreeze() cmpxchg (F, cnt) -> (NULL, inuse = objects); leftovers -> __slab_free() (RF1b)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        const slabs = x.f.l.slabs as SlabId[];
        const k = slabs.shift()!;
        release(x.d, x.ctx, k); // list_del from the private list
        const sl = x.d.slabs[k]!;
        const objs = chain(x.d.fp, sl.freelist);
        sl.freelist = null;
        sl.inuse = x.e.p.objects;
        const take = objs.slice(0, need(x.f.l));
        (x.f.l.held as Obj[]).push(...take);
        const rest = objs.slice(take.length);
        if (rest.length === 0) return goto(x, 'next_slab');
        // The leftover chain is still linked through its free pointers.
        call(x, '__slab_free', { slab: k, head: rest[0]!, tail: rest[rest.length - 1]!, cnt: rest.length, held: rest }, 'next_slab');
      },
    },
    next_slab: {
      local: true,
      cite: 'mm/slub.c (7.0) __refill_objects_node(): next slab of pc.slabs, or done',
      reads: [],
      writes: [],
      run: (x) => {
        const slabs = x.f.l.slabs as SlabId[];
        if (need(x.f.l) > 0) return goto(x, slabs.length > 0 ? 'get_freelist_nofreeze' : 'new_slab');
        if (slabs.length > 0) return goto(x, 'readd');
        ret(x, x.f.l.held!);
      },
    },
    readd: {
      cite: 'mm/slub.c (7.0) __refill_objects_node(): unprocessed pc.slabs: under list_lock add_partial(HEAD), or discard an empty one (RF1c)',
      reads: ['node.list_lock', 'node.nr_partial'],
      writes: ['node.list', 'slab*.links'],
      guard: (s, ctx) => lockFree(s, memNode(s, Number(ctx.slice(3, ctx.indexOf('/'))))),
      run: (x) => {
        const n = memNode(x.d, x.cpu);
        lock(x.d, x.ctx, n);
        const discard: SlabId[] = [];
        for (const k of x.f.l.slabs as SlabId[]) {
          if (x.d.slabs[k]!.inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) discard.push(k);
          else add_partial(x.d, x.ctx, n, k, false);
        }
        unlock(x.d, x.ctx, n);
        for (const k of discard) discard_slab(x.d, x.ctx, k);
        x.f.l.slabs = [];
        ret(x, x.f.l.held!);
      },
    },
    new_slab: {
      cite: 'mm/slub.c (7.0) refill_objects(): new_slab() + alloc_from_new_slab(): pop objects privately (RF3)',
      reads: ['page_allocator'],
      writes: ['slab{new}.pair', 'node.nr_slabs'],
      run: (x) => {
        const k = allocate_slab(x, memNode(x.d, x.cpu));
        if (k === null) return ret(x, x.f.l.held!);
        const sl = x.d.slabs[k]!;
        const objs = chain(x.d.fp, sl.freelist);
        const take = objs.slice(0, need(x.f.l));
        (x.f.l.held as Obj[]).push(...take);
        sl.inuse = take.length;
        sl.freelist = objs[take.length] ?? null;
        x.f.l.slab = k;
        seen(x.d, 'alloc_slab');
        if (sl.freelist !== null) return goto(x, 'add_partial');
        x.d.nodes[sl.node]!.nr_slabs++;
        if (need(x.f.l) > 0) return goto(x, 'new_slab');
        ret(x, x.f.l.held!);
      },
    },
    add_partial: {
      cite: 'mm/slub.c (7.0) alloc_from_new_slab(): more objects than requested -> add_partial(HEAD) under list_lock; inc_slabs_node (RF3)',
      reads: ['node.list_lock'],
      writes: ['node.list', 'slab{slab}.links', 'node.nr_slabs'],
      guard: (s, _ctx, l) => lockFree(s, s.slabs[l.slab as SlabId]!.node),
      run: (x) => {
        addNewSlabToPartial(x.d, x.ctx, x.f.l.slab as SlabId);
        ret(x, x.f.l.held!);
      },
    },
  },
};

/**
 * v6.19 refill_sheaf(): the sheaf is filled by the generic bulk allocator
 * through the cpu slab (reference §0.6), all or nothing.
 */
export const refill_sheaf_v619: FnDef = {
  entry: 'alloc_bulk',
  steps: {
    alloc_bulk: {
      local: true,
      cite: 'mm/slub.c (v6.19) refill_sheaf(): filled = __kmem_cache_alloc_bulk(s, gfp, to_fill, ...)',
      reads: [],
      writes: [],
      run: (x) => call(x, '__kmem_cache_alloc_bulk', { gfp: 'GFP_KERNEL', size: x.f.l.need!, held: [] }, 'done'),
    },
    done: {
      local: true,
      cite: 'mm/slub.c (v6.19) refill_sheaf(): sheaf->size += filled; -ENOMEM if filled < to_fill',
      reads: [],
      writes: [],
      run: (x) => {
        const got = x.f.l.ret as Obj[];
        x.f.l.ret = null;
        ret(x, got);
      },
    },
  },
};

// Sheaf refill.
// - 7.0 and 17c38c88 (reference §2.3.3, RF1a-RF3): get_partial_node_bulk()
//   unlinks slabs under list_lock onto a private list first, then takes their
//   objects with get_freelist_nofreeze(); leftovers go back through
//   __slab_free() (the slab is full and off every list there, so the
//   CPU-partial free at 17c38c88 is safe, §0.5), and unprocessed slabs are
//   re-added. It returns what it got: fewer objects than asked when
//   new_slab() fails.
// - v6.19 (reference §0.6): through the bulk allocator and the cpu slab, all
//   or nothing.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { add_partial, discard_slab, release, remove_partial, seen, takePrivate } from '../mm.ts';
import { addNewSlabToPartial, allocate_slab, localNode, pageAllocChoices, memNode, remoteZonelist } from '../helpers.ts';
import { lock, lockFree, spin_trylock, unlock } from '../locks.ts';
import { chain, nodeList, T, type ListView, type SlabId } from '../state.ts';

interface RefillL {
  /** The node whose partial slabs this round takes (pc.slabs come from it). */
  n: number;
  need: number;
  held: ListView;
  slabs: ListView;
  slab: SlabId | null;
  ret: number | null;
  /** In __refill_objects_any(): the list_lock is only trylocked (allow_spin == false). */
  any: boolean;
  /** Index into the zonelist in __refill_objects_any(). */
  z: number;
}

const missing = (x: StepCtx<RefillL>) => x.l.need - x.l.held.length;

/** This node gave what it could: after the local node __refill_objects_any(), after a remote one the next node of the zonelist. */
function nodeDone(x: StepCtx<RefillL>): void {
  if (!x.l.any) return goto(x, remoteZonelist(x).length > 0 ? 'refill_objects_any' : 'new_slab');
  x.l.z++;
  goto(x, x.l.z < remoteZonelist(x).length ? 'next_node' : 'new_slab');
}

/** __refill_objects_any(): the racy n->nr_partial > s->min_partial test of the zonelist's next node (one read per step). */
function tryNode(x: StepCtx<RefillL>): void {
  const n = remoteZonelist(x)[x.l.z]!;
  if (x.d.nodes[n]!.nr_partial <= x.e.p.min_partial) return nodeDone(x);
  x.l.n = n;
  goto(x, 'get_partial_node_bulk');
}

export const refill_sheaf: FnDef<RefillL> = fn<RefillL>({
  entry: 'refill_objects',
  locals: { n: T.node, need: T.int(0, 'all'), held: T.held('sheaf'), slabs: T.slabs(), slab: T.slab, ret: T.ret, any: T.bool, z: T.int(0, 16) },
  steps: {
    refill_objects: {
      local: true,
      cite: 'mm/slub.c refill_objects(): __refill_objects_node(s, get_node(s, numa_mem_id())), NULL on a memoryless node (RF1)',
      reads: [],
      writes: [],
      run: (x) => {
        const n = localNode(x.d, x.cpu);
        if (n === null) return goto(x, remoteZonelist(x).length > 0 ? 'refill_objects_any' : 'new_slab');
        x.l.n = n;
        goto(x, 'get_partial_node_bulk');
      },
    },
    get_partial_node_bulk: {
      cite: 'mm/slub.c __refill_objects_node() -> get_partial_node_bulk(): racy nr_partial; spin_lock_irqsave(&n->list_lock), or in __refill_objects_any() (allow_spin false) spin_trylock_irqsave(), failing -> 0 (RF1, RF2)',
      reads: ['node{n}.nr_partial', 'node{n}.list_lock'],
      writes: ['node{n}.list_lock'],
      guard: (x) => x.l.any || x.d.nodes[x.l.n]!.nr_partial === 0 || lockFree(x, x.l.n),
      run: (x) => {
        const n = x.l.n;
        if (x.d.nodes[n]!.nr_partial === 0) return nodeDone(x);
        if (!x.l.any) lock(x, n);
        else if (!spin_trylock(x, n)) {
          seen(x, 'refill_trylock_failed');
          return nodeDone(x);
        }
        goto(x, 'take_slabs');
      },
    },
    take_slabs: {
      under: 'list_lock',
      cite: 'mm/slub.c get_partial_node_bulk(): under list_lock remove_partial() slabs onto the private pc.slabs while their racy free counts fall short; spin_unlock_irqrestore() (RF1a)',
      reads: ['node{n}.list', 'slab*.pair'],
      writes: ['node{n}.list', 'slab*.links', 'node{n}.list_lock'],
      run: (x) => {
        const n = x.l.n;
        let free = 0;
        for (const k of nodeList(x.d, n)) {
          if (free >= missing(x)) break;
          const sl = x.d.slabs[k]!;
          free += x.e.p.objects - sl.inuse; // racy counters: a lower bound
          remove_partial(x, n, k);
          takePrivate(x, k, 'none');
          x.l.slabs.push(k);
        }
        unlock(x, n);
        if (x.l.any && x.l.slabs.length > 0 && n !== x.d.cpus[x.cpu]!.node) seen(x, 'remote_partial');
        if (x.l.slabs.length > 0) return goto(x, 'get_freelist_nofreeze');
        nodeDone(x);
      },
    },
    refill_objects_any: {
      cite: 'mm/slub.c __refill_objects_any(): if (!s->remote_node_defrag_ratio || get_cycles() % 1024 > s->remote_node_defrag_ratio) no remote refill; for_each_zone_zonelist(): the first n->nr_partial > s->min_partial (racy) (RF2)',
      reads: ['node*.nr_partial'],
      writes: [],
      choose: () => ['gate_open', 'gate_closed'],
      run: (x) => {
        if (x.choice === 'gate_closed') return goto(x, 'new_slab');
        x.l.any = true;
        x.l.z = 0;
        tryNode(x);
      },
    },
    next_node: {
      cite: 'mm/slub.c __refill_objects_any(): for_each_zone_zonelist(): the next n->nr_partial > s->min_partial (racy) (RF2)',
      reads: ['node*.nr_partial'],
      writes: [],
      run: (x) => tryNode(x),
    },
    get_freelist_nofreeze: {
      cite: 'mm/slub.c __refill_objects_node(): get_freelist_nofreeze() cmpxchg (F, cnt) -> (NULL, inuse = objects); leftovers -> __slab_free() (RF1b)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        const k = x.l.slabs.shift();
        release(x, k); // list_del from the private list
        const sl = x.d.slabs[k]!;
        const objs = chain(x.d, sl.freelist);
        sl.freelist = null;
        sl.inuse = x.e.p.objects;
        const take = objs.slice(0, missing(x));
        x.l.held.push(...take);
        const rest = objs.slice(take.length);
        if (rest.length === 0) return goto(x, 'next_slab');
        // The leftover chain is still linked through its free pointers.
        call(x, '__slab_free', { slab: k, head: rest[0]!, tail: rest[rest.length - 1]!, cnt: rest.length, held: rest }, 'next_slab');
      },
    },
    next_slab: {
      local: true,
      cite: 'mm/slub.c __refill_objects_node(): next slab of pc.slabs, or done',
      reads: [],
      writes: [],
      run: (x) => {
        if (missing(x) > 0) return x.l.slabs.length > 0 ? goto(x, 'get_freelist_nofreeze') : nodeDone(x);
        if (x.l.slabs.length > 0) return goto(x, 'readd');
        ret(x, x.l.held);
      },
    },
    readd: {
      cite: 'mm/slub.c __refill_objects_node(): unprocessed pc.slabs: under list_lock (always the blocking lock, §0.5) add_partial(HEAD), or discard an empty one (RF1c)',
      reads: ['node{n}.list_lock', 'node{n}.nr_partial'],
      writes: ['node{n}.list', 'slab*.links'],
      guard: (x) => lockFree(x, x.l.n),
      run: (x) => {
        const n = x.l.n;
        lock(x, n);
        const discard: SlabId[] = [];
        for (const k of x.l.slabs.toArray()) {
          if (x.d.slabs[k]!.inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) discard.push(k);
          else add_partial(x, n, k, false);
        }
        unlock(x, n);
        for (const k of discard) discard_slab(x, k);
        x.l.slabs.clear();
        ret(x, x.l.held);
      },
    },
    new_slab: {
      cite: 'mm/slub.c refill_objects(): new_slab() + alloc_from_new_slab(): pop objects privately (RF3)',
      choose: pageAllocChoices,
      reads: ['page_allocator'],
      writes: ['slab{new}.pair', 'node.nr_slabs'],
      run: (x) => {
        const k = allocate_slab(x, memNode(x.d, x.cpu));
        if (k === null) return ret(x, x.l.held);
        const sl = x.d.slabs[k]!;
        const objs = chain(x.d, sl.freelist);
        const take = objs.slice(0, missing(x));
        x.l.held.push(...take);
        sl.inuse = take.length;
        sl.freelist = objs[take.length] ?? null;
        x.l.slab = k;
        seen(x, 'alloc_slab');
        if (sl.freelist !== null) return goto(x, 'add_partial');
        x.d.nodes[sl.node]!.nr_slabs++;
        if (missing(x) > 0) return goto(x, 'new_slab');
        ret(x, x.l.held);
      },
    },
    add_partial: {
      cite: 'mm/slub.c alloc_from_new_slab(): more objects than requested -> add_partial(HEAD) under list_lock; inc_slabs_node (RF3)',
      reads: ['node.list_lock'],
      writes: ['node.list', 'slab{slab}.links', 'node.nr_slabs'],
      guard: (x) => lockFree(x, x.d.slabs[x.l.slab!]!.node),
      run: (x) => {
        addNewSlabToPartial(x, x.l.slab!);
        ret(x, x.l.held);
      },
    },
  },
});

interface RefillV619L {
  n: number;
  need: number;
  ret: ListView;
}

/**
 * v6.19 refill_sheaf(): the sheaf is filled by the generic bulk allocator
 * through the cpu slab (reference §0.6), all or nothing.
 */
export const refill_sheaf_v619: FnDef<RefillV619L> = fn<RefillV619L>({
  entry: 'alloc_bulk',
  locals: { n: T.node, need: T.int(0, 'all'), ret: T.held('sheaf') },
  steps: {
    alloc_bulk: {
      local: true,
      cite: 'mm/slub.c refill_sheaf(): filled = __kmem_cache_alloc_bulk(s, gfp, to_fill, ...)',
      reads: [],
      writes: [],
      run: (x) => call(x, '__kmem_cache_alloc_bulk', { size: x.l.need }, 'done'),
    },
    done: {
      local: true,
      cite: 'mm/slub.c refill_sheaf(): sheaf->size += filled; -ENOMEM if filled < to_fill',
      reads: [],
      writes: [],
      run: (x) => {
        const got = x.l.ret.toArray();
        x.l.ret.clear();
        ret(x, got);
      },
    },
  },
});

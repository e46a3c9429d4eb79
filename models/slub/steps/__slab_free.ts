// __slab_free(): free objects of one slab (head..tail, cnt) to the slab's
// own freelist with a cmpxchg, and fix up the lists. Two variants:
// - with CPU partial lists (v6.19, 17c38c88; reference §2.1.5, SF1-SF10):
//   a free into a full, unfrozen slab takes NO list_lock and calls
//   put_cpu_partial(drain=1), on the premise that such a slab is on no list.
// - without (7.0, and the free path of e323b52cf00f "slab: remove
//   SLUB_CPU_PARTIAL"; reference §2.3.5, SF7-1..SF7-7): list_lock is taken
//   before the cmpxchg whenever the slab was full or becomes empty, and a
//   full slab goes back with add_partial(TAIL).
// The call of put_cpu_partial() is its own labelled point
// (`__slab_free/put_cpu_partial`), so that a patch can change exactly that
// line: Hao Li's workaround (patches/hao-li-list-lock-barrier.ts) takes and
// releases list_lock there.
import { call, fn, goto, ret, type FnDef, type StepCtx, type StepDef } from '../kernel.ts';
import { add_partial, discard_slab, remove_partial, seen } from '../mm.ts';
import { lock, lockFree, unlock } from '../locks.ts';
import { T, type ListView, type Obj, type SlabId } from '../state.ts';

export interface SlabFreeL {
  slab: SlabId | null;
  head: Obj | null;
  tail: Obj | null;
  cnt: number;
  held: ListView;
  locked: boolean;
  old_freelist: Obj | null;
  old_inuse: number;
  old_frozen: boolean;
  was_full: boolean;
  was_frozen: boolean;
  new_inuse: number;
  on_node_partial: boolean;
}

export const SLAB_FREE_LOCALS = {
  slab: T.slab,
  head: T.obj,
  tail: T.obj,
  cnt: T.int(0, 'objects'),
  held: T.held('slab'),
  locked: T.bool,
  old_freelist: T.obj,
  old_inuse: T.int(-8, 'objects'),
  old_frozen: T.bool,
  was_full: T.bool,
  was_frozen: T.bool,
  new_inuse: T.int(-8, 'objects'),
  on_node_partial: T.bool,
};

type X = StepCtx<SlabFreeL>;

const slabNode = (x: X) => x.d.slabs[x.l.slab!]!.node;

/** SF1-SF3: drop the lock of a failed attempt, snapshot (freelist, counters), point the tail at the old freelist; then lock if `lockIf`. */
export function snapshot(x: X, lockIf: (wasFull: boolean, frozen: boolean, newInuse: number) => boolean): void {
  if (x.l.locked) {
    unlock(x, slabNode(x));
    x.l.locked = false;
  }
  const sl = x.d.slabs[x.l.slab!]!;
  x.l.old_freelist = sl.freelist;
  x.l.old_inuse = sl.inuse;
  x.l.old_frozen = sl.frozen;
  x.l.was_full = sl.freelist === null;
  x.l.was_frozen = sl.frozen;
  x.l.new_inuse = sl.inuse - x.l.cnt;
  x.d.setFp(x.l.tail!, sl.freelist); // set_freepointer(tail, old.freelist): the object is still private
  goto(x, lockIf(x.l.was_full, x.l.was_frozen, x.l.new_inuse) ? 'lock' : 'cmpxchg');
}

export const lockStep: StepDef<SlabFreeL> = {
  cite: 'mm/slub.c __slab_free(): spin_lock_irqsave(&n->list_lock) before the cmpxchg; on_node_partial = slab_test_node_partial() (SF4, SF7-2)',
  reads: ['node.list_lock', 'slab{slab}.SL_partial'],
  writes: ['node.list_lock'],
  guard: (x) => lockFree(x, slabNode(x)),
  run: (x) => {
    lock(x, slabNode(x));
    x.l.locked = true;
    x.l.on_node_partial = x.d.slabs[x.l.slab!]!.partial;
    goto(x, 'cmpxchg');
  },
};

/** The cmpxchg-double of the snapshot; true on success. */
export function cmpxchg(x: X): boolean {
  const sl = x.d.slabs[x.l.slab!]!;
  if (sl.freelist !== x.l.old_freelist || sl.inuse !== x.l.old_inuse || sl.frozen !== x.l.old_frozen) {
    seen(x, 'cmpxchg_double_fail');
    goto(x, 'snapshot');
    return false;
  }
  sl.freelist = x.l.head;
  sl.inuse = x.l.new_inuse;
  x.l.held.clear();
  return true;
}

/** The list fix-up under list_lock, after a successful cmpxchg (SF7-SF10 / SF7-5..SF7-7). */
export function listUpdate(x: X, cpuPartial: boolean): void {
  const k = x.l.slab!;
  const n = slabNode(x);
  const wasFull = x.l.was_full;
  if (!wasFull && !x.l.on_node_partial) {
    unlock(x, n);
    return ret(x, null);
  }
  if (x.l.new_inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) {
    if (!wasFull) {
      remove_partial(x, n, k);
      seen(x, 'free_remove_partial');
    }
    unlock(x, n);
    discard_slab(x, k);
    return ret(x, null);
  }
  if (!cpuPartial && wasFull) {
    add_partial(x, n, k, true);
    seen(x, 'free_add_partial');
  }
  unlock(x, n);
  ret(x, null);
}

export const __slab_free_cpu_partial: FnDef<SlabFreeL> = fn<SlabFreeL>({
  entry: 'snapshot',
  locals: SLAB_FREE_LOCALS,
  steps: {
    snapshot: {
      cite: 'mm/slub.c __slab_free(): snapshot freelist and counters; was_full, was_frozen; lock unless (CPU_PARTIAL && was_full) (SF1-SF4)',
      reads: ['slab{slab}.pair'],
      writes: ['object.freepointer'],
      run: (x) => snapshot(x, (full, frozen, newInuse) => (newInuse === 0 || full) && !frozen && !(x.e.p.cpu_partial_slabs > 0 && full)),
    },
    lock: lockStep,
    cmpxchg: {
      cite: 'mm/slub.c __slab_free(): slab_update_freelist() cmpxchg; no lock: frozen -> done, was_full -> put_cpu_partial(slab, 1) (SF5-SF6)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        if (!cmpxchg(x)) return;
        if (x.l.locked) return goto(x, 'list');
        if (x.l.was_frozen) {
          seen(x, 'free_frozen');
          return ret(x, null);
        }
        if (x.e.p.cpu_partial_slabs > 0 && x.l.was_full) {
          seen(x, 'cpu_partial_free');
          return goto(x, 'put_cpu_partial');
        }
        ret(x, null);
      },
    },
    list: {
      cite: 'mm/slub.c __slab_free(): under list_lock: not on node partial -> leave; empty and nr_partial >= min_partial -> remove_partial, discard (SF7-SF10)',
      reads: ['node.list', 'node.nr_partial'],
      writes: ['node.list', 'slab{slab}.links', 'node.list_lock'],
      run: (x) => listUpdate(x, x.e.p.cpu_partial_slabs > 0),
    },
    put_cpu_partial: {
      local: true,
      cite: 'mm/slub.c __slab_free(): put_cpu_partial(s, slab, 1) for a full, unfrozen slab, without list_lock (SF6)',
      reads: [],
      writes: [],
      run: (x) => call(x, 'put_cpu_partial', { slab: x.l.slab, drain: true }, 'done'),
    },
    done: {
      local: true,
      cite: 'mm/slub.c __slab_free(): return after put_cpu_partial()',
      reads: [],
      writes: [],
      run: (x) => ret(x, null),
    },
  },
});

export const __slab_free_no_cpu_partial: FnDef<SlabFreeL> = fn<SlabFreeL>({
  entry: 'snapshot',
  locals: SLAB_FREE_LOCALS,
  steps: {
    snapshot: {
      cite: 'mm/slub.c (7.0, e323b52cf00f) __slab_free(): snapshot; was_full; take list_lock if was_full or the slab becomes empty (SF7-1, SF7-2)',
      reads: ['slab{slab}.pair'],
      writes: ['object.freepointer'],
      run: (x) => snapshot(x, (full, _frozen, newInuse) => newInuse === 0 || full),
    },
    lock: lockStep,
    cmpxchg: {
      cite: 'mm/slub.c __slab_free(): slab_update_freelist() cmpxchg with list_lock held if taken (SF7-3, SF7-4)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        if (!cmpxchg(x)) return;
        if (x.l.locked) return goto(x, 'list');
        ret(x, null);
      },
    },
    list: {
      cite: 'mm/slub.c __slab_free(): under list_lock: was_full -> add_partial(TAIL); empty -> remove_partial, discard (SF7-5..SF7-7)',
      reads: ['node.list', 'node.nr_partial'],
      writes: ['node.list', 'slab{slab}.links', 'node.list_lock'],
      run: (x) => listUpdate(x, false),
    },
  },
});

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
import type { FnDef, StepCtx } from '../kernel.ts';
import { call, goto, ret } from '../kernel.ts';
import { add_partial, discard_slab, remove_partial, seen } from '../mm.ts';
import { lock, lockFree, unlock } from '../helpers.ts';
import type { Obj, SlabId } from '../state.ts';

interface Old {
  freelist: Obj | null;
  inuse: number;
  frozen: boolean;
}

const slabNode = (x: StepCtx) => x.d.slabs[x.f.l.slab as SlabId]!.node;

function snapshot(x: StepCtx, lockIf: (o: Old, newInuse: number) => boolean): void {
  if (x.f.l.locked) {
    unlock(x.d, x.ctx, slabNode(x));
    x.f.l.locked = false;
  }
  const sl = x.d.slabs[x.f.l.slab as SlabId]!;
  const old: Old = { freelist: sl.freelist, inuse: sl.inuse, frozen: sl.frozen };
  x.f.l.old = { ...old };
  x.f.l.was_full = old.freelist === null;
  x.f.l.was_frozen = old.frozen;
  x.f.l.new_inuse = old.inuse - (x.f.l.cnt as number);
  x.d.fp[x.f.l.tail as Obj] = old.freelist; // set_freepointer(tail, old.freelist): the object is still private
  goto(x, lockIf(old, x.f.l.new_inuse as number) ? 'lock' : 'cmpxchg');
}

const lockStep = {
  cite: 'mm/slub.c __slab_free(): spin_lock_irqsave(&n->list_lock) before the cmpxchg; on_node_partial = slab_test_node_partial() (SF4, SF7-2)',
  reads: ['node.list_lock', 'slab{slab}.SL_partial'],
  writes: ['node.list_lock'],
  guard: (s: import('../state.ts').SlubState, _ctx: string, l: import('../state.ts').Locals) => lockFree(s, s.slabs[l.slab as SlabId]!.node),
  run: (x: StepCtx) => {
    lock(x.d, x.ctx, slabNode(x));
    x.f.l.locked = true;
    x.f.l.on_node_partial = x.d.slabs[x.f.l.slab as SlabId]!.partial;
    goto(x, 'cmpxchg');
  },
};

/** The cmpxchg-double of the snapshot; true on success. */
function cmpxchg(x: StepCtx): boolean {
  const sl = x.d.slabs[x.f.l.slab as SlabId]!;
  const old = x.f.l.old as unknown as Old;
  if (sl.freelist !== old.freelist || sl.inuse !== old.inuse || sl.frozen !== old.frozen) {
    seen(x.d, 'cmpxchg_double_fail');
    goto(x, 'snapshot');
    return false;
  }
  sl.freelist = x.f.l.head as Obj;
  sl.inuse = x.f.l.new_inuse as number;
  x.f.l.held = [];
  return true;
}

/** The list fix-up under list_lock, after a successful cmpxchg (SF7-SF10 / SF7-5..SF7-7). */
function listUpdate(x: StepCtx, cpuPartial: boolean): void {
  const k = x.f.l.slab as SlabId;
  const n = slabNode(x);
  const wasFull = x.f.l.was_full === true;
  if (!wasFull && !x.f.l.on_node_partial) {
    unlock(x.d, x.ctx, n);
    return ret(x, null);
  }
  if (x.f.l.new_inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) {
    if (!wasFull) {
      remove_partial(x.d, x.ctx, n, k);
      seen(x.d, 'free_remove_partial');
    }
    unlock(x.d, x.ctx, n);
    discard_slab(x.d, x.ctx, k);
    return ret(x, null);
  }
  if (!cpuPartial && wasFull) {
    add_partial(x.d, x.ctx, n, k, true);
    seen(x.d, 'free_add_partial');
  }
  unlock(x.d, x.ctx, n);
  ret(x, null);
}

export const __slab_free_cpu_partial: FnDef = {
  entry: 'snapshot',
  steps: {
    snapshot: {
      cite: 'mm/slub.c (v6.19, 17c38c88) __slab_free(): snapshot freelist and counters; was_full, was_frozen; lock unless (CPU_PARTIAL && was_full) (SF1-SF4)',
      reads: ['slab{slab}.pair'],
      writes: ['object.freepointer'],
      run: (x) => snapshot(x, (o, newInuse) => (newInuse === 0 || o.freelist === null) && !o.frozen && !(x.e.p.cpu_partial_slabs > 0 && o.freelist === null)),
    },
    lock: lockStep,
    cmpxchg: {
      cite: 'mm/slub.c (v6.19, 17c38c88) __slab_free(): slab_update_freelist() cmpxchg; no lock: frozen -> done, was_full -> put_cpu_partial(slab, 1) (SF5-SF6)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        if (!cmpxchg(x)) return;
        if (x.f.l.locked) return goto(x, 'list');
        if (x.f.l.was_frozen) {
          seen(x.d, 'free_frozen');
          return ret(x, null);
        }
        if (x.e.p.cpu_partial_slabs > 0 && x.f.l.was_full) {
          seen(x.d, 'cpu_partial_free');
          return goto(x, 'put_cpu_partial');
        }
        ret(x, null);
      },
    },
    list: {
      cite: 'mm/slub.c (v6.19, 17c38c88) __slab_free(): under list_lock: not on node partial -> leave; empty and nr_partial >= min_partial -> remove_partial, discard (SF7-SF10)',
      reads: ['node.list', 'node.nr_partial'],
      writes: ['node.list', 'slab{slab}.links', 'node.list_lock'],
      run: (x) => listUpdate(x, x.e.p.cpu_partial_slabs > 0),
    },
    put_cpu_partial: {
      local: true,
      cite: 'mm/slub.c (v6.19, 17c38c88) __slab_free(): put_cpu_partial(s, slab, 1) for a full, unfrozen slab, without list_lock (SF6)',
      reads: [],
      writes: [],
      run: (x) => call(x, 'put_cpu_partial', { slab: x.f.l.slab!, drain: true }, 'done'),
    },
    done: {
      local: true,
      cite: 'mm/slub.c (v6.19) __slab_free(): return after put_cpu_partial()',
      reads: [],
      writes: [],
      run: (x) => ret(x, null),
    },
  },
};

export const __slab_free_no_cpu_partial: FnDef = {
  entry: 'snapshot',
  steps: {
    snapshot: {
      cite: 'mm/slub.c (7.0, e323b52cf00f) __slab_free(): snapshot; was_full; take list_lock if was_full or the slab becomes empty (SF7-1, SF7-2)',
      reads: ['slab{slab}.pair'],
      writes: ['object.freepointer'],
      run: (x) => snapshot(x, (o, newInuse) => newInuse === 0 || o.freelist === null),
    },
    lock: lockStep,
    cmpxchg: {
      cite: 'mm/slub.c (7.0) __slab_free(): slab_update_freelist() cmpxchg with list_lock held if taken (SF7-3, SF7-4)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        if (!cmpxchg(x)) return;
        if (x.f.l.locked) return goto(x, 'list');
        ret(x, null);
      },
    },
    list: {
      cite: 'mm/slub.c (7.0) __slab_free(): under list_lock: was_full -> add_partial(TAIL); empty -> remove_partial, discard (SF7-5..SF7-7)',
      reads: ['node.list', 'node.nr_partial'],
      writes: ['node.list', 'slab{slab}.links', 'node.list_lock'],
      run: (x) => listUpdate(x, false),
    },
  },
};

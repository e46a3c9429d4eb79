// v6.19 deactivate_slab() (reference §2.1.6, D1-D4): give a cpu slab back:
// splice the detached cpu freelist into the slab and unfreeze it with a
// cmpxchg loop, then put it on the node list, discard it, or leave it full.
import { fn, goto, ret, type FnDef } from '../kernel.ts';
import { add_partial, discard_slab, seen } from '../mm.ts';
import { lock, lockFree, unlock } from '../locks.ts';
import { chain, T, type Obj, type SlabId } from '../state.ts';

interface L {
  slab: SlabId | null;
  held_chain: Obj | null;
  remote_frees: boolean;
  inuse: number;
  has_free: boolean;
}

export const deactivate_slab: FnDef<L> = fn<L>({
  entry: 'cmpxchg',
  locals: { slab: T.slab, held_chain: T.chain, remote_frees: T.bool, inuse: T.int(-8, 'objects'), has_free: T.bool },
  steps: {
    cmpxchg: {
      cite: 'mm/slub.c deactivate_slab(): cmpxchg loop (F, frozen) -> (cpu freelist ++ F, inuse - free_delta, unfrozen) (D1-D3)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        const sl = x.d.slabs[x.l.slab!]!;
        const cpuFree = chain(x.d, x.l.held_chain);
        x.l.remote_frees = sl.freelist !== null;
        if (cpuFree.length > 0) {
          x.d.setFp(cpuFree[cpuFree.length - 1]!, sl.freelist); // tail->next = old.freelist (private object)
          sl.freelist = cpuFree[0]!;
          sl.inuse -= cpuFree.length;
        }
        sl.frozen = false;
        x.l.held_chain = null;
        x.l.inuse = sl.inuse;
        x.l.has_free = sl.freelist !== null;
        goto(x, 'decide');
      },
    },
    decide: {
      cite: 'mm/slub.c deactivate_slab(): racy n->nr_partial >= min_partial for an empty slab -> discard_slab; full -> no list (D4)',
      reads: ['node.nr_partial'],
      writes: ['node.nr_slabs'],
      run: (x) => {
        const k = x.l.slab!;
        const n = x.d.slabs[k]!.node;
        if (x.l.inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) {
          seen(x, 'deactivate_empty');
          discard_slab(x, k);
          return ret(x, null);
        }
        if (x.l.has_free) return goto(x, 'add_partial');
        seen(x, 'deactivate_full');
        ret(x, null);
      },
    },
    add_partial: {
      cite: 'mm/slub.c deactivate_slab(): spin_lock_irqsave(list_lock); add_partial(head or tail) (D4)',
      reads: ['node.list_lock'],
      writes: ['node.list', 'slab{slab}.links'],
      guard: (x) => lockFree(x, x.d.slabs[x.l.slab!]!.node),
      run: (x) => {
        const k = x.l.slab!;
        const n = x.d.slabs[k]!.node;
        lock(x, n);
        add_partial(x, n, k, x.l.remote_frees);
        unlock(x, n);
        ret(x, null);
      },
    },
  },
});

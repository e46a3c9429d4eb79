// v6.19 deactivate_slab() (reference §2.1.6, D1-D4): give a cpu slab back:
// splice the detached cpu freelist into the slab and unfreeze it with a
// cmpxchg loop, then put it on the node list, discard it, or leave it full.
import type { FnDef } from '../kernel.ts';
import { goto, ret } from '../kernel.ts';
import { add_partial, discard_slab, seen } from '../mm.ts';
import { lock, lockFree, unlock } from '../helpers.ts';
import { chain, type Obj, type SlabId } from '../state.ts';

export const deactivate_slab: FnDef = {
  entry: 'cmpxchg',
  steps: {
    cmpxchg: {
      cite: 'mm/slub.c (v6.19) deactivate_slab(): cmpxchg loop (F, frozen) -> (cpu freelist ++ F, inuse - free_delta, unfrozen) (D1-D3)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        const sl = x.d.slabs[x.f.l.slab as SlabId]!;
        const cpuFree = chain(x.d.fp, (x.f.l.held_chain as Obj | null) ?? null);
        x.f.l.remote_frees = sl.freelist !== null;
        if (cpuFree.length > 0) {
          x.d.fp[cpuFree[cpuFree.length - 1]!] = sl.freelist; // tail->next = old.freelist (private object)
          sl.freelist = cpuFree[0]!;
          sl.inuse -= cpuFree.length;
        }
        sl.frozen = false;
        x.f.l.held_chain = null;
        x.f.l.inuse = sl.inuse;
        x.f.l.has_free = sl.freelist !== null;
        goto(x, 'decide');
      },
    },
    decide: {
      cite: 'mm/slub.c (v6.19) deactivate_slab(): racy n->nr_partial >= min_partial for an empty slab -> discard_slab; full -> no list (D4)',
      reads: ['node.nr_partial'],
      writes: ['node.nr_slabs'],
      run: (x) => {
        const k = x.f.l.slab as SlabId;
        const n = x.d.slabs[k]!.node;
        if (x.f.l.inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) {
          seen(x.d, 'deactivate_empty');
          discard_slab(x.d, x.ctx, k);
          return ret(x, null);
        }
        if (x.f.l.has_free) return goto(x, 'add_partial');
        seen(x.d, 'deactivate_full');
        ret(x, null);
      },
    },
    add_partial: {
      cite: 'mm/slub.c (v6.19) deactivate_slab(): spin_lock_irqsave(list_lock); add_partial(head or tail) (D4)',
      reads: ['node.list_lock'],
      writes: ['node.list', 'slab{slab}.links'],
      guard: (s, _ctx, l) => lockFree(s, s.slabs[l.slab as SlabId]!.node),
      run: (x) => {
        const k = x.f.l.slab as SlabId;
        const n = x.d.slabs[k]!.node;
        lock(x.d, x.ctx, n);
        add_partial(x.d, x.ctx, n, k, x.f.l.remote_frees === true);
        unlock(x.d, x.ctx, n);
        ret(x, null);
      },
    },
  },
};

// kmalloc_nolock() (17c38c88 [INT] and 7.x [7x] mm/slub.c; docs/findings.md
// sources): an allocation that may neither block nor spin, safe from any
// context. What this abstracts and why:
// - alloc_from_pcs() first: its gfp allows no reclaim, so an empty main it
//   cannot replace from the spare or the barn is not refilled (the same
//   path as GFP_ATOMIC, and `nospin` keeps patches that let GFP_ATOMIC refill
//   from refilling here); its barn trylocks always succeed here (a gap:
//   another CPU of the node inside a barn section would make one fail).
// - then __slab_alloc_node() -> ___slab_alloc() with allow_spin false:
//   get_from_partial_node() only trylocks list_lock (a held lock skips the
//   node), and alloc_from_new_slab() trylocks it before it takes from a new
//   slab that will have objects left; failing, it discards the new slab and
//   ___slab_alloc() returns NULL instead of trying again.
// - kmalloc_nolock() then retries once in the next kmalloc bucket, another
//   cache: outside the model, so the operation ends with nothing.
// The kmalloc size buckets are the one modelled cache. Not modelled: NMI
// context (17c38c88's in_nmi() && local_lock_is_locked() test), v6.19's
// kmalloc_nolock() (its cpu-slab path with local_lock_is_locked() and
// deferred deactivations): refused there.
import { call, fn, goto, type FnDef } from '../kernel.ts';
import { handOut } from './client.ts';
import { T, type Obj } from '../state.ts';

interface L {
  ret: Obj | null;
}

export const kmalloc_nolock: FnDef<L> = fn<L>({
  entry: 'alloc_from_pcs',
  locals: { ret: T.obj },
  steps: {
    alloc_from_pcs: {
      local: true,
      cite: 'mm/slub.c kmalloc_nolock(): alloc_gfp = __GFP_NOWARN | __GFP_NOMEMALLOC | gfp_flags (no reclaim: no refill); ret = alloc_from_pcs(s, alloc_gfp, node)',
      reads: [],
      writes: [],
      run: (x) => {
        if (x.e.p.sheaf_capacity > 0) return call(x, 'alloc_from_pcs', { gfp: 'GFP_ATOMIC', nospin: true }, 'slowpath');
        x.l.ret = null;
        goto(x, 'slowpath');
      },
    },
    slowpath: {
      local: true,
      cite: 'mm/slub.c kmalloc_nolock(): if (!ret) ret = __slab_alloc_node(s, alloc_gfp, ...) with allow_spin false',
      reads: [],
      writes: [],
      run: (x) => (x.l.ret !== null ? goto(x, 'return') : call(x, '__slab_alloc_node', { nospin: true }, 'return')),
    },
    return: {
      local: true,
      cite: 'mm/slub.c kmalloc_nolock(): NULL -> retry once in the next kmalloc bucket (another cache: not modelled); the object goes to the caller',
      reads: [],
      writes: [],
      run: (x) => {
        if (x.l.ret !== null) handOut(x, x.l.ret);
        x.d.ctx[x.ctx]!.stack.pop();
      },
    },
  },
});

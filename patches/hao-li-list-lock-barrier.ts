// Hao Li's workaround from the thread (../shared/seeds, SEED0; reference
// §3.4), proposed so that bisection could continue at 17c38c88: in
// __slab_free(), in the branch that puts a full slab on the CPU partial list,
// take and release n->list_lock before calling put_cpu_partial(). A free
// that saw the slab full because get_from_partial_node() just took its last
// object then waits until that allocation has unlinked the slab.
//
//  	} else if (IS_ENABLED(CONFIG_SLUB_CPU_PARTIAL) && was_full) {
// +		spin_lock_irqsave(&n->list_lock, flags);
// +		/* Let this empty critical section push back put_cpu_partial ... */
// +		spin_unlock_irqrestore(&n->list_lock, flags);
//  		put_cpu_partial(s, slab, 1);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, call, lockFree, seen }: PatchApi) =>
  definePatch({
    name: 'hao-li-list-lock-barrier',
    summary: "Hao Li's workaround: take and release n->list_lock in __slab_free() before put_cpu_partial()",
    appliesTo: ['17c38c88'],
    steps: {
      '__slab_free/put_cpu_partial': {
        cite: 'mm/slub.c (17c38c88 + Hao Li) __slab_free(): spin_lock_irqsave(&n->list_lock); spin_unlock_irqrestore(); put_cpu_partial(s, slab, 1)',
        reads: ['node.list_lock'],
        writes: [],
        // The empty critical section: it can only be passed while nobody holds the lock.
        guard: (x) => lockFree(x, x.d.slabs[x.l.slab]!.node),
        run: (x) => {
          seen(x, 'list_lock_barrier');
          call(x, 'put_cpu_partial', { slab: x.l.slab, drain: true }, 'done');
        },
      },
    },
  });

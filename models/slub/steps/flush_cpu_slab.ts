// v6.19 flush_cpu_slab() work (reference §2.1.6, FL1-FL3): runs on the target
// CPU from a workqueue worker: detach the cpu slab and its freelist under the
// local lock (bumping tid, which fails any preempted fast path on this CPU),
// deactivate it, then drain the CPU partial chain.
import { call, fn, goto, ret, type FnDef } from '../kernel.ts';
import { seen } from '../mm.ts';
import { detachChain } from './put_cpu_partial.ts';

export const flush_cpu_slab: FnDef = fn({
  entry: 'flush_slab',
  steps: {
    flush_slab: {
      cite: 'mm/slub.c flush_slab(): under local_lock_irqsave take c->slab and c->freelist, set both NULL, tid++ (FL1)',
      reads: ['cpu{cpu}.kmem_cache_cpu'],
      writes: ['cpu{cpu}.kmem_cache_cpu'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const slab = c.slab;
        const fl = c.freelist;
        c.slab = null;
        c.freelist = null;
        // tid exists only where the lockless fast paths read it (v6.19); later it is not state.
        if (x.e.v.cpuSlab) c.tid += x.e.tidStep;
        if (slab === null) return goto(x, 'put_partials');
        seen(x, 'cpuslab_flush');
        call(x, 'deactivate_slab', { slab, held_chain: fl }, 'put_partials');
      },
    },
    put_partials: {
      cite: 'mm/slub.c put_partials(): under local_lock take c->partial, set it NULL, then __put_partials() (FL3, PP3)',
      reads: ['cpu{cpu}.partial'],
      writes: ['cpu{cpu}.partial'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const head = c.partial;
        c.partial = null;
        if (head === null) return ret(x, null);
        detachChain(x, head);
        call(x, '__put_partials', { cur: head }, 'done');
      },
    },
    done: {
      local: true,
      cite: 'mm/slub.c flush_cpu_slab(): done',
      reads: [],
      writes: [],
      run: (x) => ret(x, null),
    },
  },
});

// v6.19 __kmem_cache_alloc_bulk() (reference §2.1.7, checked against the
// v6.19-rc slab tree, docs/findings.md): the bulk allocator the v6.19 sheaf
// refill uses. With preemption off for the whole call (slub_get_cpu_ptr) it
// takes objects from c->freelist in ONE irq-off section under the cpu_slab
// local lock; when the cpu freelist runs dry it bumps tid (objects were
// taken without a tid bump, and ___slab_alloc() may re-enable interrupts),
// unlocks, calls ___slab_alloc() for one object (which installs a new cpu
// slab), and locks again. It is all or nothing: on failure it frees what it
// got (__kmem_cache_free_bulk()) and returns 0.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { takeHeld } from '../helpers.ts';
import { T, type ListView } from '../state.ts';

interface L {
  size: number;
  held: ListView;
  ret: number | null;
}

const preempt = (x: StepCtx, by: number) => {
  x.d.ctx[x.ctx]!.preempt += by;
};

export const __kmem_cache_alloc_bulk: FnDef<L> = fn<L>({
  entry: 'get_cpu_ptr',
  locals: { size: T.int(0, 'all'), held: T.held('all'), ret: T.ret },
  steps: {
    get_cpu_ptr: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_alloc_bulk(): c = slub_get_cpu_ptr(s->cpu_slab)',
      reads: [],
      writes: [],
      run: (x) => {
        preempt(x, 1);
        goto(x, 'alloc');
      },
    },
    alloc: {
      cite: 'mm/slub.c __kmem_cache_alloc_bulk(): under local_lock_irqsave(&s->cpu_slab->lock) take objects off c->freelist; dry -> c->tid = next_tid(c->tid), unlock, ___slab_alloc()',
      reads: ['cpu{cpu}.kmem_cache_cpu', 'object.freepointer'],
      writes: ['cpu{cpu}.kmem_cache_cpu'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        while (x.l.held.length < x.l.size && c.freelist !== null) {
          const o = c.freelist;
          c.freelist = x.d.fp(o);
          x.l.held.push(o);
        }
        // Bumped when done, and when dry before ___slab_alloc() (fd4d9c7d0c71 "mm: slub: add missing TID bump in kmem_cache_alloc_bulk()").
        c.tid += x.e.tidStep;
        if (x.l.held.length === x.l.size) {
          preempt(x, -1); // slub_put_cpu_ptr()
          return ret(x, takeHeld(x.l.held));
        }
        seen(x, 'bulk_alloc_slowpath');
        call(x, '___slab_alloc', {}, 'got');
      },
    },
    got: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_alloc_bulk(): p[i] = ___slab_alloc(); NULL -> error: free what we got, return 0',
      reads: [],
      writes: [],
      run: (x) => {
        const o = x.l.ret;
        x.l.ret = null;
        if (o !== null) {
          x.l.held.push(o);
          return goto(x, 'alloc');
        }
        preempt(x, -1);
        const got = takeHeld(x.l.held);
        if (got.length === 0) return ret(x, []);
        call(x, 'sheaf_flush_unused', { held: got }, 'failed'); // __kmem_cache_free_bulk(s, i, p)
      },
    },
    failed: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_alloc_bulk(): return 0',
      reads: [],
      writes: [],
      run: (x) => ret(x, []),
    },
  },
});

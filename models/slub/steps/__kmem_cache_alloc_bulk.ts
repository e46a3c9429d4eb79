// v6.19 __kmem_cache_alloc_bulk() (reference §2.1.7, confirmed in
// /work/notes: the v6.19-rc slab tree): the bulk allocator the v6.19 sheaf
// refill uses. With preemption off for the whole call (slub_get_cpu_ptr) it
// takes objects from c->freelist in ONE irq-off section under the cpu_slab
// local lock; when the cpu freelist runs dry it bumps tid (objects were
// taken without a tid bump, and ___slab_alloc() may re-enable interrupts),
// unlocks, calls ___slab_alloc() for one object (which installs a new cpu
// slab), and locks again. It is all or nothing: on failure it frees what it
// got (__kmem_cache_free_bulk()) and returns 0.
import type { FnDef, StepCtx } from '../kernel.ts';
import { call, goto, ret } from '../kernel.ts';
import { seen } from '../mm.ts';
import type { Obj } from '../state.ts';

const preempt = (x: StepCtx, by: number) => {
  x.d.ctx[x.ctx]!.preempt += by;
};

export const __kmem_cache_alloc_bulk: FnDef = {
  entry: 'get_cpu_ptr',
  steps: {
    get_cpu_ptr: {
      local: true,
      cite: 'mm/slub.c (v6.19) __kmem_cache_alloc_bulk(): c = slub_get_cpu_ptr(s->cpu_slab)',
      reads: [],
      writes: [],
      run: (x) => {
        preempt(x, 1);
        goto(x, 'alloc');
      },
    },
    alloc: {
      cite: 'mm/slub.c (v6.19) __kmem_cache_alloc_bulk(): under local_lock_irqsave(&s->cpu_slab->lock) take objects off c->freelist; dry -> c->tid = next_tid(c->tid), unlock, ___slab_alloc()',
      reads: ['cpu{cpu}.kmem_cache_cpu', 'object.freepointer'],
      writes: ['cpu{cpu}.kmem_cache_cpu'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const held = x.f.l.held as Obj[];
        const size = x.f.l.size as number;
        while (held.length < size && c.freelist !== null) {
          const o = c.freelist;
          c.freelist = x.d.fp[o] ?? null;
          held.push(o);
        }
        c.tid += x.e.tidStep;
        if (held.length === size) {
          preempt(x, -1); // slub_put_cpu_ptr()
          x.f.l.held = [];
          return ret(x, held);
        }
        seen(x.d, 'bulk_alloc_slowpath');
        call(x, '___slab_alloc', { gfp: x.f.l.gfp! }, 'got');
      },
    },
    got: {
      local: true,
      cite: 'mm/slub.c (v6.19) __kmem_cache_alloc_bulk(): p[i] = ___slab_alloc(); NULL -> error: free what we got, return 0',
      reads: [],
      writes: [],
      run: (x) => {
        const o = x.f.l.ret as Obj | null;
        x.f.l.ret = null;
        if (o !== null) {
          (x.f.l.held as Obj[]).push(o);
          return goto(x, 'alloc');
        }
        preempt(x, -1);
        const got = x.f.l.held as Obj[];
        x.f.l.held = [];
        if (got.length === 0) return ret(x, []);
        call(x, 'sheaf_flush_unused', { held: got }, 'failed'); // __kmem_cache_free_bulk(s, i, p)
      },
    },
    failed: {
      local: true,
      cite: 'mm/slub.c (v6.19) __kmem_cache_alloc_bulk(): return 0',
      reads: [],
      writes: [],
      run: (x) => ret(x, []),
    },
  },
};

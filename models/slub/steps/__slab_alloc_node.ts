// v6.19 allocation fast path, __slab_alloc_node() (reference §2.1.1, A1-A6):
// lockless and preemptible; the per-CPU cmpxchg on (c->freelist, c->tid)
// fails if an irq or another task on this CPU changed c in between.
import type { FnDef } from '../kernel.ts';
import { goto, ret, tailcall } from '../kernel.ts';
import type { Obj } from '../state.ts';

export const __slab_alloc_node_v619: FnDef = {
  entry: 'read_tid',
  steps: {
    read_tid: {
      cite: 'mm/slub.c (v6.19) __slab_alloc_node(): tid = READ_ONCE(c->tid) (A1)',
      reads: ['cpu{cpu}.tid'],
      writes: [],
      run: (x) => {
        x.f.l.tid = x.d.cpus[x.cpu]!.tid;
        goto(x, 'read_freelist');
      },
    },
    read_freelist: {
      cite: 'mm/slub.c (v6.19) __slab_alloc_node(): object = c->freelist; slab = c->slab; NULL -> __slab_alloc() (A2-A3)',
      reads: ['cpu{cpu}.freelist', 'cpu{cpu}.slab'],
      writes: [],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (c.freelist === null || c.slab === null) {
          tailcall(x, '__slab_alloc', { gfp: x.f.l.gfp! });
          return;
        }
        x.f.l.object = c.freelist;
        goto(x, 'read_next');
      },
    },
    read_next: {
      cite: 'mm/slub.c (v6.19) __slab_alloc_node(): next_object = get_freepointer_safe(s, object) (A4)',
      reads: ['object.freepointer'],
      writes: [],
      run: (x) => {
        // May read a stale pointer if the object was taken meanwhile; the cmpxchg then fails on tid.
        x.f.l.next = x.d.fp[x.f.l.object as Obj] ?? null;
        goto(x, 'cmpxchg');
      },
    },
    cmpxchg: {
      cite: 'mm/slub.c (v6.19) __slab_alloc_node(): this_cpu_try_cmpxchg_double(c->freelist, c->tid) (A5)',
      reads: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      writes: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const ok = c.freelist === x.f.l.object && (!x.e.v.tidInCmpxchg || c.tid === x.f.l.tid);
        if (!ok) {
          x.d.ghost.seen['cmpxchg_double_cpu_fail'] = true;
          goto(x, 'read_tid');
          return;
        }
        c.freelist = x.f.l.next as Obj | null;
        c.tid += x.e.tidStep;
        ret(x, x.f.l.object!);
      },
    },
  },
};

/** 17c38c88 and 7.0: no cpu slab, no lockless fast path: __slab_alloc_node() goes straight to ___slab_alloc(). */
export const __slab_alloc_node_nocpuslab: FnDef = {
  entry: 'call',
  steps: {
    call: {
      local: true,
      cite: 'mm/slub.c (17c38c88, 7.0) __slab_alloc_node(): ___slab_alloc()',
      reads: [],
      writes: [],
      run: (x) => tailcall(x, '___slab_alloc', { gfp: x.f.l.gfp! }),
    },
  },
};

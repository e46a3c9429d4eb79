// __slab_alloc_node(): the allocation path after the sheaves.
// - v6.19 (reference §2.1.1, A1-A6): the lockless fast path, preemptible;
//   the per-CPU cmpxchg on (c->freelist, c->tid) fails if an irq or another
//   task on this CPU changed c in between.
// - 17c38c88 and 7.0: no cpu slab, no fast path: straight to ___slab_alloc().
import { fn, goto, ret, tailcall, type FnDef } from '../kernel.ts';
import { seen } from '../mm.ts';
import { T, type Obj } from '../state.ts';

interface L {
  tid: number;
  object: Obj | null;
  next: Obj | null;
}

export const __slab_alloc_node_v619: FnDef<L> = fn<L>({
  entry: 'read_tid',
  locals: { tid: T.tid, object: T.obj, next: T.obj },
  steps: {
    read_tid: {
      cite: 'mm/slub.c __slab_alloc_node(): tid = READ_ONCE(c->tid) (A1)',
      reads: ['cpu{cpu}.tid'],
      writes: [],
      run: (x) => {
        x.l.tid = x.d.cpus[x.cpu]!.tid;
        goto(x, 'read_freelist');
      },
    },
    read_freelist: {
      cite: 'mm/slub.c __slab_alloc_node(): object = c->freelist; slab = c->slab; NULL -> __slab_alloc() (A2-A3)',
      reads: ['cpu{cpu}.freelist', 'cpu{cpu}.slab'],
      writes: [],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (c.freelist === null || c.slab === null) return tailcall(x, '__slab_alloc', {});
        x.l.object = c.freelist;
        goto(x, 'read_next');
      },
    },
    read_next: {
      cite: 'mm/slub.c __slab_alloc_node(): next_object = get_freepointer_safe(s, object) (A4)',
      reads: ['object.freepointer'],
      writes: [],
      run: (x) => {
        // May read a stale pointer if the object was taken meanwhile; the cmpxchg then fails on tid.
        x.l.next = x.d.fp(x.l.object!);
        goto(x, 'cmpxchg');
      },
    },
    cmpxchg: {
      cite: 'mm/slub.c __slab_alloc_node(): this_cpu_try_cmpxchg_double(c->freelist, c->tid) (A5)',
      reads: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      writes: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const ok = c.freelist === x.l.object && (!x.e.v.tidInCmpxchg || c.tid === x.l.tid);
        if (!ok) {
          seen(x, 'cmpxchg_double_cpu_fail');
          return goto(x, 'read_tid');
        }
        c.freelist = x.l.next;
        c.tid += x.e.tidStep;
        ret(x, x.l.object);
      },
    },
  },
});

/** 17c38c88 and 7.0: no cpu slab, no lockless fast path: __slab_alloc_node() goes straight to ___slab_alloc(). */
export const __slab_alloc_node_nocpuslab: FnDef<{ nospin: boolean }> = fn<{ nospin: boolean }>({
  entry: 'call',
  locals: { nospin: T.bool },
  steps: {
    call: {
      local: true,
      cite: 'mm/slub.c __slab_alloc_node(): ___slab_alloc()',
      reads: [],
      writes: [],
      run: (x) => tailcall(x, '___slab_alloc', x.l.nospin ? { nospin: true } : {}),
    },
  },
});

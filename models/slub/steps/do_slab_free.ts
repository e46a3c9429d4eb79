// v6.19 free fast path do_slab_free() (reference §2.1.2, F1-F4): lockless and
// preemptible; frees onto c->freelist with a per-CPU cmpxchg on
// (c->freelist, c->tid) when the object belongs to the cpu slab, else
// __slab_free(). The tid comparison is what makes a preempted free safe
// against flush_slab() on the same CPU (reference §5).
import { fn, goto, ret, tailcall, type FnDef } from '../kernel.ts';
import { seen } from '../mm.ts';
import { T, type ListView, type Obj, type SlabId } from '../state.ts';

interface L {
  slab: SlabId | null;
  head: Obj | null;
  tail: Obj | null;
  cnt: number;
  held: ListView;
  tid: number;
  freelist: Obj | null;
}

export const do_slab_free: FnDef<L> = fn<L>({
  entry: 'read_tid',
  locals: { slab: T.slab, head: T.obj, tail: T.obj, cnt: T.int(0, 'objects'), held: T.held('slab'), tid: T.tid, freelist: T.obj },
  steps: {
    read_tid: {
      cite: 'mm/slub.c do_slab_free(): c = raw_cpu_ptr(s->cpu_slab); tid = READ_ONCE(c->tid) (F1)',
      reads: ['cpu{cpu}.tid'],
      writes: [],
      run: (x) => {
        x.l.tid = x.d.cpus[x.cpu]!.tid;
        goto(x, 'check_slab');
      },
    },
    check_slab: {
      cite: 'mm/slub.c do_slab_free(): slab != READ_ONCE(c->slab) -> __slab_free(), or with cnt == 0 (kfree_nolock(), !allow_spin) defer_free() (F2)',
      reads: ['cpu{cpu}.slab'],
      writes: [],
      run: (x) => {
        if (x.d.cpus[x.cpu]!.slab !== x.l.slab) {
          const { slab, head, tail, cnt, held } = x.l;
          if (cnt === 0) return tailcall(x, 'defer_free', { held });
          return tailcall(x, '__slab_free', { slab, head, tail, cnt, held });
        }
        // kfree_nolock() defers here too when in_nmi() and the cpu_slab lock is held; NMIs are not modelled.
        if (x.l.cnt === 0) {
          seen(x, 'kfree_nolock_cpu_slab');
          x.l.cnt = 1;
        }
        goto(x, 'read_freelist');
      },
    },
    read_freelist: {
      cite: 'mm/slub.c do_slab_free(): freelist = READ_ONCE(c->freelist); set_freepointer(tail, freelist) (F3)',
      reads: ['cpu{cpu}.freelist'],
      writes: ['object.freepointer'],
      run: (x) => {
        const fl = x.d.cpus[x.cpu]!.freelist;
        x.l.freelist = fl;
        x.d.setFp(x.l.tail!, fl); // set_freepointer(tail, freelist): the objects are still private
        goto(x, 'cmpxchg');
      },
    },
    cmpxchg: {
      cite: 'mm/slub.c do_slab_free(): __update_cpu_freelist_fast(c->freelist, c->tid) -> (head, tid + 1) (F4)',
      reads: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      writes: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const ok = c.freelist === x.l.freelist && (!x.e.v.tidInCmpxchg || c.tid === x.l.tid);
        if (!ok) {
          seen(x, 'cmpxchg_double_cpu_fail');
          return goto(x, 'read_tid');
        }
        c.freelist = x.l.head;
        c.tid += x.e.tidStep;
        x.l.held.clear();
        seen(x, 'free_fastpath');
        ret(x, null);
      },
    },
  },
});

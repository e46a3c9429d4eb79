// v6.19 free fast path do_slab_free() (reference §2.1.2, F1-F4): lockless and
// preemptible; frees onto c->freelist with a per-CPU cmpxchg on
// (c->freelist, c->tid) when the object belongs to the cpu slab, else
// __slab_free(). The tid comparison is what makes a preempted free safe
// against flush_slab() on the same CPU (reference §5).
import type { FnDef } from '../kernel.ts';
import { goto, ret, tailcall } from '../kernel.ts';
import type { Obj } from '../state.ts';

export const do_slab_free: FnDef = {
  entry: 'read_tid',
  steps: {
    read_tid: {
      cite: 'mm/slub.c (v6.19) do_slab_free(): c = raw_cpu_ptr(s->cpu_slab); tid = READ_ONCE(c->tid) (F1)',
      reads: ['cpu{cpu}.tid'],
      writes: [],
      run: (x) => {
        x.f.l.tid = x.d.cpus[x.cpu]!.tid;
        goto(x, 'check_slab');
      },
    },
    check_slab: {
      cite: 'mm/slub.c (v6.19) do_slab_free(): slab != READ_ONCE(c->slab) -> __slab_free() (F2)',
      reads: ['cpu{cpu}.slab'],
      writes: [],
      run: (x) => {
        if (x.d.cpus[x.cpu]!.slab !== x.f.l.slab) {
          const { slab, head, tail, cnt, held } = x.f.l;
          tailcall(x, '__slab_free', { slab: slab!, head: head!, tail: tail!, cnt: cnt!, held: held! });
          return;
        }
        goto(x, 'read_freelist');
      },
    },
    read_freelist: {
      cite: 'mm/slub.c (v6.19) do_slab_free(): freelist = READ_ONCE(c->freelist); set_freepointer(tail, freelist) (F3)',
      reads: ['cpu{cpu}.freelist'],
      writes: ['object.freepointer'],
      run: (x) => {
        const fl = x.d.cpus[x.cpu]!.freelist;
        x.f.l.freelist = fl;
        x.d.fp[x.f.l.tail as Obj] = fl; // set_freepointer(tail, freelist): the objects are still private
        goto(x, 'cmpxchg');
      },
    },
    cmpxchg: {
      cite: 'mm/slub.c (v6.19) do_slab_free(): __update_cpu_freelist_fast(c->freelist, c->tid) -> (head, tid + 1) (F4)',
      reads: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      writes: ['cpu{cpu}.freelist', 'cpu{cpu}.tid'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const ok = c.freelist === x.f.l.freelist && (!x.e.v.tidInCmpxchg || c.tid === x.f.l.tid);
        if (!ok) {
          x.d.ghost.seen['cmpxchg_double_cpu_fail'] = true;
          return goto(x, 'read_tid');
        }
        c.freelist = x.f.l.head as Obj;
        c.tid += x.e.tidStep;
        x.f.l.held = [];
        x.d.ghost.seen['free_fastpath'] = true;
        ret(x, null);
      },
    },
  },
};

// kfree_nolock() and its deferred free (mm/slub.c of v6.19 [619], 17c38c88
// [INT] and 7.x [7x]; mm/slab_common.c [619] for the barrier; sources in
// docs/findings.md).
//
// What this abstracts and why: kfree_nolock() may run anywhere (NMI, under a
// raw spinlock), so it never spins.
// - v6.19: do_slab_free(s, slab, x, x, 0) ("cnt == 0 signals that it's
//   called from kfree_nolock()"): a free into the cpu slab goes through the
//   lockless per-CPU cmpxchg as usual; any other slab is deferred
//   (__slab_free() might need list_lock or put_cpu_partial()'s lock).
// - 17c38c88: free_to_pcs(s, x, false) for a local object, else
//   do_slab_free(cnt 0), whose c->slab is never set at this commit, so that
//   always defers; 7.0: free_to_pcs(s, x, false), else defer_free(). With
//   allow_spin false, __pcs_replace_full_main() gives up (pcs lock dropped,
//   free_to_pcs() false) wherever it would allocate an empty sheaf or flush
//   the spare. Its barn trylocks always succeed here (a gap: another CPU of
//   the node inside a barn section would make one fail; docs/model.md).
// Deferring is defer_free(): llist_add() onto this CPU's defer_free list (one
// atomic step; the llist link is the object's own free pointer, private to it
// while it sits there) and irq_work_queue(). The irq_work,
// free_deferred_objects(), runs in the CPU's hard irq context: it takes the
// whole list with llist_del_all() and __slab_free()s each object.
// kmem_cache_destroy() waits for it with defer_free_barrier()
// (irq_work_sync() on every CPU) before it shuts the cache down.
//
// Not modelled: NMI context (kfree_nolock() runs in the scenario's task or
// irq contexts; v6.19's in_nmi() && local_lock_is_locked() deferral is never
// taken), and v6.19's deferred slab deactivations (the `slabs` list of the
// same irq_work, fed only by its kmalloc_nolock()). The irq_work runs
// in the CPU's `irq` context: a scenario that may defer on a CPU without one
// is refused.
import { call, fn, goto, ret, rootReturn, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { isLocalNode, slabOfObj, takeHeld } from '../helpers.ts';
import { T, type ListView, type SlabId } from '../state.ts';

interface NolockL {
  held: ListView;
  ret: ListView;
}

const NOLOCK_LOCALS = { held: T.held(1), ret: T.held(1) };

interface DeferL {
  held: ListView;
}

interface DeferredL {
  held: ListView;
  ret: number | null;
}

/** The CPU of `x` has objects deferred, or its irq_work is running (irq_work_sync() would wait). */
export function deferPending(x: StepCtx, cpu: number): boolean {
  if (x.d.cpus[cpu]!.deferred.length > 0) return true;
  const irq = x.d.ctx[`cpu${cpu}/irq`];
  if (!irq) return false;
  for (let i = 0; i < irq.stack.length; i++) if (irq.stack.frames[i]!.fn === 'free_deferred_objects') return true;
  return false;
}

const hooksCite = 'mm/slub.c kfree_nolock(): kasan_slab_free(..., skip quarantine); ';

/** The object kfree_nolock() frees and its slab (KASAN poisons it but skips the quarantine: "kasan quarantine takes locks and not supported from NMI"). */
const freed = (x: StepCtx<NolockL>): { o: number; slab: SlabId } => {
  const o = x.l.held.at(0);
  return { o, slab: slabOfObj(x.e.p, o) };
};

/** 17c38c88 and 7.0: the percpu sheaves first (allow_spin false), defer_free() for what they do not take. */
export const kfree_nolock: FnDef<NolockL> = fn<NolockL>({
  entry: 'hooks',
  locals: NOLOCK_LOCALS,
  steps: {
    hooks: {
      local: true,
      cite: hooksCite + 'free_to_pcs(s, x, false) for an object of the local node (7.0 can_free_to_pcs())',
      reads: [],
      writes: [],
      run: (x) => {
        const { slab } = freed(x);
        if (x.e.p.sheaf_capacity > 0 && isLocalNode(x, slab)) return call(x, 'free_to_pcs', { slab, held: takeHeld(x.l.held), nospin: true }, 'defer');
        x.l.ret.set(takeHeld(x.l.held));
        goto(x, 'defer');
      },
    },
    defer: {
      local: true,
      cite: 'mm/slub.c kfree_nolock(): free_to_pcs() failed or a remote object -> defer_free(s, x) (17c38c88: do_slab_free(cnt 0), whose c->slab is never set, defers)',
      reads: [],
      writes: [],
      run: (x) => {
        const back = takeHeld(x.l.ret);
        if (back.length === 0) return goto(x, 'return');
        call(x, 'defer_free', { held: back }, 'return');
      },
    },
    return: rootReturn('mm/slub.c kfree_nolock(): returned to the caller'),
  },
});

/** v6.19: do_slab_free(cnt 0), which frees into the cpu slab or defers; no sheaves. */
export const kfree_nolock_v619: FnDef<NolockL> = fn<NolockL>({
  entry: 'hooks',
  locals: NOLOCK_LOCALS,
  steps: {
    hooks: {
      local: true,
      cite: hooksCite + 'do_slab_free(s, slab, x, x, 0, _RET_IP_)',
      reads: [],
      writes: [],
      run: (x) => {
        const { o, slab } = freed(x);
        call(x, 'do_slab_free', { slab, head: o, tail: o, cnt: 0, held: takeHeld(x.l.held) }, 'return');
      },
    },
    return: rootReturn('mm/slub.c kfree_nolock(): returned to the caller'),
  },
});

/** The deferred free every version has: defer_free(), its irq_work, and the irq_work's root frame. */
export const nolockFns: { readonly [fn: string]: FnDef<any> } = {
  defer_free: fn<DeferL>({
    entry: 'llist_add',
    locals: { held: T.held(1) },
    steps: {
      llist_add: {
        cite: 'mm/slub.c defer_free(): llist_add(head + s->offset, &df->objects) on this CPU, irq_work_queue(&df->work) if the list was empty',
        reads: ['cpu{cpu}.defer_free'],
        writes: ['cpu{cpu}.defer_free'],
        run: (x) => {
          x.d.cpus[x.cpu]!.deferred.push(x.l.held.at(0));
          x.l.held.clear();
          seen(x, 'defer_free');
          ret(x, null);
        },
      },
    },
  }),
  free_deferred_objects: fn<DeferredL>({
    entry: 'llist_del_all',
    locals: { held: T.held('all'), ret: T.ret },
    steps: {
      llist_del_all: {
        cite: 'mm/slub.c free_deferred_objects(): llnode = llist_del_all(&df->objects)',
        reads: ['cpu{cpu}.defer_free'],
        writes: ['cpu{cpu}.defer_free'],
        run: (x) => {
          const list = x.d.cpus[x.cpu]!.deferred;
          // llist_del_all() hands the list back newest first.
          x.l.held.set(list.toArray().reverse());
          list.clear();
          goto(x, 'free');
        },
      },
      free: {
        local: true,
        cite: 'mm/slub.c free_deferred_objects(): for each: set_freepointer(s, x, NULL); __slab_free(s, slab, x, x, 1)',
        reads: [],
        writes: ['object.freepointer'],
        run: (x) => {
          const objs = x.l.held.toArray();
          if (objs.length === 0) return ret(x, null);
          const o = objs[0]!;
          x.l.held.set(objs.slice(1));
          x.d.setFp(o, null);
          seen(x, 'deferred_free_ran');
          call(x, '__slab_free', { slab: slabOfObj(x.e.p, o), head: o, tail: o, cnt: 1, held: [o] }, 'free');
        },
      },
    },
  }),
  irq_work_single: fn({
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'kernel/irq_work.c irq_work_single(): the defer_free irq_work runs in hard irq context on its CPU',
        reads: [],
        writes: [],
        run: (x) => call(x, 'free_deferred_objects', {}, 'return'),
      },
      return: rootReturn('kernel/irq_work.c irq_work_single(): the work function returned; the work is no longer busy'),
    },
  }),
};

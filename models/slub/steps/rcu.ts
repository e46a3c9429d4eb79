// RCU and workqueues, as far as slab needs them (reference §1.7, §2.3.6).
//
// What this abstracts and why:
// - call_rcu() appends a callback to the calling CPU's queue. A grace period
//   is an environment step (`rcu/gp`) that makes every callback queued so
//   far ready; ready callbacks run in the softirq context of their CPU, in
//   order, and leave the queue when they return. Callbacks queued after a
//   grace period wait for the next one, so every order of queueing, grace
//   periods and invocations the kernel allows is reachable.
// - rcu_barrier() returns only once every callback queued before it has
//   finished (it waits on their ids).
// - queue_work_on(cpu) appends a work item to that CPU's worker; flush_work()
//   returns when the work function has returned: whatever it passed to
//   call_rcu() may still be pending.
import type { FnDef, StepCtx } from '../kernel.ts';
import { call, goto, ret, rootFn } from '../kernel.ts';
import { seen } from '../mm.ts';
import { freeNextHeld, hasBarn } from '../helpers.ts';
import type { Obj, RcuCb, RcuFn, SlubState, Work, WorkFn } from '../state.ts';
import { kasan_quarantine_put } from './kasan.ts';

// kernel/rcu/tree.c call_rcu(): queue on this CPU.
export function call_rcu(x: StepCtx, fn: RcuFn, objs: readonly Obj[]): void {
  const id = x.d.cache.seq++;
  (x.d.cpus[x.cpu]!.rcu_cbs as RcuCb[]).push({ id, fn, objs: [...objs], ready: false, running: false });
}

// kernel/workqueue.c queue_work_on(): queue on `cpu`'s worker; returns the item id.
export function queue_work_on(x: StepCtx, cpu: number, fn: WorkFn): number {
  const id = x.d.cache.seq++;
  (x.d.cpus[cpu]!.work as Work[]).push({ id, fn, running: false });
  return id;
}

/** flush_work() of every id in `ids` has returned. */
export function worksDone(s: SlubState, ids: readonly number[]): boolean {
  return s.cpus.every((c) => c.work.every((w) => !ids.includes(w.id)));
}

export const rcu_barrier: FnDef = {
  entry: 'start',
  steps: {
    start: {
      local: true,
      cite: 'kernel/rcu/tree.c rcu_barrier(): wait for every callback queued before this call',
      reads: [],
      writes: [],
      run: (x) => {
        x.f.l.upto = x.d.cache.seq;
        goto(x, 'wait');
      },
    },
    wait: {
      cite: 'kernel/rcu/tree.c rcu_barrier(): returns once those callbacks have finished',
      reads: ['cpu*.rcu_cbs'],
      writes: [],
      guard: (s, _ctx, l) => s.cpus.every((c) => c.rcu_cbs.every((cb) => cb.id >= (l.upto as number))),
      run: (x) => {
        seen(x.d, 'rcu_barrier');
        ret(x, null);
      },
    },
  },
};

/** slab_free_hook(after_rcu_delay) for each object: under generic KASAN every object goes to this CPU's quarantine. */
function free_hooks(x: StepCtx): void {
  if (!x.d.cache.kasan) return;
  for (const o of x.f.l.held as Obj[]) kasan_quarantine_put(x, o);
  x.f.l.held = [];
}

const done = {
  local: true,
  cite: 'mm/slub.c (7.0) rcu_free_sheaf(): return',
  reads: [],
  writes: [],
  run: (x: StepCtx) => ret(x, null),
} as const;

export const rcuFns: { readonly [fn: string]: FnDef } = {
  rcu_do_batch: {
    entry: 'invoke',
    steps: {
      invoke: {
        local: true,
        cite: 'kernel/rcu/tree.c rcu_do_batch(): invoke the callback',
        reads: [],
        writes: [],
        run: (x) => {
          const held = x.f.l.held as Obj[];
          x.f.l.held = [];
          call(x, x.f.l.cbfn as string, { held }, 'return');
        },
      },
      return: rootFn('kernel/rcu/tree.c rcu_do_batch(): the callback returned; it leaves the queue', (x) => {
        const c = x.d.cpus[x.cpu]!;
        c.rcu_cbs = c.rcu_cbs.filter((cb) => cb.id !== x.f.l.cb);
      }).steps.return!,
    },
  },
  process_one_work: {
    entry: 'invoke',
    steps: {
      invoke: {
        local: true,
        cite: 'kernel/workqueue.c process_one_work(): call the work function',
        reads: [],
        writes: [],
        run: (x) => call(x, x.f.l.workfn as string, {}, 'return'),
      },
      return: rootFn('kernel/workqueue.c process_one_work(): the work function returned; flush_work() may return', (x) => {
        const c = x.d.cpus[x.cpu]!;
        c.work = c.work.filter((w) => w.id !== x.f.l.work);
      }).steps.return!,
    },
  },
  rcu_free_sheaf_nobarn: {
    entry: 'prepare',
    steps: {
      prepare: {
        cite: 'mm/slub.c (7.0) rcu_free_sheaf_nobarn(): __rcu_free_sheaf_prepare() runs slab_free_hook(after_rcu_delay) per object; kept objects leave the sheaf (KR5)',
        reads: ['cpu{cpu}.quarantine'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          seen(x.d, 'rcu_sheaf_callback');
          if (x.d.cache.kasan_shutdown_done) seen(x.d, 'rcu_callback_after_kasan_cache_shutdown');
          free_hooks(x);
          call(x, 'sheaf_flush_unused', { held: x.f.l.held! }, 'done');
          x.f.l.held = [];
        },
      },
      done,
    },
  },
  rcu_free_sheaf: {
    entry: 'prepare',
    steps: {
      prepare: {
        cite: 'mm/slub.c (7.0) rcu_free_sheaf(): prepare; then barn_put_full_sheaf() if nr_full < MAX_FULL_SHEAVES, else sheaf_flush_unused() (KR4)',
        reads: ['cpu{cpu}.quarantine', 'node.barn'],
        writes: ['cpu{cpu}.quarantine', 'node.barn'],
        run: (x) => {
          seen(x.d, 'rcu_sheaf_callback');
          if (x.d.cache.kasan_shutdown_done) seen(x.d, 'rcu_callback_after_kasan_cache_shutdown');
          free_hooks(x);
          const objs = x.f.l.held as Obj[];
          const barn = hasBarn(x.d, x.cpu) ? x.d.nodes[x.d.cpus[x.cpu]!.node]!.barn : null;
          if (objs.length === 0) {
            if (barn && barn.empty < x.e.p.barn_max) barn.empty++;
            return ret(x, null);
          }
          if (barn && barn.full.length < x.e.p.barn_max) {
            (barn.full as Obj[][]).push([...objs]);
            x.f.l.held = [];
            seen(x.d, 'barn_put');
            return ret(x, null);
          }
          call(x, 'sheaf_flush_unused', { held: [...objs] }, 'done');
          x.f.l.held = [];
        },
      },
      done,
    },
  },
  kvfree_rcu_bulk: {
    entry: 'prepare',
    steps: {
      prepare: {
        cite: 'mm/slab_common.c kvfree_rcu_bulk(): after a grace period free the batch: kmem_cache_free_bulk() -> slab_free_hook() per object',
        reads: ['cpu{cpu}.quarantine'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          if (x.d.cache.kasan_shutdown_done) seen(x.d, 'rcu_callback_after_kasan_cache_shutdown');
          free_hooks(x);
          goto(x, 'free_one');
        },
      },
      free_one: {
        local: true,
        cite: 'mm/slub.c kmem_cache_free_bulk(): free each object to its slab',
        reads: [],
        writes: [],
        run: (x) => freeNextHeld(x, 'free_one'),
      },
    },
  },
  flush_rcu_sheaf: {
    entry: 'detach',
    steps: {
      detach: {
        cite: 'mm/slub.c (7.0) flush_rcu_sheaf(): local_lock(pcs), detach rcu_free, unlock; call_rcu(rcu_free_sheaf_nobarn) (KR6)',
        reads: ['cpu{cpu}.pcs'],
        writes: ['cpu{cpu}.pcs', 'cpu{cpu}.rcu_cbs'],
        guard: (s, ctx) => s.cpus[Number(ctx.slice(3, ctx.indexOf('/')))]!.pcs_lock === null,
        run: (x) => {
          const c = x.d.cpus[x.cpu]!;
          const sheaf = c.rcu_free;
          c.rcu_free = null;
          if (sheaf !== null) call_rcu(x, 'rcu_free_sheaf_nobarn', sheaf);
          ret(x, null);
        },
      },
    },
  },
};

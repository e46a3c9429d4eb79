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
import { call, fn, goto, ret, rootReturn, type FnDef, type StepCtx } from '../kernel.ts';
import { seen, leak } from '../mm.ts';
import { freeNextHeld, hasBarn, takeHeld } from '../helpers.ts';
import { RCU_FNS, T, WORK_FNS, type ListView, type Obj, type RcuFn, type SlubState, type WorkFn } from '../state.ts';
import { barn_lock, barn_unlock, barnLockFree, pcsFree } from '../locks.ts';
import { kasan_quarantine_put } from './kasan.ts';

// kernel/rcu/tree.c call_rcu(): queue on this CPU.
export function call_rcu(x: StepCtx, fnName: RcuFn, objs: readonly Obj[]): void {
  const id = x.d.cache.seq;
  x.d.cache.seq = id + 1;
  x.d.cpus[x.cpu]!.rcu_cbs.append().load(id, fnName, objs, false, false);
}

// kernel/workqueue.c queue_work_on(): queue on `cpu`'s worker; returns the item id.
export function queue_work_on(x: StepCtx, cpu: number, fnName: WorkFn): number {
  const id = x.d.cache.seq;
  x.d.cache.seq = id + 1;
  x.d.cpus[cpu]!.work.append().load(id, fnName, false);
  return id;
}

/** flush_work() of every id in `ids` has returned. */
export function worksDone(s: SlubState, ids: ArrayLike<number>): boolean {
  for (const c of s.cpus) for (const w of c.work.toArray()) for (let i = 0; i < ids.length; i++) if (w.id === ids[i]) return false;
  return true;
}

interface BarrierL {
  upto: number;
}

export const rcu_barrier: FnDef<BarrierL> = fn<BarrierL>({
  entry: 'start',
  locals: { upto: T.int(0, 'counter') },
  steps: {
    start: {
      local: true,
      cite: 'kernel/rcu/tree.c rcu_barrier(): wait for every callback queued before this call',
      reads: [],
      writes: [],
      run: (x) => {
        x.l.upto = x.d.cache.seq;
        goto(x, 'wait');
      },
    },
    wait: {
      cite: 'kernel/rcu/tree.c rcu_barrier(): returns once those callbacks have finished',
      reads: ['cpu*.rcu_cbs'],
      writes: [],
      guard: (x) => x.d.cpus.every((c) => c.rcu_cbs.toArray().every((cb) => cb.id >= x.l.upto)),
      run: (x) => {
        seen(x, 'rcu_barrier');
        ret(x, null);
      },
    },
  },
});

interface CbL {
  held: ListView;
  ret: number | null;
  /** rcu_free_sheaf(): the barn's node, and the nr_full (or nr_empty) read under its lock. */
  n?: number;
  slot?: number;
}

/** slab_free_hook(after_rcu_delay) for each object: under generic KASAN every object goes to this CPU's quarantine. */
function free_hooks(x: StepCtx<CbL>): void {
  if (!x.d.cache.kasan) return;
  for (const o of takeHeld(x.l.held)) kasan_quarantine_put(x, o);
}

const done = {
  local: true,
  cite: 'mm/slub.c rcu_free_sheaf(): return',
  reads: [],
  writes: [],
  run: (x: StepCtx) => ret(x, null),
} as const;

interface BatchL {
  cb: number;
  cbfn: string;
  held: ListView;
}

interface WorkL {
  work: number;
  workfn: string;
}

export const rcuFns: { readonly [fn: string]: FnDef<any> } = {
  rcu_do_batch: fn<BatchL>({
    entry: 'invoke',
    locals: { cb: T.int(0, 'counter'), cbfn: T.enum(...RCU_FNS), held: T.held('sheaf') },
    steps: {
      invoke: {
        local: true,
        cite: 'kernel/rcu/tree.c rcu_do_batch(): invoke the callback',
        reads: [],
        writes: [],
        run: (x) => call(x, x.l.cbfn, { held: takeHeld(x.l.held) }, 'return'),
      },
      return: rootReturn('kernel/rcu/tree.c rcu_do_batch(): the callback returned; it leaves the queue', (x) => {
        x.d.cpus[x.cpu]!.rcu_cbs.remove(x.l.cb as number);
      }),
    },
  }),
  process_one_work: fn<WorkL>({
    entry: 'invoke',
    locals: { work: T.int(0, 'counter'), workfn: T.enum(...WORK_FNS) },
    steps: {
      invoke: {
        local: true,
        cite: 'kernel/workqueue.c process_one_work(): call the work function',
        reads: [],
        writes: [],
        run: (x) => call(x, x.l.workfn, {}, 'return'),
      },
      return: rootReturn('kernel/workqueue.c process_one_work(): the work function returned; flush_work() may return', (x) => {
        x.d.cpus[x.cpu]!.work.remove(x.l.work as number);
      }),
    },
  }),
  rcu_free_sheaf_nobarn: fn<CbL>({
    entry: 'prepare',
    locals: { held: T.held('sheaf'), ret: T.ret },
    steps: {
      prepare: {
        cite: 'mm/slub.c rcu_free_sheaf_nobarn(): __rcu_free_sheaf_prepare() runs slab_free_hook(after_rcu_delay) per object; kept objects leave the sheaf (KR5)',
        reads: ['cpu{cpu}.quarantine'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          seen(x, 'rcu_sheaf_callback');
          if (x.d.cache.kasan_shutdown_done) seen(x, 'rcu_callback_after_kasan_cache_shutdown');
          free_hooks(x);
          call(x, 'sheaf_flush_unused', { held: takeHeld(x.l.held) }, 'done');
        },
      },
      done,
    },
  }),
  rcu_free_sheaf: fn<CbL>({
    entry: 'prepare',
    locals: { held: T.held('sheaf'), ret: T.ret, n: T.node, slot: T.int(0, 'counter') },
    steps: {
      prepare: {
        cite: 'mm/slub.c rcu_free_sheaf(): prepare; then, if data_race(barn->nr_full) < MAX_FULL_SHEAVES (nr_empty for an emptied sheaf), barn_put_full_sheaf(), else sheaf_flush_unused() (KR4)',
        reads: ['cpu{cpu}.quarantine', 'node.barn'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          seen(x, 'rcu_sheaf_callback');
          if (x.d.cache.kasan_shutdown_done) seen(x, 'rcu_callback_after_kasan_cache_shutdown');
          free_hooks(x);
          const empty = x.l.held.length === 0;
          const barn = hasBarn(x) ? x.d.nodes[x.d.cpus[x.cpu]!.node]!.barn : null;
          if (barn && (empty ? barn.empty : barn.fullCount) < x.e.p.barn_max) {
            x.l.n = x.d.cpus[x.cpu]!.node;
            return goto(x, 'barn_put');
          }
          if (empty) return ret(x, null); // free_empty_sheaf()
          call(x, 'sheaf_flush_unused', { held: takeHeld(x.l.held) }, 'done');
        },
      },
      barn_put: {
        cite: 'mm/slub.c barn_put_full_sheaf() / barn_put_empty_sheaf(): spin_lock_irqsave(&barn->lock); list_add_tail() at nr_full (nr_empty) (KR4)',
        reads: ['node{n}.barn'],
        writes: ['node{n}.barn_lock'],
        guard: (x) => barnLockFree(x, x.l.n!),
        run: (x) => {
          barn_lock(x, x.l.n!);
          const barn = x.d.nodes[x.l.n!]!.barn;
          x.l.slot = x.l.held.length === 0 ? barn.empty : barn.fullCount;
          goto(x, 'barn_store');
        },
      },
      barn_store: {
        under: 'barn_lock',
        cite: 'mm/slub.c barn_put_full_sheaf() / barn_put_empty_sheaf(): barn->nr_full++ (nr_empty++); spin_unlock_irqrestore() (KR4)',
        reads: [],
        writes: ['node{n}.barn', 'node{n}.barn_lock'],
        run: (x) => {
          const barn = x.d.nodes[x.l.n!]!.barn;
          if (x.l.held.length === 0) barn.empty = x.l.slot! + 1;
          else {
            const over = barn.fullSheaves().slice(x.l.slot!).flat();
            if (over.length > 0) leak(x, over, `barn_put_full_sheaf() stored its sheaf at nr_full ${x.l.slot}, over a sheaf put there since it read it`);
            barn.putFullAt(x.l.slot!, takeHeld(x.l.held));
            seen(x, 'barn_put');
          }
          x.l.slot = 0;
          barn_unlock(x, x.l.n!);
          ret(x, null);
        },
      },
      done,
    },
  }),
  kvfree_rcu_bulk: fn<CbL>({
    entry: 'prepare',
    locals: { held: T.held('sheaf'), ret: T.ret },
    steps: {
      prepare: {
        cite: 'mm/slab_common.c kvfree_rcu_bulk(): after a grace period free the batch: kmem_cache_free_bulk() -> slab_free_hook() per object',
        reads: ['cpu{cpu}.quarantine'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          if (x.d.cache.kasan_shutdown_done) seen(x, 'rcu_callback_after_kasan_cache_shutdown');
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
  }),
  flush_rcu_sheaf: fn({
    entry: 'detach',
    steps: {
      detach: {
        cite: 'mm/slub.c flush_rcu_sheaf(): local_lock(pcs), detach rcu_free, unlock; call_rcu(rcu_free_sheaf_nobarn) (KR6)',
        reads: ['cpu{cpu}.pcs'],
        writes: ['cpu{cpu}.pcs', 'cpu{cpu}.rcu_cbs'],
        guard: (x) => pcsFree(x),
        run: (x) => {
          const c = x.d.cpus[x.cpu]!;
          const sheaf = c.rcu_free.value;
          c.rcu_free.setNull();
          if (sheaf !== null) call_rcu(x, 'rcu_free_sheaf_nobarn', sheaf);
          ret(x, null);
        },
      },
    },
  }),
};

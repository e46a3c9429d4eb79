// kmem_cache_destroy() (mm/slab_common.c) and __kmem_cache_shutdown()
// (mm/slub.c), in the order of reference §2.3.7, K1-K8:
//   K1 kvfree_rcu_barrier_on_cache(): flush_rcu_sheaves_on_cache() (queue
//      flush_rcu_sheaf on every CPU, flush_work each), then, with the fix,
//      rcu_barrier(); then __kvfree_rcu_barrier() for the kfree_rcu batches.
//   K2, K4 (no SLUB_RCU_DEBUG; refcount 1 -> 0 under slab_mutex) change
//      nothing here and are folded. K3 defer_free_barrier(): wait until no
//      CPU has kfree_nolock() frees deferred or its irq_work running.
//   K5 kasan_cache_shutdown(): if the cache is not empty, purge its objects
//      from every CPU's quarantine, once.
//   K6 __kmem_cache_shutdown(): X1 flush_all_cpus_locked(), X2 rcu_barrier()
//      ("we might have rcu sheaves in flight"), X3 per node barn_shrink() and
//      free_partial(): a partial slab with objects in use is reported
//      ("Objects remaining on __kmem_cache_shutdown()") and the shutdown fails.
//   K7-K8: a failed shutdown leaks the cache.
import { call, fn, goto, ret, tailcall, type FnDef, type StepCtx } from '../kernel.ts';
import { discard_slab, kernelWarning, remove_partial, seen } from '../mm.ts';
import { takeHeld } from '../helpers.ts';
import { lock, lockFree, pcsFree, unlock } from '../locks.ts';
import { chain, nodeList, T, type ListView, type Obj, type SlabId, type SlubState } from '../state.ts';
import { call_rcu, queue_work_on, worksDone } from './rcu.ts';
import { deferPending } from './kfree_nolock.ts';

interface DestroyL {
  works: ListView;
  ret: number | null;
}

interface ShutdownL {
  n: number;
  ret: number | null;
}

interface FlushAllL {
  works: ListView;
  ret: number | null;
}

interface FlushL {
  held_rcu: ListView;
  ret: number | null;
}

/** __kmem_cache_empty(): no node has partial slabs or slabs at all. */
const cacheEmpty = (s: SlubState) => s.nodes.every((n) => n.nr_partial === 0 && n.nr_slabs === 0);

/** has_pcs_used(), and while kmem_cache_cpu exists (v6.19, 17c38c88) has_cpu_slab(): a cpu slab or CPU partial slabs. */
export function needsFlush(x: StepCtx, cpu: number): boolean {
  const c = x.d.cpus[cpu]!;
  return c.main.length > 0 || (c.spare.exists && c.spare.length > 0) || c.rcu_free.exists || c.slab !== null || c.partial !== null;
}

/** Where an in-use object is, for the "Objects remaining" report. */
function whereIs(s: SlubState, o: Obj): string {
  for (let i = 0; i < s.cpus.length; i++) {
    const c = s.cpus[i]!;
    if (c.quarantine.includes(o)) return `in cpu${i}'s KASAN quarantine`;
    if (c.deferred.includes(o)) return `deferred by kfree_nolock() on cpu${i}`;
    if (c.main.includes(o) || c.spare.includes(o) || c.rcu_free.includes(o)) return `in a sheaf of cpu${i}`;
    if (c.rcu_cbs.toArray().some((cb) => cb.objs.includes(o))) return `in an RCU callback pending on cpu${i}`;
  }
  for (const [name, c] of Object.entries(s.ctx)) if (c.owns.has(o)) return `owned by ${name}`;
  return 'in flight';
}

/**
 * barn_shrink() of the barns of `nodes`: under each barn lock splice out its
 * full and empty sheaves (one step), then sheaf_flush_unused() the objects
 * of the full ones; continues at `cont`.
 */
export function barn_shrink(x: StepCtx, nodes: readonly number[], cont: string): void {
  const objs: number[] = [];
  for (const n of nodes) {
    const barn = x.d.nodes[n]!.barn;
    objs.push(...barn.fullObjects());
    barn.clearFull();
    barn.empty = 0;
  }
  if (objs.length === 0) return goto(x, cont);
  call(x, 'sheaf_flush_unused', { held: objs }, cont);
}

export const kmem_cache_destroy: FnDef<DestroyL> = fn<DestroyL>({
  locals: { works: T.ids('cpus'), ret: T.ret },
  entry: 'kvfree_rcu_barrier_on_cache',
  steps: {
    kvfree_rcu_barrier_on_cache: {
      cite: 'mm/slab_common.c kmem_cache_destroy() -> kvfree_rcu_barrier_on_cache() -> flush_rcu_sheaves_on_cache(): queue_work_on(flush_rcu_sheaf) on every CPU (K1, KR7)',
      reads: [],
      writes: ['cpu*.work'],
      run: (x) => {
        x.d.cache.destroying = true;
        if (x.e.p.sheaf_capacity === 0) return goto(x, 'kvfree_rcu_barrier');
        x.l.works.set(x.d.cpus.map((_c, i) => queue_work_on(x, i, 'flush_rcu_sheaf')));
        goto(x, 'flush_work');
      },
    },
    flush_work: {
      cite: 'mm/slub.c flush_rcu_sheaves_on_cache(): flush_work() on each CPU: the sheaves are handed to call_rcu(), the callbacks may not have run (K1)',
      reads: ['cpu*.work'],
      writes: [],
      guard: (x) => worksDone(x.d, x.l.works.toArray()),
      run: (x) => {
        // The fix "mm/slab: add rcu_barrier() to kvfree_rcu_barrier_on_cache()" (SEED1); absent in v6.19 as released.
        if (x.e.v.kvfreeRcuBarrier) return call(x, 'rcu_barrier', {}, 'kvfree_rcu_barrier');
        goto(x, 'kvfree_rcu_barrier');
      },
    },
    kvfree_rcu_barrier: {
      cite: 'mm/slab_common.c __kvfree_rcu_barrier() -> kernel/workqueue.c flush_rcu_work(): a kfree_rcu batch still pending -> rcu_barrier(), then flush_work() (K1); K2-K4 change nothing here',
      reads: ['cpu*.rcu_cbs'],
      writes: [],
      run: (x) => {
        // flush_rcu_work() calls rcu_barrier() when the batch's rcu_work is pending, which waits for every
        // callback queued before it on any CPU, the rcu sheaf callbacks included (reference §0.6).
        const pending = x.d.cpus.some((c) => c.rcu_cbs.toArray().some((cb) => cb.fn === 'kvfree_rcu_bulk'));
        if (pending) return call(x, 'rcu_barrier', {}, 'defer_free_barrier');
        goto(x, 'defer_free_barrier');
      },
    },
    defer_free_barrier: {
      // Only reads, and only waits: fused into the step before it while nothing is deferred (so scenarios
      // without kfree_nolock() have no extra step), a step of its own while it has to wait.
      local: true,
      cite: 'mm/slab_common.c kmem_cache_destroy(): "Wait for deferred work from kmalloc/kfree_nolock()" defer_free_barrier(): irq_work_sync() of every CPU\'s defer_free work (K3)',
      reads: ['cpu*.defer_free'],
      writes: [],
      guard: (x) => x.d.cpus.every((_c, i) => !deferPending(x, i)),
      run: (x) => goto(x, 'kasan_cache_shutdown'),
    },
    kasan_cache_shutdown: {
      cite: 'mm/kasan/generic.c kasan_cache_shutdown(): if !__kmem_cache_empty() -> kasan_quarantine_remove_cache() (K5)',
      reads: ['node*.nr_partial', 'node*.nr_slabs'],
      writes: [],
      run: (x) => {
        if (x.d.cache.kasan && !cacheEmpty(x.d)) return call(x, 'kasan_quarantine_remove_cache', { i: 0 }, 'shutdown');
        goto(x, 'shutdown');
      },
    },
    shutdown: {
      local: true,
      cite: 'mm/slab_common.c kmem_cache_destroy(): err = __kmem_cache_shutdown(s) after kasan_cache_shutdown() returned (K6)',
      reads: [],
      writes: [],
      run: (x) => {
        if (x.d.cache.kasan) x.d.cache.kasan_shutdown_done = true;
        call(x, '__kmem_cache_shutdown', {}, 'done');
      },
    },
    done: {
      // Private: after __kmem_cache_shutdown()'s rcu_barrier() nothing else touches the barns.
      local: true,
      cite: 'mm/slab_common.c kmem_cache_destroy(): a failed shutdown WARNs and leaks the cache (K7-K8); a successful one ends in free_kmem_cache_nodes(): WARN_ON(barn->nr_full); WARN_ON(barn->nr_empty); kfree(barn)',
      reads: [],
      writes: [],
      run: (x) => {
        if (x.l.ret === 0) {
          x.d.nodes.forEach((n, i) => {
            if (n.barn.fullCount > 0 || n.barn.empty > 0) {
              kernelWarning(x, `free_kmem_cache_nodes(): WARN_ON(barn->nr_${n.barn.fullCount > 0 ? 'full' : 'empty'}): node${i}'s barn still holds ${n.barn.fullCount} full and ${n.barn.empty} empty sheaves, freed with it${n.barn.fullCount > 0 ? ` (objects ${n.barn.fullObjects().join(', ')} leak)` : ''}`);
            }
          });
        }
        ret(x, null);
      },
    },
  },
});

/**
 * __kmem_cache_shutdown() (mm/slub.c, v6.19, 17c38c88 and 7.0 alike,
 * reference §0.6): flush_all_cpus_locked(); rcu_barrier() if the cache has
 * sheaves; then for each node: barn_shrink(), free_partial(), and return 1
 * at the first node that still has partial slabs or slabs at all.
 */
/**
 * flush_all_cpus_locked() (K6 X1): queue the flush work on every CPU that
 * has something to flush, then flush_work() each. Its own function, since
 * kernel patches call it from new places (a second flush in the shutdown).
 */
export const flush_all_cpus_locked: FnDef<FlushAllL> = fn<FlushAllL>({
  locals: { works: T.ids('cpus'), ret: T.ret },
  entry: 'queue',
  steps: {
    queue: {
      cite: 'mm/slub.c flush_all_cpus_locked(): queue_work_on(cpu, flushwq, flush_cpu_slab / flush_cpu_sheaves) where has_cpu_slab() or has_pcs_used() (K6 X1)',
      reads: ['cpu*.pcs', 'cpu*.kmem_cache_cpu'],
      writes: ['cpu*.work'],
      run: (x) => {
        const works: number[] = [];
        x.d.cpus.forEach((_c, i) => {
          if (needsFlush(x, i)) works.push(queue_work_on(x, i, 'flush_cpu_sheaves'));
        });
        x.l.works.set(works);
        goto(x, 'wait');
      },
    },
    wait: {
      cite: 'mm/slub.c flush_all_cpus_locked(): flush_work() on each queued work (K6 X1)',
      reads: ['cpu*.work'],
      writes: [],
      guard: (x) => worksDone(x.d, x.l.works.toArray()),
      run: (x) => {
        x.l.works.clear();
        ret(x, null);
      },
    },
  },
});

export const __kmem_cache_shutdown: FnDef<ShutdownL> = fn<ShutdownL>({
  locals: { n: T.node, ret: T.ret },
  entry: 'flush_all_cpus_locked',
  steps: {
    flush_all_cpus_locked: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_shutdown(): flush_all_cpus_locked(s) (K6 X1)',
      reads: [],
      writes: [],
      run: (x) => call(x, 'flush_all_cpus_locked', {}, 'rcu_barrier'),
    },
    rcu_barrier: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_shutdown(): if (s->cpu_sheaves) rcu_barrier(): "we might have rcu sheaves in flight" (K6 X2)',
      reads: [],
      writes: [],
      run: (x) => (x.e.p.sheaf_capacity > 0 ? call(x, 'rcu_barrier', {}, 'for_each_node') : goto(x, 'for_each_node')),
    },
    for_each_node: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_shutdown(): for_each_kmem_cache_node(s, node, n) (K6 X3)',
      reads: [],
      writes: [],
      run: (x) => {
        x.l.n = x.d.nodes.findIndex((n) => n.memory);
        goto(x, 'barn_shrink');
      },
    },
    barn_shrink: {
      cite: 'mm/slub.c __kmem_cache_shutdown(): if (n->barn) barn_shrink(): under the barn lock splice out the full and empty sheaves, then sheaf_flush_unused() the full ones (K6 X3)',
      reads: ['node{n}.barn'],
      writes: ['node{n}.barn'],
      run: (x) => barn_shrink(x, [x.l.n], 'barn_shrunk'),
    },
    barn_shrunk: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_shutdown(): barn_shrink() returned; free_partial(s, n) next (K6 X3)',
      reads: [],
      writes: [],
      run: (x) => goto(x, 'free_partial'),
    },
    free_partial: {
      cite: 'mm/slub.c free_partial(): under list_lock discard empty partial slabs, list_slab_objects() "Objects remaining" for the others; nr_partial or node_nr_slabs() left -> return 1 (K6 X3, K7)',
      reads: ['node{n}.list_lock', 'node{n}.list', 'slab*.pair'],
      writes: ['node{n}.list', 'slab*.links'],
      guard: (x) => lockFree(x, x.l.n),
      run: (x) => {
        const n = x.l.n;
        lock(x, n);
        const discard: SlabId[] = [];
        const remaining: string[] = [];
        for (const k of nodeList(x.d, n)) {
          const sl = x.d.slabs[k]!;
          if (sl.inuse === 0) {
            remove_partial(x, n, k);
            discard.push(k);
          } else {
            const used = Array.from({ length: x.e.p.objects }, (_v, i) => k * x.e.p.objects + i).filter((o) => !chain(x.d, x.d.slabs[k]!.freelist, x.e.p.objects).includes(o));
            remaining.push(`S${k} (inuse ${sl.inuse}: ${used.map((o) => `object ${o} ${whereIs(x.d, o)}`).join(', ')})`);
          }
        }
        unlock(x, n);
        for (const k of discard) discard_slab(x, k);
        const node = x.d.nodes[n]!;
        if (remaining.length > 0 || node.nr_partial !== 0 || node.nr_slabs !== 0) {
          // if (n->nr_partial || node_nr_slabs(n)) return 1: the later nodes are not even shrunk.
          const why = remaining.length > 0 ? `Objects remaining on __kmem_cache_shutdown(): ${remaining.join('; ')}` : `node${n} still has ${node.nr_slabs} slabs in use (${offListSlabs(x.d, n)})`;
          x.d.ghost.first('destroy_failed', `kmem_cache_destroy: Slab cache still has objects: ${why}`);
          x.d.cache.destroyed = 'leaked';
          seen(x, 'destroy_failed');
          return ret(x, 1);
        }
        goto(x, 'next_node');
      },
    },
    next_node: {
      local: true,
      cite: 'mm/slub.c __kmem_cache_shutdown(): the next node, or return 0',
      reads: [],
      writes: [],
      run: (x) => {
        const next = x.d.nodes.findIndex((nd, i) => i > x.l.n && nd.memory);
        if (next >= 0) {
          x.l.n = next;
          return goto(x, 'barn_shrink');
        }
        x.d.cache.destroyed = 'ok';
        seen(x, 'cache_destroyed');
        ret(x, 0);
      },
    },
  },
});

/** Where the slabs of node n that free_partial() cannot see are: on a CPU partial list, or full on no list. */
function offListSlabs(s: SlubState, n: number): string {
  const where = s.slabs
    .map((sl, k) => [sl, k] as const)
    .filter(([sl]) => sl.live && sl.node === n && !sl.partial)
    .map(([sl, k]) => (sl.owner.startsWith('cpu') ? `S${k} on ${sl.owner}'s CPU partial list` : sl.freelist === null ? `S${k} full on no list` : `S${k} ${sl.owner === 'none' ? 'on no list' : `held by ${sl.owner}`}`));
  return where.join(', ') || 'slabs on no list';
}


export const flush_cpu_sheaves: FnDef<FlushL> = fn<FlushL>({
  locals: { held_rcu: T.held('sheaf'), ret: T.ret },
  entry: 'detach',
  steps: {
    detach: {
      cite: 'mm/slub.c pcs_flush_all(): local_lock(pcs); detach spare and rcu_free; unlock; flush the spare to the slabs',
      reads: ['cpu{cpu}.pcs'],
      writes: ['cpu{cpu}.pcs'],
      guard: (x) => pcsFree(x),
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const spare = c.spare.exists ? c.spare.toArray() : [];
        // A detached rcu_free sheaf is never empty while attached (it goes to call_rcu() when full, else holds objects).
        x.l.held_rcu.set(c.rcu_free.exists ? c.rcu_free.toArray() : []);
        const hadRcu = c.rcu_free.exists;
        c.spare.setNull();
        c.rcu_free.setNull();
        if (hadRcu && x.l.held_rcu.length === 0) x.l.held_rcu.set([]);
        if (spare.length === 0) return goto(x, 'call_rcu');
        call(x, 'sheaf_flush_unused', { held: spare }, 'call_rcu');
      },
    },
    call_rcu: {
      cite: 'mm/slub.c pcs_flush_all(): call_rcu(rcu_free_sheaf_nobarn) for the detached rcu_free sheaf',
      reads: [],
      writes: ['cpu{cpu}.rcu_cbs'],
      run: (x) => {
        const sheaf = takeHeld(x.l.held_rcu);
        if (sheaf.length > 0) call_rcu(x, 'rcu_free_sheaf_nobarn', sheaf);
        goto(x, 'sheaf_flush_main');
      },
    },
    sheaf_flush_main: {
      cite: 'mm/slub.c sheaf_flush_main(): local_trylock(pcs), take a batch off main, unlock, __kmem_cache_free_bulk()',
      reads: ['cpu{cpu}.pcs'],
      writes: ['cpu{cpu}.pcs'],
      guard: (x) => pcsFree(x),
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const all = c.main.toArray();
        const batch = all.slice(-32);
        c.main.set(all.slice(0, all.length - batch.length));
        if (batch.length === 0) return goto(x, 'done');
        call(x, 'sheaf_flush_unused', { held: batch }, 'sheaf_flush_main');
      },
    },
    done: {
      local: true,
      cite: 'mm/slub.c flush_cpu_slab(): after the sheaves, flush the cpu slab and the CPU partial slabs (FLA)',
      reads: [],
      writes: [],
      // Versions that still have kmem_cache_cpu (v6.19, 17c38c88) flush it too; 7.0 has no flush_cpu_slab.
      run: (x) => (x.e.fns.flush_cpu_slab ? tailcall(x, 'flush_cpu_slab', {}) : ret(x, null)),
    },
  },
});

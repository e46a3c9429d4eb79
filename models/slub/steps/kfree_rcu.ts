// kfree_rcu() of a slab object (reference §2.3.6, KR1-KR3): for a cache with
// sheaves and an object of the local node, __kfree_rcu_sheaf() collects it
// in the CPU's rcu_free sheaf and hands a full sheaf to call_rcu() before
// unlocking; otherwise the object goes to the ordinary kfree_rcu batching,
// modelled as one call_rcu() of a batch that __kvfree_rcu_barrier() drains.
import { fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { alloc_empty_sheaf, hasBarn, sheafAllocChoices, slabOfObj, takeHeld } from '../helpers.ts';
import { T, type ListView } from '../state.ts';
import { local_trylock, local_unlock } from '../locks.ts';
import { call_rcu } from './rcu.ts';

interface L {
  held: ListView;
}

/** do_free: push onto the rcu_free sheaf; a full sheaf goes to call_rcu(rcu_free_sheaf) before the unlock (KR2-KR3). */
function doFree(x: StepCtx<L>): void {
  const c = x.d.cpus[x.cpu]!;
  c.rcu_free.push(x.l.held.at(0));
  x.l.held.clear();
  seen(x, 'free_rcu_sheaf');
  if (c.rcu_free.length === x.e.p.sheaf_capacity) {
    const full = c.rcu_free.toArray();
    c.rcu_free.setNull();
    call_rcu(x, 'rcu_free_sheaf', full);
  }
  local_unlock(x);
  ret(x, null);
}

function batch(x: StepCtx<L>): void {
  seen(x, 'kvfree_rcu_batch');
  call_rcu(x, 'kvfree_rcu_bulk', takeHeld(x.l.held));
  ret(x, null);
}

export const kvfree_call_rcu: FnDef<L> = fn<L>({
  entry: 'dispatch',
  locals: { held: T.held(1) },
  steps: {
    dispatch: {
      local: true,
      cite: 'mm/slab_common.c kvfree_call_rcu(): __kfree_rcu_sheaf() only for a cache with sheaves and an object of the local node (§0.5 KR1), else the kfree_rcu batching',
      reads: [],
      writes: [],
      run: (x) => {
        const o = x.l.held.at(0);
        const c = x.d.cpus[x.cpu]!;
        const sheaf = x.e.p.sheaf_capacity > 0 && x.d.slabs[slabOfObj(x.e.p, o)]!.node === c.node && x.d.nodes[c.node]!.memory;
        goto(x, sheaf ? 'trylock' : 'batch');
      },
    },
    trylock: {
      cite: 'mm/slub.c __kfree_rcu_sheaf(): local_trylock(pcs), failing -> kfree_rcu batching (free_rcu_sheaf_fail) (KR1)',
      reads: ['cpu{cpu}.pcs_lock'],
      writes: ['cpu{cpu}.pcs_lock'],
      run: (x) => {
        if (!local_trylock(x)) return batch(x);
        goto(x, 'push');
      },
    },
    push: {
      localUnlessIrq: true,
      cite: 'mm/slub.c __kfree_rcu_sheaf(): get an rcu_free sheaf (empty spare, barn, or new); push; a full sheaf goes to call_rcu(rcu_free_sheaf) before unlocking (KR2-KR3)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn', 'cpu{cpu}.rcu_cbs'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (!c.rcu_free.exists) {
          if (c.spare.exists && c.spare.length === 0) c.spare.setNull();
          else if (hasBarn(x) && x.d.nodes[c.node]!.barn.empty > 0) x.d.nodes[c.node]!.barn.empty--;
          else if (x.d.cache.sheafFailuresLeft > 0) {
            // local_unlock(); alloc_empty_sheaf(GFP_NOWAIT), which the checker may fail; local_trylock() again.
            local_unlock(x);
            return goto(x, 'alloc_empty_sheaf');
          }
          // else alloc_empty_sheaf(GFP_NOWAIT) outside the lock, folded here while it cannot fail (docs/model.md)
          c.rcu_free.install([]);
        }
        doFree(x);
      },
    },
    alloc_empty_sheaf: {
      cite: 'mm/slub.c __kfree_rcu_sheaf(): local_unlock(); empty = alloc_empty_sheaf(s, GFP_NOWAIT); if (!empty) goto fail (false: kvfree_call_rcu() batches it)',
      choose: sheafAllocChoices,
      reads: ['cache.sheaf_failures_left'],
      writes: ['cache.sheaf_failures_left'],
      run: (x) => (alloc_empty_sheaf(x, 'kfree_rcu') ? goto(x, 'relock') : batch(x)),
    },
    relock: {
      cite: 'mm/slub.c __kfree_rcu_sheaf(): local_trylock() again, failing -> barn_put_empty_sheaf(), fail',
      reads: ['cpu{cpu}.pcs_lock', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs_lock', 'node{cpunode}.barn'],
      run: (x) => {
        if (local_trylock(x)) return goto(x, 'install');
        x.d.nodes[x.d.cpus[x.cpu]!.node]!.barn.empty++;
        batch(x);
      },
    },
    install: {
      localUnlessIrq: true,
      cite: 'mm/slub.c __kfree_rcu_sheaf(): pcs->rcu_free set meanwhile -> barn_put_empty_sheaf(), else it is the new sheaf; do_free',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn', 'cpu{cpu}.rcu_cbs'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const barn = x.d.nodes[c.node]!.barn;
        if (c.rcu_free.exists) barn.empty++;
        else c.rcu_free.install([]);
        doFree(x);
      },
    },
    batch: {
      cite: 'mm/slab_common.c kvfree_call_rcu(): no sheaf for this object: queue it for the kfree_rcu batching',
      reads: [],
      writes: ['cpu{cpu}.rcu_cbs'],
      run: batch,
    },
  },
});

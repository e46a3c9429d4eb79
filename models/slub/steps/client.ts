// The clients and the dispatch between them and the kernel paths.
//
// What this abstracts and why: an operation a context starts (an allocation,
// a free, kfree_rcu, a cache destroy, a work item, an RCU callback) is a root
// frame of a kernel function in the version's function table, at that
// function's entry label. The dispatch the kernel does before the first
// shared access (slab_alloc_node() choosing alloc_from_pcs() or the slab
// paths, slab_free() choosing free_to_pcs() or __slab_free()) is a set of
// private steps of those functions, so a patch can change it like any other
// step, and a patch that changes an entry label is honoured. Private steps
// read only constant data (cache parameters, node ids) and the context's own
// locals; they are fused into the first shared step after them.
import { call, fn, goto, ret, rootReturn, tailcall, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { isLocalNode, slabOfObj, takeHeld } from '../helpers.ts';
import { T, type ListView, type Obj, type Op, type SlubState } from '../state.ts';

/**
 * A context starts an operation: the client's bookkeeping (the script
 * advances or the budget of choices shrinks; a freed object leaves the
 * objects the client holds, for the root frame holds it now; a callback or
 * work item is marked running and its objects move to the frame), and the
 * root call the operation makes.
 */
export function beginOp(s: SlubState, ctx: string, cpu: number, op: Op, pool: string): { fn: string; args: Record<string, unknown> } {
  const root = rootCall(s, cpu, op);
  const c = s.ctx[ctx]!;
  if (op.op === 'rcu_callback') {
    const cb = s.cpus[cpu]!.rcu_cbs.find(op.cb)!;
    cb.running = true;
    cb.objs.clear();
  } else if (op.op === 'work') s.cpus[cpu]!.work.find(op.work)!.running = true;
  else if (op.op === 'irq_work') {
    // The environment's: the CPU's irq_work, raised by defer_free(); no script advances.
  } else if (c.opsLeft > 0) c.opIndex++;
  else c.budget--;
  if (op.op === 'kmem_cache_free' || op.op === 'kfree_rcu' || op.op === 'kfree_nolock') s.ctx[pool]!.owns.delete(op.obj);
  if (op.op === 'kmem_cache_free_bulk') {
    s.ctx[pool]!.owns.delete(op.obj);
    s.ctx[pool]!.owns.delete(op.obj2);
  }
  return root;
}

/** The function of the table an operation starts at, and its arguments. */
function rootCall(s: SlubState, cpu: number, op: Op): { fn: string; args: Record<string, unknown> } {
  switch (op.op) {
    case 'kmem_cache_alloc':
      return { fn: 'kmem_cache_alloc', args: { gfp: op.gfp } };
    case 'kmem_cache_free':
      return { fn: 'kmem_cache_free', args: { held: [op.obj] } };
    case 'kfree_rcu':
      return { fn: 'kfree_rcu', args: { held: [op.obj] } };
    case 'kfree_nolock':
      return { fn: 'kfree_nolock', args: { held: [op.obj] } };
    case 'kmalloc_nolock':
      return { fn: 'kmalloc_nolock', args: {} };
    case 'kmem_cache_free_bulk':
      return { fn: 'kmem_cache_free_bulk', args: { held: [op.obj, op.obj2] } };
    case 'kmem_cache_prefill_sheaf':
    case 'kmem_cache_alloc_from_sheaf':
    case 'kmem_cache_return_sheaf':
      return { fn: op.op, args: {} };
    case 'irq_work':
      return { fn: 'irq_work_single', args: {} };
    case 'kmem_cache_destroy':
      return { fn: 'kmem_cache_destroy_client', args: {} };
    case 'kmem_cache_alloc_bulk':
      return { fn: 'kmem_cache_alloc_bulk', args: {} };
    case 'flush_cpu_slab':
      return { fn: 'flush_cpu_slab_work', args: {} };
    case 'rcu_callback': {
      const cb = s.cpus[cpu]!.rcu_cbs.find(op.cb)!;
      return { fn: 'rcu_do_batch', args: { cb: cb.id, cbfn: cb.fn, held: cb.objs.toArray() } };
    }
    case 'work': {
      const w = s.cpus[cpu]!.work.find(op.work)!;
      return { fn: 'process_one_work', args: { work: w.id, workfn: w.fn } };
    }
    case 'free_any':
    case 'choose':
      throw new Error(`${op.op} is a choice between operations, not an operation`);
  }
}


interface AllocL {
  gfp: string | null;
  ret: Obj | null;
}
/** An allocated object goes to the client, who writes over its free pointer; handing out an object some client owns is a double allocation. */
export function handOut(x: StepCtx, o: Obj): void {
  for (const [name, c] of Object.entries(x.d.ctx)) {
    if (c.owns.has(o)) x.d.ghost.first('double_alloc', `object ${o} handed to ${x.ctx} while ${name} owns it`);
  }
  x.d.ctx[x.e.pool(x.ctx)]!.owns.add(o);
  x.d.setFp(o, null);
  seen(x, 'object_allocated');
}

/** How many objects a kmem_cache_alloc_bulk() operation asks for. */
export const BULK_SIZE = 2;

interface BulkL {
  ret: ListView;
}
interface HeldL {
  held: ListView;
  ret: number | null;
}
interface SlabFreeL {
  held: ListView;
  slab: number | null;
  ret: ListView;
}

export const clientFns: { readonly [fn: string]: FnDef<any> } = {
  kmem_cache_alloc: fn<AllocL>({
    entry: 'call',
    locals: { gfp: T.enum('GFP_KERNEL', 'GFP_ATOMIC'), ret: T.obj },
    steps: {
      call: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_alloc() -> mm/slub.c slab_alloc_node()',
        reads: [],
        writes: [],
        run: (x) => {
          // The gfp flags are the callee's from here on: the caller's frame does not keep them.
          const gfp = x.l.gfp;
          x.l.gfp = null;
          call(x, 'slab_alloc_node', { gfp }, 'return');
        },
      },
      return: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_alloc(): the object goes to the caller, who writes over its free pointer',
        reads: [],
        writes: [],
        run: (x) => {
          if (x.l.ret !== null) handOut(x, x.l.ret);
          x.d.ctx[x.ctx]!.stack.pop();
        },
      },
    },
  }),
  kmem_cache_alloc_bulk: fn<BulkL>({
    entry: 'call',
    locals: { ret: T.held('all') },
    steps: {
      call: {
        local: true,
        cite: `mm/slub.c kmem_cache_alloc_bulk(s, flags, ${BULK_SIZE}, p) -> __kmem_cache_alloc_bulk() (a cache without sheaves)`,
        reads: [],
        writes: [],
        run: (x) => call(x, '__kmem_cache_alloc_bulk', { size: BULK_SIZE }, 'return'),
      },
      return: {
        local: true,
        cite: 'mm/slub.c kmem_cache_alloc_bulk(): all or nothing: the objects go to the caller',
        reads: [],
        writes: [],
        run: (x) => {
          for (const o of takeHeld(x.l.ret)) handOut(x, o);
          x.d.ctx[x.ctx]!.stack.pop();
        },
      },
    },
  }),
  slab_alloc_node: fn<AllocL>({
    entry: 'alloc_from_pcs',
    locals: { gfp: T.enum('GFP_KERNEL', 'GFP_ATOMIC'), ret: T.obj },
    steps: {
      alloc_from_pcs: {
        local: true,
        cite: 'mm/slub.c slab_alloc_node(): alloc_from_pcs() first when the cache has sheaves',
        reads: [],
        writes: [],
        run: (x) => {
          // Only alloc_from_pcs() reads the gfp flags (can it block for a refill?); the slab paths do not.
          const gfp = x.l.gfp;
          x.l.gfp = null;
          if (x.e.p.sheaf_capacity > 0) return call(x, 'alloc_from_pcs', { gfp }, 'slowpath');
          x.l.ret = null;
          goto(x, 'slowpath');
        },
      },
      slowpath: {
        local: true,
        cite: 'mm/slub.c slab_alloc_node(): if (!object) object = __slab_alloc_node()',
        reads: [],
        writes: [],
        run: (x) => (x.l.ret !== null ? ret(x, x.l.ret) : tailcall(x, '__slab_alloc_node', {})),
      },
    },
  }),
  kmem_cache_free: fn<HeldL>({
    entry: 'call',
    locals: { held: T.held(1) },
    steps: {
      call: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_free() -> mm/slub.c slab_free()',
        reads: [],
        writes: [],
        run: (x) => call(x, 'slab_free', { held: takeHeld(x.l.held) }, 'return'),
      },
      return: rootReturn('include/linux/slab.h kmem_cache_free(): done'),
    },
  }),
  slab_free: fn<SlabFreeL>({
    entry: 'hooks',
    locals: { held: T.held(1), slab: T.slab, ret: T.held(1) },
    steps: {
      hooks: {
        local: true,
        cite: 'mm/slub.c slab_free() -> slab_free_hook() -> kasan_slab_free(): generic KASAN keeps every freed object; else free_to_pcs() for an object of the local node',
        reads: [],
        writes: [],
        run: (x) => {
          const o = x.l.held.at(0);
          const slab = slabOfObj(x.e.p, o);
          x.l.slab = slab;
          if (x.d.cache.kasan) return tailcall(x, 'kasan_slab_free', { held: takeHeld(x.l.held) });
          // mm/slub.c slab_free(): free_to_pcs() when slab_nid(slab) == numa_mem_id() (a memoryless
          // node's CPU never matches, reference §2.3.2 PF3) and the cache has sheaves.
          if (x.e.p.sheaf_capacity > 0 && isLocalNode(x, slab)) return call(x, 'free_to_pcs', { slab, held: takeHeld(x.l.held) }, 'slowpath');
          x.l.ret.set(takeHeld(x.l.held));
          goto(x, 'slowpath');
        },
      },
      slowpath: {
        local: true,
        cite: 'mm/slub.c slab_free(): free_to_pcs() failed or no sheaf -> do_slab_free() (v6.19) / __slab_free()',
        reads: [],
        writes: [],
        run: (x) => {
          const back = takeHeld(x.l.ret);
          if (back.length === 0) return ret(x, null); // freed to a sheaf
          const o = back[0]!;
          // v6.19: do_slab_free() fast path. At 17c38c88 do_slab_free() still runs, but c->slab is
          // never set, so its check F2 always sends the free to __slab_free(): folded here.
          tailcall(x, x.e.v.cpuSlab ? 'do_slab_free' : '__slab_free', { slab: x.l.slab, head: o, tail: o, cnt: 1, held: back });
        },
      },
    },
  }),
  kfree_rcu: fn<HeldL>({
    entry: 'call',
    locals: { held: T.held(1) },
    steps: {
      call: {
        local: true,
        cite: 'include/linux/rcupdate.h kfree_rcu() -> mm/slab_common.c kvfree_call_rcu()',
        reads: [],
        writes: [],
        run: (x) => call(x, 'kvfree_call_rcu', { held: takeHeld(x.l.held) }, 'return'),
      },
      return: rootReturn('include/linux/rcupdate.h kfree_rcu(): returned to the caller'),
    },
  }),
  kmem_cache_destroy_client: fn({
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'mm/slab_common.c kmem_cache_destroy(): called by the cache owner',
        reads: [],
        writes: [],
        run: (x) => call(x, 'kmem_cache_destroy', {}, 'return'),
      },
      return: rootReturn('mm/slab_common.c kmem_cache_destroy(): returned to the caller'),
    },
  }),
  flush_cpu_slab_work: fn({
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'mm/slub.c flush_all_cpus_locked(): the per-CPU flush work: flush_cpu_slab (v6.19, 17c38c88); 7.0 queues flush_cpu_sheaves only where has_pcs_used()',
        reads: [],
        writes: [],
        run: (x) => {
          if (x.e.fns.flush_cpu_slab) return call(x, 'flush_cpu_slab', {}, 'return');
          // 7.0: no kmem_cache_cpu; a cache without sheaves has nothing per CPU to flush.
          if (x.e.p.sheaf_capacity > 0) return call(x, 'flush_cpu_sheaves', {}, 'return');
          goto(x, 'return');
        },
      },
      return: rootReturn('kernel/workqueue.c process_one_work(): the work function returned'),
    },
  }),
};

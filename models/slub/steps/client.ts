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
import { call, goto, ret, rootFn, tailcall, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { slabOfObj } from '../helpers.ts';
import type { Frame, Obj, Op, SlubState } from '../state.ts';

/** The root frame of an operation: the function of the table it starts, with the operation's arguments as locals. */
export function rootFrame(s: SlubState, cpu: number, op: Op): { fn: string; l: Frame['l'] } {
  switch (op.op) {
    case 'kmem_cache_alloc':
      return { fn: 'kmem_cache_alloc', l: { gfp: op.gfp } };
    case 'kmem_cache_free':
      return { fn: 'kmem_cache_free', l: { held: [op.obj] } };
    case 'kfree_rcu':
      return { fn: 'kfree_rcu', l: { held: [op.obj] } };
    case 'kmem_cache_destroy':
      return { fn: 'kmem_cache_destroy_client', l: {} };
    case 'flush_cpu_slab':
      return { fn: 'flush_cpu_slab_work', l: {} };
    case 'rcu_callback': {
      const cb = s.cpus[cpu]!.rcu_cbs.find((c) => c.id === op.cb)!;
      return { fn: 'rcu_do_batch', l: { cb: cb.id, cbfn: cb.fn, held: [...cb.objs] } };
    }
    case 'work': {
      const w = s.cpus[cpu]!.work.find((x) => x.id === op.work)!;
      return { fn: 'process_one_work', l: { work: w.id, workfn: w.fn } };
    }
    case 'free_any':
      throw new Error('free_any is a choice between two operations, not an operation');
  }
}

const isLocalNode = (x: StepCtx, slab: number) => {
  const c = x.d.cpus[x.cpu]!;
  return x.d.slabs[slab]!.node === c.node && x.d.nodes[c.node]!.memory;
};

/** Hands the objects of `held` on to a callee as its `held`, so that every object is in one frame at a time. */
function passHeld(x: StepCtx): Obj[] {
  const held = x.f.l.held as Obj[];
  x.f.l.held = [];
  return held;
}

export const clientFns: { readonly [fn: string]: FnDef } = {
  kmem_cache_alloc: {
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_alloc() -> mm/slub.c slab_alloc_node()',
        reads: [],
        writes: [],
        run: (x) => call(x, 'slab_alloc_node', { gfp: x.f.l.gfp! }, 'return'),
      },
      return: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_alloc(): the object goes to the caller, who writes over its free pointer',
        reads: [],
        writes: [],
        run: (x) => {
          const o = x.f.l.ret as Obj | null;
          const me = x.d.ctx[x.ctx]!;
          if (o !== null) {
            for (const [name, c] of Object.entries(x.d.ctx)) {
              if (c.owns.includes(o) && x.d.ghost.double_alloc === null) {
                x.d.ghost.double_alloc = `object ${o} handed to ${x.ctx} while ${name} owns it`;
              }
            }
            (me.owns as Obj[]).push(o);
            (me.owns as Obj[]).sort((a, b) => a - b);
            x.d.fp[o] = null;
            seen(x.d, `alloc_${x.ctx.slice(x.ctx.indexOf('/') + 1)}`);
          }
          (me.stack as Frame[]).pop();
        },
      },
    },
  },
  slab_alloc_node: {
    entry: 'alloc_from_pcs',
    steps: {
      alloc_from_pcs: {
        local: true,
        cite: 'mm/slub.c slab_alloc_node(): alloc_from_pcs() first when the cache has sheaves',
        reads: [],
        writes: [],
        run: (x) => {
          if (x.e.p.sheaf_capacity > 0) return call(x, 'alloc_from_pcs', { gfp: x.f.l.gfp! }, 'slowpath');
          x.f.l.ret = null;
          goto(x, 'slowpath');
        },
      },
      slowpath: {
        local: true,
        cite: 'mm/slub.c slab_alloc_node(): if (!object) object = __slab_alloc_node()',
        reads: [],
        writes: [],
        run: (x) => (x.f.l.ret !== null ? ret(x, x.f.l.ret!) : tailcall(x, '__slab_alloc_node', { gfp: x.f.l.gfp! })),
      },
    },
  },
  kmem_cache_free: {
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_free() -> mm/slub.c slab_free()',
        reads: [],
        writes: [],
        run: (x) => call(x, 'slab_free', { held: passHeld(x) }, 'return'),
      },
      return: rootFn('include/linux/slab.h kmem_cache_free(): done').steps.return!,
    },
  },
  slab_free: {
    entry: 'hooks',
    steps: {
      hooks: {
        local: true,
        cite: 'mm/slub.c slab_free() -> slab_free_hook() -> kasan_slab_free(): generic KASAN keeps every freed object; else free_to_pcs() for an object of the local node',
        reads: [],
        writes: [],
        run: (x) => {
          const o = (x.f.l.held as Obj[])[0]!;
          const slab = slabOfObj(x.e.p, o);
          x.f.l.slab = slab;
          if (x.d.cache.kasan) return tailcall(x, 'kasan_slab_free', { held: passHeld(x) });
          // mm/slub.c slab_free(): free_to_pcs() when slab_nid(slab) == numa_mem_id() (a memoryless
          // node's CPU never matches, reference §2.3.2 PF3) and the cache has sheaves.
          if (x.e.p.sheaf_capacity > 0 && isLocalNode(x, slab)) return call(x, 'free_to_pcs', { slab, held: passHeld(x) }, 'slowpath');
          x.f.l.ret = [...passHeld(x)];
          goto(x, 'slowpath');
        },
      },
      slowpath: {
        local: true,
        cite: 'mm/slub.c slab_free(): free_to_pcs() failed or no sheaf -> do_slab_free() (v6.19) / __slab_free()',
        reads: [],
        writes: [],
        run: (x) => {
          const back = x.f.l.ret as Obj[] | null;
          x.f.l.ret = null;
          if (back === null) return ret(x, null); // freed to a sheaf
          const o = back[0]!;
          // v6.19: do_slab_free() fast path. At 17c38c88 do_slab_free() still runs, but c->slab is
          // never set, so its check F2 always sends the free to __slab_free(): folded here.
          tailcall(x, x.e.v.cpuSlab ? 'do_slab_free' : '__slab_free', { slab: x.f.l.slab!, head: o, tail: o, cnt: 1, held: back });
        },
      },
    },
  },
  kfree_rcu: {
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'include/linux/rcupdate.h kfree_rcu() -> mm/slab_common.c kvfree_call_rcu()',
        reads: [],
        writes: [],
        run: (x) => call(x, 'kvfree_call_rcu', { held: passHeld(x) }, 'return'),
      },
      return: rootFn('include/linux/rcupdate.h kfree_rcu(): returned to the caller').steps.return!,
    },
  },
  kmem_cache_destroy_client: {
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'mm/slab_common.c kmem_cache_destroy(): called by the cache owner',
        reads: [],
        writes: [],
        run: (x) => call(x, 'kmem_cache_destroy', {}, 'return'),
      },
      return: rootFn('mm/slab_common.c kmem_cache_destroy(): returned to the caller').steps.return!,
    },
  },
  flush_cpu_slab_work: {
    entry: 'call',
    steps: {
      call: {
        local: true,
        cite: 'kernel/workqueue.c process_one_work(): the flush_cpu_slab work function',
        reads: [],
        writes: [],
        run: (x) => call(x, 'flush_cpu_slab', {}, 'return'),
      },
      return: rootFn('kernel/workqueue.c process_one_work(): the work function returned').steps.return!,
    },
  },
};

/** An operation's root frame at the entry label of its function in the version's table. */
export function begin(s: SlubState, fns: { readonly [fn: string]: FnDef }, cpu: number, op: Op): Frame {
  const { fn, l } = rootFrame(s, cpu, op);
  const def = fns[fn];
  if (!def) throw new Error(`no kernel function ${fn} in this version`);
  return { fn, pc: def.entry, l };
}

// The clients: kmem_cache_alloc() and kmem_cache_free() as called by a
// context, and the flush_cpu_slab work item. `begin` builds the frames of a
// new operation down to its first shared step (the dispatch in between,
// e.g. slab_free()'s choice between free_to_pcs and __slab_free, reads only
// constant data); the `return` step of each root hands the result to the
// client.
import { rootFn, type Env, type FnDef } from '../kernel.ts';
import { seen } from '../mm.ts';
import { memNode, slabOfObj } from '../helpers.ts';
import { environmentFrames } from './rcu.ts';
import { cpuOf, type Ctx, type Frame, type Obj, type Op, type SlubState } from '../state.ts';

export function begin(s: SlubState, ctx: Ctx, op: Op, e: Env): Frame[] {
  const cpu = cpuOf(ctx);
  const sheaves = e.p.sheaf_capacity > 0;
  if (op.op === 'kmem_cache_alloc') {
    const root: Frame = { fn: 'kmem_cache_alloc', pc: 'return', l: { gfp: op.gfp } };
    // mm/slub.c slab_alloc_node(): alloc_from_pcs() first when the cache has sheaves.
    if (sheaves) return [root, { fn: 'alloc_from_pcs', pc: 'trylock', l: { gfp: op.gfp } }];
    if (e.v.cpuSlab) return [root, { fn: 'slab_alloc_node', pc: 'read_tid', l: {} }];
    return [
      root,
      { fn: '___slab_alloc', pc: 'got_partial', l: {} },
      { fn: 'get_from_partial_node', pc: 'nr_partial', l: { n: memNode(s, cpu) } },
    ];
  }
  if (op.op === 'rcu_callback' || op.op === 'work') return environmentFrames(s, cpu, op);
  if (op.op === 'kmem_cache_destroy') return [{ fn: 'client', pc: 'return', l: {} }, { fn: 'kmem_cache_destroy', pc: 'kvfree_rcu_barrier_on_cache', l: {} }];
  if (op.op === 'kfree_rcu') {
    const slab = slabOfObj(e.p, op.obj);
    const c = s.cpus[cpu]!;
    // mm/slab_common.c kvfree_call_rcu(): the rcu sheaf only for a cache with sheaves and an object of the local node (§0.5 KR1).
    const sheaf = sheaves && s.slabs[slab]!.node === c.node && s.nodes[c.node]!.memory;
    return [{ fn: 'client', pc: 'return', l: {} }, { fn: 'kvfree_call_rcu', pc: sheaf ? 'trylock' : 'batch', l: { held: [op.obj] } }];
  }
  if (op.op === 'kmem_cache_free') {
    const root: Frame = { fn: 'kmem_cache_free', pc: 'return', l: { obj: op.obj } };
    const slab = slabOfObj(e.p, op.obj);
    const c = s.cpus[cpu]!;
    // mm/slub.c slab_free() -> slab_free_hook() -> kasan_slab_free(): generic KASAN keeps every freed object.
    if (s.cache.kasan) return [root, { fn: 'kasan_slab_free', pc: 'quarantine_put', l: { held: [op.obj] } }];
    // mm/slub.c slab_free(): free_to_pcs() when slab_nid(slab) == numa_mem_id() (a memoryless
    // node's CPU never matches, reference §2.3.2 PF3) and the cache has sheaves.
    if (sheaves && s.slabs[slab]!.node === c.node && s.nodes[c.node]!.memory) {
      return [root, { fn: 'free_to_pcs', pc: 'trylock', l: { slab, held: [op.obj] } }];
    }
    // v6.19: do_slab_free() fast path. At 17c38c88 do_slab_free() still runs, but c->slab is
    // never set, so its check F2 always sends the free to __slab_free(): folded here.
    if (e.v.cpuSlab) return [root, { fn: 'do_slab_free', pc: 'read_tid', l: { slab, head: op.obj, tail: op.obj, cnt: 1, held: [op.obj] } }];
    return [root, { fn: '__slab_free', pc: 'snapshot', l: { slab, head: op.obj, tail: op.obj, cnt: 1, held: [op.obj] } }];
  }
  return [
    { fn: 'queue_work_on', pc: 'return', l: {} },
    { fn: 'flush_cpu_slab', pc: 'flush_slab', l: {} },
  ];
}

export const clientFns: { readonly [fn: string]: FnDef } = {
  kmem_cache_alloc: {
    entry: 'return',
    steps: {
      return: {
        local: true,
        cite: 'include/linux/slab.h kmem_cache_alloc(): the object goes to the caller, who writes over its free pointer',
        reads: [],
        writes: [],
        run: (x) => {
          const o = x.f.l.ret as Obj | null;
          const me = x.d.ctx[x.ctx]!;
          if (o === null) me.failed++;
          else {
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
  kmem_cache_free: rootFn('include/linux/slab.h kmem_cache_free(): done'),
  client: rootFn('include/linux/slab.h kmem_cache_destroy(), kfree_rcu(): the call returned to the client'),
  queue_work_on: rootFn('kernel/workqueue.c process_one_work(): the work function returned'),
};

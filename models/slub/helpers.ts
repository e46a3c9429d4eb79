// Small shared pieces of the SLUB steps: the page allocator pool, node
// choice, and freeing a list of held objects.
import { UsageError } from '../../src/engine/errors.ts';
import { add_partial, seen } from './mm.ts';
import { call, ret, type CacheParams, type StepCtx } from './kernel.ts';
import { lock, unlock } from './locks.ts';
import type { Obj, SlabId, SlubState } from './state.ts';

/**
 * get_node(s, numa_mem_id()): the node whose partial list an allocation on
 * `cpu` searches first, or null. The model takes x86's numa_mem_id() (no
 * CONFIG_HAVE_MEMORYLESS_NODES), which is the CPU's own node even when it has
 * no memory; such a node has no kmem_cache_node, so a CPU there reaches
 * partial slabs only through get_from_any_partial() (reference §1.5; the
 * seed's machine).
 */
export function localNode(s: SlubState, cpu: number): number | null {
  const n = s.cpus[cpu]!.node;
  return s.nodes[n]!.memory ? n : null;
}

/**
 * The zonelist get_from_any_partial() and __refill_objects_any() walk, less
 * the local node the caller has just searched: the nodes with memory, nearest
 * first (taken to be by number, the nearest memory node first for a CPU of a
 * memoryless node). Searching the local node again there is left out, a sound
 * reduction: those reads write nothing, so whatever that second search finds
 * the first one finds in the interleaving where it starts later.
 */
export function remoteZonelist(x: StepCtx): number[] {
  const local = localNode(x.d, x.cpu);
  const first = memNode(x.d, x.cpu);
  return [first, ...x.d.nodes.map((_n, i) => i).filter((i) => i !== first && x.d.nodes[i]!.memory)].filter((n) => n !== local);
}

/** The node a new slab for `cpu` comes from: its own, or for a memoryless CPU the nearest node with memory (the page allocator's fallback). */
export function memNode(s: SlubState, cpu: number): number {
  const n = s.cpus[cpu]!.node;
  if (s.nodes[n]!.memory) return n;
  return s.nodes.findIndex((x) => x.memory);
}

/**
 * get_barn() is not NULL: in 7.0-rc it is the barn of numa_mem_id()'s
 * kmem_cache_node, NULL on a memoryless node (reference §1.5); with seed
 * 000's "put barn on every online node" (feature barnOnEveryNode) it is the
 * barn of numa_node_id(), which every online node has.
 */
export function hasBarn(x: StepCtx): boolean {
  // The switch is read only where it decides something: on a memoryless node.
  return x.d.nodes[x.d.cpus[x.cpu]!.node]!.memory || x.e.v.barnOnEveryNode;
}

export const slabOfObj = (p: CacheParams, o: Obj): SlabId => Math.floor(o / p.objects);

/**
 * new_slab(): take a page from the model's pool and make a private slab of
 * it: every object free and chained in order, on no list. Returns the slab,
 * or null when the pool is empty and the scenario lets page allocations
 * fail (`pageAllocCanFail`); a scenario that does not has a pool too small
 * for its workload, which is an error in the scenario, not a verdict.
 */
export function allocate_slab(x: StepCtx, node: number): SlabId | null {
  const d = x.d;
  const p = x.e.p;
  if (x.choice === 'page_alloc_fails') {
    d.cache.pageFailuresLeft--;
    seen(x, 'page_alloc_failed');
    return null;
  }
  const k = d.slabs.findIndex((sl) => !sl.live);
  if (k < 0) {
    if (x.e.pageAllocCanFail) {
      seen(x, 'page_alloc_failed');
      return null;
    }
    throw new UsageError(`scenario ${x.e.scenario}: the page pool of ${d.slabs.length} slabs ran out, but the scenario does not let page allocations fail: give it a larger pool, or pageAllocCanFail: true`);
  }
  const sl = d.slabs[k]!;
  sl.live = true;
  sl.node = node;
  sl.frozen = false;
  sl.partial = false;
  sl.inuse = 0;
  sl.owner = 'none';
  sl.L0 = null;
  sl.L1 = null;
  const first = k * p.objects;
  for (let i = 0; i < p.objects; i++) d.setFp(first + i, i + 1 < p.objects ? first + i + 1 : null);
  sl.freelist = first;
  seen(x, 'new_slab');
  return k;
}

/** The `choose` of a step that calls allocate_slab(): while the scenario's budget of page allocation failures lasts, the page allocator may fail. */
export const pageAllocChoices = (x: StepCtx): readonly string[] => (x.d.cache.pageFailuresLeft > 0 ? ['page_alloc_ok', 'page_alloc_fails'] : []);

/** The `choose` of a step that calls alloc_empty_sheaf(): while the scenario's budget of sheaf allocation failures lasts, it may fail. */
export const sheafAllocChoices = (x: StepCtx): readonly string[] => (x.d.cache.sheafFailuresLeft > 0 ? ['sheaf_alloc_ok', 'sheaf_alloc_fails'] : []);

/** alloc_empty_sheaf(): false when the checker chose to fail it (kzalloc of the sheaf; nothing shared is touched). `site` names the caller for its witness. */
export function alloc_empty_sheaf(x: StepCtx, site: 'refill' | 'free' | 'kfree_rcu' | 'prefill'): boolean {
  if (x.choice !== 'sheaf_alloc_fails') return true;
  x.d.cache.sheafFailuresLeft--;
  seen(x, 'sheaf_alloc_failed');
  seen(x, `sheaf_alloc_failed_${site}`);
  return false;
}

/** Links objects into a private chain through their free pointers; returns head and tail. */
export function linkChain(x: StepCtx, objs: readonly Obj[]): { head: Obj; tail: Obj } {
  for (let i = 0; i < objs.length; i++) x.d.setFp(objs[i]!, i + 1 < objs.length ? objs[i + 1]! : null);
  return { head: objs[0]!, tail: objs[objs.length - 1]! };
}

/** alloc_from_new_slab(): a new slab with objects left goes on its node's partial list (HEAD) under list_lock; then inc_slabs_node. */
export function addNewSlabToPartial(x: StepCtx, k: SlabId): void {
  const n = x.d.slabs[k]!.node;
  lock(x, n);
  add_partial(x, n, k, false);
  unlock(x, n);
  x.d.nodes[n]!.nr_slabs++;
}

/** slab_nid(slab) == numa_mem_id() for the CPU of `x` (a memoryless node's CPU never matches, reference §2.3.2 PF3): its frees may go to the percpu sheaves. */
export function isLocalNode(x: StepCtx, slab: SlabId): boolean {
  const c = x.d.cpus[x.cpu]!;
  return x.d.slabs[slab]!.node === c.node && x.d.nodes[c.node]!.memory;
}

/** Where a free that bypasses the sheaves goes: do_slab_free() in v6.19 (cpu slab fast path), __slab_free() after. */
export function slabFreeFn(x: StepCtx): string {
  return x.e.v.cpuSlab ? 'do_slab_free' : '__slab_free';
}

/** Takes the objects out of a holding list local (to pass them to a callee). */
export function takeHeld(list: { toArray(): number[]; clear(): void }): number[] {
  const v = list.toArray();
  list.clear();
  return v;
}

/**
 * Frees the first object of the frame's `held` list to its slab (the slab
 * path of a bulk free: ___cache_free(), kmem_cache_free_bulk()), coming back
 * to `cont` for the next one; returns when none is left.
 */
export function freeNextHeld(x: StepCtx, cont: string, event?: string): void {
  const held = x.l.held as { length: number; shift(): number };
  if (held.length === 0) return ret(x, null);
  const o = held.shift();
  if (event) seen(x, event);
  call(x, slabFreeFn(x), { slab: Math.floor(o / x.e.p.objects), head: o, tail: o, cnt: 1, held: [o] }, cont);
}

// The three SLUB versions, as data: which step variants make up each kernel
// function, and the version switches shared steps read. Shared steps are
// written once in steps/; a version only picks among them.
import type { FnTable, VersionFeatures } from './kernel.ts';
import type { Gfp, SlubState } from './state.ts';
import type { Property } from '../../src/engine/model.ts';
import { clientFns } from './steps/client.ts';

/** The client functions of a version without v6.19's cpu-slab bulk allocator (kmem_cache_alloc_bulk is not modelled there). */
const { kmem_cache_alloc_bulk: _bulk, ...withoutBulk } = clientFns;
import { __slab_alloc_node_nocpuslab, __slab_alloc_node_v619 } from './steps/__slab_alloc_node.ts';
import { __slab_alloc, ___slab_alloc_nocpuslab, ___slab_alloc_v619 } from './steps/___slab_alloc.ts';
import { get_partial_node } from './steps/get_partial_node.ts';
import { get_from_partial_node } from './steps/get_from_partial_node.ts';
import { get_any_partial, get_from_any_partial, get_from_partial, get_partial } from './steps/get_from_any_partial.ts';
import { deactivate_slab } from './steps/deactivate_slab.ts';
import { do_slab_free } from './steps/do_slab_free.ts';
import { __slab_free_cpu_partial, __slab_free_no_cpu_partial } from './steps/__slab_free.ts';
import { __put_partials, put_cpu_partial } from './steps/put_cpu_partial.ts';
import { flush_cpu_slab } from './steps/flush_cpu_slab.ts';
import { alloc_from_pcs } from './steps/alloc_from_pcs.ts';
import { refill_sheaf, refill_sheaf_v619 } from './steps/refill_sheaf.ts';
import { __kmem_cache_alloc_bulk } from './steps/__kmem_cache_alloc_bulk.ts';
import { free_to_pcs, sheaf_flush_unused } from './steps/free_to_pcs.ts';
import { kvfree_call_rcu } from './steps/kfree_rcu.ts';
import { rcu_barrier, rcuFns } from './steps/rcu.ts';
import { kasanFns } from './steps/kasan.ts';
import { kfree_nolock, kfree_nolock_v619, nolockFns } from './steps/kfree_nolock.ts';
import { kmalloc_nolock } from './steps/kmalloc_nolock.ts';
import { free_to_pcs_bulk, kmem_cache_free_bulk } from './steps/kmem_cache_free_bulk.ts';
import { prefillFns } from './steps/kmem_cache_prefill_sheaf.ts';
import { __kmem_cache_shutdown, flush_all_cpus_locked, flush_cpu_sheaves, kmem_cache_destroy } from './steps/kmem_cache_destroy.ts';

export interface VersionDef {
  readonly id: string;
  /** The kernel tree the version models, as its citations name it: a release tag or a commit. */
  readonly tag: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly features: VersionFeatures;
  /** The gfp choices that change the path in this version. */
  readonly gfps: readonly Gfp[];
  readonly fns: FnTable;
  /** Properties added by patches. */
  readonly extraProperties?: readonly Property<SlubState>[];
}

const sheafFns = { ...nolockFns, ...prefillFns, kfree_nolock, kmem_cache_free_bulk, free_to_pcs_bulk, alloc_from_pcs, refill_sheaf, free_to_pcs, sheaf_flush_unused, kvfree_call_rcu, ...rcuFns, rcu_barrier, ...kasanFns, kmem_cache_destroy, __kmem_cache_shutdown, flush_all_cpus_locked, flush_cpu_sheaves };

/**
 * A step's citation in one version: the version's tag after the source file
 * (`mm/slub.c (17c38c88294d) __slab_free(): ...`), derived here rather than
 * typed in the step, since one step serves several versions. A note of its
 * own in the step's parentheses (`(7.0-rc)`, a commit) follows the tag.
 */
export function citeIn(tag: string, cite: string): string {
  const m = /^(\S+) (?:\(([^)]*)\) )?([\s\S]*)$/.exec(cite);
  if (!m) return cite;
  return `${m[1]} (${tag}${m[2] ? `; ${m[2]}` : ''}) ${m[3]}`;
}

/** A version with every step's citation tagged with the version (citeIn). */
function tagged(v: VersionDef): VersionDef {
  const fns = Object.fromEntries(
    Object.entries(v.fns).map(([fn, def]) => [fn, { ...def, steps: Object.fromEntries(Object.entries(def.steps).map(([pc, st]) => [pc, { ...st, cite: citeIn(v.tag, st.cite) }])) }]),
  );
  return { ...v, fns };
}

export const VERSIONS: readonly VersionDef[] = ([
  {
    id: 'v6.19',
    tag: 'v6.19',
    aliases: ['6.19'],
    summary: 'cpu slab + CPU partial slabs, lockless fast paths with tid; sheaves only for opt-in caches; kvfree_rcu_barrier_on_cache() without rcu_barrier()',
    features: { cpuSlab: true, cpuPartial: true, sheaves: 'opt-in', tidInCmpxchg: true, kvfreeRcuBarrier: false, barnOnEveryNode: false },
    gfps: ['GFP_KERNEL'],
    fns: {
      ...clientFns,
      __slab_alloc_node: __slab_alloc_node_v619,
      __slab_alloc,
      ___slab_alloc: ___slab_alloc_v619,
      get_partial_node,
      get_partial,
      get_any_partial,
      deactivate_slab,
      do_slab_free,
      __slab_free: __slab_free_cpu_partial,
      put_cpu_partial,
      __put_partials,
      flush_cpu_slab,
      ...sheafFns,
      // v6.19 refilled sheaves through the bulk allocator and the cpu slab (reference §0.6).
      refill_sheaf: refill_sheaf_v619,
      __kmem_cache_alloc_bulk,
      kfree_nolock: kfree_nolock_v619,
    },
  },
  {
    id: '17c38c88',
    tag: '17c38c88294d',
    aliases: ['17c38c88294d', '17c38c88294d75506c67cae378c9e940d1ce55e3'],
    summary: '"slab: remove cpu (partial) slabs usage from allocation paths": get_from_partial_node() without freezing, free path still with put_cpu_partial',
    features: { cpuSlab: false, cpuPartial: true, sheaves: 'all', tidInCmpxchg: true, kvfreeRcuBarrier: true, barnOnEveryNode: false },
    gfps: ['GFP_KERNEL', 'GFP_ATOMIC'],
    fns: {
      ...withoutBulk,
      __slab_alloc_node: __slab_alloc_node_nocpuslab,
      ___slab_alloc: ___slab_alloc_nocpuslab,
      get_from_partial_node,
      get_from_partial,
      get_from_any_partial,
      kmalloc_nolock,
      __slab_free: __slab_free_cpu_partial,
      put_cpu_partial,
      __put_partials,
      flush_cpu_slab,
      deactivate_slab,
      ...sheafFns,
    },
  },
  {
    id: '7.0',
    tag: 'v7.0',
    aliases: ['v7.0', '7.0-rc'],
    summary: 'sheaves for all caches, no cpu slab, no CPU partial lists; __slab_free takes list_lock when the slab was full',
    features: { cpuSlab: false, cpuPartial: false, sheaves: 'all', tidInCmpxchg: true, kvfreeRcuBarrier: true, barnOnEveryNode: false },
    gfps: ['GFP_KERNEL', 'GFP_ATOMIC'],
    fns: {
      ...withoutBulk,
      __slab_alloc_node: __slab_alloc_node_nocpuslab,
      ___slab_alloc: ___slab_alloc_nocpuslab,
      get_from_partial_node,
      get_from_partial,
      get_from_any_partial,
      kmalloc_nolock,
      __slab_free: __slab_free_no_cpu_partial,
      ...sheafFns,
    },
  },
] satisfies VersionDef[]).map(tagged);

export function findVersion(id: string): VersionDef | undefined {
  return VERSIONS.find((v) => v.id === id || v.aliases.includes(id));
}

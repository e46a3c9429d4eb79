// Scenarios are data: an initial layout (nodes, CPUs, slabs with their free
// and allocated objects, who owns what, sheaves, cache parameters) and, per
// context, either a list of operations or a bound on how many operations it
// may choose nondeterministically.
import type { CacheParams } from './kernel.ts';
import type { Op } from './state.ts';
import { validateScenario } from './scenario-files.ts';
import s_generic from './scenarios/generic.ts';
import s_generic_3 from './scenarios/generic-3.ts';
import s_generic_irq from './scenarios/generic-irq.ts';
import s_put_cpu_partial_recipe from './scenarios/put-cpu-partial-recipe.ts';
import s_harry_flush_vs_free from './scenarios/harry-flush-vs-free.ts';
import s_harry_flush_vs_free_no_tid from './scenarios/harry-flush-vs-free-no-tid.ts';
import s_sheaf_churn from './scenarios/sheaf-churn.ts';
import s_stress from './scenarios/stress.ts';
import s_empty_cache from './scenarios/empty-cache.ts';
import s_chosen_start from './scenarios/chosen-start.ts';
import s_scaled_3cpu from './scenarios/scaled-3cpu.ts';
import s_irq_same_cpu from './scenarios/irq-same-cpu.ts';
import s_irq_same_cpu_sheaves from './scenarios/irq-same-cpu-sheaves.ts';
import s_barn_sharing from './scenarios/barn-sharing.ts';
import s_cpu_partial_drain from './scenarios/cpu-partial-drain.ts';
import s_refill_page_alloc_fails from './scenarios/refill-page-alloc-fails.ts';
import s_kfree_rcu_sheaf from './scenarios/kfree-rcu-sheaf.ts';
import s_kfree_rcu_batch from './scenarios/kfree-rcu-batch.ts';
import s_destroy_barn_full_slab from './scenarios/destroy-barn-full-slab.ts';
import s_kfree_rcu_wq_destroy from './scenarios/kfree-rcu-wq-destroy.ts';
import s_destroy_after_kfree_rcu from './scenarios/destroy-after-kfree-rcu.ts';
import s_destroy_chosen from './scenarios/destroy-chosen.ts';
import s_destroy_mixed from './scenarios/destroy-mixed.ts';
import s_destroy_menu from './scenarios/destroy-menu.ts';
import s_memoryless_barn_destroy from './scenarios/memoryless-barn-destroy.ts';
import s_numa_remote_partial from './scenarios/numa-remote-partial.ts';
import s_numa_remote_refill from './scenarios/numa-remote-refill.ts';
import s_numa_three_nodes from './scenarios/numa-three-nodes.ts';
import s_cpu_partial_irq from './scenarios/cpu-partial-irq.ts';
import s_rcu_sheaf_barn_race from './scenarios/rcu-sheaf-barn-race.ts';
import s_page_alloc_failure_menu from './scenarios/page-alloc-failure-menu.ts';
import s_kfree_nolock_destroy from './scenarios/kfree-nolock-destroy.ts';
import s_kmalloc_nolock_race from './scenarios/kmalloc-nolock-race.ts';
import s_sheaf_alloc_failure_menu from './scenarios/sheaf-alloc-failure-menu.ts';
import s_free_bulk_irq from './scenarios/free-bulk-irq.ts';
import s_free_bulk_sheaves from './scenarios/free-bulk-sheaves.ts';
import s_prefill_sheaf from './scenarios/prefill-sheaf.ts';
import s_bulk_alloc_irq from './scenarios/bulk-alloc-irq.ts';

/** Where an initial slab is. */
export type SlabPlace =
  | { readonly on: 'node_partial' }
  | { readonly on: 'none' }
  | { readonly on: 'cpu_slab'; readonly cpu: number; readonly cpuFree: readonly number[] }
  | { readonly on: 'cpu_partial'; readonly cpu: number };

export interface SlabInit {
  readonly node: number;
  readonly place: SlabPlace;
  /** Free objects on the slab's own freelist, in order (indices within the slab). */
  readonly free: readonly number[];
  /** Allocated objects, by owning context (indices within the slab). */
  readonly owners?: { readonly [ctx: string]: readonly number[] };
  /** Objects sitting in sheaves: a CPU's main or spare, or a full sheaf in a node's barn (indices within the slab). */
  readonly inSheaf?: readonly (
    | { readonly cpu: number; readonly sheaf: 'main' | 'spare'; readonly objs: readonly number[] }
    | { readonly node: number; readonly sheaf: 'barn'; readonly objs: readonly number[] }
  )[];
}

export interface ContextInit {
  readonly name: string;
  /** Scripted operations; object ids in frees are global ids (slab * objects + index). */
  readonly ops?: readonly Op[];
  /** How many operations it may choose nondeterministically. */
  readonly budget?: number;
  /** Which operations the nondeterministic choices range over. */
  readonly choices?: readonly Op['op'][];
}

/**
 * A start the checker chooses: every layout of up to `slabs` slabs, each on a
 * list it may be on (`places`, default every one the version has except a cpu
 * slab), each with any set of its objects allocated that the list allows (a
 * slab on no list is full; a slab on a partial list has a free object).
 * Allocated objects belong to `owner` (default: the first context; with
 * `sharedObjects`, any context may free them). Every layout is an initial
 * state of the search.
 */
export interface ChosenStart {
  readonly slabs: number;
  readonly places?: readonly ('node_partial' | 'none' | 'cpu_partial')[];
  readonly owner?: string;
}

/** What a scenario expects of one version: `'ok'` (no violation, complete) or the property it must violate, or a deadlock or livelock. */
export type Expectation = 'ok' | 'deadlock' | 'livelock' | { readonly violation: string };

export interface ScenarioDef {
  readonly name: string;
  readonly summary: string;
  /** Versions the scenario is meant for (all when absent). */
  readonly versions?: readonly string[];
  readonly cache: CacheParams;
  readonly nodes: readonly { readonly memory: boolean }[];
  readonly cpus: readonly { readonly node: number }[];
  /** Slab pages in the model's page pool, live or not. */
  readonly pool: number;
  /** When the pool is empty, new_slab() fails (the kernel's fallback paths run); otherwise running out is an error of the scenario. */
  readonly pageAllocCanFail?: boolean;
  /** How many slab page allocations the checker may choose to fail (each new_slab() is a choice while some are left). */
  readonly pageAllocFailures?: number;
  /** How many empty-sheaf allocations (alloc_empty_sheaf()) the checker may choose to fail. */
  readonly sheafAllocFailures?: number;
  /** The start layout: explicit slabs; `[]` is a fresh cache whose slabs all come from new_slab(). */
  readonly slabs: readonly SlabInit[];
  /** Instead of explicit slabs, every layout up to a bound (`slabs` must then be `[]`). */
  readonly chosen?: ChosenStart;
  readonly contexts: readonly ContextInit[];
  /** Make the per-CPU cmpxchg ignore tid (a deliberately broken variant). */
  readonly brokenNoTid?: boolean;
  /** Allocated objects belong to every client: any context may free any of them (they are kept in one set, the first context's). */
  readonly sharedObjects?: boolean;
  /** The cache asks for sheaves at creation (what makes a v6.19 cache have them). */
  readonly sheavesOptIn?: boolean;
  /** False for workloads only random searches should take (too large to explore). */
  readonly exhaustive?: boolean;
  /** A complete search takes minutes (millions of states): not in `verify`'s default set. */
  readonly large?: boolean;
  /**
   * The verdict expected per version, keyed by version (`'v6.19'`) or by
   * version and switch (`'v6.19 --kasan'`): `check` reports whether the
   * result is as expected (a kunit-style test of a workload).
   */
  readonly expect?: { readonly [version: string]: Expectation };
}

/**
 * The shipped scenarios: ordinary scenario files in scenarios/ (the same
 * shape a user writes), checked like a user's, in the order `slubcheck list`
 * shows them.
 */
export const SCENARIOS: readonly ScenarioDef[] = [
  s_generic,
  s_generic_3,
  s_generic_irq,
  s_put_cpu_partial_recipe,
  s_harry_flush_vs_free,
  s_harry_flush_vs_free_no_tid,
  s_sheaf_churn,
  s_stress,
  s_empty_cache,
  s_chosen_start,
  s_scaled_3cpu,
  s_irq_same_cpu,
  s_irq_same_cpu_sheaves,
  s_barn_sharing,
  s_cpu_partial_drain,
  s_refill_page_alloc_fails,
  s_kfree_rcu_sheaf,
  s_kfree_rcu_batch,
  s_destroy_barn_full_slab,
  s_kfree_rcu_wq_destroy,
  s_destroy_after_kfree_rcu,
  s_destroy_chosen,
  s_destroy_menu,
  s_destroy_mixed,
  s_memoryless_barn_destroy,
  s_numa_remote_partial,
  s_numa_remote_refill,
  s_numa_three_nodes,
  s_cpu_partial_irq,
  s_rcu_sheaf_barn_race,
  s_page_alloc_failure_menu,
  s_bulk_alloc_irq,
  s_kfree_nolock_destroy,
  s_kmalloc_nolock_race,
  s_sheaf_alloc_failure_menu,
  s_free_bulk_irq,
  s_free_bulk_sheaves,
  s_prefill_sheaf,
].map((sc) => validateScenario(sc, `shipped scenario ${sc.name}`));

/** Whether some context of the scenario may run `op`: scripted, or among its choices (a scripted free_any may be a kmem_cache_free or a kfree_rcu). */
export function mayRunOp(sc: ScenarioDef, op: Op['op']): boolean {
  const scripted = (o: Op) => o.op === op || (o.op === 'free_any' && (op === 'kmem_cache_free' || op === 'kfree_rcu'));
  return sc.contexts.some((c) => (c.ops ?? []).some(scripted) || (c.choices ?? []).includes(op));
}

export function findScenario(name: string): ScenarioDef | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

// The types a scenario file is written against (`import type { Scenario }
// from 'slubcheck/scenario'`: types only, erased at run time, so the file
// needs nothing installed to run). A scenario file's default export is plain
// data; slubcheck checks every field when it loads the file and names the
// first one that is wrong.
//
//   import type { Scenario } from 'slubcheck/scenario';
//
//   export default {
//     name: 'two-cpus-cross-free',
//     cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
//     nodes: [{ memory: true }],
//     cpus: [{ node: 0 }, { node: 0 }],
//     pool: 3,
//     contexts: [
//       { name: 'cpu0/task', budget: 2, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
//       { name: 'cpu1/task', budget: 2, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
//     ],
//     sharedObjects: true,
//   } satisfies Scenario;
import type { ChosenStart, ContextInit, Expectation, ScenarioDef, SlabInit, SlabPlace } from './scenarios.ts';
import type { Gfp, Op } from './state.ts';

export type { ChosenStart, Expectation, SlabInit, SlabPlace, Gfp };

/** An operation a context runs in order; an allocation's gfp defaults to GFP_KERNEL (GFP_ATOMIC in an irq or softirq context, where GFP_KERNEL is refused). */
export type ScriptedOp = Exclude<Op, { readonly op: 'kmem_cache_alloc' | 'rcu_callback' | 'work' | 'irq_work' }> | { readonly op: 'kmem_cache_alloc'; readonly gfp?: Gfp };

/** The operations a context's menu (`choices`) offers; frees range over the objects the context (or, with sharedObjects, any context) holds. */
export type MenuOp = 'kmem_cache_alloc' | 'kmem_cache_alloc_bulk' | 'kmem_cache_free' | 'kmem_cache_free_bulk' | 'kmem_cache_prefill_sheaf' | 'kmem_cache_alloc_from_sheaf' | 'kmem_cache_return_sheaf' | 'kfree_rcu' | 'kmalloc_nolock' | 'kfree_nolock' | 'flush_cpu_slab' | 'kmem_cache_destroy';

export interface ScenarioContext extends Omit<ContextInit, 'ops' | 'choices'> {
  /** `cpuN/task`, `cpuN/irq`, `cpuN/softirq` (runs RCU callbacks), `cpuN/worker` (runs the CPU's bound work items) or `cpuN/unbound`. */
  readonly name: string;
  readonly ops?: readonly ScriptedOp[];
  readonly choices?: readonly MenuOp[];
}

/**
 * A workload: nodes, CPUs and their contexts, the cache, the start layout
 * (explicit `slabs`; none, the default, for a fresh cache; or `chosen`, every
 * layout up to a bound) and what each context does: scripted `ops`, then up
 * to `budget` operations chosen from its menu `choices`.
 */
export interface Scenario extends Omit<ScenarioDef, 'slabs' | 'summary' | 'contexts'> {
  readonly summary?: string;
  readonly slabs?: readonly SlabInit[];
  readonly contexts: readonly ScenarioContext[];
}

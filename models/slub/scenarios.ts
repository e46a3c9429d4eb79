// Scenarios are data: an initial layout (nodes, CPUs, slabs with their free
// and allocated objects, who owns what, sheaves, cache parameters) and, per
// context, either a list of operations or a bound on how many operations it
// may choose nondeterministically.
import type { CacheParams } from './kernel.ts';
import type { Op } from './state.ts';

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

const ALLOC_FREE: Op['op'][] = ['kmem_cache_alloc', 'kmem_cache_free'];

/** Harry Yoo's first hypothesis (reference §5), shared by the real scenario and its broken variant. */
const HARRY: ScenarioDef = {
  name: 'harry-flush-vs-free',
  summary:
    "Harry Yoo's first hypothesis (v6.19): flush_slab() in a worker on cpu0 races a preemptible do_slab_free() of the task and a free from cpu0's interrupt into the cpu slab",
  versions: ['v6.19'],
  cache: { objects: 3, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 0, barn_max: 10 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'cpu_slab', cpu: 0, cpuFree: [] }, free: [0], owners: { 'cpu0/task': [1], 'cpu0/irq': [2] } }],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_free', obj: 1 }] },
    { name: 'cpu0/worker', ops: [{ op: 'flush_cpu_slab' }] },
    { name: 'cpu0/irq', ops: [{ op: 'kmem_cache_free', obj: 2 }] },
  ],
};

/** A task per CPU that chooses three allocations or frees of any allocated object, then flushes its CPU caches. */
const chooseThreeThenFlush = (cpus: readonly number[]): ContextInit[] =>
  cpus.map((c) => ({ name: `cpu${c}/task`, ops: [{ op: 'choose' }, { op: 'choose' }, { op: 'choose' }, { op: 'flush_cpu_slab' }], choices: ALLOC_FREE }));

/** The destroy layout of the kernel test robot case: two CPUs of one node, an opt-in sheaf cache, one slab on the node partial list whose object 0 cpu0 owns. */
const DESTROY_ONE_OBJECT = {
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
  sheavesOptIn: true,
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } }],
} as const satisfies Partial<ScenarioDef>;

/** The generic layout: cpu1 on a memoryless node owns one object of a partial slab with one free object. */
const GENERIC = {
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 10 },
  nodes: [{ memory: true }, { memory: false }],
  cpus: [{ node: 0 }, { node: 1 }],
  // Enough pages that no workload of these scenarios runs out: page allocation failures are their own scenario.
  pool: 5,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } }],
} as const satisfies Partial<ScenarioDef>;

/** kfree_rcu() while the cache lives: one CPU owns both objects of a full slab and chooses three allocations, frees or kfree_rcu()s; RCU callbacks in softirq. */
const KFREE_RCU_LIVE = {
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 1,
  pageAllocCanFail: true,
  slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } }],
  contexts: [{ name: 'cpu0/task', budget: 3, choices: ['kmem_cache_alloc', 'kmem_cache_free', 'kfree_rcu'] }, { name: 'cpu0/softirq' }],
} as const satisfies Partial<ScenarioDef>;

export const SCENARIOS: readonly ScenarioDef[] = [
  {
    name: 'generic',
    summary:
      'two CPUs, each choosing up to 2 allocations or frees; cpu1 sits on a memoryless node (as in the thread) and owns an object of a partial slab with one free object',
    ...GENERIC,
    contexts: [
      { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'generic-3',
    summary: 'generic with up to three allocations or frees per CPU: a larger all-clear, still explored completely in seconds',
    ...GENERIC,
    contexts: [
      { name: 'cpu0/task', budget: 3, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 3, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'generic-irq',
    summary: 'generic, with an interrupt context on each CPU: every context chooses one allocation or free',
    ...GENERIC,
    contexts: [
      { name: 'cpu0/task', budget: 1, choices: ALLOC_FREE },
      { name: 'cpu0/irq', budget: 1, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 1, choices: ALLOC_FREE },
      { name: 'cpu1/irq', budget: 1, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'put-cpu-partial-recipe',
    summary:
      "the reference's Bug 1 recipe: slab S with one free object on the node list, cpu1 frees S's other object, cpu1's partial chain already holds a slab, cpu_partial_slabs 3",
    versions: ['v6.19', '17c38c88'],
    cache: { objects: 2, cpu_partial_slabs: 3, min_partial: 5, sheaf_capacity: 0, barn_max: 10 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }],
    pool: 2,
    slabs: [
      { node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
      { node: 0, place: { on: 'cpu_partial', cpu: 1 }, free: [0], owners: { 'cpu0/task': [1] } },
    ],
    contexts: [
      { name: 'cpu0/task', ops: [{ op: 'kmem_cache_alloc', gfp: 'GFP_ATOMIC' }] },
      { name: 'cpu1/task', ops: [{ op: 'kmem_cache_free', obj: 1 }] },
    ],
  },
  HARRY,
  {
    ...HARRY,
    name: 'harry-flush-vs-free-no-tid',
    summary: 'harry-flush-vs-free with a deliberately broken per-CPU cmpxchg that compares c->freelist but not c->tid',
    brokenNoTid: true,
  },
  {
    name: 'sheaf-churn',
    summary:
      "sheaves (capacity 1, barn limit 1) start full on cpu0 and in the barn: cpu0's frees overflow to the barn and flush its spare to the slabs, cpu1 takes a sheaf from the barn",
    versions: ['17c38c88', '7.0'],
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }],
    pool: 3,
    slabs: [
      { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [1] }, inSheaf: [{ cpu: 0, sheaf: 'main', objs: [0] }] },
      { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu1/task': [1] }, inSheaf: [{ cpu: 0, sheaf: 'spare', objs: [0] }] },
      { node: 0, place: { on: 'node_partial' }, free: [0], inSheaf: [{ node: 0, sheaf: 'barn', objs: [1] }] },
    ],
    contexts: [
      { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'stress',
    summary:
      'for random and PCT runs: two CPUs (cpu1 memoryless) with a task and an irq each, each choosing up to 4 allocations or frees over three slabs; too large to explore exhaustively',
    exhaustive: false,
    cache: { objects: 3, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 2 },
    nodes: [{ memory: true }, { memory: false }],
    cpus: [{ node: 0 }, { node: 1 }],
    // Enough pages that no run is known to exhaust them (PCT, 20000 runs per version); running out is an error, not a failure path.
    pool: 8,
    slabs: [
      { node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1], 'cpu0/task': [2] } },
      { node: 0, place: { on: 'node_partial' }, free: [1, 2], owners: { 'cpu1/irq': [0] } },
    ],
    contexts: [
      { name: 'cpu0/task', budget: 4, choices: ALLOC_FREE },
      { name: 'cpu0/irq', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 4, choices: ALLOC_FREE },
      { name: 'cpu1/irq', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'empty-cache',
    summary:
      'a fresh cache with no slab yet (one node, two CPUs with task contexts; no sheaves, as for the bootstrap (SLAB_NO_OBJ_EXT) and SLAB_NOLEAKTRACE caches of 17c38c88 and 7.0, or a v6.19 cache that did not opt in; debug caches, which take other paths, are not modelled): each CPU chooses three allocations or frees of any allocated object, then flushes its CPU caches; every slab comes from new_slab()',
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }],
    pool: 3,
    // Six allocations may be asked of six objects: new_slab() fails when the pool is empty, and the allocation returns NULL.
    pageAllocCanFail: true,
    sharedObjects: true,
    slabs: [],
    contexts: chooseThreeThenFlush([0, 1]),
  },
  {
    name: 'chosen-start',
    summary:
      'a start the checker chooses: every layout of up to two slabs (each full on no list, or on the node or a CPU partial list with a free object); two CPUs of one node, no sheaves, each choosing two allocations or frees of any allocated object',
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }],
    pool: 3,
    pageAllocCanFail: true,
    sharedObjects: true,
    slabs: [],
    chosen: { slabs: 2 },
    contexts: [
      { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'scaled-3cpu',
    summary:
      "SPIN's scaled shape: three CPUs (tasks only), no sheaves, min_partial 2, cpu_partial_slabs 2, three slabs of two objects; each CPU does three operations, each an allocation or a free of any allocated object, then flushes its CPU caches",
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 2, sheaf_capacity: 0, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }, { node: 0 }],
    pool: 3,
    large: true,
    // Nine allocations may be asked of six objects: new_slab() fails when the pool is empty, and the allocation returns NULL.
    pageAllocCanFail: true,
    sharedObjects: true,
    slabs: [
      // S0 on the node partial list with one object allocated; S1 full and on no list; S2 not yet allocated.
      { node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } },
      { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    ],
    contexts: chooseThreeThenFlush([0, 1, 2]),
  },
  {
    name: 'irq-same-cpu',
    summary:
      'one CPU whose task and interrupt each choose 2 allocations or frees: an irq lands inside every task-context path that takes a local lock or trylock (sheaves in 17c38c88 and 7.0, the cpu slab in v6.19)',
    cache: { objects: 3, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }],
    pool: 5,
    slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1], 'cpu0/irq': [2] } }],
    contexts: [
      { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu0/irq', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'irq-same-cpu-sheaves',
    summary: 'irq-same-cpu on a v6.19 cache that opts in to sheaves: the sheaf paths, their fallback to the cpu slab and the bulk refill, with an irq on the same CPU',
    versions: ['v6.19'],
    sheavesOptIn: true,
    cache: { objects: 3, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }],
    pool: 5,
    slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1], 'cpu0/irq': [2] } }],
    contexts: [
      { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu0/irq', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'barn-sharing',
    summary:
      "two CPUs of one node share its barn: cpu0 frees objects it owns through its sheaves (capacity 1) into the barn while cpu1 allocates from it",
    sheavesOptIn: true,
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }],
    pool: 5,
    slabs: [
      { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
      { node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
    ],
    contexts: [
      { name: 'cpu0/task', budget: 3, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'cpu-partial-drain',
    summary:
      "cpu0's CPU partial list holds two slabs in use, one per node: a free into a full slab drains it through __put_partials() (switching list_lock between the nodes) while cpu1 frees into the slabs being drained",
    versions: ['v6.19', '17c38c88'],
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
    nodes: [{ memory: true }, { memory: true }],
    cpus: [{ node: 0 }, { node: 1 }],
    pool: 5,
    slabs: [
      { node: 0, place: { on: 'cpu_partial', cpu: 0 }, free: [0], owners: { 'cpu1/task': [1] } },
      { node: 1, place: { on: 'cpu_partial', cpu: 0 }, free: [0], owners: { 'cpu1/task': [1] } },
      { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    ],
    contexts: [
      { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
      { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
    ],
  },
  {
    name: 'refill-page-alloc-fails',
    summary:
      'page allocations may fail (the pool is nearly used up): a sheaf refill that takes the last partial object and then finds no page gets fewer objects than asked',
    pageAllocCanFail: true,
    sheavesOptIn: true,
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 1 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }],
    pool: 2,
    slabs: [
      { node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } },
      { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    ],
    contexts: [{ name: 'cpu0/task', budget: 2, choices: ALLOC_FREE }],
  },
  {
    ...KFREE_RCU_LIVE,
    name: 'kfree-rcu-sheaf',
    summary:
      'kfree_rcu() while the cache lives: cpu0 owns both objects of a full slab and chooses three allocations, frees or kfree_rcu()s; a full rcu_free sheaf (capacity 1) goes to call_rcu() and rcu_free_sheaf() runs in softirq after a grace period',
    cache: { ...KFREE_RCU_LIVE.cache, sheaf_capacity: 1 },
    sheavesOptIn: true,
  },
  {
    ...KFREE_RCU_LIVE,
    name: 'kfree-rcu-batch',
    summary:
      'kfree-rcu-sheaf on a cache without sheaves: kvfree_call_rcu() queues each object for the kfree_rcu batching, whose callback frees the batch in softirq after a grace period',
  },
  {
    name: 'destroy-barn-full-slab',
    summary:
      "the v6.19 shutdown finding: every object of a full slab sits in a full sheaf in the barn when the cache is destroyed; barn_shrink() frees them after flush_all_cpus_locked()",
    sheavesOptIn: true,
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }],
    pool: 1,
    slabs: [{ node: 0, place: { on: 'none' }, free: [], inSheaf: [{ node: 0, sheaf: 'barn', objs: [0, 1] }] }],
    contexts: [
      { name: 'cpu0/task', ops: [{ op: 'kmem_cache_destroy' }] },
      { name: 'cpu0/worker' },
      { name: 'cpu0/softirq' },
    ],
  },
  {
    name: 'kfree-rcu-wq-destroy',
    summary:
      "lib/slub_kunit.c test_kfree_rcu_wq_destroy: kfree_rcu() of an object, then kmem_cache_destroy() from a work item of an unbound WQ_MEM_RECLAIM workqueue while slub_flushwq's works run on cpu0's bound worker",
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }],
    pool: 1,
    slabs: [{ node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } }],
    contexts: [
      { name: 'cpu0/task', ops: [{ op: 'kfree_rcu', obj: 0 }] },
      { name: 'cpu0/unbound', ops: [{ op: 'kmem_cache_destroy' }] },
      { name: 'cpu0/worker' },
      { name: 'cpu0/softirq' },
    ],
  },
  {
    ...DESTROY_ONE_OBJECT,
    name: 'destroy-after-kfree-rcu',
    summary:
      'cpu0 frees its object with kfree_rcu() into its rcu_free sheaf, then cpu1 destroys the cache (the kernel test robot case); RCU callbacks in softirq, flush works in workers',
    contexts: [
      { name: 'cpu0/task', ops: [{ op: 'kfree_rcu', obj: 0 }] },
      { name: 'cpu0/worker' },
      { name: 'cpu0/softirq' },
      { name: 'cpu1/task', ops: [{ op: 'kmem_cache_destroy' }] },
      { name: 'cpu1/worker' },
      { name: 'cpu1/softirq' },
    ],
  },
  {
    ...DESTROY_ONE_OBJECT,
    name: 'destroy-chosen',
    summary:
      "destroy-after-kfree-rcu with the operations chosen: cpu0 frees its object by a path the checker chooses (kmem_cache_free or kfree_rcu), and cpu1 may choose to destroy the cache once cpu0 is done",
    contexts: [
      { name: 'cpu0/task', ops: [{ op: 'free_any', obj: 0 }] },
      { name: 'cpu0/worker' },
      { name: 'cpu0/softirq' },
      { name: 'cpu1/task', budget: 1, choices: ['kmem_cache_destroy'] },
      { name: 'cpu1/worker' },
      { name: 'cpu1/softirq' },
    ],
  },
  {
    name: 'destroy-mixed',
    summary:
      'two CPUs each free one object of the same full slab by a path the checker chooses (kmem_cache_free or kfree_rcu), then cpu1 destroys the cache',
    cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
    sheavesOptIn: true,
    nodes: [{ memory: true }],
    cpus: [{ node: 0 }, { node: 0 }],
    pool: 1,
    slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0], 'cpu1/task': [1] } }],
    contexts: [
      { name: 'cpu0/task', ops: [{ op: 'free_any', obj: 0 }] },
      { name: 'cpu0/worker' },
      { name: 'cpu0/softirq' },
      { name: 'cpu1/task', ops: [{ op: 'free_any', obj: 1 }, { op: 'kmem_cache_destroy' }] },
      { name: 'cpu1/worker' },
      { name: 'cpu1/softirq' },
    ],
  },
];

/** Whether some context of the scenario may run `op`: scripted, or among its choices (a scripted free_any may be a kmem_cache_free or a kfree_rcu). */
export function mayRunOp(sc: ScenarioDef, op: Op['op']): boolean {
  const scripted = (o: Op) => o.op === op || (o.op === 'free_any' && (op === 'kmem_cache_free' || op === 'kfree_rcu'));
  return sc.contexts.some((c) => (c.ops ?? []).some(scripted) || (c.choices ?? []).includes(op));
}

export function findScenario(name: string): ScenarioDef | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

// Layouts and workloads several shipped scenarios share.
import type { Scenario, ScenarioContext, MenuOp } from '../scenario-api.ts';

export const ALLOC_FREE: MenuOp[] = ['kmem_cache_alloc', 'kmem_cache_free'];

/** A task per CPU that chooses three allocations or frees of any allocated object, then flushes its CPU caches. */
export const chooseThreeThenFlush = (cpus: readonly number[]): ScenarioContext[] =>
  cpus.map((c) => ({ name: `cpu${c}/task`, ops: [{ op: 'choose' }, { op: 'choose' }, { op: 'choose' }, { op: 'flush_cpu_slab' }], choices: ALLOC_FREE }));

/** The destroy layout of the kernel test robot case: two CPUs of one node, an opt-in sheaf cache, one slab on the node partial list whose object 0 cpu0 owns. */
export const DESTROY_ONE_OBJECT = {
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
  sheavesOptIn: true,
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } }],
} as const satisfies Partial<Scenario>;

/** The generic layout: cpu1 on a memoryless node owns one object of a partial slab with one free object. */
export const GENERIC = {
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 10 },
  nodes: [{ memory: true }, { memory: false }],
  cpus: [{ node: 0 }, { node: 1 }],
  // Enough pages that no workload of these scenarios runs out: page allocation failures are their own scenario.
  pool: 8,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } }],
} as const satisfies Partial<Scenario>;

/** kfree_rcu() while the cache lives: one CPU owns both objects of a full slab and chooses three allocations, frees or kfree_rcu()s; RCU callbacks in softirq. */
export const KFREE_RCU_LIVE = {
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 1,
  pageAllocCanFail: true,
  slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } }],
  contexts: [{ name: 'cpu0/task', budget: 3, choices: ['kmem_cache_alloc', 'kmem_cache_free', 'kfree_rcu'] }, { name: 'cpu0/softirq' }],
} as const satisfies Partial<Scenario>;

/** Two CPUs of one node and an opt-in sheaf cache; one full slab whose object 0 cpu0 owns and object 1 cpu1. */
export const TWO_CPUS_ONE_FULL_SLAB = {
  sheavesOptIn: true,
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0], 'cpu1/task': [1] } }],
} as const satisfies Partial<Scenario>;

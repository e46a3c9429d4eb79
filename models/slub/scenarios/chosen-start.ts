import type { Scenario } from '../scenario-api.ts';

export default {
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
    { name: 'cpu0/task', budget: 2, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu1/task', budget: 2, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
  ],
} satisfies Scenario;

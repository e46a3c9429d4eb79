import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'prefill-sheaf',
  summary:
    "prefilled sheaves as the maple tree uses them (sheaf capacity 2; v6.19 opts in): cpu0's task prefills a sheaf, allocates both objects from it, frees them and gives the sheaf back, while its irq and cpu1's task allocate or free: the prefill takes the spare or a barn sheaf and refills it, the return becomes the spare, goes to the barn or is flushed",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 1 },
  sheavesOptIn: true,
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 6,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/irq': [1] } }],
  contexts: [
    {
      name: 'cpu0/task',
      ops: [{ op: 'kmem_cache_prefill_sheaf' }, { op: 'kmem_cache_alloc_from_sheaf' }, { op: 'kmem_cache_alloc_from_sheaf' }, { op: 'choose' }, { op: 'choose' }, { op: 'kmem_cache_return_sheaf' }],
      choices: ['kmem_cache_free'],
    },
    { name: 'cpu0/irq', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu1/task', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
  ],
} satisfies Scenario;

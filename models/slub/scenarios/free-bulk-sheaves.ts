import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'free-bulk-sheaves',
  summary:
    "a sheaf cache (capacity 1; v6.19 opts in) on two nodes: cpu0's task bulk-frees two of its three objects, one of them from node1's slab, while its irq allocates or frees and cpu1 allocates: free_to_pcs_bulk() fills main batch by batch, trades a full main at the barn, and sends the rest and the remote object to the slabs",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
  sheavesOptIn: true,
  nodes: [{ memory: true }, { memory: true }],
  cpus: [{ node: 0 }, { node: 1 }],
  pool: 6,
  slabs: [
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    { node: 1, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ['kmem_cache_free_bulk', 'kmem_cache_free'] },
    { name: 'cpu0/irq', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu1/task', ops: [{ op: 'kmem_cache_alloc' }] },
  ],
} satisfies Scenario;

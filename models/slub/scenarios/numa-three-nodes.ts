import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'numa-three-nodes',
  summary:
    "three nodes with memory, sheaves of capacity 2: cpu0's node has no partial slab, node1 one (not more than min_partial), node2 two; cpu0 chooses two allocations (GFP_KERNEL refills a sheaf, GFP_ATOMIC takes the slab path), each walking the zonelist past node1 to node2",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 10 },
  sheavesOptIn: true,
  nodes: [{ memory: true }, { memory: true }, { memory: true }],
  cpus: [{ node: 0 }],
  pool: 7,
  slabs: [
    { node: 1, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } },
    { node: 2, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } },
    { node: 2, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } },
  ],
  contexts: [{ name: 'cpu0/task', budget: 2, choices: ['kmem_cache_alloc'] }],
} satisfies Scenario;

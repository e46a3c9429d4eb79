import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'numa-remote-refill',
  summary:
    "two nodes with memory, sheaves of capacity 2: cpu0's node has no partial slab, so its sheaf refill goes to __refill_objects_any() and takes node1's partial slabs under a trylock of node1's list_lock, racing cpu1's allocations and frees on node1",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 10 },
  sheavesOptIn: true,
  nodes: [{ memory: true }, { memory: true }],
  cpus: [{ node: 0 }, { node: 1 }],
  pool: 6,
  slabs: [
    { node: 1, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
    { node: 1, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 1, choices: ['kmem_cache_alloc'] },
    { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
  ],
} satisfies Scenario;

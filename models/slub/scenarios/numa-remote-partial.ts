import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'numa-remote-partial',
  summary:
    "two nodes with memory: cpu0's node has no partial slab, cpu1's has two (more than min_partial), each with a free object; cpu0 chooses two allocations or frees (an allocation steals from node1 through get_from_any_partial(), a free of its node1 object goes to node1's list) racing cpu1 on node1",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }, { memory: true }],
  cpus: [{ node: 0 }, { node: 1 }],
  pool: 5,
  slabs: [
    { node: 1, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } },
    { node: 1, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
  ],
} satisfies Scenario;

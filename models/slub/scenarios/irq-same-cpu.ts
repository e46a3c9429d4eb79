import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
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
} satisfies Scenario;

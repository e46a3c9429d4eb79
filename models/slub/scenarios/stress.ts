import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'stress',
  summary:
    'for random and PCT runs: two CPUs (cpu1 memoryless) with a task and an irq each, each choosing up to 4 allocations or frees over three slabs; too large to explore exhaustively',
  exhaustive: false,
  cache: { objects: 3, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 2 },
  nodes: [{ memory: true }, { memory: false }],
  cpus: [{ node: 0 }, { node: 1 }],
  // Enough pages that no run can exhaust them (running out is an error, not a failure path): the two
  // slabs of the start and one new slab per allocation (12 at most; a refill of 2 needs one slab of 3).
  pool: 14,
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
} satisfies Scenario;

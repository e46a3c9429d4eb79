import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
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
} satisfies Scenario;

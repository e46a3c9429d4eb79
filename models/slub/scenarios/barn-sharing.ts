import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'barn-sharing',
  summary:
    "two CPUs of one node share its barn: cpu0 frees objects it owns through its sheaves (capacity 1) into the barn while cpu1 allocates from it",
  sheavesOptIn: true,
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 5,
  slabs: [
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    { node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 3, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'cpu-partial-drain',
  summary:
    "cpu0's CPU partial list holds two slabs in use, one per node: a free into a full slab drains it through __put_partials() (switching list_lock between the nodes) while cpu1 frees into the slabs being drained",
  versions: ['v6.19', '17c38c88'],
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }, { memory: true }],
  cpus: [{ node: 0 }, { node: 1 }],
  pool: 5,
  slabs: [
    { node: 0, place: { on: 'cpu_partial', cpu: 0 }, free: [0], owners: { 'cpu1/task': [1] } },
    { node: 1, place: { on: 'cpu_partial', cpu: 0 }, free: [0], owners: { 'cpu1/task': [1] } },
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
  ],
} satisfies Scenario;

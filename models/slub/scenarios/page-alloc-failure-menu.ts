import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'page-alloc-failure-menu',
  summary:
    "one CPU, sheaves of capacity 2, a partial slab with one free object; the task chooses three allocations or frees, and the checker may fail one slab page allocation wherever new_slab() is called: every caller's fallback path",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 10 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 4,
  pageAllocFailures: 1,
  sheavesOptIn: true,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } }],
  contexts: [{ name: 'cpu0/task', budget: 3, choices: ALLOC_FREE }],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'destroy-barn-full-slab',
  summary:
    "the v6.19 shutdown finding: every object of a full slab sits in a full sheaf in the barn when the cache is destroyed; barn_shrink() frees them after flush_all_cpus_locked()",
  sheavesOptIn: true,
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'none' }, free: [], inSheaf: [{ node: 0, sheaf: 'barn', objs: [0, 1] }] }],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_destroy' }] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
  ],
} satisfies Scenario;

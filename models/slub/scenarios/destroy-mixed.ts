import type { Scenario } from '../scenario-api.ts';
import { TWO_CPUS_ONE_FULL_SLAB } from './shared.ts';

export default {
  name: 'destroy-mixed',
  summary:
    'two CPUs each free one object of the same full slab by a path the checker chooses (kmem_cache_free or kfree_rcu), then cpu1 destroys the cache',
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
  ...TWO_CPUS_ONE_FULL_SLAB,
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'free_any', obj: 0 }] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
    { name: 'cpu1/task', ops: [{ op: 'free_any', obj: 1 }, { op: 'kmem_cache_destroy' }] },
    { name: 'cpu1/worker' },
    { name: 'cpu1/softirq' },
  ],
} satisfies Scenario;

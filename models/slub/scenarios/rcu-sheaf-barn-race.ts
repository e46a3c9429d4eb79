import type { Scenario } from '../scenario-api.ts';
import { TWO_CPUS_ONE_FULL_SLAB } from './shared.ts';

export default {
  name: 'rcu-sheaf-barn-race',
  summary:
    "two CPUs of one node each kfree_rcu() an object of a full slab into an rcu_free sheaf of capacity 1; after a grace period both rcu_free_sheaf() callbacks put their sheaves into the node's one barn at once",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 10 },
  ...TWO_CPUS_ONE_FULL_SLAB,
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kfree_rcu', obj: 0 }] },
    { name: 'cpu0/softirq' },
    { name: 'cpu1/task', ops: [{ op: 'kfree_rcu', obj: 1 }] },
    { name: 'cpu1/softirq' },
  ],
} satisfies Scenario;

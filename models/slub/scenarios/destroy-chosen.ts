import type { Scenario } from '../scenario-api.ts';
import { DESTROY_ONE_OBJECT } from './shared.ts';

export default {
  ...DESTROY_ONE_OBJECT,
  name: 'destroy-chosen',
  summary:
    "destroy-after-kfree-rcu with the operations chosen: cpu0 frees its object by a path the checker chooses (kmem_cache_free or kfree_rcu), and cpu1 may choose to destroy the cache once cpu0 is done",
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'free_any', obj: 0 }] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
    { name: 'cpu1/task', budget: 1, choices: ['kmem_cache_destroy'] },
    { name: 'cpu1/worker' },
    { name: 'cpu1/softirq' },
  ],
} satisfies Scenario;

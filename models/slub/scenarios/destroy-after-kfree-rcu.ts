import type { Scenario } from '../scenario-api.ts';
import { DESTROY_ONE_OBJECT } from './shared.ts';

export default {
  ...DESTROY_ONE_OBJECT,
  name: 'destroy-after-kfree-rcu',
  summary:
    'cpu0 frees its object with kfree_rcu() into its rcu_free sheaf, then cpu1 destroys the cache (the kernel test robot case); RCU callbacks in softirq, flush works in workers',
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kfree_rcu', obj: 0 }] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
    { name: 'cpu1/task', ops: [{ op: 'kmem_cache_destroy' }] },
    { name: 'cpu1/worker' },
    { name: 'cpu1/softirq' },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';
import { KFREE_RCU_LIVE } from './shared.ts';

export default {
  ...KFREE_RCU_LIVE,
  name: 'kfree-rcu-sheaf',
  summary:
    'kfree_rcu() while the cache lives: cpu0 owns both objects of a full slab and chooses three allocations, frees or kfree_rcu()s; a full rcu_free sheaf (capacity 1) goes to call_rcu() and rcu_free_sheaf() runs in softirq after a grace period',
  cache: { ...KFREE_RCU_LIVE.cache, sheaf_capacity: 1 },
  sheavesOptIn: true,
} satisfies Scenario;

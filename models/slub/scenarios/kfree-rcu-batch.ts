import type { Scenario } from '../scenario-api.ts';
import { KFREE_RCU_LIVE } from './shared.ts';

export default {
  ...KFREE_RCU_LIVE,
  name: 'kfree-rcu-batch',
  summary:
    'kfree-rcu-sheaf on a cache without sheaves: kvfree_call_rcu() queues each object for the kfree_rcu batching, whose callback frees the batch in softirq after a grace period',
} satisfies Scenario;

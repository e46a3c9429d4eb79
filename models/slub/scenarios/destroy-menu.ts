import type { Scenario } from '../scenario-api.ts';
import { DESTROY_ONE_OBJECT } from './shared.ts';

export default {
  ...DESTROY_ONE_OBJECT,
  name: 'destroy-menu',
  summary:
    'Bug 2 from a menu: two CPUs each own one object of a full slab and choose up to two operations among kmem_cache_free, kfree_rcu and kmem_cache_destroy (a destroy only once every client holds nothing); RCU callbacks in softirq, flush works in workers',
  slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0], 'cpu1/task': [1] } }],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ['kmem_cache_free', 'kfree_rcu', 'kmem_cache_destroy'] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
    { name: 'cpu1/task', budget: 2, choices: ['kmem_cache_free', 'kfree_rcu', 'kmem_cache_destroy'] },
    { name: 'cpu1/worker' },
    { name: 'cpu1/softirq' },
  ],
} satisfies Scenario;

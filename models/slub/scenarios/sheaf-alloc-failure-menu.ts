import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'sheaf-alloc-failure-menu',
  summary:
    "one CPU, sheaves of capacity 1; its task chooses three allocations, frees, kfree_rcu()s, sheaf prefills or returns and its irq one allocation or free, and the checker may fail one empty-sheaf allocation wherever alloc_empty_sheaf() is called: the refill gives up, a full main is flushed to the slabs (sheaf_flush_main()), kfree_rcu() falls back to its batching, a prefill returns NULL",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 2 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 5,
  sheafAllocFailures: 1,
  sheavesOptIn: true,
  slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0], 'cpu0/irq': [1] } }],
  contexts: [
    { name: 'cpu0/task', budget: 3, choices: ['kmem_cache_alloc', 'kmem_cache_free', 'kfree_rcu', 'kmem_cache_prefill_sheaf', 'kmem_cache_return_sheaf'] },
    { name: 'cpu0/irq', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu0/softirq' },
  ],
} satisfies Scenario;

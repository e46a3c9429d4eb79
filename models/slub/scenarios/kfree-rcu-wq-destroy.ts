import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'kfree-rcu-wq-destroy',
  summary:
    "lib/slub_kunit.c test_kfree_rcu_wq_destroy: kfree_rcu() of an object, then kmem_cache_destroy() from a work item of an unbound WQ_MEM_RECLAIM workqueue while slub_flushwq's works run on cpu0's bound worker",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 2, barn_max: 10 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } }],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kfree_rcu', obj: 0 }] },
    { name: 'cpu0/unbound', ops: [{ op: 'kmem_cache_destroy' }] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'kfree-nolock-destroy',
  summary:
    "one CPU: its task allocates an object (in v6.19 from a new cpu slab), frees it and object 0 by kmem_cache_free or kfree_nolock (the checker chooses; kfree_nolock of a cpu-slab object takes v6.19's per-CPU cmpxchg) and then destroys the cache; its irq kfree_nolock()s object 1, possibly inside the task's free: what kfree_nolock() cannot free now is deferred to the CPU's irq_work, which kmem_cache_destroy() must wait for",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 3,
  slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0], 'cpu0/irq': [1] } }],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_alloc' }, { op: 'choose' }, { op: 'choose' }, { op: 'kmem_cache_destroy' }], choices: ['kmem_cache_free', 'kfree_nolock'] },
    { name: 'cpu0/irq', ops: [{ op: 'kfree_nolock', obj: 1 }] },
    { name: 'cpu0/worker' },
    { name: 'cpu0/softirq' },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'kmalloc-nolock-race',
  summary:
    "two CPUs of one node: cpu0's task allocates or frees (taking list_lock for partial slabs), while cpu1's task kmalloc_nolock()s twice and kfree_nolock()s what it got, and cpu1's irq kmalloc_nolock()s once (finding the pcs lock held inside the task's): its list_lock trylocks meet cpu0's critical sections; cpu1's irq also runs the deferred frees",
  versions: ['17c38c88', '7.0'],
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 4,
  slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [1] } }],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu1/task', ops: [{ op: 'kmalloc_nolock' }, { op: 'kmalloc_nolock' }], budget: 2, choices: ['kfree_nolock'] },
    { name: 'cpu1/irq', budget: 1, choices: ['kmalloc_nolock'] },
  ],
} satisfies Scenario;

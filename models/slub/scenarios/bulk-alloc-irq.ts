import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'bulk-alloc-irq',
  summary:
    "v6.19: cpu0's task allocates through the lockless fast path while its interrupt calls kmem_cache_alloc_bulk() for two objects, emptying the cpu freelist and calling ___slab_alloc() for the rest, then frees; a cpu slab with two free objects to start",
  versions: ['v6.19'],
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 4,
  slabs: [{ node: 0, place: { on: 'cpu_slab', cpu: 0, cpuFree: [0, 1] }, free: [] }],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_alloc' }, { op: 'choose' }], choices: ['kmem_cache_free'] },
    { name: 'cpu0/irq', ops: [{ op: 'kmem_cache_alloc_bulk' }, { op: 'choose' }, { op: 'choose' }], choices: ['kmem_cache_free'] },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'memoryless-barn-destroy',
  summary:
    "a fresh cache; cpu1 sits on a memoryless node (as in seed 000) and its task and worker each allocate an object and free it, racing their sheaf refills; then cpu0 destroys the cache: whatever a memoryless node's barn holds must be shrunk",
  cache: { objects: 2, cpu_partial_slabs: 0, min_partial: 5, sheaf_capacity: 1, barn_max: 10 },
  nodes: [{ memory: true }, { memory: false }],
  cpus: [{ node: 0 }, { node: 1 }],
  pool: 3,
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_destroy' }] },
    { name: 'cpu0/worker' },
    { name: 'cpu1/task', ops: [{ op: 'kmem_cache_alloc' }, { op: 'choose' }], choices: ['kmem_cache_free'] },
    { name: 'cpu1/worker', ops: [{ op: 'kmem_cache_alloc' }, { op: 'choose' }], choices: ['kmem_cache_free'] },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'free-bulk-irq',
  summary:
    "one CPU, a cache without sheaves: the task owns three objects of two slabs and chooses bulk frees of two, frees or allocations, while its irq allocates or frees: build_detached_freelist() per slab and slab_free_bulk() (with --kasan, the free hook takes every object out of the detached freelist)",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 5,
  slabs: [
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    { node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ['kmem_cache_free_bulk', 'kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu0/irq', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
  ],
} satisfies Scenario;

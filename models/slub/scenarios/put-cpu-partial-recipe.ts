import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'put-cpu-partial-recipe',
  summary:
    "the reference's Bug 1 recipe: slab S with one free object on the node list, cpu1 frees S's other object, cpu1's partial chain already holds a slab, cpu_partial_slabs 3",
  versions: ['v6.19', '17c38c88'],
  cache: { objects: 2, cpu_partial_slabs: 3, min_partial: 5, sheaf_capacity: 0, barn_max: 10 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 2,
  slabs: [
    { node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu1/task': [1] } },
    { node: 0, place: { on: 'cpu_partial', cpu: 1 }, free: [0], owners: { 'cpu0/task': [1] } },
  ],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_alloc', gfp: 'GFP_ATOMIC' }] },
    { name: 'cpu1/task', ops: [{ op: 'kmem_cache_free', obj: 1 }] },
  ],
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';

export default {
  name: 'cpu-partial-irq',
  summary:
    "one CPU whose task and interrupt each free an object of a different full slab: both frees find their slab full and put it on cpu0's CPU partial list with put_cpu_partial(), the interrupt possibly inside the task's section",
  versions: ['v6.19', '17c38c88'],
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 2,
  slabs: [
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/irq': [0, 1] } },
  ],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_free', obj: 0 }] },
    { name: 'cpu0/irq', ops: [{ op: 'kmem_cache_free', obj: 2 }] },
  ],
} satisfies Scenario;

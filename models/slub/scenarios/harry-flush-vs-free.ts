import type { Scenario } from '../scenario-api.ts';

/** Harry Yoo's first hypothesis (reference §5), shared by the real scenario and its broken variant. */
export default {
  name: 'harry-flush-vs-free',
  summary:
    "Harry Yoo's first hypothesis (v6.19): flush_slab() in a worker on cpu0 races a preemptible do_slab_free() of the task and a free from cpu0's interrupt into the cpu slab",
  versions: ['v6.19'],
  cache: { objects: 3, cpu_partial_slabs: 2, min_partial: 5, sheaf_capacity: 0, barn_max: 10 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 1,
  slabs: [{ node: 0, place: { on: 'cpu_slab', cpu: 0, cpuFree: [] }, free: [0], owners: { 'cpu0/task': [1], 'cpu0/irq': [2] } }],
  contexts: [
    { name: 'cpu0/task', ops: [{ op: 'kmem_cache_free', obj: 1 }] },
    { name: 'cpu0/worker', ops: [{ op: 'flush_cpu_slab' }] },
    { name: 'cpu0/irq', ops: [{ op: 'kmem_cache_free', obj: 2 }] },
  ],
} satisfies Scenario;

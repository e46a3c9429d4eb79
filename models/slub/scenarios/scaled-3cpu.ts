import type { Scenario } from '../scenario-api.ts';
import { chooseThreeThenFlush } from './shared.ts';

export default {
  name: 'scaled-3cpu',
  summary:
    "SPIN's scaled shape: three CPUs (tasks only), no sheaves, min_partial 2, cpu_partial_slabs 2, three slabs of two objects; each CPU does three operations, each an allocation or a free of any allocated object, then flushes its CPU caches",
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 2, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }, { node: 0 }],
  pool: 3,
  large: true,
  // Nine allocations may be asked of six objects: new_slab() fails when the pool is empty, and the allocation returns NULL.
  pageAllocCanFail: true,
  sharedObjects: true,
  slabs: [
    // S0 on the node partial list with one object allocated; S1 full and on no list; S2 not yet allocated.
    { node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } },
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } },
  ],
  contexts: chooseThreeThenFlush([0, 1, 2]),
} satisfies Scenario;

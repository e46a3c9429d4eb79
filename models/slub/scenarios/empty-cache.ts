import type { Scenario } from '../scenario-api.ts';
import { chooseThreeThenFlush } from './shared.ts';

export default {
  name: 'empty-cache',
  summary:
    'a fresh cache with no slab yet (one node, two CPUs with task contexts; no sheaves, as for the bootstrap (SLAB_NO_OBJ_EXT) and SLAB_NOLEAKTRACE caches of 17c38c88 and 7.0, or a v6.19 cache that did not opt in; debug caches, which take other paths, are not modelled): each CPU chooses three allocations or frees of any allocated object, then flushes its CPU caches; every slab comes from new_slab()',
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 3,
  // Six allocations may be asked of six objects: new_slab() fails when the pool is empty, and the allocation returns NULL.
  pageAllocCanFail: true,
  sharedObjects: true,
  slabs: [],
  contexts: chooseThreeThenFlush([0, 1]),
} satisfies Scenario;

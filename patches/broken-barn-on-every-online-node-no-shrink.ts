// DELIBERATELY WRONG: seed 000's "mm/slab: put barn on every online node"
// without its new barn_shrink() loop in __kmem_cache_shutdown(): memoryless
// nodes get a barn, but the shutdown still shrinks only the barns of nodes
// with a kmem_cache_node, so sheaves a memoryless node's CPUs left in their
// barn are freed with it (free_kmem_cache_nodes() WARNs), and the objects
// in full ones are never freed.
//
//  static inline struct node_barn *get_barn(struct kmem_cache *s)
//  {
// -	struct kmem_cache_node *n = get_node(s, numa_mem_id());
// -	...
// +	return get_barn_node(s, numa_node_id());
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch }: PatchApi) =>
  definePatch({
    name: 'broken-barn-on-every-online-node-no-shrink',
    summary: 'DELIBERATELY WRONG: barn-on-every-online-node without the barn_shrink() loop over every node in __kmem_cache_shutdown()',
    appliesTo: ['7.0'],
    deliberatelyBroken: true,
    features: { barnOnEveryNode: true },
  });

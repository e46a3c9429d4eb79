// Seed 000, "mm/slab: put barn on every online node" (Vlastimil Babka,
// 26 Feb 2026), the parts the model has: get_barn() returns the barn of
// numa_node_id(), and every online node has one, memoryless or not (feature
// barnOnEveryNode; in 7.0-rc a CPU of a memoryless node has no barn), and
// __kmem_cache_shutdown() shrinks every barn, not only those of nodes with a
// kmem_cache_node. The slab_free() clause !node_isset(slab_nid(slab),
// slab_nodes) is always false (a slab's node has memory) and is left out.
//
//  static inline struct node_barn *get_barn(struct kmem_cache *s)
//  {
// -	struct kmem_cache_node *n = get_node(s, numa_mem_id());
// -	...
// +	return get_barn_node(s, numa_node_id());
//  	...
// +	for_each_node(node) {
// +		struct node_barn *barn = get_barn_node(s, node);
// +
// +		if (barn)
// +			barn_shrink(s, barn);
// +	}
// +
//  	/* Attempt to free all objects */
//  	for_each_kmem_cache_node(s, node, n) {
// -		if (n->barn)
// -			barn_shrink(s, n->barn);
//  		free_partial(s, n);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, barn_shrink, goto }: PatchApi) =>
  definePatch({
    name: 'barn-on-every-online-node',
    summary: '"mm/slab: put barn on every online node": memoryless nodes get a barn too, and the shutdown shrinks every barn',
    appliesTo: ['7.0'],
    features: { barnOnEveryNode: true },
    steps: {
      '__kmem_cache_shutdown/for_each_node': (old) => ({
        ...old!,
        local: false,
        cite: 'mm/slub.c (+seed 000 patch 2) __kmem_cache_shutdown(): for_each_node(node): barn_shrink() every barn; then for_each_kmem_cache_node (K6 X3)',
        reads: ['node*.barn'],
        writes: ['node*.barn'],
        run: (x) => {
          x.l.n = x.d.nodes.findIndex((n) => n.memory);
          barn_shrink(x, x.d.nodes.map((_n, i) => i), 'barn_shrink');
        },
      }),
      '__kmem_cache_shutdown/barn_shrink': (old) => ({ ...old!, local: true, reads: [], writes: [], run: (x) => goto(x, 'free_partial') }),
    },
  });

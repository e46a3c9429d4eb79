// Candidate fix (b) for the v6.19 shutdown finding (docs/findings.md): shrink
// every barn BEFORE flush_all_cpus_locked(), so that a slab that a barn
// sheaf's free parks on a CPU partial list is drained by the flush; the
// per-node loop then only runs free_partial().
//
// +	for_each_kmem_cache_node(s, node, n)
// +		if (n->barn)
// +			barn_shrink(s, n->barn);
//  	flush_all_cpus_locked(s);
//  	...
//  	for_each_kmem_cache_node(s, node, n) {
// -		if (n->barn)
// -			barn_shrink(s, n->barn);
//  		free_partial(s, n);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, barn_shrink, goto }: PatchApi) =>
  definePatch({
    name: 'shutdown-barn-shrink-first',
    summary: '__kmem_cache_shutdown(): barn_shrink() every node before flush_all_cpus_locked(), not after rcu_barrier()',
    appliesTo: ['v6.19', '17c38c88'],
    entries: { __kmem_cache_shutdown: 'barn_shrink_first' },
    steps: {
      '__kmem_cache_shutdown/barn_shrink_first': {
        cite: 'mm/slub.c (+fix b) __kmem_cache_shutdown(): for_each_kmem_cache_node: barn_shrink() before flush_all_cpus_locked()',
        reads: ['node*.barn'],
        writes: ['node*.barn'],
        run: (x) => barn_shrink(x, x.d.nodes.map((_n, i) => i), 'flush_all_cpus_locked'),
      },
      '__kmem_cache_shutdown/barn_shrink': (old) => ({ ...old!, local: true, reads: [], writes: [], run: (x) => goto(x, 'free_partial') }),
    },
  });

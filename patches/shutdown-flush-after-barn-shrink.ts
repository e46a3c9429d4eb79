// Candidate fix (a) for the v6.19 shutdown finding (docs/findings.md): after
// barn_shrink() has freed the barn's sheaves (which may park a slab that was
// full on this CPU's partial list, through __slab_free() ->
// put_cpu_partial()), flush the CPU slabs and CPU partial lists again before
// free_partial() looks at the node:
//
//  		if (n->barn)
//  			barn_shrink(s, n->barn);
// +		flush_all_cpus_locked(s);
//  		free_partial(s, n);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, call }: PatchApi) =>
  definePatch({
    name: 'shutdown-flush-after-barn-shrink',
    summary: '__kmem_cache_shutdown(): flush_all_cpus_locked() again after barn_shrink(), before free_partial()',
    appliesTo: ['v6.19', '17c38c88'],
    steps: {
      '__kmem_cache_shutdown/barn_shrunk': (old) => ({
        ...old!,
        cite: 'mm/slub.c (+fix a) __kmem_cache_shutdown(): barn_shrink(); flush_all_cpus_locked(s); free_partial(s, n)',
        run: (x) => call(x, 'flush_all_cpus_locked', {}, 'free_partial'),
      }),
    },
  });

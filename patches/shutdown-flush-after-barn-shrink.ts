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

export default ({ definePatch, goto, needsFlush, queue_work_on, worksDone }: PatchApi) =>
  definePatch({
    name: 'shutdown-flush-after-barn-shrink',
    summary: '__kmem_cache_shutdown(): flush_all_cpus_locked() again after barn_shrink(), before free_partial()',
    appliesTo: ['v6.19', '17c38c88'],
    steps: {
      '__kmem_cache_shutdown/barn_shrunk': {
        cite: 'mm/slub.c (+fix a) __kmem_cache_shutdown(): flush_all_cpus_locked(s) after barn_shrink(): queue the flush works',
        reads: ['cpu*.kmem_cache_cpu', 'cpu*.pcs'],
        writes: ['cpu*.work'],
        run: (x) => {
          x.f.l.works = x.d.cpus.flatMap((_c, i) => (needsFlush(x, i) ? [queue_work_on(x, i, 'flush_cpu_sheaves')] : []));
          goto(x, 'flush_again_wait');
        },
      },
      '__kmem_cache_shutdown/flush_again_wait': {
        cite: 'mm/slub.c (+fix a) __kmem_cache_shutdown(): flush_work() on each, then free_partial(s, n)',
        reads: ['cpu*.work'],
        writes: [],
        guard: (x) => worksDone(x.d, x.l.works.toArray()),
        run: (x) => goto(x, 'free_partial'),
      },
    },
  });

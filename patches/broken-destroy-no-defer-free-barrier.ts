// DELIBERATELY WRONG: kmem_cache_destroy() without defer_free_barrier(),
// as if "kfree_nolock() only frees to the sheaves or the slab". It does
// not: what it cannot free without spinning (a failed pcs trylock, a sheaf
// it would have to allocate, a remote object, in v6.19 any object of a
// slab other than the cpu slab) waits on the CPU's defer_free list for an
// irq_work, and a destroy that does not wait for it shuts the cache down
// with those objects still in use.
//
//  	kvfree_rcu_barrier_on_cache(s);
// -	/* Wait for deferred work from kmalloc/kfree_nolock() */
// -	defer_free_barrier();
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto }: PatchApi) =>
  definePatch({
    name: 'broken-destroy-no-defer-free-barrier',
    summary: 'DELIBERATELY WRONG: kmem_cache_destroy() without defer_free_barrier()',
    appliesTo: ['v6.19', '17c38c88', '7.0'],
    deliberatelyBroken: true,
    steps: {
      'kmem_cache_destroy/defer_free_barrier': (old) => ({ ...old!, guard: undefined, run: (x) => goto(x, 'kasan_cache_shutdown') }),
    },
  });

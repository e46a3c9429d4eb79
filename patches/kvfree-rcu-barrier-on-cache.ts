// "mm/slab: add rcu_barrier() to kvfree_rcu_barrier_on_cache()" (SEED1,
// reference §4.4): after flush_rcu_sheaves_on_cache(), wait for the rcu
// sheaf callbacks, so that they have put their objects in the KASAN
// quarantine before kasan_cache_shutdown() purges it.
//
//  void kvfree_rcu_barrier_on_cache(struct kmem_cache *s)
//  {
// -	if (s->cpu_sheaves)
// +	if (s->cpu_sheaves) {
//  		flush_rcu_sheaves_on_cache(s);
// +		rcu_barrier();
// +	}
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch }: PatchApi) =>
  definePatch({
    name: 'kvfree-rcu-barrier-on-cache',
    summary: '"mm/slab: add rcu_barrier() to kvfree_rcu_barrier_on_cache()": wait for the rcu sheaf callbacks before kasan_cache_shutdown()',
    appliesTo: ['v6.19'],
    // kmem_cache_destroy/flush_work calls rcu_barrier() when this switch is on.
    features: { kvfreeRcuBarrier: true },
  });

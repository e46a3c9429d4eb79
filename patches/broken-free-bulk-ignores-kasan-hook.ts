// DELIBERATELY WRONG, after the historical class of bug where a bulk free's
// count ignores the objects KASAN keeps: slab_free_bulk() frees the whole
// detached freelist even though slab_free_freelist_hook() took objects out
// of it for the quarantine, so each such object is both in the quarantine
// and free in its slab (a later quarantine drain frees it twice).
//
// -	if (likely(slab_free_freelist_hook(s, &head, &tail, &cnt))) {
// +	slab_free_freelist_hook(s, &head, &tail, &cnt);
// +	{
//  		__slab_free(s, slab, head, tail, cnt, addr);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, call, linkChain, slabFreeFn }: PatchApi) =>
  definePatch({
    name: 'broken-free-bulk-ignores-kasan-hook',
    summary: "DELIBERATELY WRONG: slab_free_bulk() frees the detached freelist as built, ignoring the objects KASAN's free hook kept",
    appliesTo: ['v6.19', '17c38c88', '7.0'],
    deliberatelyBroken: true,
    steps: {
      'kmem_cache_free_bulk/slab_free_bulk': (old) => ({
        ...old!,
        cite: 'mm/slub.c (broken) slab_free_bulk(): __slab_free() of the original detached freelist after slab_free_freelist_hook()',
        run: (x) => {
          const group = x.l.df.toArray();
          old!.run(x); // the hook puts what KASAN keeps in the quarantine ...
          // ... and the whole detached freelist is freed all the same.
          if (x.d.cache.kasan && group.length > 0) call(x, slabFreeFn(x), { ...linkChain(x, group), slab: Math.floor(group[0]! / x.e.p.objects), cnt: group.length, held: group }, 'build_detached_freelist');
        },
      }),
    },
  });

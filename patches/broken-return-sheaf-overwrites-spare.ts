// DELIBERATELY WRONG: kmem_cache_return_sheaf() without its `if
// (!pcs->spare)` check: the returned sheaf always becomes the spare, and a
// spare installed meanwhile (by a free that traded a full main, on this CPU
// or by an interrupt) is overwritten with the objects in it.
//
//  	local_lock(&s->cpu_sheaves->lock);
// -	if (!pcs->spare) {
// -		pcs->spare = sheaf;
// -		sheaf = NULL;
// -	}
// +	pcs->spare = sheaf;
// +	sheaf = NULL;
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto, local_unlock, takeHeld }: PatchApi) =>
  definePatch({
    name: 'broken-return-sheaf-overwrites-spare',
    summary: 'DELIBERATELY WRONG: kmem_cache_return_sheaf() makes the returned sheaf the spare without checking for one',
    appliesTo: ['v6.19', '17c38c88', '7.0'],
    deliberatelyBroken: true,
    steps: {
      'kmem_cache_return_sheaf/spare': (old) => ({
        ...old!,
        cite: 'mm/slub.c (broken) kmem_cache_return_sheaf(): pcs->spare = sheaf, whatever the spare was',
        run: (x) => {
          x.d.cpus[x.cpu]!.spare.install(takeHeld(x.l.held));
          x.l.got = false;
          local_unlock(x);
          goto(x, 'return');
        },
      }),
    },
  });

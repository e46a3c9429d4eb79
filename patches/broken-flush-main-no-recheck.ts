// DELIBERATELY WRONG: __pcs_replace_full_main() after a failed
// alloc_empty_sheaf() flushes main with sheaf_flush_main(), takes the pcs
// lock again and pushes without looking at main: but the lock was dropped
// for the flush, and an irq (or, in the kernel, a migration) may have filled
// main meanwhile, so objects[size++] writes past the end of the sheaf.
// (v6.19 has the same code for opt-in caches, but there every allocation of
// the sheaf-alloc-failure-menu scenario refills with GFP_KERNEL and the
// window is not reached: the patch is offered for 17c38c88 and 7.0.)
//
//  	if (!local_trylock(&s->cpu_sheaves->lock))
//  		return NULL;
//  	pcs = this_cpu_ptr(s->cpu_sheaves);
// -	if (pcs->main->size == s->sheaf_capacity)
// -		goto restart;
//  	return pcs;
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto, local_trylock, ret, takeHeld }: PatchApi) =>
  definePatch({
    name: 'broken-flush-main-no-recheck',
    summary: 'DELIBERATELY WRONG: __pcs_replace_full_main() does not re-check main->size after sheaf_flush_main()',
    appliesTo: ['17c38c88', '7.0'],
    deliberatelyBroken: true,
    steps: {
      'free_to_pcs/relock_flushed': (old) => ({
        ...old!,
        cite: 'mm/slub.c (broken) __pcs_replace_full_main(): local_trylock() after sheaf_flush_main(), then push without the main->size check',
        run: (x) => {
          if (!local_trylock(x)) return ret(x, takeHeld(x.l.held));
          x.l.size = x.d.cpus[x.cpu]!.main.length; // pcs->main->objects[pcs->main->size++] = object
          goto(x, 'store');
        },
      }),
    },
  });

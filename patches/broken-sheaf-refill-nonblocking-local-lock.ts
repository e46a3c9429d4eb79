// DELIBERATELY WRONG: seed 000's "mm/slab: allow sheaf refill if blocking is
// not allowed" without its second hunk. Interrupt (GFP_ATOMIC) allocations
// now refill, and re-take the pcs lock with local_lock() after the refill,
// which the old code could only reach from task context ("we can reach here
// only when gfpflags_allow_blocking so this must not be an irq"): the
// deadlock avoidance the thread warns about. lockdep reports it.
//
// -	can_alloc = gfpflags_allow_blocking(gfp);
// -	if (can_alloc) {
// +	if (allow_spin) {
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, refill_empty_main }: PatchApi) =>
  definePatch({
    name: 'broken-sheaf-refill-nonblocking-local-lock',
    summary: 'DELIBERATELY WRONG: allow-sheaf-refill-nonblocking without local_trylock(): an irq refill re-takes the pcs lock with local_lock()',
    appliesTo: ['7.0'],
    deliberatelyBroken: true,
    steps: {
      'alloc_from_pcs/can_alloc': (old) => ({
        ...old!,
        cite: 'mm/slub.c (broken) __pcs_replace_empty_main(): allow_spin = gfpflags_allow_spinning(gfp) (R5-R6), and still local_lock() after the refill',
        run: (x) => refill_empty_main(x, !x.l.nospin), // kmalloc_nolock(): "if (!allow_spin) return NULL"
      }),
    },
  });

// Seed 000, "mm/slab: allow sheaf refill if blocking is not allowed"
// (Vlastimil Babka, 25 Feb 2026): __pcs_replace_empty_main() refills an empty
// main sheaf whenever the gfp allows spinning, not only when it allows
// blocking, so GFP_ATOMIC and interrupt allocations refill too; and since the
// refill may now run in an interrupt, the pcs lock is re-taken with
// local_trylock() (on failure the refilled sheaf goes to the barn and the
// allocation should fall back to the slabs). Every gfp the model has allows
// spinning; kmalloc_nolock()'s does not, and it still never refills.
// Modelled as posted: after local_unlock() the function does not set pcs to
// NULL (a later tree does), so the goto barn_put path returns the stale pcs
// with its lock not held, and alloc_from_pcs() pops main and unlocks as if
// it held it. That path needs the trylock to fail, which only PREEMPT_RT
// allows; the model has no PREEMPT_RT, so verify says NOT EXERCISED for it.
//
// -	can_alloc = gfpflags_allow_blocking(gfp);
// -	if (can_alloc) {
// +	if (allow_spin) {
//  	...
// -	local_lock(&s->cpu_sheaves->lock);
// +	if (!local_trylock(&s->cpu_sheaves->lock))
// +		goto barn_put;
//  	...
// +barn_put:
//  	barn_put_full_sheaf(barn, full);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, refill_empty_main, local_trylock, goto, oops, popMain, takeHeld }: PatchApi) =>
  definePatch({
    name: 'allow-sheaf-refill-nonblocking',
    summary: '"mm/slab: allow sheaf refill if blocking is not allowed": refill when the gfp allows spinning; re-take the pcs lock with local_trylock()',
    appliesTo: ['7.0'],
    unreachable: { 'alloc_from_pcs/barn_put': 'the local_trylock() fails only under PREEMPT_RT, which the model does not have (docs/findings.md §3)' },
    steps: {
      'alloc_from_pcs/can_alloc': (old) => ({
        ...old!,
        cite: 'mm/slub.c (+seed 000 patch 1) __pcs_replace_empty_main(): allow_spin = gfpflags_allow_spinning(gfp): true for GFP_KERNEL and GFP_ATOMIC (R5-R6)',
        run: (x) => refill_empty_main(x, !x.l.nospin), // kmalloc_nolock(): "if (!allow_spin) return NULL"
      }),
      'alloc_from_pcs/relock': (old) => ({
        ...old!,
        guard: undefined,
        cite: 'mm/slub.c (+seed 000 patch 1) __pcs_replace_empty_main(): if (!local_trylock(&s->cpu_sheaves->lock)) goto barn_put (R8)',
        run: (x) => goto(x, local_trylock(x) ? 'install' : 'barn_put'),
      }),
      'alloc_from_pcs/barn_put': {
        cite: 'mm/slub.c (+seed 000 patch 1, as posted) __pcs_replace_empty_main() barn_put: barn_put_full_sheaf(barn, full); return pcs, the stale one, unlocked (R8)',
        reads: ['node{cpunode}.barn', 'cpu{cpu}.pcs'],
        writes: ['node{cpunode}.barn', 'cpu{cpu}.pcs'],
        run: (x) => {
          const c = x.d.cpus[x.cpu]!;
          x.d.nodes[c.node]!.barn.pushFull(takeHeld(x.l.held_sheaf));
          // alloc_from_pcs(): object = pcs->main->objects[pcs->main->size - 1]; size--; local_unlock().
          if (c.main.length === 0) return oops(x, 'alloc_from_pcs() read main->objects[-1]: a failed local_trylock() returned the stale pcs');
          popMain(x);
        },
      },
    },
  });

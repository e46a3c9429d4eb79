// DELIBERATELY WRONG: __refill_objects_any() (allow_spin == false) goes on
// when spin_trylock_irqsave() of a remote node's list_lock fails, as if it
// had the lock: get_partial_node_bulk() unlinks slabs from a list another
// CPU is changing under that lock (and unlocks a lock it does not hold).
//
//  	if (allow_spin)
//  		spin_lock_irqsave(&n->list_lock, flags);
// -	else if (!spin_trylock_irqsave(&n->list_lock, flags))
// -		return 0;
// +	else
// +		spin_trylock_irqsave(&n->list_lock, flags);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto, lockFree }: PatchApi) =>
  definePatch({
    name: 'broken-refill-any-ignores-trylock',
    summary: "DELIBERATELY WRONG: __refill_objects_any() ignores a failed trylock of a remote node's list_lock",
    appliesTo: ['7.0', '17c38c88'],
    deliberatelyBroken: true,
    steps: {
      'refill_sheaf/get_partial_node_bulk': (old) => ({
        ...old!,
        cite: 'mm/slub.c (broken) get_partial_node_bulk(): spin_trylock_irqsave() result ignored (RF2)',
        // Someone holds it: the trylock fails, and the walk goes on anyway.
        run: (x) => (x.l.any && x.d.nodes[x.l.n]!.nr_partial > 0 && !lockFree(x, x.l.n) ? goto(x, 'take_slabs') : old!.run(x)),
      }),
    },
  });

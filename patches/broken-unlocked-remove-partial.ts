// DELIBERATELY WRONG, shipped to show what `slubcheck verify` reports for a
// patch that breaks the locking: "shorten the list_lock hold time in
// get_from_partial_node()": unlock right after the cmpxchg that takes the
// object, and unlink a slab that became full afterwards without the lock.
// remove_partial() then writes the node list's link words unlocked, racing
// with every other list user (and lockdep_assert_held() in it fires).
//
//  	} while (!__slab_update_freelist(s, slab, &old, &new, "get_from_partial_node"));
// +	spin_unlock_irqrestore(&n->list_lock, flags);
//  	if (!new.freelist)
//  		remove_partial(n, slab);
// -	spin_unlock_irqrestore(&n->list_lock, flags);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch }: PatchApi) =>
  definePatch({
    name: 'broken-unlocked-remove-partial',
    summary: 'DELIBERATELY WRONG: get_from_partial_node() drops list_lock before remove_partial()',
    appliesTo: ['17c38c88', '7.0'],
    deliberatelyBroken: true,
    dropLocks: { 'get_from_partial_node/remove_partial': ['list_lock'] },
  });

// DELIBERATELY WRONG, shipped to show what `slubcheck verify` reports for a
// patch that breaks the locking: "shorten the list_lock hold time in
// get_from_partial_node()": drop list_lock right after the cmpxchg that
// takes the object, and unlink a slab that became full afterwards, without
// the lock. remove_partial() then writes the node list's link words
// unlocked, racing with every other list user.
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto, ret, remove_partial, unlock, seen }: PatchApi) =>
  definePatch({
    name: 'broken-unlocked-remove-partial',
    summary: 'DELIBERATELY WRONG: get_from_partial_node() drops list_lock before remove_partial()',
    appliesTo: ['17c38c88', '7.0'],
    deliberatelyBroken: true,
    steps: {
      'get_from_partial_node/cmpxchg': (old) => ({
        cite: 'mm/slub.c (broken) get_from_partial_node(): __slab_update_freelist(), then spin_unlock_irqrestore() at once',
        reads: ['slab{slab}.pair'],
        writes: ['slab{slab}.pair', 'node{n}.list_lock'],
        run: (x) => {
          old!.run(x); // the stock cmpxchg: takes the object, goes to remove_partial
          if (x.f.pc !== 'remove_partial') return; // it gave up on the slab (and unlocked)
          unlock(x, x.l.n);
          seen(x, 'unlocked_early');
          goto(x, 'remove_partial');
        },
      }),
      'get_from_partial_node/remove_partial': {
        cite: 'mm/slub.c (broken) get_from_partial_node(): remove_partial() of a full slab without list_lock',
        reads: ['node{n}.list', 'slab{slab}.links'],
        writes: ['node{n}.list', 'slab{slab}.links'],
        run: (x) => {
          if (x.l.full) remove_partial(x, x.l.n, x.l.slab);
          const X = x.l.held.at(0);
          x.l.held.clear();
          ret(x, X);
        },
      },
    },
  });

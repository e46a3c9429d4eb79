// DELIBERATELY WRONG: get_from_partial_node() without allow_spin goes on when
// spin_trylock_irqsave(&n->list_lock) fails, as if it held the lock: it
// takes an object from the first partial slab and unlinks the slab while
// the holder changes the same list (and then unlocks a lock it never took).
//
//  	if (gfpflags_allow_spinning(pc->flags))
//  		spin_lock_irqsave(&n->list_lock, flags);
// -	else if (!spin_trylock_irqsave(&n->list_lock, flags))
// -		return NULL;
// +	else
// +		spin_trylock_irqsave(&n->list_lock, flags);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto, lockFree, nodeList }: PatchApi) =>
  definePatch({
    name: 'broken-kmalloc-nolock-ignores-trylock',
    summary: "DELIBERATELY WRONG: get_from_partial_node() (kmalloc_nolock()) ignores a failed trylock of list_lock",
    appliesTo: ['7.0', '17c38c88'],
    deliberatelyBroken: true,
    steps: {
      'get_from_partial_node/lock': (old) => ({
        ...old!,
        cite: 'mm/slub.c (broken) get_from_partial_node(): spin_trylock_irqsave() result ignored',
        run: (x) => {
          const first = nodeList(x.d, x.l.n)[0];
          if (!x.l.nospin || lockFree(x, x.l.n) || first === undefined) return old!.run(x);
          x.l.slab = first; // someone holds it: the trylock fails, and the allocation goes on anyway
          goto(x, 'cmpxchg');
        },
      }),
    },
  });

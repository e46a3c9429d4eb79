// The later 7.x fix of a leak in 7.0-rc's __pcs_replace_empty_main()
// (docs/findings.md; the 11 Mar 2026 syzbot test patch by Qing Wang, and the
// later tree that carries it): refill_objects() returns what it got when
// new_slab() fails, and the partly filled sheaf was kfree()d with its objects
// still in it. Flush it to the slabs before freeing it:
//
//  		} else {
// +			sheaf_flush_unused(s, empty);
//  			free_empty_sheaf(s, empty);
//  		}
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, call, ret, takeHeld }: PatchApi) =>
  definePatch({
    name: 'sheaf-flush-on-failed-refill',
    summary: '__pcs_replace_empty_main(): sheaf_flush_unused() a partly refilled sheaf before free_empty_sheaf()',
    appliesTo: ['7.0', '17c38c88'],
    steps: {
      'alloc_from_pcs/refill_failed': (old) => ({
        ...old!,
        cite: 'mm/slub.c (7.x) __pcs_replace_empty_main(): refill_sheaf() failed -> sheaf_flush_unused(s, empty); free_empty_sheaf(s, empty); return NULL',
        // Flush what the sheaf got back to the slabs, then come back here with it empty and return NULL.
        run: (x) => {
          const got = takeHeld(x.l.held_sheaf);
          if (got.length === 0) return ret(x, null);
          call(x, 'sheaf_flush_unused', { held: got }, 'refill_failed');
        },
      }),
    },
  });

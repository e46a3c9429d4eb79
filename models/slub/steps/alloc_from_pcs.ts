// Percpu sheaves, allocation side (17c38c88, 7.0; reference §2.3.1, PA1-PA4
// and R1-R8). The pcs lock is a local_trylock that disables only preemption:
// an irq on the same CPU finds it taken, fails its trylock and falls back to
// ___slab_alloc. To other CPUs the whole locked section is one step; the
// barn is touched under its own lock inside it.
import type { FnDef } from '../kernel.ts';
import { call, ret, tailcall } from '../kernel.ts';
import { seen } from '../mm.ts';
import { hasBarn } from '../helpers.ts';
import type { Obj } from '../state.ts';

export const alloc_from_pcs: FnDef = {
  entry: 'trylock',
  steps: {
    trylock: {
      cite: 'mm/slub.c (7.0) alloc_from_pcs(): local_trylock(pcs); pop main, or __pcs_replace_empty_main(): spare, barn_replace_empty_sheaf(), !gfpflags_allow_blocking -> NULL (PA1-PA3, R1-R6)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (c.pcs_lock !== null) {
          // We interrupted the holder on this CPU: local_trylock fails (PA1).
          seen(x.d, 'pcs_trylock_failed');
          return tailcall(x, '___slab_alloc', {});
        }
        const main = c.main as Obj[];
        if (main.length > 0) {
          seen(x.d, 'alloc_fastpath');
          return ret(x, main.pop()!);
        }
        if (c.spare !== null && c.spare.length > 0) {
          const spare = c.spare;
          c.spare = c.main;
          c.main = spare;
          return ret(x, (c.main as Obj[]).pop()!);
        }
        if (!hasBarn(x.d, x.cpu)) return tailcall(x, '___slab_alloc', {}); // R3: get_barn() is NULL
        const barn = x.d.nodes[c.node]!.barn;
        if (barn.full.length > 0) {
          // R4 barn_replace_empty_sheaf(): under the barn lock swap our empty main for a full sheaf.
          seen(x.d, 'barn_get');
          const full = (barn.full as Obj[][]).shift()!;
          barn.empty++;
          c.main = full;
          return ret(x, (c.main as Obj[]).pop()!);
        }
        seen(x.d, 'barn_get_fail');
        if (x.f.l.gfp !== 'GFP_KERNEL') return tailcall(x, '___slab_alloc', {}); // R6: !can_alloc
        // R5: an empty sheaf from spare, the barn, or alloc_empty_sheaf(); R6: unlock the pcs; R7: refill it.
        if (c.spare !== null) c.spare = null;
        else if (barn.empty > 0) barn.empty--;
        call(x, 'refill_sheaf', { n: c.node, need: x.e.p.sheaf_capacity, held: [], slabs: [] }, 'refilled');
      },
    },
    refilled: {
      cite: 'mm/slub.c (7.0) __pcs_replace_empty_main(): local_lock(pcs) again and install the refilled sheaf as main or spare, or barn_put_full_sheaf() (R8)',
      reads: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      writes: ['cpu{cpu}.pcs', 'node{cpunode}.barn'],
      guard: (s, ctx) => s.cpus[Number(ctx.slice(3, ctx.indexOf('/')))]!.pcs_lock === null,
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        const full = x.f.l.ret as Obj[];
        if (full.length === 0) return tailcall(x, '___slab_alloc', {}); // refill failed: free the sheaf, slow path
        seen(x.d, 'sheaf_refill');
        const barn = x.d.nodes[c.node]!.barn;
        if (c.main.length === 0) {
          if (c.spare === null) c.spare = c.main;
          else barn.empty++;
          c.main = full;
        } else if (c.spare === null) c.spare = full;
        else if (c.spare.length === 0) {
          barn.empty++;
          c.spare = full;
        } else (barn.full as Obj[][]).push(full);
        ret(x, (c.main as Obj[]).pop()!);
      },
    },
  },
};

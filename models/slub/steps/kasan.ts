// The generic KASAN quarantine, as far as one cache needs it (reference §1.6,
// mm/kasan/quarantine.c and mm/kasan/generic.c).
//
// What this abstracts and why: each CPU has a cpu_quarantine of freed objects
// that KASAN keeps instead of letting SLUB free them (the slab still counts
// them in `inuse`). With a handful of objects the per-CPU queue never
// reaches the 1 MiB that moves it to the global batches, and
// kasan_quarantine_reduce() never runs, so neither is modelled; the global
// scan of remove_cache finds nothing. kasan_quarantine_remove_cache() is a
// point in time per CPU: an object put after that CPU's purge stays there.
import type { FnDef, StepCtx } from '../kernel.ts';
import { goto, ret } from '../kernel.ts';
import { seen } from '../mm.ts';
import { freeNextHeld } from '../helpers.ts';
import { cpuOf, type Obj, type SlubState } from '../state.ts';

// mm/kasan/quarantine.c kasan_quarantine_put(): with local irqs off, append to this CPU's queue.
export function kasan_quarantine_put(x: StepCtx, o: Obj): void {
  const c = x.d.cpus[x.cpu]!;
  if (x.d.cache.purged[x.cpu] && x.d.ghost.late_quarantine === null) {
    x.d.ghost.late_quarantine = `object ${o} entered cpu${x.cpu}'s quarantine after kasan_quarantine_remove_cache() had purged it`;
  }
  (c.quarantine as Obj[]).push(o);
  seen(x.d, 'quarantine_put');
}

const irqsOn = (s: SlubState, cpu: number) => Object.entries(s.ctx).every(([name, c]) => cpuOf(name) !== cpu || c.irqoff === 0);

export const kasanFns: { readonly [fn: string]: FnDef } = {
  kasan_slab_free: {
    entry: 'quarantine_put',
    steps: {
      quarantine_put: {
        cite: 'mm/kasan/common.c __kasan_slab_free() -> kasan_quarantine_put(): KASAN keeps the object; SLUB does not free it',
        reads: ['cpu{cpu}.quarantine'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          kasan_quarantine_put(x, (x.f.l.held as Obj[])[0]!);
          x.f.l.held = [];
          ret(x, null);
        },
      },
    },
  },
  kasan_quarantine_remove_cache: {
    entry: 'ipi',
    steps: {
      ipi: {
        cite: "mm/kasan/quarantine.c kasan_quarantine_remove_cache(): on_each_cpu() handler moves this cache's objects out of the CPU's cpu_quarantine",
        reads: ['cpu{i}.quarantine'],
        writes: ['cpu{i}.quarantine'],
        // The IPI handler runs in hardirq on the target CPU, at a point where its irqs are on.
        guard: (s, _ctx, l) => irqsOn(s, l.i as number),
        run: (x) => {
          const i = x.f.l.i as number;
          const c = x.d.cpus[i]!;
          (x.f.l.held as Obj[]).push(...c.quarantine);
          c.quarantine = [];
          x.d.cache.purged[i] = true;
          if (i + 1 < x.d.cpus.length) x.f.l.i = i + 1;
          else goto(x, 'free');
        },
      },
      free: {
        local: true,
        cite: 'mm/kasan/quarantine.c kasan_quarantine_remove_cache(): qlist_free_all() -> ___cache_free() of each purged object; synchronize_srcu()',
        reads: [],
        writes: [],
        run: (x) => freeNextHeld(x, 'free', 'quarantine_purge_freed'),
      },
    },
  },
};

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
import { fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { freeNextHeld } from '../helpers.ts';
import { cpuOf, T, type ListView, type Obj, type SlubState } from '../state.ts';

// mm/kasan/quarantine.c kasan_quarantine_put(): with local irqs off, append to this CPU's queue.
export function kasan_quarantine_put(x: StepCtx, o: Obj): void {
  const c = x.d.cpus[x.cpu]!;
  if (x.d.cache.purged(x.cpu)) {
    x.d.ghost.first('late_quarantine', `object ${o} entered cpu${x.cpu}'s quarantine after kasan_quarantine_remove_cache() had purged it`);
  }
  c.quarantine.push(o);
  seen(x, 'quarantine_put');
}

const irqsOn = (s: SlubState, cpu: number) => Object.entries(s.ctx).every(([name, c]) => cpuOf(name) !== cpu || c.irqoff === 0);

interface PutL {
  held: ListView;
}
interface RemoveL {
  i: number;
  held: ListView;
  ret: number | null;
}

export const kasanFns: { readonly [fn: string]: FnDef<any> } = {
  kasan_slab_free: fn<PutL>({
    entry: 'quarantine_put',
    locals: { held: T.held(1) },
    steps: {
      quarantine_put: {
        cite: 'mm/kasan/common.c __kasan_slab_free() -> kasan_quarantine_put(): KASAN keeps the object; SLUB does not free it',
        reads: ['cpu{cpu}.quarantine'],
        writes: ['cpu{cpu}.quarantine'],
        run: (x) => {
          kasan_quarantine_put(x, x.l.held.at(0));
          x.l.held.clear();
          ret(x, null);
        },
      },
    },
  }),
  kasan_quarantine_remove_cache: fn<RemoveL>({
    entry: 'ipi',
    locals: { i: T.int(0, 64), held: T.held('all'), ret: T.ret },
    steps: {
      ipi: {
        cite: "mm/kasan/quarantine.c kasan_quarantine_remove_cache(): on_each_cpu() handler moves this cache's objects out of the CPU's cpu_quarantine",
        reads: ['cpu{i}.quarantine'],
        writes: ['cpu{i}.quarantine'],
        // The IPI handler runs in hardirq on the target CPU, at a point where its irqs are on.
        guard: (x) => irqsOn(x.d, x.l.i),
        run: (x) => {
          const i = x.l.i;
          const c = x.d.cpus[i]!;
          x.l.held.push(...c.quarantine.toArray());
          c.quarantine.clear();
          x.d.cache.setPurged(i);
          if (i + 1 < x.d.cpus.length) x.l.i = i + 1;
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
  }),
};

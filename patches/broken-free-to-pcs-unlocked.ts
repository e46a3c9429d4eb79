// DELIBERATELY WRONG, shipped to show that `slubcheck verify`'s default
// scenarios put an interrupt beside a task-context free: "free_to_pcs(): skip
// the trylock while main has room", storing into main before taking the pcs
// lock. objects[size++] = object is a read of size and two stores; an irq on
// the same CPU that frees in between pushes into the same slot.
//
// -	if (!local_trylock(&s->cpu_sheaves->lock))
// -		return false;
//  	pcs = this_cpu_ptr(s->cpu_sheaves);
// +	if (pcs->main->size < s->sheaf_capacity) {
// +		pcs->main->objects[pcs->main->size++] = object;
// +		return true;
// +	}
// +	if (!local_trylock(&s->cpu_sheaves->lock))
// +		return false;
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, goto, ret, T }: PatchApi) =>
  definePatch({
    name: 'broken-free-to-pcs-unlocked',
    summary: 'DELIBERATELY WRONG: free_to_pcs() stores into main before taking the pcs lock',
    appliesTo: ['7.0'],
    deliberatelyBroken: true,
    entries: { free_to_pcs: 'read_size' },
    locals: { free_to_pcs: { size: T.int(0, 'all') } },
    steps: {
      'free_to_pcs/read_size': {
        cite: 'mm/slub.c (broken) free_to_pcs(): pcs->main->size read without the pcs lock',
        reads: ['cpu{cpu}.pcs'],
        writes: [],
        run: (x) => {
          const size = x.d.cpus[x.cpu]!.main.length;
          if (size >= x.e.p.sheaf_capacity) return goto(x, 'trylock');
          x.l.size = size;
          goto(x, 'store');
        },
      },
      'free_to_pcs/store': {
        cite: 'mm/slub.c (broken) free_to_pcs(): pcs->main->objects[size++] = object, without the pcs lock',
        reads: [],
        writes: ['cpu{cpu}.pcs'],
        run: (x) => {
          const main = x.d.cpus[x.cpu]!.main;
          // objects[size] = object; size = size + 1: whatever an irq pushed since is overwritten.
          main.set([...main.toArray().slice(0, x.l.size), x.l.held.at(0)]);
          x.l.held.clear();
          ret(x, []);
        },
      },
    },
  });

// DELIBERATELY WRONG, shipped to show that `slubcheck verify`'s default
// scenarios put an interrupt beside a task-context free: "free_to_pcs()
// does not need the pcs lock, main is per-CPU". It does: the store
// pcs->main->objects[pcs->main->size++] = object reads size and then writes
// the slot, and an irq on the same CPU that frees (or allocates) in between
// fills (or empties) that slot. The model's free_to_pcs() includes
// __pcs_replace_full_main(), which loses its trylocks too.
//
// -	if (!local_trylock(&s->cpu_sheaves->lock))
// -		return false;
//  	pcs = this_cpu_ptr(s->cpu_sheaves);
//  	...
//  	pcs->main->objects[pcs->main->size++] = object;
// -	local_unlock(&s->cpu_sheaves->lock);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch }: PatchApi) =>
  definePatch({
    name: 'broken-free-to-pcs-unlocked',
    summary: 'DELIBERATELY WRONG: free_to_pcs() without local_trylock(&s->cpu_sheaves->lock)',
    appliesTo: ['7.0'],
    deliberatelyBroken: true,
    dropLocks: { free_to_pcs: ['pcs_lock'] },
  });

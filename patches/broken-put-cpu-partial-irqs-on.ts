// DELIBERATELY WRONG: put_cpu_partial() without its local_lock_irqsave():
// "it only touches this CPU's data". An interrupt on the same CPU that frees
// into a full slab runs put_cpu_partial() between the read of
// c->partial and the write, and one of the two slabs falls off the chain
// while its link words still say the chain owns them.
//
// -	local_lock_irqsave(&s->cpu_slab->lock, flags);
//  	oldslab = this_cpu_read(s->cpu_slab->partial);
//  	...
//  	this_cpu_write(s->cpu_slab->partial, slab);
// -	local_unlock_irqrestore(&s->cpu_slab->lock, flags);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch }: PatchApi) =>
  definePatch({
    name: 'broken-put-cpu-partial-irqs-on',
    summary: 'DELIBERATELY WRONG: put_cpu_partial() without local_lock_irqsave(&s->cpu_slab->lock)',
    appliesTo: ['v6.19', '17c38c88'],
    deliberatelyBroken: true,
    dropLocks: { put_cpu_partial: ['cpu_slab_lock'] },
  });

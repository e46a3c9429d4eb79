// e323b52cf00f "slab: remove SLUB_CPU_PARTIAL" (reference §3.5), the free
// path only: __slab_free() takes list_lock before its cmpxchg whenever the
// slab was full (or becomes empty) and puts a full slab back with
// add_partial(TAIL); put_cpu_partial() is no longer called.
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch, stock }: PatchApi) =>
  definePatch({
    name: 'remove-slub-cpu-partial',
    summary: 'e323b52cf00f "slab: remove SLUB_CPU_PARTIAL": __slab_free() takes list_lock whenever the slab was full and uses add_partial()',
    appliesTo: ['17c38c88'],
    functions: { __slab_free: stock.__slab_free_no_cpu_partial },
    features: { cpuPartial: false },
  });

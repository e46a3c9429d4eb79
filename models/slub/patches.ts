// Built-in patches: a patch is a change to a model version (step variants of
// named kernel functions, switches). Later issues load the same shape from
// user files.
import { UsageError } from '../../src/engine/errors.ts';
import type { VersionDef } from './versions.ts';
import { __slab_free_cpu_partial, __slab_free_no_cpu_partial, list_lock_barrier } from './steps/__slab_free.ts';

export interface Patch {
  readonly name: string;
  readonly summary: string;
  /** Versions it applies to. */
  readonly appliesTo: readonly string[];
  /** A patch shipped to show a violation the checker must find. */
  readonly deliberatelyBroken?: boolean;
  readonly apply: (v: VersionDef) => VersionDef;
}

export const PATCHES: readonly Patch[] = [
  {
    name: 'hao-li-list-lock-barrier',
    summary: "Hao Li's workaround from the thread: take and release n->list_lock in __slab_free() before put_cpu_partial()",
    appliesTo: ['17c38c88'],
    apply: (v) => ({
      ...v,
      fns: {
        ...v.fns,
        __slab_free: { ...__slab_free_cpu_partial, steps: { ...__slab_free_cpu_partial.steps, list_lock_barrier } },
      },
    }),
  },
  {
    name: 'remove-slub-cpu-partial',
    summary: 'e323b52cf00f "slab: remove SLUB_CPU_PARTIAL": __slab_free() takes list_lock whenever the slab was full and uses add_partial()',
    appliesTo: ['17c38c88'],
    apply: (v) => ({
      ...v,
      features: { ...v.features, cpuPartial: false },
      fns: { ...v.fns, __slab_free: __slab_free_no_cpu_partial },
    }),
  },
  {
    name: 'kvfree-rcu-barrier-on-cache',
    summary: '"mm/slab: add rcu_barrier() to kvfree_rcu_barrier_on_cache()": wait for the rcu sheaf callbacks before kasan_cache_shutdown()',
    appliesTo: ['v6.19'],
    apply: (v) => ({ ...v, features: { ...v.features, kvfreeRcuBarrier: true } }),
  },
];

export function findPatch(name: string): Patch | undefined {
  return PATCHES.find((p) => p.name === name);
}

export function applyPatches(v: VersionDef, names: readonly string[]): VersionDef {
  let out = v;
  for (const name of names) {
    const p = findPatch(name);
    if (!p) throw new UsageError(`unknown patch '${name}': known patches are ${PATCHES.map((x) => x.name).join(', ')}`);
    if (!p.appliesTo.includes(v.id)) throw new UsageError(`patch ${name} applies to ${p.appliesTo.join(', ')}, not ${v.id}`);
    out = p.apply(out);
  }
  return out;
}

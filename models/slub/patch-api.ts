// The API a patch file is written against.
//
// A patch is a change to a model version: it replaces step variants of named
// kernel functions, adds functions, or flips version switches, reusing the
// model's own steps and helpers. A patch file is a TypeScript module (loaded
// with tsx: no build step) whose default export is a function of this API:
//
//   import type { PatchApi } from 'slubcheck/patch';   // types only: erased at run time
//
//   export default ({ definePatch, stock, call, lockFree }: PatchApi) =>
//     definePatch({
//       name: 'my-fix',
//       summary: 'one line, as in the commit subject',
//       appliesTo: ['17c38c88'],
//       functions: { __slab_free: (old) => ({ ...old, steps: { ...old.steps, ... } }) },
//     });
//
// Because the API arrives as an argument, a patch file needs no import at run
// time and works from any directory; `import type` still gives the editor and
// `tsc` every type (install slubcheck next to the file, or map the path).
import { UsageError } from '../../src/engine/errors.ts';
import { defaultExport } from './load-module.ts';
import type { FnDef, FnTable, StepCtx, StepDef, VersionFeatures } from './kernel.ts';
import { call, goto, ret, tailcall } from './kernel.ts';
import { add_partial, discard_slab, oops, remove_partial, seen, writeLink } from './mm.ts';
import { allocate_slab, hasBarn, linkChain, memNode, slabFreeFn } from './helpers.ts';
import { isLockName, local_lock, local_trylock, local_unlock, lock, lockFree, LOCKS, pcsFree, unlock, type LockName } from './locks.ts';
import { chain, cpuChain, nodeList, T } from './state.ts';
import type { Locals, SlubState } from './state.ts';
import type { Property } from '../../src/engine/model.ts';
import type { VersionDef } from './versions.ts';
import { __slab_free_cpu_partial, __slab_free_no_cpu_partial, cmpxchg as slab_update_freelist, listUpdate as slab_free_list_update, lockStep as slab_free_lock, snapshot as slab_free_snapshot } from './steps/__slab_free.ts';
import { get_from_partial_node } from './steps/get_from_partial_node.ts';
import { get_partial_node } from './steps/get_partial_node.ts';
import { put_cpu_partial, __put_partials, put_cpu_partial_link, detachChain } from './steps/put_cpu_partial.ts';
import { barn_shrink, kmem_cache_destroy, needsFlush } from './steps/kmem_cache_destroy.ts';
import { call_rcu, queue_work_on, worksDone } from './steps/rcu.ts';
import { addNewSlabToPartial, freeNextHeld, takeHeld } from './helpers.ts';
import { kernelWarning, leak, release, takePrivate } from './mm.ts';
import { slabPtr, structPtr, nodePtr } from './state.ts';
import { popMain, refill_empty_main, swapMainSpare } from './steps/alloc_from_pcs.ts';

export type { FnDef, FnTable, StepCtx, StepDef, VersionFeatures, VersionDef, SlubState, Locals, Property };

/** A step set, or a function of the version's current one. */
/** A property as a patch declares it: `check` may be left out for a `sometimes` witnessed by an event. */
export type PatchProperty = Omit<Property<SlubState>, 'check'> & { readonly check?: Property<SlubState>['check'] };

export type FnChange = FnDef<any> | ((old: FnDef<any>) => FnDef<any>);

export interface PatchSpec {
  /** A short name, as used on the command line (`--patch NAME`). */
  readonly name: string;
  /** One line: what the patch does, as in the commit subject. */
  readonly summary: string;
  /** The versions it applies to (ids or aliases). */
  readonly appliesTo: readonly string[];
  /** Replace (or change) kernel functions the version already has. Naming an unknown one is an error. */
  readonly functions?: { readonly [fn: string]: FnChange };
  /**
   * Steps the patch replaces or adds, by `function/label` (the names
   * `slubcheck steps` prints): a step, or a function of the version's step
   * (undefined when the label is new). The shortest form of a one-hunk diff.
   */
  readonly steps?: { readonly [fnLabel: string]: StepDef<any> | ((old: StepDef<any> | undefined) => StepDef<any>) };
  /** Functions whose entry label the patch moves (a new first step), by function. */
  readonly entries?: { readonly [fn: string]: string };
  /** Locals the patch adds to a function's frame (types from `T`), by function: `{ free_to_pcs: { size: T.int(0, 'all') } }`. */
  readonly locals?: { readonly [fn: string]: FnDef<any>['locals'] };
  /**
   * Locks the patch removes, by function (every step of it) or by
   * `function/label` (that step, and the lock is released at the end of the
   * step before it): `{ free_to_pcs: ['pcs_lock'] }` is a diff that deletes
   * free_to_pcs()'s local_trylock() and local_unlock(). The locks are those
   * of models/slub/locks.ts; list_lock and pcs_lock can be dropped.
   */
  readonly dropLocks?: { readonly [fnOrStep: string]: readonly string[] };
  /**
   * Code of the patch the model cannot reach, by `function/label`, and why
   * (e.g. a branch only PREEMPT_RT takes). verify still says NOT EXERCISED
   * for it, and prints the reason instead of advice to write a scenario.
   */
  readonly unreachable?: { readonly [fnLabel: string]: string };
  /** Kernel functions the patch adds. */
  readonly addFunctions?: { readonly [fn: string]: FnDef<any> };
  /** Version switches the patch flips (e.g. kvfreeRcuBarrier). */
  readonly features?: Partial<VersionFeatures>;
  /**
   * Properties the patch adds (its own invariants and witnesses), named in
   * snake_case. A `sometimes` witness of a step is `{ event }`: the name a
   * step passes to seen(); it needs no check.
   */
  readonly properties?: readonly PatchProperty[];
  /** Shipped to show a violation the checker must find. */
  readonly deliberatelyBroken?: boolean;
}

export interface Patch extends PatchSpec {
  readonly apply: (v: VersionDef) => VersionDef;
  /** Where it came from: 'built-in' or the file it was loaded from. */
  readonly source: string;
  /** The first 12 hex digits of the SHA-256 of its file (set when the file is read). */
  readonly hash?: string;
}

function checkFn(patch: string, fn: string, def: unknown): FnDef {
  const d = def as FnDef;
  if (typeof d !== 'object' || d === null || typeof d.entry !== 'string' || typeof d.steps !== 'object' || d.steps === null) {
    throw new UsageError(`patch ${patch}: ${fn} is not a step set ({ entry, steps })`);
  }
  if (!d.steps[d.entry]) throw new UsageError(`patch ${patch}: ${fn} has no step '${d.entry}', its entry`);
  for (const [pc, st] of Object.entries(d.steps)) {
    if (typeof st?.run !== 'function') throw new UsageError(`patch ${patch}: step ${fn}/${pc} has no run function`);
  }
  return d;
}

/** Checks a patch's shape and builds its `apply`. */
export function definePatch(spec: PatchSpec, source = 'built-in'): Patch {
  if (typeof spec !== 'object' || spec === null) throw new UsageError('a patch must be an object made by definePatch({ ... })');
  if (typeof spec.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(spec.name)) throw new UsageError(`a patch needs a name of letters, digits, '.', '_' and '-' (got ${JSON.stringify(spec.name)})`);
  if (typeof spec.summary !== 'string') throw new UsageError(`patch ${spec.name} needs a one-line summary`);
  if (!Array.isArray(spec.appliesTo) || spec.appliesTo.length === 0) throw new UsageError(`patch ${spec.name} must name the versions it applies to (appliesTo)`);
  if ('initState' in spec) throw new UsageError(`patch ${spec.name}: initState is no longer supported: states are packed, so a patch keeps what it needs in the locals of its functions (locals: { ... })`);
  const known = new Set(['name', 'summary', 'appliesTo', 'functions', 'steps', 'entries', 'locals', 'addFunctions', 'dropLocks', 'unreachable', 'features', 'properties', 'deliberatelyBroken']);
  for (const k of Object.keys(spec)) if (!known.has(k)) throw new UsageError(`patch ${spec.name}: unknown field '${k}' (a patch has ${[...known].join(', ')})`);
  return {
    ...spec,
    source,
    apply: (v) => {
      const fns: Record<string, FnDef> = { ...v.fns };
      for (const [fn, change] of Object.entries(spec.functions ?? {})) {
        const old = fns[fn];
        if (!old) throw new UsageError(`patch ${spec.name} names unknown kernel function ${fn} in ${v.id}`);
        fns[fn] = checkFn(spec.name, fn, typeof change === 'function' ? change(old) : change);
      }
      for (const [fn, def] of Object.entries(spec.addFunctions ?? {})) {
        if (fns[fn]) throw new UsageError(`patch ${spec.name} adds ${fn}, which ${v.id} already has (change it under functions)`);
        fns[fn] = checkFn(spec.name, fn, def);
      }
      for (const [name, change] of Object.entries(spec.steps ?? {})) {
        const i = name.lastIndexOf('/');
        const [fn, pc] = [name.slice(0, i), name.slice(i + 1)];
        const old = fns[fn];
        if (i <= 0 || !pc || !old) throw new UsageError(`patch ${spec.name}: steps names ${JSON.stringify(name)}, which is not function/label of a kernel function of ${v.id} (see slubcheck steps ${v.id})`);
        if (typeof change === 'function' && !old.steps[pc]) {
          throw new UsageError(`patch ${spec.name}: steps['${name}'] changes a step ${fn} does not have in ${v.id} (its labels: ${Object.keys(old.steps).join(', ')})`);
        }
        const step = typeof change === 'function' ? change(old.steps[pc]) : change;
        fns[fn] = { ...old, steps: { ...old.steps, [pc]: step } };
      }
      for (const [fn, entry] of Object.entries(spec.entries ?? {})) {
        if (!fns[fn]) throw new UsageError(`patch ${spec.name} moves the entry of unknown kernel function ${fn} in ${v.id}`);
        fns[fn] = { ...fns[fn]!, entry };
      }
      for (const [fn, locals] of Object.entries(spec.locals ?? {})) {
        if (!fns[fn]) throw new UsageError(`patch ${spec.name} adds locals to unknown kernel function ${fn} in ${v.id}`);
        fns[fn] = { ...fns[fn]!, locals: { ...fns[fn]!.locals, ...locals } };
      }
      for (const fn of new Set([...Object.keys(spec.steps ?? {}).map((n) => n.slice(0, n.lastIndexOf('/'))), ...Object.keys(spec.entries ?? {}), ...Object.keys(spec.locals ?? {})])) {
        fns[fn] = checkFn(spec.name, fn, fns[fn]);
      }
      for (const [code, why] of Object.entries(spec.unreachable ?? {})) {
        if (typeof why !== 'string' || !code.includes('/')) throw new UsageError(`patch ${spec.name}: unreachable maps function/label to the reason the model cannot reach it (got ${JSON.stringify(code)}: ${JSON.stringify(why)})`);
      }
      for (const [where, locks] of Object.entries(spec.dropLocks ?? {})) {
        const i = where.lastIndexOf('/');
        const [fn, pc] = i < 0 ? [where, undefined] : [where.slice(0, i), where.slice(i + 1)];
        const old = fns[fn];
        if (!old) throw new UsageError(`patch ${spec.name}: dropLocks names ${JSON.stringify(where)}, which is not a kernel function (or function/label) of ${v.id} (see slubcheck steps ${v.id})`);
        if (pc !== undefined && !old.steps[pc]) throw new UsageError(`patch ${spec.name}: dropLocks names step ${where}, which ${fn} does not have in ${v.id} (its labels: ${Object.keys(old.steps).join(', ')})`);
        if (!Array.isArray(locks) || locks.length === 0) throw new UsageError(`patch ${spec.name}: dropLocks['${where}'] must be a list of lock names (${Object.keys(LOCKS).join(', ')})`);
        for (const l of locks) {
          if (typeof l !== 'string' || !isLockName(l)) throw new UsageError(`patch ${spec.name}: dropLocks['${where}'] names unknown lock ${JSON.stringify(l)} (the locks are ${Object.keys(LOCKS).join(', ')})`);
          const why = LOCKS[l].droppable;
          if (why !== true) throw new UsageError(`patch ${spec.name}: ${l} cannot be dropped: ${why}`);
          const only = LOCKS[l].onlyIn;
          if (only && !only.fns.includes(fn)) throw new UsageError(`patch ${spec.name}: ${l} can be dropped only in ${only.fns.join(', ')}, not in ${fn}: ${only.why}`);
        }
        // The function (or step) must take or hold the lock: its steps' footprints name it.
        const names = (st: StepDef, l: string) => [...st.reads, ...st.writes].some((r) => r.includes(l));
        for (const l of locks as LockName[]) {
          const steps = pc === undefined ? Object.values(old.steps) : [old.steps[pc]!];
          if (!steps.some((st) => names(st, l))) throw new UsageError(`patch ${spec.name}: dropLocks['${where}'] drops ${l}, which ${where} does not take or hold in ${v.id} (no step of it names ${l} in its reads or writes): nothing to drop`);
        }
        const drop = (st: StepDef): StepDef => ({ ...st, without: [...new Set([...(st.without ?? []), ...(locks as LockName[])])] });
        const steps = Object.fromEntries(Object.entries(old.steps).map(([k, st]) => [k, pc === undefined || k === pc ? drop(st) : st]));
        fns[fn] = { ...old, steps };
      }
      for (const p of spec.properties ?? []) {
        const byEvent = p?.kind === 'sometimes' && (typeof p.event === 'string' || Array.isArray(p.event));
        if (typeof p?.name !== 'string' || !['always', 'sometimes', 'at_end'].includes(p.kind) || (typeof p.check !== 'function' && !byEvent)) {
          throw new UsageError(`patch ${spec.name}: a property needs a name, a kind (always, sometimes, at_end) and a check function (or, for sometimes, an event)`);
        }
      }
      const props: Property<SlubState>[] = (spec.properties ?? []).map((p) => ({ ...p, check: p.check ?? (() => false) }));
      return {
        ...v,
        features: { ...v.features, ...(spec.features ?? {}) },
        fns,
        extraProperties: [...(v.extraProperties ?? []), ...props],
      };
    },
  };
}

/** The model's own steps, for patches to reuse or extend. */
export const stock = {
  __slab_free_cpu_partial,
  __slab_free_no_cpu_partial,
  get_from_partial_node,
  get_partial_node,
  put_cpu_partial,
  __put_partials,
  kmem_cache_destroy,
};

/** Everything a patch file receives. */
export const patchApi = {
  definePatch,
  stock,
  // control flow
  goto,
  call,
  ret,
  tailcall,
  // memory, lists and locks
  add_partial,
  remove_partial,
  discard_slab,
  writeLink,
  oops,
  seen,
  lock,
  unlock,
  lockFree,
  local_trylock,
  local_lock,
  local_unlock,
  allocate_slab,
  linkChain,
  memNode,
  hasBarn,
  slabFreeFn,
  chain,
  cpuChain,
  nodeList,
  // pieces of the model's steps, for a patch that changes one line of them
  slab_free_snapshot,
  slab_free_lock,
  slab_update_freelist,
  slab_free_list_update,
  put_cpu_partial_link,
  detachChain,
  addNewSlabToPartial,
  swapMainSpare,
  refill_empty_main,
  popMain,
  barn_shrink,
  takeHeld,
  freeNextHeld,
  pcsFree,
  takePrivate,
  release,
  kernelWarning,
  leak,
  // addresses as the link words hold them
  slabPtr,
  structPtr,
  nodePtr,
  // the types of function locals
  T,
  // RCU and workqueues
  call_rcu,
  queue_work_on,
  worksDone,
  needsFlush,
};

export type PatchApi = typeof patchApi;

/** A patch module's default export: a patch, or a function of the API that returns one. */
export function patchFromModule(mod: unknown, source: string): Patch {
  const exp = defaultExport(mod, (x) => 'name' in x || 'apply' in x);
  if (exp === undefined) throw new UsageError(`patch file ${source} has no default export (export default ({ definePatch }) => definePatch({ ... }))`);
  let spec: unknown;
  try {
    spec = typeof exp === 'function' ? (exp as (api: PatchApi) => unknown)(patchApi) : exp;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`patch file ${source} threw while building its patch: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  const p = spec as Patch;
  if (p && typeof p === 'object' && typeof p.apply === 'function' && typeof p.source === 'string') return { ...p, source };
  return definePatch(spec as PatchSpec, source);
}

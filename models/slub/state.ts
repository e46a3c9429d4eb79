// The SLUB state, as plain data.
//
// What this abstracts and why:
// - One kmem_cache. Objects are small integers; object o belongs to slab
//   floor(o / objects). A slab's freelist is its head object plus the free
//   pointer stored *inside* each free object (`fp[o]`), exactly as in
//   mm/slub.c, so a cmpxchg that compares only the head can suffer ABA the
//   way the kernel's would; traces and properties show freelists as explicit
//   lists of object ids by walking the chain.
// - `counters` is {inuse, frozen}; `objects` is a cache constant.
// - The two link words L0/L1 of struct slab are shared storage: the node
//   partial list's `slab_list.next/prev`, and (v6.19, 17c38c88) the CPU
//   partial chain's `next/slabs`. Pointers are strings: 'N0' is node 0's list
//   head, 'S2' the link area of slab 2, 'slab:S2' the address of struct slab 2
//   itself (what put_cpu_partial stores in `next`, reference §0.5), 'POISON1'
//   and 'POISON2' are list_del's poison values, a number is `slabs` (or the
//   garbage a count makes of a pointer). A ghost `owner` tag says which list
//   owns the words; every write checks it. A model that kept an abstract set
//   of lists per slab could not find the put_cpu_partial race (reference §3.5).
// - Per CPU: kmem_cache_cpu (v6.19 and 17c38c88: freelist, slab, partial,
//   tid) and slub_percpu_sheaves (main, spare, lock). Sheaves are
//   arrays of object ids (a stack: push and pop at the end).
// - Per node: list_lock holder, the partial list head, nr_partial, nr_slabs,
//   and the barn (full sheaves, count of empty sheaves).
// - Per execution context: a stack of frames (kernel function, labelled
//   point, locals), the client's objects, its remaining operations.
// - Ghost state: violations that only a transition can see (a link word
//   written by a non-owner, an oops, a double allocation) are recorded here so
//   that the properties, which look at states, can report them.
import type { Plain } from '../../src/engine/model.ts';

export type Obj = number;
export type SlabId = number;
export type Ctx = string;
/** A link-word value: 'N<n>' list head, 'S<k>' slab link area, 'slab:S<k>' struct slab address, 'POISON1', 'POISON2', a number, or null. */
export type Ptr = string | number | null;

export interface Slab {
  /** Allocated from the page allocator (false: in the model's free page pool). */
  readonly live: boolean;
  readonly node: number;
  readonly freelist: Obj | null;
  readonly inuse: number;
  readonly frozen: boolean;
  /** The SL_partial flag. */
  readonly partial: boolean;
  readonly L0: Ptr;
  readonly L1: Ptr;
  /** Ghost: who owns the link words: 'none', 'node<n>', 'cpu<c>' (CPU partial chain), 'priv:<ctx>' (a detached or private list). */
  readonly owner: string;
}

export interface Barn {
  readonly full: readonly (readonly Obj[])[];
  readonly empty: number;
}

export interface NodeState {
  /** False for a memoryless node: no kmem_cache_node, no barn (7.0-rc get_barn() is NULL). */
  readonly memory: boolean;
  readonly list_lock: Ctx | null;
  readonly head: { readonly next: Ptr; readonly prev: Ptr };
  readonly nr_partial: number;
  readonly nr_slabs: number;
  readonly barn: Barn;
}

export interface Cpu {
  readonly node: number;
  // kmem_cache_cpu (v6.19, 17c38c88)
  readonly freelist: Obj | null;
  readonly slab: SlabId | null;
  /** Head of the CPU partial chain (linked through the slabs' L0). */
  readonly partial: SlabId | null;
  readonly tid: number;
  // slub_percpu_sheaves
  readonly pcs_lock: Ctx | null;
  readonly main: readonly Obj[];
  readonly spare: readonly Obj[] | null;
  /** The kfree_rcu sheaf being filled: NULL, or never full while attached. */
  readonly rcu_free: readonly Obj[] | null;
  // RCU, workqueue and KASAN, per CPU
  /** Callbacks queued by call_rcu() on this CPU, in order. */
  readonly rcu_cbs: readonly RcuCb[];
  /** Work items queued on this CPU with queue_work_on(), in order. */
  readonly work: readonly Work[];
  /** KASAN generic: this CPU's cpu_quarantine (objects of this cache). */
  readonly quarantine: readonly Obj[];
}

export type RcuFn = 'rcu_free_sheaf' | 'rcu_free_sheaf_nobarn' | 'kvfree_rcu_bulk';

export interface RcuCb {
  readonly id: number;
  readonly fn: RcuFn;
  /** The objects the callback frees (the sheaf's contents, or a kfree_rcu batch). */
  readonly objs: readonly Obj[];
  /** A grace period has ended since it was queued: it may run. */
  readonly ready: boolean;
  /** Its softirq is running it (it leaves the queue when it returns). */
  readonly running: boolean;
}

export type WorkFn = 'flush_rcu_sheaf' | 'flush_cpu_sheaves';

export interface Work {
  readonly id: number;
  readonly fn: WorkFn;
  readonly running: boolean;
}

/** Cache-wide state of kmem_cache_destroy() and KASAN. */
export interface CacheState {
  /** Sequence for RCU callback and work ids. */
  readonly seq: number;
  /** kasan_quarantine_remove_cache() has purged this CPU's quarantine. */
  readonly purged: readonly boolean[];
  /** kasan_cache_shutdown() has returned. */
  readonly kasan_shutdown_done: boolean;
  /** kmem_cache_destroy() has started: clients may start nothing more. */
  readonly destroying: boolean;
  /** 'ok' or 'leaked' once kmem_cache_destroy() has returned. */
  readonly destroyed: 'ok' | 'leaked' | null;
  /** Generic KASAN is configured. */
  readonly kasan: boolean;
}

export type Locals = { readonly [k: string]: Plain };

export interface Frame {
  readonly fn: string;
  readonly pc: string;
  readonly l: Locals;
}

export type Op =
  | { readonly op: 'kmem_cache_alloc'; readonly gfp: Gfp }
  | { readonly op: 'kmem_cache_free'; readonly obj: Obj }
  | { readonly op: 'kfree_rcu'; readonly obj: Obj }
  | { readonly op: 'flush_cpu_slab' }
  | { readonly op: 'kmem_cache_destroy' }
  /** Scripted only: free this object, by a path the checker chooses (kmem_cache_free or kfree_rcu). */
  | { readonly op: 'free_any'; readonly obj: Obj }
  // Started by the environment, not by a client:
  | { readonly op: 'rcu_callback'; readonly cb: number }
  | { readonly op: 'work'; readonly work: number };

export type Gfp = 'GFP_KERNEL' | 'GFP_ATOMIC';

export interface CtxState {
  readonly stack: readonly Frame[];
  /** Scripted operations still to run, in order. */
  readonly ops: readonly Op[];
  /** How many more operations this context may choose nondeterministically. */
  readonly budget: number;
  /** Objects the client running in this context owns. */
  readonly owns: readonly Obj[];
  /** irq-off depth (spin_lock_irqsave, local_lock_irqsave held by this context). */
  readonly irqoff: number;
  /** The preempt count of get_cpu_ptr()/put_cpu_ptr() (slub_get_cpu_ptr in v6.19's slow and bulk paths). */
  readonly preempt: number;
}

export interface Ghost {
  /** A link-word write by someone who does not own the words: the put_cpu_partial race. */
  readonly bad_link_write: string | null;
  /** A kernel oops: NULL or poison dereference. */
  readonly oops: string | null;
  /** A list operation that wrote through a pointer that is not a list_head. */
  readonly wild_write: string | null;
  /** An object handed to a client that a client already owned. */
  readonly double_alloc: string | null;
  /** __kmem_cache_shutdown() failed: "Objects remaining ..." (the cache is leaked). */
  readonly destroy_failed: string | null;
  /** An object entered a CPU's quarantine after kasan_quarantine_remove_cache() purged it. */
  readonly late_quarantine: string | null;
  /** A WARN_ON / VM_BUG_ON of the kernel in these paths fired (the kernel's own assertions). */
  readonly warning: string | null;
  /** Where objects were dropped without being freed, for the explanation of `object_conservation`. */
  readonly leak: string | null;
  /** Witnesses: things that happened at least once. */
  readonly seen: { readonly [event: string]: true };
}

export interface SlubState {
  readonly slabs: readonly Slab[];
  readonly fp: readonly (Obj | null)[];
  readonly nodes: readonly NodeState[];
  readonly cpus: readonly Cpu[];
  readonly ctx: { readonly [name: string]: CtxState };
  readonly cache: CacheState;
  readonly ghost: Ghost;
}

// ---- addresses -------------------------------------------------------------

export const slabPtr = (k: SlabId): string => `S${k}`;
export const structPtr = (k: SlabId): string => `slab:S${k}`;
export const nodePtr = (n: number): string => `N${n}`;

/** The slab whose link area `p` points at, if it does. */
export function slabOfLink(p: Ptr): SlabId | undefined {
  return typeof p === 'string' && /^S\d+$/.test(p) ? Number(p.slice(1)) : undefined;
}
/** The slab whose struct address `p` is (a CPU partial `next`). */
export function slabOfStruct(p: Ptr): SlabId | undefined {
  return typeof p === 'string' && p.startsWith('slab:S') ? Number(p.slice(6)) : undefined;
}
export function nodeOfPtr(p: Ptr): number | undefined {
  return typeof p === 'string' && /^N\d+$/.test(p) ? Number(p.slice(1)) : undefined;
}

/** The CPU a context runs on; -1 for the environment (`rcu/gp`). */
export const cpuOf = (ctx: Ctx): number => (ctx.startsWith('cpu') ? Number(ctx.slice(3, ctx.indexOf('/'))) : -1);

/** The free objects of a chain starting at `head`, stopping at a cycle (which the properties report). */
export function chain(fp: readonly (Obj | null)[], head: Obj | null, limit = fp.length + 1): Obj[] {
  const out: Obj[] = [];
  let o = head;
  while (o !== null && out.length < limit) {
    out.push(o);
    o = fp[o] ?? null;
  }
  return out;
}

/** Slabs on a node's partial list, walking `next` from the head (stops on anything that is not a slab link). */
export function nodeList(s: SlubState, n: number): SlabId[] {
  const out: SlabId[] = [];
  let p = s.nodes[n]!.head.next;
  while (out.length <= s.slabs.length) {
    const k = slabOfLink(p);
    if (k === undefined) break;
    out.push(k);
    p = s.slabs[k]!.L0;
  }
  return out;
}

/** Slabs on a CPU partial chain, walking `next` (struct pointers). */
export function cpuChain(s: SlubState, head: SlabId | null): SlabId[] {
  const out: SlabId[] = [];
  let k: SlabId | undefined = head ?? undefined;
  while (k !== undefined && out.length <= s.slabs.length) {
    out.push(k);
    k = slabOfStruct(s.slabs[k]!.L0);
  }
  return out;
}

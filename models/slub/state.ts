// The SLUB state, packed.
//
// What this abstracts and why:
// - One kmem_cache. Objects are small integers; object o belongs to slab
//   floor(o / objects). A slab's freelist is its head object plus the free
//   pointer stored *inside* each free object (`fp(o)`), exactly as in
//   mm/slub.c, so a cmpxchg that compares only the head can suffer ABA the
//   way the kernel's would; traces and properties show freelists as explicit
//   lists of object ids by walking the chain.
// - `counters` is {inuse, frozen}; `objects` is a cache constant.
// - The two link words L0/L1 of struct slab are shared storage: the node
//   partial list's `slab_list.next/prev`, and (v6.19, 17c38c88) the CPU
//   partial chain's `next/slabs`. Pointers are read and written as strings:
//   'N0' is node 0's list head, 'S2' the link area of slab 2, 'slab:S2' the
//   address of struct slab 2 itself (what put_cpu_partial stores in `next`,
//   reference §0.5), 'POISON1' and 'POISON2' are list_del's poison values, a
//   number is `slabs` (or the garbage a count makes of a pointer). A ghost
//   `owner` tag says which list owns the words; every write checks it. A
//   model that kept an abstract set of lists per slab could not find the
//   put_cpu_partial race (reference §3.5).
// - Per CPU: kmem_cache_cpu (v6.19 and 17c38c88: freelist, slab, partial,
//   tid) and slub_percpu_sheaves (main, spare, rcu_free, pcs lock). Sheaves
//   are stacks of object ids. Per node: list_lock holder, the partial list
//   head, nr_partial, nr_slabs, the barn.
// - Per execution context: a stack of frames (kernel function, labelled
//   point, typed locals), the client's objects, the next scripted operation
//   and how many it may still choose.
// - Ghost state: violations that only a transition can see (a link word
//   written by a non-owner, an oops, a double allocation) are recorded as
//   messages, so that the properties, which look at states, can report them.
//   A message is stored as a 32-bit hash of its text (the same in every
//   process), the text kept in a table to explain it.
//
// Packing (src/engine/layout.ts): every field has a bit width derived from
// the scenario's sizes (objects, slabs, contexts, sheaf capacity), and the
// state is one Uint32Array. Steps read and write it through the views below,
// which keep the shape of the kernel data (`slabs[k].freelist`,
// `cpus[c].main.push(o)`, a frame's `l.held`): no copies, no proxies, no
// allocation per access. Nothing that no property or step reads is in it:
// `sometimes` witnesses are events of transitions, not state.
import { LayoutBuilder, type Field } from '../../src/engine/layout.ts';
import { ModelError } from '../../src/engine/errors.ts';
import type { Plain } from '../../src/engine/model.ts';

export type Obj = number;
export type SlabId = number;
export type Ctx = string;
/** A link-word value: 'N<n>' list head, 'S<k>' slab link area, 'slab:S<k>' struct slab address, 'POISON1', 'POISON2', a number, or null. */
export type Ptr = string | number | null;

export type RcuFn = 'rcu_free_sheaf' | 'rcu_free_sheaf_nobarn' | 'kvfree_rcu_bulk';
export const RCU_FNS: readonly RcuFn[] = ['rcu_free_sheaf', 'rcu_free_sheaf_nobarn', 'kvfree_rcu_bulk'];
export type WorkFn = 'flush_rcu_sheaf' | 'flush_cpu_sheaves';
export const WORK_FNS: readonly WorkFn[] = ['flush_rcu_sheaf', 'flush_cpu_sheaves'];
export type Gfp = 'GFP_KERNEL' | 'GFP_ATOMIC';

export type Op =
  | { readonly op: 'kmem_cache_alloc'; readonly gfp: Gfp }
  | { readonly op: 'kmem_cache_free'; readonly obj: Obj }
  | { readonly op: 'kfree_rcu'; readonly obj: Obj }
  | { readonly op: 'flush_cpu_slab' }
  | { readonly op: 'kmem_cache_destroy' }
  /** kmem_cache_alloc_bulk() of BULK_SIZE objects (v6.19 caches without sheaves). */
  | { readonly op: 'kmem_cache_alloc_bulk' }
  /** kfree_nolock(): a free that may not spin (any context, NMI included); what it cannot free now it defers to an irq_work. */
  | { readonly op: 'kfree_nolock'; readonly obj: Obj }
  /** kmem_cache_prefill_sheaf(): a sheaf of sheaf_capacity objects for the client (one at a time per context). */
  | { readonly op: 'kmem_cache_prefill_sheaf' }
  /** kmem_cache_alloc_from_sheaf(): one object from the context's prefilled sheaf. */
  | { readonly op: 'kmem_cache_alloc_from_sheaf' }
  /** kmem_cache_return_sheaf(): the context gives its prefilled sheaf back. */
  | { readonly op: 'kmem_cache_return_sheaf' }
  /** kmem_cache_free_bulk() of two objects the client owns. */
  | { readonly op: 'kmem_cache_free_bulk'; readonly obj: Obj; readonly obj2: Obj }
  /** kmalloc_nolock() (17c38c88, 7.0): an allocation that may not spin or block. */
  | { readonly op: 'kmalloc_nolock' }
  /** Scripted only: free this object, by a path the checker chooses (kmem_cache_free or kfree_rcu). */
  | { readonly op: 'free_any'; readonly obj: Obj }
  /** Scripted only: one operation the checker chooses among the context's `choices`. */
  | { readonly op: 'choose' }
  // Started by the environment, not by a client:
  | { readonly op: 'rcu_callback'; readonly cb: number }
  | { readonly op: 'work'; readonly work: number }
  /** The CPU's defer_free irq_work (free_deferred_objects()), run in its hard irq context. */
  | { readonly op: 'irq_work' };

// ---- addresses -------------------------------------------------------------

// The strings are made once per number and kept (steps make them on every list operation; a kept
// string also keeps its hash, for the layout's lookup of the link word's code).
const SLAB_PTRS: string[] = [];
const STRUCT_PTRS: string[] = [];
const NODE_PTRS: string[] = [];
export const slabPtr = (k: SlabId): string => SLAB_PTRS[k] ?? (k >= 0 && k < 1024 && Number.isInteger(k) ? (SLAB_PTRS[k] = `S${k}`) : `S${k}`);
export const structPtr = (k: SlabId): string => STRUCT_PTRS[k] ?? (k >= 0 && k < 1024 && Number.isInteger(k) ? (STRUCT_PTRS[k] = `slab:S${k}`) : `slab:S${k}`);
export const nodePtr = (n: number): string => NODE_PTRS[n] ?? (n >= 0 && n < 1024 && Number.isInteger(n) ? (NODE_PTRS[n] = `N${n}`) : `N${n}`);

// The three parsers below run on every list operation of a step and every list walk of a property,
// on the few link-word names of a layout: each name's number is parsed once (a slice and a Number()
// per call before) and kept, up to a bound, by name. Pure functions of the name: the same results.
const PARSED_LINK = new Map<string, SlabId | undefined>();
const PARSED_STRUCT = new Map<string, SlabId | undefined>();
const PARSED_NODE = new Map<string, number | undefined>();
const PARSED_MAX = 4096;
function parsedPtr<T>(memo: Map<string, T>, p: string, parse: (p: string) => T): T {
  const v = memo.get(p);
  if (v !== undefined || memo.has(p)) return v as T;
  const r = parse(p);
  if (memo.size < PARSED_MAX) memo.set(p, r);
  return r;
}
const parseLink = (p: string): SlabId | undefined => (p.charCodeAt(0) === 83 /* S */ ? Number(p.slice(1)) : undefined);
const parseStruct = (p: string): SlabId | undefined => (p.startsWith('slab:S') ? Number(p.slice(6)) : undefined);
const parseNode = (p: string): number | undefined => (p.charCodeAt(0) === 78 /* N */ ? Number(p.slice(1)) : undefined);

/** The slab whose link area `p` points at, if it does. */
export function slabOfLink(p: Ptr): SlabId | undefined {
  return typeof p === 'string' ? parsedPtr(PARSED_LINK, p, parseLink) : undefined;
}
/** The slab whose struct address `p` is (a CPU partial `next`). */
export function slabOfStruct(p: Ptr): SlabId | undefined {
  return typeof p === 'string' ? parsedPtr(PARSED_STRUCT, p, parseStruct) : undefined;
}
export function nodeOfPtr(p: Ptr): number | undefined {
  return typeof p === 'string' ? parsedPtr(PARSED_NODE, p, parseNode) : undefined;
}

/** The CPU a context runs on; -1 for the environment (`rcu/gp`). */
const CPU_OF = new Map<Ctx, number>();
// The context asked for last (the interpreter asks for the same one many times in a row).
let lastCtx: Ctx | undefined;
let lastCpu = -1;
export const cpuOf = (ctx: Ctx): number => {
  if (ctx === lastCtx) return lastCpu;
  let c = CPU_OF.get(ctx);
  if (c === undefined) CPU_OF.set(ctx, (c = ctx.startsWith('cpu') ? Number(ctx.slice(3, ctx.indexOf('/'))) : -1));
  lastCtx = ctx;
  lastCpu = c;
  return c;
};

// ---- the shape of a state: sizes and the locals of frames --------------------------------

/** The sizes a layout is built from. */
export interface Dims {
  /** Slab pages in the pool. */
  readonly P: number;
  /** Objects per slab. */
  readonly O: number;
  readonly N: number;
  readonly C: number;
  /** Context names (without the environment's rcu/gp). */
  readonly contexts: readonly string[];
  /** Scripted operations per context. */
  readonly ops: readonly (readonly Op[])[];
  /** Most operations a context may choose. */
  readonly budget: number;
  /** Sheaf capacity (0: no sheaves). */
  readonly CAP: number;
  readonly cpuSlab: boolean;
  readonly cpuPartial: boolean;
  /** RCU callbacks and work items can be queued. */
  readonly deferred: boolean;
  /** Slab page allocations the checker may fail. */
  readonly pageFailures: number;
  /** Empty-sheaf allocations the checker may fail. */
  readonly sheafFailures: number;
  readonly kasan: boolean;
  /** Contexts may hold a prefilled sheaf (kmem_cache_prefill_sheaf()). */
  readonly prefill: boolean;
  /** kfree_nolock() can defer frees to the per-CPU defer_free list. */
  readonly nolock: boolean;
  /** Per-scenario bounds of the queues and counters. */
  readonly bounds: Bounds;
}

export interface Bounds {
  /** Frames per context. */
  readonly depth: number;
  /** RCU callbacks queued per CPU. */
  readonly rcuQueue: number;
  /** Work items queued per CPU. */
  readonly workQueue: number;
  /** Full sheaves a barn can hold (its limit is soft). */
  readonly barnFull: number;
  /** Largest tid, work or callback id. */
  readonly counter: number;
}

/** The type of a frame local. Capacities: 'sheaf' (the sheaf capacity, at least 1), 'slab' (objects per slab), 'all' (every object), or a number. */
export type LocalType =
  | { readonly t: 'obj' | 'slab' | 'node' | 'cpu' | 'bool' }
  | { readonly t: 'int'; readonly min: number; readonly max: number | 'objects' | 'all' | 'counter' }
  | { readonly t: 'enum'; readonly values: readonly string[] }
  | { readonly t: 'objs' | 'slabs' | 'ids'; readonly cap: 'sheaf' | 'slab' | 'all' | 'cpus' | number };

export interface LocalDecl {
  readonly type: LocalType;
  /** The local holds objects (a list, or the head of a private chain): where a context keeps objects in flight. */
  readonly holds?: 'list' | 'chain';
  /** The local holds a tid read from its CPU's kmem_cache_cpu (symmetry.ts moves it with the CPU). */
  readonly tid?: true;
}

export type LocalsSpec = { readonly [name: string]: LocalType | LocalDecl };

/** Constructors of local types, as function files declare their locals. */
export const T = {
  obj: { t: 'obj' } as LocalType,
  slab: { t: 'slab' } as LocalType,
  node: { t: 'node' } as LocalType,
  cpu: { t: 'cpu' } as LocalType,
  bool: { t: 'bool' } as LocalType,
  int: (min: number, max: number | 'objects' | 'all' | 'counter'): LocalType => ({ t: 'int', min, max }),
  enum: (...values: string[]): LocalType => ({ t: 'enum', values }),
  objs: (cap: 'sheaf' | 'slab' | 'all' | number): LocalType => ({ t: 'objs', cap }),
  slabs: (cap: 'all' | number = 'all'): LocalType => ({ t: 'slabs', cap }),
  ids: (cap: 'cpus' | number): LocalType => ({ t: 'ids', cap }),
  /** A tid read from this CPU's kmem_cache_cpu (v6.19, 17c38c88); -1 until read. */
  tid: { type: { t: 'int', min: -1, max: 'counter' }, tid: true } as LocalDecl,
  /** A function's result from its callees: an object or slab id, or NULL. */
  ret: { t: 'obj' } as LocalType,
  /** Objects the frame holds: a list of them. */
  held: (cap: 'sheaf' | 'slab' | 'all' | number): LocalDecl => ({ type: { t: 'objs', cap }, holds: 'list' }),
  /** Objects the frame holds as a private chain through their free pointers, from this head. */
  chain: { type: { t: 'obj' }, holds: 'chain' } as LocalDecl,
} as const;

export const declOf = (x: LocalType | LocalDecl): LocalDecl => ('type' in x ? x : { type: x });

/** A function as the layout needs it: its name, labels and locals. */
export interface FnShape {
  readonly name: string;
  readonly pcs: readonly string[];
  readonly locals: LocalsSpec;
}

// ---- the layout ----------------------------------------------------------------------------

interface ListFields {
  readonly len: Field;
  readonly items: readonly Field[];
}

export interface LocalField {
  readonly name: string;
  readonly decl: LocalDecl;
  /** Scalar fields (word offsets relative to the frame's locals area). */
  readonly f?: Field;
  readonly list?: ListFields;
  readonly values?: readonly string[];
}

export interface FnLayout {
  readonly id: number;
  readonly name: string;
  readonly pcs: readonly string[];
  readonly pcIndex: ReadonlyMap<string, number>;
  readonly locals: ReadonlyMap<string, LocalField>;
  /** Locals that hold objects. */
  readonly holding: readonly LocalField[];
}

interface SheafFields extends ListFields {
  /** For spare and rcu_free: the sheaf exists (NULL otherwise). */
  readonly present?: Field;
}

interface CbFields {
  readonly id: Field;
  readonly fn: Field;
  readonly ready: Field;
  readonly running: Field;
  readonly objs: ListFields;
}

interface WorkFields {
  readonly id: Field;
  readonly fn: Field;
  readonly running: Field;
}

interface FrameFields {
  readonly fn: Field;
  readonly pc: Field;
  /** First word of the frame's locals area. */
  readonly base: number;
}

const OWNER_KINDS = 4;

/** Every field of a SLUB state for one configuration. */
export class SlubLayout {
  readonly width: number;
  readonly NOBJ: number;
  readonly slab: readonly { live: Field; node: Field; freelist: Field; inuse: Field; frozen: Field; partial: Field; L0: Field; L1: Field; owner: Field }[];
  readonly fp: readonly Field[];
  readonly node: readonly { list_lock: Field; barnLock: Field; next: Field; prev: Field; nr_partial: Field; nr_slabs: Field; barnEmpty: Field; barnCount: Field; barnFull: readonly SheafFields[] }[];
  readonly cpu: readonly {
    freelist: Field;
    slab: Field;
    partial: Field;
    tid: Field;
    pcs_lock: Field;
    cpu_slab_lock: Field;
    main: SheafFields;
    spare: SheafFields;
    rcu_free: SheafFields;
    cbCount: Field;
    cbs: readonly CbFields[];
    workCount: Field;
    works: readonly WorkFields[];
    quarantine: ListFields;
    deferred: ListFields;
  }[];
  readonly ctx: readonly { depth: Field; frames: readonly FrameFields[]; opIndex: Field; budget: Field; owns: readonly Field[]; irqoff: Field; preempt: Field; sheaf: SheafFields }[];
  readonly cache: { seq: Field; purged: readonly Field[]; kasanDone: Field; destroying: Field; destroyed: Field; pageFailures: Field; sheafFailures: Field };
  readonly ghost: { readonly [k in GhostKey]: Field };
  readonly fns: ReadonlyMap<string, FnLayout>;
  readonly fnById: readonly FnLayout[];
  readonly ptrNames: readonly string[];
  readonly ptrIndex: ReadonlyMap<string, number>;
  readonly ownerNames: readonly string[];
  readonly ownerIndex: ReadonlyMap<string, number>;
  /** Largest number a link word can hold. */
  readonly ptrNumMax: number;
  /** Words of a frame's locals area. */
  readonly area: number;

  constructor(
    readonly modelId: string,
    readonly d: Dims,
    fnShapes: readonly FnShape[],
  ) {
    const L = new LayoutBuilder(modelId);
    const { P, O, N, C } = d;
    const X = d.contexts.length;
    const NOBJ = (this.NOBJ = P * O);
    const obj = { min: -1, max: NOBJ - 1 };
    const slabRef = { min: -1, max: P - 1 };
    const ctxRef = { min: -1, max: X - 1 };
    const counter = d.bounds.counter;
    // Link words: null, N0.., S0.., slab:S0.., POISON1, POISON2, then numbers 0..ptrNumMax.
    this.ptrNumMax = 0x8000;
    const ptrNames = ['null', ...Array.from({ length: N }, (_v, i) => nodePtr(i)), ...Array.from({ length: P }, (_v, k) => slabPtr(k)), ...Array.from({ length: P }, (_v, k) => structPtr(k)), 'POISON1', 'POISON2'];
    this.ptrNames = ptrNames;
    this.ptrIndex = new Map(ptrNames.map((p, i) => [p, i]));
    const ptr = { min: 0, max: ptrNames.length + this.ptrNumMax };
    const ownerNames = ['none', ...Array.from({ length: N }, (_v, i) => `node${i}`), ...Array.from({ length: C }, (_v, i) => `cpu${i}`), ...d.contexts.map((c) => `priv:${c}`)];
    this.ownerNames = ownerNames;
    this.ownerIndex = new Map(ownerNames.map((o, i) => [o, i]));
    void OWNER_KINDS;
    const list = (name: string, cap: number, item: { min: number; max: number }): ListFields => ({
      len: L.field(`${name}.len`, { max: cap }),
      items: Array.from({ length: cap }, (_v, i) => L.field(`${name}[${i}]`, item)),
    });
    this.slab = Array.from({ length: P }, (_v, k) => ({
      live: L.field(`S${k}.live`, { max: 1 }),
      node: L.field(`S${k}.node`, { max: Math.max(0, N - 1) }),
      freelist: L.field(`S${k}.freelist`, obj),
      inuse: L.field(`S${k}.inuse`, { min: -O, max: 2 * O }),
      frozen: L.field(`S${k}.frozen`, { max: 1 }),
      partial: L.field(`S${k}.partial`, { max: 1 }),
      L0: L.field(`S${k}.L0`, ptr),
      L1: L.field(`S${k}.L1`, ptr),
      owner: L.field(`S${k}.owner`, { max: ownerNames.length - 1 }),
    }));
    this.fp = Array.from({ length: NOBJ }, (_v, o) => L.field(`fp[${o}]`, obj));
    const cap = Math.max(1, d.CAP);
    const sheaf = (name: string, nullable: boolean): SheafFields => ({
      ...list(name, d.CAP > 0 ? d.CAP : 0, obj),
      ...(nullable ? { present: L.field(`${name}.present`, { max: 1 }) } : {}),
    });
    const barnFull = d.CAP > 0 ? d.bounds.barnFull : 0;
    this.node = Array.from({ length: N }, (_v, n) => ({
      list_lock: L.field(`node${n}.list_lock`, ctxRef),
      barnLock: L.field(`node${n}.barn.lock`, d.CAP > 0 ? ctxRef : { min: -1, max: -1 }),
      next: L.field(`node${n}.next`, ptr),
      prev: L.field(`node${n}.prev`, ptr),
      nr_partial: L.field(`node${n}.nr_partial`, { min: -P, max: 2 * P }),
      nr_slabs: L.field(`node${n}.nr_slabs`, { min: -P, max: 2 * P }),
      barnEmpty: L.field(`node${n}.barn.empty`, { max: d.CAP > 0 ? 4 * C + d.bounds.barnFull + 8 : 0 }),
      barnCount: L.field(`node${n}.barn.count`, { max: barnFull }),
      barnFull: Array.from({ length: barnFull }, (_v2, i) => sheaf(`node${n}.barn.full[${i}]`, false)),
    }));
    const rq = d.deferred ? d.bounds.rcuQueue : 0;
    const wq = d.deferred ? d.bounds.workQueue : 0;
    this.cpu = Array.from({ length: C }, (_v, c) => ({
      freelist: L.field(`cpu${c}.freelist`, d.cpuSlab ? obj : { min: -1, max: -1 }),
      slab: L.field(`cpu${c}.slab`, d.cpuSlab ? slabRef : { min: -1, max: -1 }),
      partial: L.field(`cpu${c}.partial`, d.cpuPartial ? slabRef : { min: -1, max: -1 }),
      tid: L.field(`cpu${c}.tid`, { max: d.cpuSlab ? counter : 0 }),
      pcs_lock: L.field(`cpu${c}.pcs_lock`, d.CAP > 0 ? ctxRef : { min: -1, max: -1 }),
      cpu_slab_lock: L.field(`cpu${c}.cpu_slab_lock`, d.cpuPartial ? ctxRef : { min: -1, max: -1 }),
      main: sheaf(`cpu${c}.main`, false),
      spare: sheaf(`cpu${c}.spare`, true),
      rcu_free: sheaf(`cpu${c}.rcu_free`, true),
      cbCount: L.field(`cpu${c}.cbs.len`, { max: rq }),
      cbs: Array.from({ length: rq }, (_v2, i) => ({
        id: L.field(`cpu${c}.cbs[${i}].id`, { max: counter }),
        fn: L.field(`cpu${c}.cbs[${i}].fn`, { max: RCU_FNS.length - 1 }),
        ready: L.field(`cpu${c}.cbs[${i}].ready`, { max: 1 }),
        running: L.field(`cpu${c}.cbs[${i}].running`, { max: 1 }),
        objs: list(`cpu${c}.cbs[${i}].objs`, cap, obj),
      })),
      workCount: L.field(`cpu${c}.work.len`, { max: wq }),
      works: Array.from({ length: wq }, (_v2, i) => ({
        id: L.field(`cpu${c}.work[${i}].id`, { max: counter }),
        fn: L.field(`cpu${c}.work[${i}].fn`, { max: WORK_FNS.length - 1 }),
        running: L.field(`cpu${c}.work[${i}].running`, { max: 1 }),
      })),
      quarantine: list(`cpu${c}.quarantine`, d.kasan ? NOBJ : 0, obj),
      deferred: list(`cpu${c}.defer_free`, d.nolock ? NOBJ : 0, obj),
    }));
    // Frames: a header (function, label) and a locals area as wide as the widest function needs.
    const fnList: FnLayout[] = [];
    let areaWords = 0;
    const capOf = (c: 'sheaf' | 'slab' | 'all' | 'cpus' | number) => (typeof c === 'number' ? c : c === 'sheaf' ? cap : c === 'slab' ? O : c === 'cpus' ? C : NOBJ);
    const maxOf = (m: number | 'objects' | 'all' | 'counter') => (typeof m === 'number' ? m : m === 'objects' ? O : m === 'all' ? NOBJ : counter);
    for (const shape of fnShapes) {
      const FL = new LayoutBuilder(`${modelId} ${shape.name}`);
      const locals = new Map<string, LocalField>();
      for (const [name, raw] of Object.entries(shape.locals)) {
        const decl = declOf(raw);
        const ty = decl.type;
        const at = `${shape.name}.${name}`;
        if (ty.t === 'obj') locals.set(name, { name, decl, f: FL.field(at, obj) });
        else if (ty.t === 'slab') locals.set(name, { name, decl, f: FL.field(at, slabRef) });
        else if (ty.t === 'node') locals.set(name, { name, decl, f: FL.field(at, { min: -1, max: N - 1 }) });
        else if (ty.t === 'cpu') locals.set(name, { name, decl, f: FL.field(at, { min: -1, max: C - 1 }) });
        else if (ty.t === 'bool') locals.set(name, { name, decl, f: FL.field(at, { max: 1 }) });
        else if (ty.t === 'int') locals.set(name, { name, decl, f: FL.field(at, { min: ty.min, max: maxOf(ty.max) }) });
        else if (ty.t === 'enum') locals.set(name, { name, decl, values: ty.values, f: FL.field(at, { min: -1, max: ty.values.length - 1 }) });
        else {
          const n = capOf((ty as { cap: "sheaf" | "slab" | "all" | "cpus" | number }).cap);
          const item = ty.t === 'objs' ? obj : ty.t === 'slabs' ? slabRef : { min: 0, max: counter };
          locals.set(name, { name, decl, list: { len: FL.field(`${at}.len`, { max: n }), items: Array.from({ length: n }, (_v, i) => FL.field(`${at}[${i}]`, item)) } });
        }
      }
      areaWords = Math.max(areaWords, FL.width);
      const holding = [...locals.values()].filter((x) => x.decl.holds !== undefined);
      fnList.push({ id: fnList.length, name: shape.name, pcs: shape.pcs, pcIndex: new Map(shape.pcs.map((p, i) => [p, i])), locals, holding });
    }
    this.fns = new Map(fnList.map((f) => [f.name, f]));
    this.fnById = fnList;
    this.area = areaWords;
    const maxPcs = Math.max(1, ...fnList.map((f) => f.pcs.length));
    this.ctx = d.contexts.map((name, x) => ({
      depth: L.field(`${name}.depth`, { max: d.bounds.depth }),
      frames: Array.from({ length: d.bounds.depth }, (_v, i) => ({
        fn: L.field(`${name}.frame[${i}].fn`, { min: -1, max: fnList.length - 1 }),
        pc: L.field(`${name}.frame[${i}].pc`, { min: -1, max: maxPcs - 1 }),
        base: L.words(areaWords),
      })),
      opIndex: L.field(`${name}.op`, { max: d.ops[x]!.length }),
      budget: L.field(`${name}.budget`, { max: d.budget }),
      owns: Array.from({ length: NOBJ }, (_v, o) => L.field(`${name}.owns[${o}]`, { max: 1 })),
      irqoff: L.field(`${name}.irqoff`, { min: -2, max: 6 }),
      preempt: L.field(`${name}.preempt`, { min: -2, max: 6 }),
      sheaf: { ...list(`${name}.prefilled`, d.prefill ? d.CAP : 0, obj), present: L.field(`${name}.prefilled.present`, { max: d.prefill ? 1 : 0 }) },
    }));
    this.cache = {
      seq: L.field('cache.seq', { max: d.deferred ? counter : 0 }),
      purged: Array.from({ length: C }, (_v, c) => L.field(`cache.purged[${c}]`, { max: d.kasan ? 1 : 0 })),
      kasanDone: L.field('cache.kasan_shutdown_done', { max: 1 }),
      destroying: L.field('cache.destroying', { max: 1 }),
      destroyed: L.field('cache.destroyed', { max: 2 }),
      pageFailures: L.field('cache.page_failures_left', { max: d.pageFailures }),
      sheafFailures: L.field('cache.sheaf_failures_left', { max: d.sheafFailures }),
    };
    const ghost = {} as { [k in GhostKey]: Field };
    for (const k of GHOST_KEYS) ghost[k] = L.word(`ghost.${k}`);
    this.ghost = ghost;
    this.width = L.width;
  }
}

export const GHOST_KEYS = ['bad_link_write', 'oops', 'wild_write', 'double_alloc', 'destroy_failed', 'late_quarantine', 'warning', 'leak', 'sheaf_overflow'] as const;
export type GhostKey = (typeof GHOST_KEYS)[number];

// ---- views --------------------------------------------------------------------------------

/** The words the views read and write: the state being looked at or built. */
export class Mem {
  w: Uint32Array = new Uint32Array(0);
  constructor(readonly modelId: string) {}
  get(f: Field): number {
    return ((this.w[f.word]! >>> f.shift) & f.mask) + f.min;
  }
  set(f: Field, v: number): void {
    if (v < f.min || v > f.max || v !== Math.floor(v)) {
      throw new ModelError(this.modelId, `value ${v} does not fit ${f.name} (${f.min}..${f.max}): a bound of the state layout is too small for this scenario`);
    }
    const x = v - f.min;
    this.w[f.word] = ((this.w[f.word]! & ~(f.mask << f.shift)) | ((x & f.mask) << f.shift)) >>> 0;
  }
  /** Writes a value the caller knows fits (the interpreter's own label indices and function ids): no range check. */
  put(f: Field, v: number): void {
    const w = this.w;
    w[f.word] = ((w[f.word]! & ~(f.mask << f.shift)) | (((v - f.min) & f.mask) << f.shift)) >>> 0;
  }
  /** A reference field: -1 reads as null. */
  ref(f: Field): number | null {
    const v = ((this.w[f.word]! >>> f.shift) & f.mask) + f.min;
    return v < 0 ? null : v;
  }
  setRef(f: Field, v: number | null): void {
    this.set(f, v === null ? -1 : v);
  }
  bool(f: Field): boolean {
    return ((this.w[f.word]! >>> f.shift) & f.mask) !== 0;
  }
  setBool(f: Field, v: boolean): void {
    this.set(f, v ? 1 : 0);
  }
}

/** A bounded list of small numbers in the state (a sheaf, a quarantine, a list local). */
export class ListView implements Iterable<number> {
  constructor(
    protected readonly m: Mem,
    protected readonly f: ListFields,
    protected readonly what: string,
  ) {}
  get length(): number {
    return this.m.get(this.f.len);
  }
  at(i: number): number {
    if (i < 0) i += this.length;
    return this.m.get(this.f.items[i]!);
  }
  push(...vs: number[]): void {
    for (const v of vs) {
      const n = this.length;
      const slot = this.f.items[n];
      if (!slot) throw new ModelError(this.m.modelId, `${this.what} is full (${this.f.items.length}): a bound of the state layout is too small for this scenario`);
      this.m.set(slot, v);
      this.m.set(this.f.len, n + 1);
    }
  }
  pop(): number {
    const n = this.length;
    const v = this.m.get(this.f.items[n - 1]!);
    this.m.set(this.f.items[n - 1]!, this.f.items[n - 1]!.min < 0 ? -1 : 0);
    this.m.set(this.f.len, n - 1);
    return v;
  }
  shift(): number {
    const all = this.toArray();
    const v = all.shift()!;
    this.set(all);
    return v;
  }
  clear(): void {
    const n = this.length;
    for (let i = 0; i < n; i++) this.m.set(this.f.items[i]!, this.f.items[i]!.min < 0 ? -1 : 0);
    this.m.set(this.f.len, 0);
  }
  /** Replaces the contents (unused slots are zeroed, so the state stays canonical). */
  set(vs: ArrayLike<number>): void {
    this.clear();
    for (let i = 0; i < vs.length; i++) this.push(vs[i]!);
  }
  includes(v: number): boolean {
    const n = this.length;
    for (let i = 0; i < n; i++) if (this.m.get(this.f.items[i]!) === v) return true;
    return false;
  }
  toArray(): number[] {
    const n = this.length;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.m.get(this.f.items[i]!);
    return out;
  }
  [Symbol.iterator](): Iterator<number> {
    return this.toArray()[Symbol.iterator]();
  }
}

/** A sheaf slot of a CPU (main always exists; spare and rcu_free may be NULL). */
export class SheafView extends ListView {
  constructor(m: Mem, private readonly sf: SheafFields, what: string) {
    super(m, sf, what);
  }
  /** The sheaf exists (always, for main). */
  get exists(): boolean {
    return this.sf.present ? this.m.bool(this.sf.present) : true;
  }
  /** Sets the slot to NULL (its objects must have been moved out first). */
  setNull(): void {
    this.clear();
    if (this.sf.present) this.m.setBool(this.sf.present, false);
  }
  /** Installs a sheaf holding `vs`. */
  install(vs: ArrayLike<number>): void {
    this.set(vs);
    if (this.sf.present) this.m.setBool(this.sf.present, true);
  }
  /** The contents, or null for a NULL slot. */
  get value(): number[] | null {
    return this.exists ? this.toArray() : null;
  }
}

export class SlabView {
  private readonly f: SlubLayout['slab'][number];
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    k: number,
  ) {
    this.f = L.slab[k]!;
  }
  get live(): boolean {
    return this.m.bool(this.f.live);
  }
  set live(v: boolean) {
    this.m.setBool(this.f.live, v);
  }
  get node(): number {
    return this.m.get(this.f.node);
  }
  set node(v: number) {
    this.m.set(this.f.node, v);
  }
  get freelist(): Obj | null {
    return this.m.ref(this.f.freelist);
  }
  set freelist(v: Obj | null) {
    this.m.setRef(this.f.freelist, v);
  }
  get inuse(): number {
    return this.m.get(this.f.inuse);
  }
  set inuse(v: number) {
    this.m.set(this.f.inuse, v);
  }
  get frozen(): boolean {
    return this.m.bool(this.f.frozen);
  }
  set frozen(v: boolean) {
    this.m.setBool(this.f.frozen, v);
  }
  /** The SL_partial flag. */
  get partial(): boolean {
    return this.m.bool(this.f.partial);
  }
  set partial(v: boolean) {
    this.m.setBool(this.f.partial, v);
  }
  get L0(): Ptr {
    return decodePtr(this.L, this.m.get(this.f.L0));
  }
  set L0(p: Ptr) {
    this.m.set(this.f.L0, encodePtr(this.L, p));
  }
  get L1(): Ptr {
    return decodePtr(this.L, this.m.get(this.f.L1));
  }
  set L1(p: Ptr) {
    this.m.set(this.f.L1, encodePtr(this.L, p));
  }
  /** Ghost: who owns the link words: 'none', 'node<n>', 'cpu<c>' (CPU partial chain), 'priv:<ctx>' (a detached or private list). */
  get owner(): string {
    return this.L.ownerNames[this.m.get(this.f.owner)]!;
  }
  set owner(o: string) {
    const i = this.L.ownerIndex.get(o);
    if (i === undefined) throw new ModelError(this.L.modelId, `unknown link-word owner ${o}`);
    this.m.set(this.f.owner, i);
  }
}

function decodePtr(L: SlubLayout, v: number): Ptr {
  if (v === 0) return null;
  if (v < L.ptrNames.length) return L.ptrNames[v]!;
  return v - L.ptrNames.length;
}

function encodePtr(L: SlubLayout, p: Ptr): number {
  if (p === null) return 0;
  if (typeof p === 'number') {
    if (p < 0 || p > L.ptrNumMax) throw new ModelError(L.modelId, `link word value ${p} out of range`);
    return L.ptrNames.length + p;
  }
  const i = L.ptrIndex.get(p);
  if (i === undefined) throw new ModelError(L.modelId, `unknown link word ${p}`);
  return i;
}

export class HeadView {
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly n: number,
  ) {}
  get next(): Ptr {
    return decodePtr(this.L, this.m.get(this.L.node[this.n]!.next));
  }
  set next(p: Ptr) {
    this.m.set(this.L.node[this.n]!.next, encodePtr(this.L, p));
  }
  get prev(): Ptr {
    return decodePtr(this.L, this.m.get(this.L.node[this.n]!.prev));
  }
  set prev(p: Ptr) {
    this.m.set(this.L.node[this.n]!.prev, encodePtr(this.L, p));
  }
}

/** A node's barn: full sheaves (a list of sheaves) and a count of empty ones. */
export class BarnView {
  readonly full: readonly SheafView[];
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly n: number,
  ) {
    this.full = L.node[n]!.barnFull.map((sf, i) => new SheafView(m, sf, `node${n}'s barn sheaf ${i}`));
  }
  get fullCount(): number {
    return this.m.get(this.L.node[this.n]!.barnCount);
  }
  get empty(): number {
    return this.m.get(this.L.node[this.n]!.barnEmpty);
  }
  set empty(v: number) {
    this.m.set(this.L.node[this.n]!.barnEmpty, v);
  }
  /** Puts a full sheaf at the tail of the full list. */
  pushFull(objs: ArrayLike<number>): void {
    const n = this.fullCount;
    const slot = this.full[n];
    if (!slot) throw new ModelError(this.L.modelId, `node${this.n}'s barn holds more than ${this.full.length} full sheaves: a bound of the state layout is too small`);
    slot.set(objs);
    this.m.set(this.L.node[this.n]!.barnCount, n + 1);
  }
  /** list_add_tail() + nr_full = i + 1 with i the nr_full read earlier: a sheaf put there since is overwritten (lost). */
  putFullAt(i: number, objs: ArrayLike<number>): void {
    const slot = this.full[i];
    if (!slot) throw new ModelError(this.L.modelId, `node${this.n}'s barn holds more than ${this.full.length} full sheaves: a bound of the state layout is too small`);
    for (let k = i; k < this.fullCount; k++) this.full[k]!.clear();
    slot.set(objs);
    this.m.set(this.L.node[this.n]!.barnCount, i + 1);
  }
  /** Takes the first full sheaf. */
  shiftFull(): number[] {
    const n = this.fullCount;
    const all = this.full.slice(0, n).map((s) => s.toArray());
    const first = all.shift()!;
    this.clearFull();
    for (const s of all) this.pushFull(s);
    return first;
  }
  clearFull(): void {
    for (let i = 0; i < this.fullCount; i++) this.full[i]!.clear();
    this.m.set(this.L.node[this.n]!.barnCount, 0);
  }
  /** The objects of every full sheaf, in order. */
  fullObjects(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.fullCount; i++) out.push(...this.full[i]!.toArray());
    return out;
  }
  fullSheaves(): number[][] {
    return this.full.slice(0, this.fullCount).map((s) => s.toArray());
  }
}

export class NodeView {
  readonly head: HeadView;
  readonly barn: BarnView;
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly n: number,
    /** False for a memoryless node: no kmem_cache_node, no barn (7.0-rc get_barn() is NULL). */
    readonly memory: boolean,
    private readonly ctxNames: readonly string[],
    private readonly ctxIndex: ReadonlyMap<string, number>,
  ) {
    this.head = new HeadView(m, L, n);
    this.barn = new BarnView(m, L, n);
  }
  get list_lock(): Ctx | null {
    const v = this.m.ref(this.L.node[this.n]!.list_lock);
    return v === null ? null : this.ctxNames[v]!;
  }
  set list_lock(c: Ctx | null) {
    this.m.setRef(this.L.node[this.n]!.list_lock, c === null ? null : this.ctxIndex.get(c)!);
  }
  /** Holder of node_barn.lock, recorded where a barn section spans steps (rcu_free_sheaf()). */
  get barn_lock(): Ctx | null {
    const v = this.m.ref(this.L.node[this.n]!.barnLock);
    return v === null ? null : this.ctxNames[v]!;
  }
  set barn_lock(c: Ctx | null) {
    this.m.setRef(this.L.node[this.n]!.barnLock, c === null ? null : this.ctxIndex.get(c)!);
  }
  get nr_partial(): number {
    return this.m.get(this.L.node[this.n]!.nr_partial);
  }
  set nr_partial(v: number) {
    this.m.set(this.L.node[this.n]!.nr_partial, v);
  }
  get nr_slabs(): number {
    return this.m.get(this.L.node[this.n]!.nr_slabs);
  }
  set nr_slabs(v: number) {
    this.m.set(this.L.node[this.n]!.nr_slabs, v);
  }
}

export class CbView {
  readonly objs: ListView;
  constructor(
    private readonly m: Mem,
    private readonly f: CbFields,
    what: string,
  ) {
    this.objs = new ListView(m, f.objs, what);
  }
  get id(): number {
    return this.m.get(this.f.id);
  }
  get fn(): RcuFn {
    return RCU_FNS[this.m.get(this.f.fn)]!;
  }
  get ready(): boolean {
    return this.m.bool(this.f.ready);
  }
  set ready(v: boolean) {
    this.m.setBool(this.f.ready, v);
  }
  get running(): boolean {
    return this.m.bool(this.f.running);
  }
  set running(v: boolean) {
    this.m.setBool(this.f.running, v);
  }
  load(id: number, fn: RcuFn, objs: ArrayLike<number>, ready: boolean, running: boolean): void {
    this.m.set(this.f.id, id);
    this.m.set(this.f.fn, RCU_FNS.indexOf(fn));
    this.objs.set(objs);
    this.ready = ready;
    this.running = running;
  }
  zero(): void {
    this.m.set(this.f.id, 0);
    this.m.set(this.f.fn, 0);
    this.objs.clear();
    this.ready = false;
    this.running = false;
  }
}

export class WorkView {
  constructor(
    private readonly m: Mem,
    private readonly f: WorkFields,
  ) {}
  get id(): number {
    return this.m.get(this.f.id);
  }
  get fn(): WorkFn {
    return WORK_FNS[this.m.get(this.f.fn)]!;
  }
  get running(): boolean {
    return this.m.bool(this.f.running);
  }
  set running(v: boolean) {
    this.m.setBool(this.f.running, v);
  }
  load(id: number, fn: WorkFn, running: boolean): void {
    this.m.set(this.f.id, id);
    this.m.set(this.f.fn, WORK_FNS.indexOf(fn));
    this.running = running;
  }
  zero(): void {
    this.load(0, WORK_FNS[0]!, false);
  }
}

/** A queue of records (RCU callbacks, work items) in fixed slots, oldest first. */
export class QueueView<V extends { id: number; zero(): void }> {
  constructor(
    private readonly m: Mem,
    private readonly count: Field,
    readonly slots: readonly V[],
    private readonly move: (to: V, from: V) => void,
    private readonly what: string,
  ) {}
  get length(): number {
    return this.m.get(this.count);
  }
  at(i: number): V | undefined {
    return i < this.length ? this.slots[i] : undefined;
  }
  find(id: number): V | undefined {
    for (let i = 0; i < this.length; i++) if (this.slots[i]!.id === id) return this.slots[i];
    return undefined;
  }
  /** The next free slot, counted in (fill it with load()). */
  append(): V {
    const n = this.length;
    const slot = this.slots[n];
    if (!slot) throw new ModelError(this.m.modelId, `${this.what} holds more than ${this.slots.length}: a bound of the state layout is too small for this scenario`);
    this.m.set(this.count, n + 1);
    return slot;
  }
  remove(id: number): void {
    const n = this.length;
    let i = 0;
    while (i < n && this.slots[i]!.id !== id) i++;
    if (i === n) return;
    for (; i + 1 < n; i++) this.move(this.slots[i]!, this.slots[i + 1]!);
    this.slots[n - 1]!.zero();
    this.m.set(this.count, n - 1);
  }
  toArray(): V[] {
    return this.slots.slice(0, this.length);
  }
}

export class CpuView {
  readonly main: SheafView;
  readonly spare: SheafView;
  readonly rcu_free: SheafView;
  readonly rcu_cbs: QueueView<CbView>;
  readonly work: QueueView<WorkView>;
  readonly quarantine: ListView;
  /** defer_free_objects.objects: objects kfree_nolock() deferred, newest last (an llist through their free pointers in the kernel). */
  readonly deferred: ListView;
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly c: number,
    /** The CPU's node (a constant of the scenario). */
    readonly node: number,
    private readonly ctxNames: readonly string[],
    private readonly ctxIndex: ReadonlyMap<string, number>,
  ) {
    const f = L.cpu[c]!;
    this.main = new SheafView(m, f.main, `cpu${c}'s main sheaf`);
    this.spare = new SheafView(m, f.spare, `cpu${c}'s spare sheaf`);
    this.rcu_free = new SheafView(m, f.rcu_free, `cpu${c}'s rcu_free sheaf`);
    const cbs = f.cbs.map((cf, i) => new CbView(m, cf, `cpu${c}'s callback ${i}`));
    this.rcu_cbs = new QueueView(m, f.cbCount, cbs, (to, from) => to.load(from.id, from.fn, from.objs.toArray(), from.ready, from.running), `cpu${c}'s RCU callback queue`);
    const works = f.works.map((wf) => new WorkView(m, wf));
    this.work = new QueueView(m, f.workCount, works, (to, from) => to.load(from.id, from.fn, from.running), `cpu${c}'s work queue`);
    this.quarantine = new ListView(m, f.quarantine, `cpu${c}'s KASAN quarantine`);
    this.deferred = new ListView(m, f.deferred, `cpu${c}'s defer_free list`);
  }
  private get f() {
    return this.L.cpu[this.c]!;
  }
  get freelist(): Obj | null {
    return this.m.ref(this.f.freelist);
  }
  set freelist(v: Obj | null) {
    this.m.setRef(this.f.freelist, v);
  }
  get slab(): SlabId | null {
    return this.m.ref(this.f.slab);
  }
  set slab(v: SlabId | null) {
    this.m.setRef(this.f.slab, v);
  }
  /** Head of the CPU partial chain (linked through the slabs' L0). */
  get partial(): SlabId | null {
    return this.m.ref(this.f.partial);
  }
  set partial(v: SlabId | null) {
    this.m.setRef(this.f.partial, v);
  }
  get tid(): number {
    return this.m.get(this.f.tid);
  }
  set tid(v: number) {
    this.m.set(this.f.tid, v);
  }
  get pcs_lock(): Ctx | null {
    const v = this.m.ref(this.f.pcs_lock);
    return v === null ? null : this.ctxNames[v]!;
  }
  set pcs_lock(c: Ctx | null) {
    this.m.setRef(this.f.pcs_lock, c === null ? null : this.ctxIndex.get(c)!);
  }
  /** Holder of kmem_cache_cpu.lock (v6.19, 17c38c88), recorded where a section spans steps (put_cpu_partial()). */
  get cpu_slab_lock(): Ctx | null {
    const v = this.m.ref(this.f.cpu_slab_lock);
    return v === null ? null : this.ctxNames[v]!;
  }
  set cpu_slab_lock(c: Ctx | null) {
    this.m.setRef(this.f.cpu_slab_lock, c === null ? null : this.ctxIndex.get(c)!);
  }
}

/** The locals of one frame, by the declared names of its function. */
export type Locals = { [name: string]: any };

export class FrameView {
  private readonly localsByFn: (Locals | undefined)[] = [];
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly ff: FrameFields,
  ) {}
  get fnId(): number {
    return this.m.get(this.ff.fn);
  }
  get fn(): string {
    return this.L.fnById[this.m.get(this.ff.fn)]!.name;
  }
  /** The index of the frame's label among its function's labels. */
  get pcIndex(): number {
    return this.m.get(this.ff.pc);
  }
  get pc(): string {
    const fl = this.L.fnById[this.m.get(this.ff.fn)]!;
    return fl.pcs[this.m.get(this.ff.pc)]!;
  }
  set pc(pc: string) {
    const fl = this.L.fnById[this.m.get(this.ff.fn)]!;
    const i = fl.pcIndex.get(pc);
    if (i === undefined) throw new ModelError(this.L.modelId, `no label ${pc} in ${fl.name}`);
    this.m.put(this.ff.pc, i); // a label index of the function: fits the field
  }
  /** Makes this slot a fresh frame of `fn` at `pc`, its locals zero. */
  load(fn: string, pc: string): void {
    const fl = this.L.fns.get(fn);
    if (!fl) throw new ModelError(this.L.modelId, `no kernel function ${fn} in this version`);
    this.clear();
    this.m.put(this.ff.fn, fl.id);
    this.pc = pc;
  }
  clear(): void {
    this.m.put(this.ff.fn, -1);
    this.m.put(this.ff.pc, -1);
    // A loop, not fill(): the area is a word or a few, and this runs on every call and return.
    const w = this.m.w;
    for (let i = this.ff.base, end = i + this.L.area; i < end; i++) w[i] = 0;
  }
  /** The locals of the frame's function. */
  get l(): Locals {
    const id = this.m.get(this.ff.fn);
    let v = this.localsByFn[id];
    if (!v) this.localsByFn[id] = v = makeLocals(this.m, this.L, this.L.fnById[id]!, this.ff.base);
    return v;
  }
  /** The layout of the frame's function. */
  /**
   * The stored value of scalar local `lf` of this frame's function (its
   * field plus its minimum: -1 for NULL), without going through the locals
   * object (for properties that look at every frame of every state).
   */
  raw(lf: LocalField): number {
    const f = lf.f!;
    return ((this.m.w[this.ff.base + f.word]! >>> f.shift) & f.mask) + f.min;
  }
  get layout(): FnLayout {
    return this.L.fnById[this.m.get(this.ff.fn)]!;
  }
}

/**
 * An object whose properties are the locals of `fn` in the frame whose
 * locals area starts at word `base`. Each function has one class (per
 * layout) with an accessor per local on its prototype, so every locals
 * object of a function has the same hidden class: a step's `x.l.slab` is a
 * monomorphic load V8 can inline, whichever context and frame it runs in.
 * The instance keeps its words, base and list views under symbols (so no
 * local's name can collide with them) and is sealed: a write to a local the
 * function does not declare throws.
 */
function makeLocals(m: Mem, L: SlubLayout, fn: FnLayout, base: number): Locals {
  let perFn = LOCALS_CLASSES.get(L);
  if (!perFn) LOCALS_CLASSES.set(L, (perFn = []));
  let cls = perFn[fn.id];
  if (!cls) perFn[fn.id] = cls = localsClass(L, fn);
  return Object.seal(new cls(m, base));
}

const MEM = Symbol('mem');
const BASE = Symbol('base');
const LISTS = Symbol('lists');
/** On each locals prototype: the setter of each declared local, by name (the interpreter's argument passing). */
const SETTERS = Symbol('setters');

/**
 * Sets local `name` of a locals object to `v` as `l[name] = v` would; false
 * when the function declares no such local. (A call passes its arguments by
 * name: one Map lookup instead of a keyed store that sees every function's
 * class.)
 */
export function setLocal(l: Locals, name: string, v: unknown): boolean {
  const set = (l as { [SETTERS]: ReadonlyMap<string, (this: unknown, v: unknown) => void> })[SETTERS].get(name);
  if (set === undefined) return false;
  set.call(l, v);
  return true;
}

/** The words a locals object reads, where its area starts, and its list locals' views. */
interface LocalsInstance {
  [MEM]: Mem;
  [BASE]: number;
  [LISTS]: ListView[];
}

const LOCALS_CLASSES = new WeakMap<SlubLayout, (new (m: Mem, base: number) => Locals)[]>();

function localsClass(L: SlubLayout, fn: FnLayout): new (m: Mem, base: number) => Locals {
  const lists = [...fn.locals.values()].filter((lf) => lf.list);
  class FnLocals implements LocalsInstance {
    [MEM]: Mem;
    [BASE]: number;
    [LISTS]: ListView[];
    constructor(m: Mem, base: number) {
      this[MEM] = m;
      this[BASE] = base;
      const at = (f: Field): Field => ({ ...f, word: f.word + base });
      this[LISTS] = lists.map((lf) => new ListView(m, { len: at(lf.list!.len), items: lf.list!.items.map(at) }, `${fn.name}'s ${lf.name}`));
    }
  }
  const proto = FnLocals.prototype as unknown as Record<string | symbol, unknown>;
  const setters = new Map<string, (this: LocalsInstance, v: any) => void>();
  proto[SETTERS] = setters;
  for (const lf of fn.locals.values()) {
    const ty = lf.decl.type;
    if (lf.list) {
      const i = lists.indexOf(lf);
      const set = function (this: LocalsInstance, vs: ArrayLike<number>) {
        this[LISTS][i]!.set(vs);
      };
      setters.set(lf.name, set);
      Object.defineProperty(proto, lf.name, {
        enumerable: true,
        get(this: LocalsInstance) {
          return this[LISTS][i];
        },
        set,
      });
      continue;
    }
    // The field's bits, relative to the frame's locals area; reads and writes as Mem's get/set.
    const f = lf.f!;
    const { word, shift, mask, min, max } = f;
    const read = (o: LocalsInstance): number => ((o[MEM].w[o[BASE] + word]! >>> shift) & mask) + min;
    const write = (o: LocalsInstance, v: number): void => {
      if (v < min || v > max || v !== Math.floor(v)) {
        throw new ModelError(L.modelId, `value ${v} does not fit ${f.name} (${min}..${max}): a bound of the state layout is too small for this scenario`);
      }
      const w = o[MEM].w;
      const k = o[BASE] + word;
      w[k] = ((w[k]! & ~(mask << shift)) | (((v - min) & mask) << shift)) >>> 0;
    };
    let get: (this: LocalsInstance) => unknown;
    let set: (this: LocalsInstance, v: any) => void;
    if (ty.t === 'bool') {
      get = function () {
        return ((this[MEM].w[this[BASE] + word]! >>> shift) & mask) !== 0;
      };
      set = function (v: boolean) {
        write(this, v ? 1 : 0);
      };
    } else if (ty.t === 'enum') {
      const values = lf.values!;
      get = function () {
        const i = read(this);
        return i < 0 ? null : values[i];
      };
      set = function (v: string | null) {
        const i = v === null ? -1 : values.indexOf(v);
        if (v !== null && i < 0) throw new ModelError(L.modelId, `${fn.name}'s ${lf.name} cannot be ${v}`);
        write(this, i);
      };
    } else if (ty.t === 'int') {
      get = function () {
        return read(this);
      };
      set = function (v: number) {
        write(this, v);
      };
    } else {
      get = function () {
        const v = read(this);
        return v < 0 ? null : v;
      };
      set = function (v: number | null) {
        write(this, v === null ? -1 : v);
      };
    }
    setters.set(lf.name, set);
    Object.defineProperty(proto, lf.name, { enumerable: true, get, set });
  }
  return FnLocals as unknown as new (m: Mem, base: number) => Locals;
}

export class StackView {
  readonly frames: readonly FrameView[];
  private readonly depth: Field;
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly x: number,
  ) {
    this.frames = L.ctx[x]!.frames.map((ff) => new FrameView(m, L, ff));
    this.depth = L.ctx[x]!.depth;
  }
  get length(): number {
    return this.m.get(this.depth);
  }
  /** The top frame, or undefined when the context is idle. */
  top(): FrameView | undefined {
    const n = this.length;
    return n > 0 ? this.frames[n - 1] : undefined;
  }
  push(fn: string, pc: string): FrameView {
    const n = this.length;
    const f = this.frames[n];
    if (!f) throw new ModelError(this.L.modelId, `${this.L.d.contexts[this.x]} calls ${fn} deeper than ${this.frames.length} frames: a bound of the state layout is too small`);
    this.m.set(this.L.ctx[this.x]!.depth, n + 1);
    f.load(fn, pc);
    return f;
  }
  pop(): void {
    const n = this.length;
    if (n === 0) throw new ModelError(this.L.modelId, `${this.L.d.contexts[this.x]} returns from an empty stack`);
    this.frames[n - 1]!.clear();
    this.m.set(this.L.ctx[this.x]!.depth, n - 1);
  }
  clear(): void {
    while (this.length > 0) this.pop();
  }
}

/** A set of objects, one bit each. */
export class ObjSetView {
  constructor(
    private readonly m: Mem,
    private readonly bits: readonly Field[],
  ) {}
  has(o: Obj): boolean {
    return this.m.bool(this.bits[o]!);
  }
  add(o: Obj): void {
    this.m.setBool(this.bits[o]!, true);
  }
  delete(o: Obj): void {
    this.m.setBool(this.bits[o]!, false);
  }
  get size(): number {
    let n = 0;
    for (let o = 0; o < this.bits.length; o++) if (this.m.bool(this.bits[o]!)) n++;
    return n;
  }
  /** The objects, in increasing order. */
  toArray(): Obj[] {
    const out: Obj[] = [];
    for (let o = 0; o < this.bits.length; o++) if (this.m.bool(this.bits[o]!)) out.push(o);
    return out;
  }
}

export class CtxView {
  readonly stack: StackView;
  readonly owns: ObjSetView;
  /** The prefilled sheaf the client holds (kmem_cache_prefill_sheaf() .. kmem_cache_return_sheaf()), or NULL. */
  readonly sheaf: SheafView;
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly x: number,
  ) {
    this.stack = new StackView(m, L, x);
    this.owns = new ObjSetView(m, L.ctx[x]!.owns);
    this.sheaf = new SheafView(m, L.ctx[x]!.sheaf, `${L.d.contexts[x]}'s prefilled sheaf`);
  }
  /** Index of the next scripted operation. */
  get opIndex(): number {
    return this.m.get(this.L.ctx[this.x]!.opIndex);
  }
  set opIndex(v: number) {
    this.m.set(this.L.ctx[this.x]!.opIndex, v);
  }
  /** Scripted operations still to run. */
  get opsLeft(): number {
    return this.L.d.ops[this.x]!.length - this.opIndex;
  }
  /** The next scripted operation, if any. */
  get nextOp(): Op | undefined {
    return this.L.d.ops[this.x]![this.opIndex];
  }
  /** How many more operations this context may choose nondeterministically. */
  get budget(): number {
    return this.m.get(this.L.ctx[this.x]!.budget);
  }
  set budget(v: number) {
    this.m.set(this.L.ctx[this.x]!.budget, v);
  }
  /** irq-off depth (spin_lock_irqsave, local_lock_irqsave held by this context). */
  get irqoff(): number {
    return this.m.get(this.L.ctx[this.x]!.irqoff);
  }
  set irqoff(v: number) {
    this.m.set(this.L.ctx[this.x]!.irqoff, v);
  }
  /** The preempt count of get_cpu_ptr()/put_cpu_ptr() (slub_get_cpu_ptr in v6.19's slow and bulk paths). */
  get preempt(): number {
    return this.m.get(this.L.ctx[this.x]!.preempt);
  }
  set preempt(v: number) {
    this.m.set(this.L.ctx[this.x]!.preempt, v);
  }
}

/** Ghost messages by 32-bit hash (the same in every process); the text of every message seen in this process. */
export class Messages {
  private readonly text = new Map<number, string>();
  id(msg: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < msg.length; i++) h = Math.imul(h ^ msg.charCodeAt(i), 0x01000193);
    h = (h >>> 0) || 1;
    this.text.set(h, msg);
    return h;
  }
  get(id: number): string {
    return this.text.get(id) ?? `(message ${id.toString(16)})`;
  }
}

export class GhostView {
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    private readonly msgs: Messages,
  ) {}
  get(k: GhostKey): string | null {
    const v = this.m.w[this.L.ghost[k].word]!;
    return v === 0 ? null : this.msgs.get(v);
  }
  set(k: GhostKey, msg: string): void {
    this.m.w[this.L.ghost[k].word] = this.msgs.id(msg);
  }
  /** Records `msg` unless this kind of violation was recorded already. */
  first(k: GhostKey, msg: string): void {
    if (this.m.w[this.L.ghost[k].word] === 0) this.set(k, msg);
  }
}

export class CacheView {
  constructor(
    private readonly m: Mem,
    private readonly L: SlubLayout,
    /** Generic KASAN is configured (a constant). */
    readonly kasan: boolean,
  ) {}
  /** Sequence for RCU callback and work ids. */
  get seq(): number {
    return this.m.get(this.L.cache.seq);
  }
  set seq(v: number) {
    this.m.set(this.L.cache.seq, v);
  }
  /** kasan_quarantine_remove_cache() has purged this CPU's quarantine. */
  purged(cpu: number): boolean {
    return this.m.bool(this.L.cache.purged[cpu]!);
  }
  setPurged(cpu: number): void {
    this.m.setBool(this.L.cache.purged[cpu]!, true);
  }
  /** kasan_cache_shutdown() has returned. */
  get kasan_shutdown_done(): boolean {
    return this.m.bool(this.L.cache.kasanDone);
  }
  set kasan_shutdown_done(v: boolean) {
    this.m.setBool(this.L.cache.kasanDone, v);
  }
  /** kmem_cache_destroy() has started: clients may start nothing more. */
  get destroying(): boolean {
    return this.m.bool(this.L.cache.destroying);
  }
  set destroying(v: boolean) {
    this.m.setBool(this.L.cache.destroying, v);
  }
  /** Empty-sheaf allocations the checker may still fail (the scenario's sheafAllocFailures). */
  get sheafFailuresLeft(): number {
    return this.m.get(this.L.cache.sheafFailures);
  }
  set sheafFailuresLeft(v: number) {
    this.m.set(this.L.cache.sheafFailures, v);
  }
  /** Slab page allocations the checker may still fail (the scenario's pageAllocFailures). */
  get pageFailuresLeft(): number {
    return this.m.get(this.L.cache.pageFailures);
  }
  set pageFailuresLeft(v: number) {
    this.m.set(this.L.cache.pageFailures, v);
  }
  /** 'ok' or 'leaked' once kmem_cache_destroy() has returned. */
  get destroyed(): 'ok' | 'leaked' | null {
    const v = this.m.get(this.L.cache.destroyed);
    return v === 0 ? null : v === 1 ? 'ok' : 'leaked';
  }
  set destroyed(v: 'ok' | 'leaked' | null) {
    this.m.set(this.L.cache.destroyed, v === null ? 0 : v === 'ok' ? 1 : 2);
  }
}

/** The whole state, viewed: what steps, properties and the trace view read and write. */
export class SlubState {
  readonly m: Mem;
  readonly slabs: readonly SlabView[];
  readonly nodes: readonly NodeView[];
  readonly cpus: readonly CpuView[];
  readonly ctx: { readonly [name: string]: CtxView };
  readonly ctxList: readonly CtxView[];
  readonly cache: CacheView;
  readonly ghost: GhostView;
  constructor(
    readonly L: SlubLayout,
    memory: readonly boolean[],
    cpuNodes: readonly number[],
    kasan: boolean,
    msgs: Messages,
  ) {
    const m = (this.m = new Mem(L.modelId));
    const names = L.d.contexts;
    const index = new Map(names.map((c, i) => [c, i]));
    this.slabs = L.slab.map((_f, k) => new SlabView(m, L, k));
    this.nodes = L.node.map((_f, n) => new NodeView(m, L, n, memory[n]!, names, index));
    this.cpus = L.cpu.map((_f, c) => new CpuView(m, L, c, cpuNodes[c]!, names, index));
    this.ctxList = names.map((_c, x) => new CtxView(m, L, x));
    this.ctx = Object.fromEntries(names.map((c, x) => [c, this.ctxList[x]!]));
    this.cache = new CacheView(m, L, kasan);
    this.ghost = new GhostView(m, L, msgs);
  }
  /** Looks at (or builds) the state in `w`. */
  on(w: Uint32Array): this {
    this.m.w = w;
    return this;
  }
  /** The free pointer stored inside object o (NULL at the end of a chain). */
  fp(o: Obj): Obj | null {
    return this.m.ref(this.L.fp[o]!);
  }
  setFp(o: Obj, v: Obj | null): void {
    this.m.setRef(this.L.fp[o]!, v);
  }
}

// ---- walking chains and lists -------------------------------------------------------------------

/** The free objects of a chain starting at `head`, stopping at a cycle (which the properties report). */
export function chain(s: SlubState, head: Obj | null, limit = s.L.NOBJ + 1): Obj[] {
  const out: Obj[] = [];
  let o = head;
  while (o !== null && out.length < limit) {
    out.push(o);
    o = s.fp(o);
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

/** The objects a frame holds in flight (its declared holding locals). */
export function heldBy(s: SlubState, f: FrameView): Obj[] {
  const out: Obj[] = [];
  for (const lf of f.layout.holding) {
    const v = f.l[lf.name];
    if (lf.decl.holds === 'chain') out.push(...chain(s, v as Obj | null, s.L.NOBJ));
    else out.push(...(v as ListView).toArray());
  }
  return out;
}

/** For views and messages: a plain copy of a value. */
export type { Plain };

// Named properties of the SLUB models (reference §6), in the words a kernel
// developer would use. Each `always` has `sometimes` witnesses showing that
// the interesting part of the protocol was reached, so nothing passes
// vacuously; `at_end` properties hold when every context has finished.
//
// The transient exceptions of §0.5 and §6.1 are written out where they apply:
// a lock holder mid-update (only between steps that hold the lock), and the
// GP2-GP3 window of get_from_partial_node, where a slab is full, unfrozen and
// still on the node partial list.
import type { Property } from '../src/engine/model.ts';
import type { SlubModelInfo } from '../models/slub/model.ts';
import { mayRunOp } from '../models/slub/scenarios.ts';
import { chain, nodePtr, slabOfLink, slabOfStruct, slabPtr, type FnLayout, type FrameView, type ListView, type Obj, type SlubLayout, type SlubState } from '../models/slub/state.ts';
import { get, type Field } from '../src/engine/layout.ts';

type P = Property<SlubState>;

const slabOf = (info: SlubModelInfo, o: Obj) => Math.floor(o / info.env.p.objects);

/**
 * Visits every place an object can be (§1.8): `put(o, where)`, where `where`
 * names the place when `named` (for explanations) and is null otherwise (the
 * check only counts, and allocates nothing).
 */
function visitPlaces(info: SlubModelInfo, s: SlubState, named: boolean, put: (o: Obj, where: (() => string) | null) => void): void {
  // Runs on every state: plain index loops, no arrays or closures made unless `named`.
  const O = info.env.p.objects;
  const NOBJ = s.L.NOBJ;
  for (let k = 0; k < s.slabs.length; k++) {
    const sl = s.slabs[k]!;
    if (!sl.live) continue;
    for (let o = sl.freelist, n = 0; o !== null && n <= O; o = s.fp(o), n++) put(o, named ? () => `S${k}.freelist` : null);
  }
  for (let i = 0; i < s.cpus.length; i++) {
    const c = s.cpus[i]!;
    for (let o = c.freelist, n = 0; o !== null && n < NOBJ; o = s.fp(o), n++) put(o, named ? () => `cpu${i}.freelist` : null);
    for (let t = 0; t < 3; t++) {
      const sheaf = t === 0 ? c.main : t === 1 ? c.spare : c.rcu_free;
      const name = SHEAF_NAMES[t]!;
      for (let j = 0, len = sheaf.length; j < len; j++) put(sheaf.at(j), named ? () => `cpu${i}.${name}` : null);
    }
    for (let q = 0, nq = c.rcu_cbs.length; q < nq; q++) {
      const cb = c.rcu_cbs.slots[q]!;
      for (let j = 0, len = cb.objs.length; j < len; j++) put(cb.objs.at(j), named ? () => `cpu${i} ${cb.fn} callback` : null);
    }
    for (let j = 0, len = c.quarantine.length; j < len; j++) put(c.quarantine.at(j), named ? () => `cpu${i}'s KASAN quarantine` : null);
    for (let j = 0, len = c.deferred.length; j < len; j++) put(c.deferred.at(j), named ? () => `cpu${i}'s defer_free list` : null);
  }
  for (let i = 0; i < s.nodes.length; i++) {
    const barn = s.nodes[i]!.barn;
    for (let b = 0, nb = barn.fullCount; b < nb; b++) {
      const sheaf = barn.full[b]!;
      for (let j = 0, len = sheaf.length; j < len; j++) put(sheaf.at(j), named ? () => `node${i}.barn` : null);
    }
  }
  const contexts = s.L.d.contexts;
  for (let x = 0; x < contexts.length; x++) {
    const name = contexts[x]!;
    const c = s.ctxList[x]!;
    for (let o = 0; o < NOBJ; o++) if (c.owns.has(o)) put(o, named ? () => `${name} (client)` : null);
    for (let j = 0, len = c.sheaf.length; j < len; j++) put(c.sheaf.at(j), named ? () => `${name}'s prefilled sheaf` : null);
    for (let i = 0, depth = c.stack.length; i < depth; i++) {
      const f = c.stack.frames[i]!;
      // heldBy(), in place: each holding local's list, or its private chain (at most NOBJ objects).
      const holding = f.layout.holding;
      for (let h = 0; h < holding.length; h++) {
        const lf = holding[h]!;
        const v = f.l[lf.name];
        if (lf.decl.holds === 'chain') {
          for (let o = v as Obj | null, n = 0; o !== null && n < NOBJ; o = s.fp(o), n++) put(o, named ? () => `${name} in ${f.fn}` : null);
        } else {
          const list = v as ListView;
          for (let j = 0, len = list.length; j < len; j++) put(list.at(j), named ? () => `${name} in ${f.fn}` : null);
        }
      }
    }
  }
}

const SHEAF_NAMES = ['main', 'spare', 'rcu_free'] as const;

/** A bounded list of the layout: its length field and its item fields. */
interface ListWords {
  readonly len: Field;
  readonly items: readonly Field[];
}

/** The count of conservationProblem: one more place for object o (saturating; anything out of range ignored). */
function countOne(counts: Uint8Array, o: number): void {
  if (o >= 0 && o < counts.length && counts[o]! < 255) counts[o]!++;
}

/** Counts a chain of free pointers from `head` (-1 is NULL), at most `limit` objects. */
function countChain(w: Uint32Array, fp: readonly Field[], counts: Uint8Array, head: number, limit: number): void {
  for (let o = head, k = 0; o >= 0 && k < limit; k++) {
    countOne(counts, o);
    const f = fp[o]!;
    o = ((w[f.word]! >>> f.shift) & f.mask) + f.min;
  }
}

/** Counts the objects of a list whose fields are relative to word `base` (0 for the state's own lists, a frame's locals area for a list local). */
function countList(w: Uint32Array, counts: Uint8Array, l: ListWords, base: number): void {
  if (l.items.length === 0) return;
  const lf = l.len;
  const len = ((w[base + lf.word]! >>> lf.shift) & lf.mask) + lf.min;
  for (let j = 0; j < len; j++) {
    const f = l.items[j]!;
    countOne(counts, ((w[base + f.word]! >>> f.shift) & f.mask) + f.min);
  }
}

/**
 * visitPlaces(info, s, false, count) for the check of every state, read
 * straight from the words through the layout's fields: the same places, the
 * same chain limits and the same saturating count into `counts`, but no view
 * getters, no callback per object, no list of a zero capacity (a cache
 * without sheaves, KASAN or kfree_nolock has none of those), and a frame's
 * holding locals read at their offsets (not by name from its locals object,
 * a keyed load that sees every function's class).
 */
function countPlaces(info: SlubModelInfo, s: SlubState, counts: Uint8Array): void {
  const w = s.m.w;
  const L = s.L;
  const O = info.env.p.objects;
  const NOBJ = L.NOBJ;
  const fp = L.fp;
  for (let k = 0; k < L.slab.length; k++) {
    const sl = L.slab[k]!;
    if (get(w, sl.live) !== 0) countChain(w, fp, counts, get(w, sl.freelist), O + 1);
  }
  for (let i = 0; i < L.cpu.length; i++) {
    const c = L.cpu[i]!;
    countChain(w, fp, counts, get(w, c.freelist), NOBJ);
    countList(w, counts, c.main, 0);
    countList(w, counts, c.spare, 0);
    countList(w, counts, c.rcu_free, 0);
    if (c.cbs.length > 0) for (let q = 0, nq = get(w, c.cbCount); q < nq; q++) countList(w, counts, c.cbs[q]!.objs, 0);
    countList(w, counts, c.quarantine, 0);
    countList(w, counts, c.deferred, 0);
  }
  for (let i = 0; i < L.node.length; i++) {
    const nd = L.node[i]!;
    if (nd.barnFull.length > 0) for (let b = 0, nb = get(w, nd.barnCount); b < nb; b++) countList(w, counts, nd.barnFull[b]!, 0);
  }
  for (let x = 0; x < L.ctx.length; x++) {
    const c = L.ctx[x]!;
    for (let o = 0; o < NOBJ; o++) if (get(w, c.owns[o]!) !== 0) countOne(counts, o);
    for (let i = 0, depth = get(w, c.depth); i < depth; i++) {
      const ff = c.frames[i]!;
      const holding = L.fnById[get(w, ff.fn)]!.holding;
      for (let h = 0; h < holding.length; h++) {
        const lf = holding[h]!;
        if (lf.decl.holds === 'chain') {
          const f = lf.f!;
          countChain(w, fp, counts, ((w[ff.base + f.word]! >>> f.shift) & f.mask) + f.min, NOBJ);
        } else countList(w, counts, lf.list!, ff.base);
      }
    }
  }
}

/** Where every object is, by name. */
export function objectPlaces(info: SlubModelInfo, s: SlubState): string[][] {
  const places: string[][] = Array.from({ length: s.L.NOBJ }, () => []);
  visitPlaces(info, s, true, (o, where) => places[o]?.push(where!()));
  return places;
}

/** The GP2-GP3 window: `k` may be full while on the node list because its lock holder is between cmpxchg and remove_partial. */
function inGetFromPartialWindow(s: SlubState, k: number): boolean {
  const n = s.slabs[k]!.node;
  const holder = s.nodes[n]!.list_lock;
  if (holder === null) return false;
  const f = s.ctx[holder]?.stack.top();
  return f !== undefined && f.fn === 'get_from_partial_node' && f.pc === 'remove_partial' && f.l.slab === k;
}

function listProblem(s: SlubState): string | undefined {
  for (let n = 0; n < s.nodes.length; n++) {
    const node = s.nodes[n]!;
    if (!node.memory || node.list_lock !== null) continue;
    let prev: string = nodePtr(n);
    let p = node.head.next;
    let len = 0;
    const members = new Set<number>();
    while (p !== nodePtr(n)) {
      const k = slabOfLink(p);
      if (k === undefined) return `node${n}'s partial list reaches ${String(p)}, which is not a slab`;
      if (members.has(k)) return `node${n}'s partial list has a cycle through S${k}`;
      members.add(k);
      const sl = s.slabs[k]!;
      if (sl.L1 !== prev) return `S${k}.prev is ${String(sl.L1)}, but the slab before it on node${n}'s list is ${prev}`;
      if (!sl.live) return `node${n}'s partial list contains S${k}, a freed page`;
      if (!sl.partial) return `S${k} is on node${n}'s partial list without SL_partial`;
      if (sl.node !== n) return `S${k} of node ${sl.node} is on node${n}'s partial list`;
      prev = slabPtr(k);
      p = sl.L0;
      len++;
    }
    if (node.head.prev !== prev) return `node${n}'s list head prev is ${String(node.head.prev)}, not its last slab ${prev}`;
    if (node.nr_partial !== len) return `node${n}: nr_partial is ${node.nr_partial} but the list holds ${len} slabs`;
    for (let k = 0; k < s.slabs.length; k++) {
      const sl = s.slabs[k]!;
      if (sl.live && sl.partial && sl.node === n && !members.has(k)) return `S${k} has SL_partial but is not on node${n}'s list`;
    }
  }
  return undefined;
}

/**
 * What the properties ask of a slab's owner tag (the ghost `owner` field, an
 * index into the layout's owner names), answered once per name instead of
 * with string tests on every slab of every state: is it a CPU partial chain's
 * ('cpu<c>', and which CPU), a node list's ('node<n>', isNodeOwner()), a
 * context's private list ('priv:<ctx>'), and each CPU's own tag.
 */
interface Owners {
  readonly isCpu: readonly boolean[];
  /** Number(name.slice(3)) for a 'cpu' name (as chainProblem() read it). */
  readonly cpu: readonly number[];
  /** n when isNodeOwner(name, n), else -1. */
  readonly node: readonly number[];
  /** The context of a 'priv:<ctx>' name, else undefined. */
  readonly priv: readonly (string | undefined)[];
  /** The index of the name 'cpu<c>' for each CPU c (-1: none). */
  readonly cpuTag: readonly number[];
}
const OWNERS = new WeakMap<SlubLayout, Owners>();
let lastOwnersOf: SlubLayout | undefined;
let lastOwners: Owners | undefined;
function ownersOf(L: SlubLayout): Owners {
  if (L === lastOwnersOf) return lastOwners!;
  let o = OWNERS.get(L);
  if (!o) {
    const names = L.ownerNames;
    const node = names.map((name) => {
      for (let n = 0; n < L.node.length; n++) if (isNodeOwner(name, n)) return n;
      return -1;
    });
    o = {
      isCpu: names.map((name) => name.startsWith('cpu')),
      cpu: names.map((name) => (name.startsWith('cpu') ? Number(name.slice(3)) : -1)),
      node,
      priv: names.map((name) => (name.startsWith('priv:') ? name.slice(5) : undefined)),
      cpuTag: L.cpu.map((_c, c) => L.ownerIndex.get(`cpu${c}`) ?? -1),
    };
    OWNERS.set(L, o);
  }
  lastOwnersOf = L;
  lastOwners = o;
  return o;
}

/** cpuChain(s, head).includes(k), walked in place. */
function cpuChainReaches(s: SlubState, head: number | null, k: number): boolean {
  const P = s.slabs.length;
  let n = 0;
  for (let m: number | undefined = head ?? undefined; m !== undefined && n <= P; n++, m = slabOfStruct(s.slabs[m]!.L0)) if (m === k) return true;
  return false;
}

function chainProblem(s: SlubState): string | undefined {
  // Owner tags by index and chains walked in place: no string or array made per state.
  const w = s.m.w;
  const L = s.L;
  const own = ownersOf(L);
  const P = s.slabs.length;
  for (let k = 0; k < P; k++) {
    const f = L.slab[k]!;
    const tag = get(w, f.owner);
    if (get(w, f.live) === 0 || !own.isCpu[tag]) continue;
    const cpu = own.cpu[tag]!;
    if (!cpuChainReaches(s, s.cpus[cpu]!.partial, k)) return `S${k}'s link words belong to cpu${cpu}'s partial chain, but the chain does not reach it`;
  }
  for (let c = 0; c < s.cpus.length; c++) {
    const head = s.cpus[c]!.partial;
    if (head === null) continue;
    // cpuChain(s, head): its length and its last slab.
    let length = 0;
    let lastK = head;
    for (let m: number | undefined = head; m !== undefined && length <= P; length++, m = slabOfStruct(s.slabs[m]!.L0)) lastK = m;
    if (length > P) return `cpu${c}'s partial chain has a cycle`;
    const last = s.slabs[lastK]!;
    if (last.L0 !== null) return `cpu${c}'s partial chain ends in ${String(last.L0)}, not NULL`;
    if (s.slabs[head]!.L1 !== length) return `cpu${c}'s partial chain head S${head} says slabs = ${String(s.slabs[head]!.L1)}, but the chain holds ${length}`;
    // Its members again, in order.
    const tag = own.cpuTag[c]!;
    for (let m: number | undefined = head, n = 0; m !== undefined && n <= P; n++, m = slabOfStruct(s.slabs[m]!.L0)) {
      const sl = s.slabs[m]!;
      if (sl.partial || sl.frozen || !sl.live) return `S${m} on cpu${c}'s partial chain is ${sl.partial ? 'SL_partial' : sl.frozen ? 'frozen' : 'freed'}`;
      if (get(w, L.slab[m]!.owner) !== tag) return `S${m} is on cpu${c}'s partial chain but its link words belong to ${sl.owner}`;
    }
  }
  return undefined;
}

function stateTableProblem(s: SlubState): string | undefined {
  const w = s.m.w;
  const own = ownersOf(s.L);
  for (let k = 0; k < s.slabs.length; k++) {
    const sl = s.slabs[k]!;
    if (!sl.live) continue;
    const full = sl.freelist === null;
    // The owner tag by index (0 is 'none'); its name only for a message.
    const tag = get(w, s.L.slab[k]!.owner);
    const partial = sl.partial;
    const frozen = sl.frozen;
    if (partial !== (own.node[tag] === sl.node)) {
      return partial ? `S${k} has SL_partial but its link words belong to ${sl.owner}` : `S${k} is owned by node${sl.node}'s list without SL_partial`;
    }
    if (partial && frozen) return `S${k} is frozen and on the node partial list`;
    if (partial && full && !inGetFromPartialWindow(s, k)) return `S${k} is full but on the node partial list (SL_partial => !full)`;
    if (frozen && tag !== 0) return `S${k} is frozen but on a list (${sl.owner})`;
    if (own.isCpu[tag] && (partial || frozen)) return `S${k} is on a CPU partial chain and ${partial ? 'SL_partial' : 'frozen'}`;
    if (frozen) {
      let cpuSlabOf = 0;
      for (let c = 0; c < s.cpus.length; c++) if (s.cpus[c]!.slab === k) cpuSlabOf++;
      if (cpuSlabOf > 1) return `S${k} is the cpu slab of two CPUs`;
    }
  }
  return undefined;
}

/** owner === `node${n}`, without building the string (this runs for every live slab of every state). */
function isNodeOwner(owner: string, n: number): boolean {
  if (owner.length < 5 || !owner.startsWith('node') || (owner.length > 5 && owner.charCodeAt(4) === 48 /* 0 */)) return false;
  let v = 0;
  for (let i = 4; i < owner.length; i++) {
    const d = owner.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  return v === n;
}

/**
 * What heldByContext() reads of a function's frames: its scalar `slab` and
 * `cur` locals (numeric ones: a bool or enum local never equals a slab id) and
 * its `slabs` and `discard` list locals, as fields relative to the frame's
 * locals area. Null for a function that declares `slabs` or `discard` as
 * something else: its frames are read by name as before.
 */
interface HeldLocals {
  readonly scalars: readonly Field[];
  readonly lists: readonly { readonly len: Field; readonly items: readonly Field[] }[];
}
/** Per layout, by function id (filled as functions are first seen on a stack). */
const HELD_LOCALS = new WeakMap<SlubLayout, (HeldLocals | null | undefined)[]>();
const NUMERIC_LOCAL = new Set(['obj', 'slab', 'node', 'cpu', 'int']);
function heldLocals(fn: FnLayout): HeldLocals | null {
  const scalars: Field[] = [];
  const lists: { len: Field; items: readonly Field[] }[] = [];
  for (const name of ['slab', 'cur']) {
    const lf = fn.locals.get(name);
    if (lf?.f && NUMERIC_LOCAL.has(lf.decl.type.t)) scalars.push(lf.f);
  }
  for (const name of ['slabs', 'discard']) {
    const lf = fn.locals.get(name);
    if (lf === undefined) continue;
    if (!lf.list) return null;
    lists.push(lf.list);
  }
  return { scalars, lists };
}

/** A context's frames name slab k as the one they work on (in flight between two steps of a kernel path). */
function heldByContext(s: SlubState, k: number): boolean {
  // Read from the words (layout fields at each frame's locals area): this runs on most states.
  const w = s.m.w;
  const L = s.L;
  let byFn = HELD_LOCALS.get(L);
  if (byFn === undefined) HELD_LOCALS.set(L, (byFn = []));
  for (let x = 0; x < L.ctx.length; x++) {
    const c = L.ctx[x]!;
    for (let i = 0, depth = get(w, c.depth); i < depth; i++) {
      const ff = c.frames[i]!;
      const id = get(w, ff.fn);
      let h = byFn[id];
      if (h === undefined) byFn[id] = h = heldLocals(L.fnById[id]!);
      if (h === null) {
        if (heldByFrame(s.ctxList[x]!.stack.frames[i]!, k)) return true;
        continue;
      }
      const base = ff.base;
      for (let j = 0; j < h.scalars.length; j++) {
        const f = h.scalars[j]!;
        if (((w[base + f.word]! >>> f.shift) & f.mask) + f.min === k) return true;
      }
      for (let j = 0; j < h.lists.length; j++) {
        const l = h.lists[j]!;
        const lf = l.len;
        for (let e = 0, len = ((w[base + lf.word]! >>> lf.shift) & lf.mask) + lf.min; e < len; e++) {
          const f = l.items[e]!;
          if (((w[base + f.word]! >>> f.shift) & f.mask) + f.min === k) return true;
        }
      }
    }
  }
  return false;
}

/** heldByContext() for one frame, by name (a function whose `slabs` or `discard` local is not a list). */
function heldByFrame(f: FrameView, k: number): boolean {
  const l = f.l;
  if (l.slab === k || l.cur === k) return true;
  for (const key of ['slabs', 'discard'] as const) {
    const v = l[key] as { includes(k: number): boolean } | undefined;
    if (v !== undefined && v.includes(k)) return true;
  }
  return false;
}

/**
 * Every live slab is somewhere the allocator can find it again: on its
 * node's partial list, on a CPU partial chain, the cpu slab of a CPU, full
 * on no list (a free brings it back), or in flight in a context that is
 * working on it. A slab with free objects that no list and no context
 * reaches is lost until the cache is destroyed.
 */
function droppedSlabProblem(s: SlubState): string | undefined {
  const w = s.m.w;
  const own = ownersOf(s.L);
  for (let k = 0; k < s.slabs.length; k++) {
    const sl = s.slabs[k]!;
    const tag = get(w, s.L.slab[k]!.owner);
    if (!sl.live || sl.partial || own.isCpu[tag]) continue;
    const ctx = own.priv[tag];
    if (ctx !== undefined) {
      if ((s.ctx[ctx]?.stack.length ?? 0) > 0) continue;
      return `S${k} is on ${ctx}'s private list, but ${ctx} has finished`;
    }
    if (heldByContext(s, k)) continue;
    if (sl.frozen) {
      if (s.cpus.some((c) => c.slab === k)) continue;
      return `S${k} is frozen, but it is no CPU's cpu slab and no context holds it`;
    }
    if (sl.freelist !== null) return `S${k} has free objects but is on no list, no CPU's slab, and no context holds it: nobody can allocate from it again`;
  }
  return undefined;
}

/**
 * The percpu sheaves of a CPU hold only objects of slabs on its local memory
 * node, and a node's barn only objects of that node: free_to_pcs() and
 * __kfree_rcu_sheaf() take an object only when slab_nid(slab) ==
 * numa_mem_id(), and a refill takes slabs of the local node (17c38c88,
 * 7.0-rc before "refill sheaves from all nodes"; v6.19 opt-in sheaves).
 */
function counterProblem(info: SlubModelInfo, s: SlubState): string | undefined {
  const objects = info.env.p.objects;
  for (let k = 0; k < s.slabs.length; k++) {
    const sl = s.slabs[k]!;
    if (!sl.live) continue;
    // chain(s, sl.freelist, objects + 1), counted in place: its length and its first object of another slab.
    let free = 0;
    let alien: Obj | undefined;
    for (let o = sl.freelist; o !== null && free < objects + 1; o = s.fp(o), free++) if (alien === undefined && slabOf(info, o) !== k) alien = o;
    if (free > objects) return `S${k}'s freelist is cyclic or longer than the slab`;
    if (alien !== undefined) return `S${k}'s freelist contains object ${alien} of another slab`;
    const inuse = sl.inuse;
    if (inuse < 0 || inuse > objects) return `S${k}.inuse is ${inuse}`;
    if (inuse + free !== objects) return `S${k}: inuse ${inuse} + ${free} free != ${objects} objects`;
  }
  return undefined;
}

function conservationProblem(info: SlubModelInfo, s: SlubState, counts: Uint8Array): string | undefined {
  // Count first (the check of every state, with `count` adding to `counts`); name the places only for an explanation.
  counts.fill(0);
  countPlaces(info, s, counts);
  let fine = true;
  const slabs = s.L.slab;
  const O = info.env.p.objects;
  for (let o = 0; o < counts.length && fine; o++) fine = counts[o] === get(s.m.w, slabs[Math.floor(o / O)]!.live);
  if (fine) return undefined;
  const places = objectPlaces(info, s);
  for (let o = 0; o < places.length; o++) {
    const live = s.slabs[slabOf(info, o)]!.live;
    const at = places[o]!;
    if (live && at.length === 0) return `object ${o} is nowhere (leaked${s.ghost.get('leak') ? `: ${s.ghost.get('leak')}` : ''})`;
    if (at.length > 1) return `object ${o} is in ${at.length} places at once: ${at.join(', ')}`;
    if (!live && at.length > 0) return `object ${o} of a freed slab is in ${at[0]}`;
  }
  return undefined;
}

function cpuFreelistProblem(s: SlubState, info: SlubModelInfo): string | undefined {
  for (let c = 0; c < s.cpus.length; c++) {
    const cpu = s.cpus[c]!;
    if (cpu.freelist === null) continue; // an empty chain: nothing to check
    const objs = chain(s, cpu.freelist, s.L.NOBJ);
    if (objs.length > 0 && cpu.slab === null) return `cpu${c}'s freelist holds objects ${objs.join(', ')} but cpu${c} has no cpu slab`;
    const alien = objs.find((o) => slabOf(info, o) !== cpu.slab);
    if (alien !== undefined) return `cpu${c}'s freelist holds object ${alien}, not of its cpu slab S${cpu.slab}`;
  }
  return undefined;
}

/**
 * What the kernel itself would object to about the locks: a spinlock held by
 * a context that is not inside an operation (a lock leaked past its unlock),
 * an irqsave lock held with irqs on (lockdep's inconsistent-lock-state
 * report: list_lock is taken from interrupts too), irqs left disabled by a
 * finished operation, or an unbalanced irq restore. It does not assume that
 * irqs are off only while a list_lock is held: a patch may disable irqs
 * around more than the lock.
 */
function lockProblem(s: SlubState): string | undefined {
  for (let i = 0; i < s.nodes.length; i++) {
    const bad = heldProblem(s, 'list_lock', i, s.nodes[i]!.list_lock, true) ?? heldProblem(s, 'barn', i, s.nodes[i]!.barn_lock, true);
    if (bad !== undefined) return bad;
  }
  for (let i = 0; i < s.cpus.length; i++) {
    const bad = heldProblem(s, 'pcs', i, s.cpus[i]!.pcs_lock, false) ?? heldProblem(s, 'cpu_slab', i, s.cpus[i]!.cpu_slab_lock, true);
    if (bad !== undefined) return bad;
  }
  const contexts = s.L.d.contexts;
  for (let x = 0; x < contexts.length; x++) {
    const name = contexts[x]!;
    const c = s.ctxList[x]!;
    if (c.irqoff < 0) return `${name} restored irqs more often than it disabled them`;
    if (c.stack.length === 0 && c.irqoff > 0) return `${name} finished its operation with irqs disabled`;
  }
  return undefined;
}

/** The name of lock `kind` of node or CPU `i` (built only for a message). */
function lockName(kind: 'list_lock' | 'barn' | 'pcs' | 'cpu_slab', i: number): string {
  return kind === 'list_lock' ? `node${i}.list_lock` : kind === 'barn' ? `node${i}'s barn lock` : kind === 'pcs' ? `cpu${i}'s pcs lock` : `cpu${i}'s cpu_slab lock`;
}

/** lockProblem() for one lock held by `holder` (irqsave: taken with irqs off). */
function heldProblem(s: SlubState, kind: 'list_lock' | 'barn' | 'pcs' | 'cpu_slab', i: number, holder: string | null, irqsave: boolean): string | undefined {
  if (holder === null) return undefined;
  const c = s.ctx[holder];
  if (!c) return `${lockName(kind, i)} is held by ${holder}, which is not a context`;
  if (c.stack.length === 0) return `${holder} finished its operation still holding ${lockName(kind, i)}`;
  if (irqsave && c.irqoff === 0) return `${holder} holds ${lockName(kind, i)} with irqs enabled`;
  return undefined;
}

/** At the end: every object a slab counts as in use is owned by a client, on its cpu freelist, or in a sheaf. */
function lostProblem(info: SlubModelInfo, s: SlubState): string | undefined {
  const places = objectPlaces(info, s);
  for (let k = 0; k < s.slabs.length; k++) {
    const sl = s.slabs[k]!;
    if (!sl.live) continue;
    for (let i = 0; i < info.env.p.objects; i++) {
      const o = k * info.env.p.objects + i;
      const at = places[o]![0] ?? 'nowhere';
      const m = /^cpu(\d+)\.freelist$/.exec(at);
      if (m && s.cpus[Number(m[1])]!.slab !== k) return `object ${o} is stranded on cpu${m[1]}'s freelist, whose cpu slab is not S${k}`;
      if (at.includes(' in ')) return `object ${o} is still in flight at the end: ${at}`;
    }
  }
  return undefined;
}

function destroyedEmpty(s: SlubState): string | undefined {
  if (s.cache.destroyed !== 'ok') return undefined;
  const live = s.slabs.findIndex((sl) => sl.live);
  if (live >= 0) return `S${live} is still allocated after the cache was destroyed`;
  for (let i = 0; i < s.cpus.length; i++) {
    const c = s.cpus[i]!;
    if (c.main.length > 0 || c.spare.length > 0 || c.rcu_free.exists) return `cpu${i}'s sheaves are not empty after the cache was destroyed`;
    if (c.quarantine.length > 0) return `cpu${i}'s quarantine still holds objects of the destroyed cache`;
    if (c.deferred.length > 0) return `cpu${i}'s defer_free list still holds objects of the destroyed cache`;
  }
  return undefined;
}

function prop(name: string, description: string, problem: (s: SlubState) => string | undefined): P {
  return { name, kind: 'always', description, check: (s) => problem(s) === undefined, explain: problem };
}

export function slubProperties(info: SlubModelInfo): P[] {
  const f = info.version.features;
  const counts = new Uint8Array(info.layout.NOBJ);
  const seen = (name: string, event: string | readonly string[], description: string): P => ({ name, kind: 'sometimes', description, event, check: () => false });
  const props: P[] = [
    prop('link_words_written_by_owner', "only the list that owns a slab's link words, under its lock, writes them (§6.2)", (s) => s.ghost.get('bad_link_write') ?? undefined),
    prop('no_oops', 'no NULL or poison pointer dereference', (s) => s.ghost.get('oops') ?? undefined),
    prop('no_kernel_warning', "no WARN_ON() or VM_BUG_ON() of the kernel's own in the modelled paths fires", (s) => s.ghost.get('warning') ?? undefined),
    prop('no_wild_list_write', 'list operations write only through list_head pointers', (s) => s.ghost.get('wild_write') ?? undefined),
    prop('sheaf_writes_within_capacity', 'free_to_pcs() stores an object only below its sheaf\'s capacity (objects[size++] never overflows)', (s) => s.ghost.get('sheaf_overflow') ?? undefined),
    prop('node_partial_list_well_formed', 'n->partial is a well-formed circular list of SL_partial slabs and nr_partial is its length, when list_lock is free', (s) => listProblem(s)),
    prop('slab_state_table', 'every slab is in a row of the state table of its version (§6.1), allowing the GP2-GP3 window', (s) => stateTableProblem(s)),
    prop('no_slab_dropped_off_lists', 'every live slab is on a list, a cpu slab, full on no list, or held by a context working on it: none with free objects is lost', droppedSlabProblem),
    prop('counters_consistent', 'inuse + free objects == objects, the freelist is acyclic and holds only its own objects', (s) => counterProblem(info, s)),
    prop('object_conservation', 'every object of a live slab is in exactly one place (no double free, no double allocation)', (s) => conservationProblem(info, s, counts)),
    prop('no_double_alloc', 'no object is handed to a client while a client owns it', (s) => s.ghost.get('double_alloc') ?? undefined),
    prop('lock_sanity', 'every held lock belongs to a context inside an operation, list_lock is held with irqs off, and irqs are enabled again when an operation ends', lockProblem),
  ];
  if (f.cpuPartial) props.push(prop('cpu_partial_chain_well_formed', "each CPU partial chain is acyclic, ends in NULL, its head counts it, its slabs are neither SL_partial nor frozen, and every slab whose link words a CPU's chain owns is on that chain", chainProblem));
  if (f.cpuSlab) props.push(prop('cpu_freelist_belongs_to_cpu_slab', "c->freelist holds only objects of c->slab", (s) => cpuFreelistProblem(s, info)));
  const destroys = mayRunOp(info.scenario, 'kmem_cache_destroy');
  if (destroys) {
    props.push(
      prop(
        'kmem_cache_destroy_leaves_no_objects',
        'kmem_cache_destroy() after every client freed its objects does not fail with "Objects remaining" (§6.5)',
        (s) => s.ghost.get('destroy_failed') ?? undefined,
      ),
    );
    props.push({
      name: 'destroyed_cache_is_empty',
      kind: 'at_end',
      description: 'after a successful kmem_cache_destroy(): no slab, sheaf, barn or quarantine of the cache holds anything',
      check: (s) => destroyedEmpty(s) === undefined,
      explain: destroyedEmpty,
    });
  }
  if (destroys && info.kasan) {
    props.push({
      name: 'no_quarantine_put_after_purge',
      kind: 'at_end',
      description: "no object enters a CPU's quarantine after kasan_quarantine_remove_cache() purged it (§6.5)",
      check: (s) => s.ghost.get('late_quarantine') === null,
      explain: (s) => s.ghost.get('late_quarantine') ?? undefined,
    });
  }
  props.push({ name: 'no_object_lost', kind: 'at_end', description: 'when every context has finished, every in-use object is accounted for', check: (s) => lostProblem(info, s) === undefined, explain: (s) => lostProblem(info, s) });
  // Witnesses: each scenario's purpose decides what "the interesting part" is.
  const allocates = mayRunOp(info.scenario, 'kmem_cache_alloc');
  if (allocates) props.push(seen('object_allocated', 'object_allocated', 'some allocation succeeded'));
  props.push(seen('node_partial_list_changed', 'node_list_changed', 'add_partial() or remove_partial() changed a node partial list'));
  if ((info.scenario.sheafAllocFailures ?? 0) > 0 && info.env.p.sheaf_capacity > 0) {
    props.push(seen('sheaf_allocation_failed', 'sheaf_alloc_failed', 'the checker failed an empty-sheaf allocation and its caller took the fallback path'));
    // One witness per caller, so that each fallback is shown to run, not only some.
    const sites: [string, boolean, string][] = [
      ['refill', mayRunOp(info.scenario, 'kmem_cache_alloc'), '__pcs_replace_empty_main() returned NULL to the slow path'],
      ['free', mayRunOp(info.scenario, 'kmem_cache_free'), '__pcs_replace_full_main() flushed main with sheaf_flush_main()'],
      ['kfree_rcu', mayRunOp(info.scenario, 'kfree_rcu'), '__kfree_rcu_sheaf() failed to the kfree_rcu batching'],
      ['prefill', mayRunOp(info.scenario, 'kmem_cache_prefill_sheaf'), 'kmem_cache_prefill_sheaf() returned NULL'],
    ];
    for (const [site, used, what] of sites) if (used) props.push(seen(`sheaf_allocation_failed_in_${site}`, `sheaf_alloc_failed_${site}`, `an empty-sheaf allocation failed and ${what}`));
  }
  if (mayRunOp(info.scenario, 'kmem_cache_prefill_sheaf')) {
    props.push(seen('sheaf_prefilled', 'sheaf_prefilled', 'kmem_cache_prefill_sheaf() handed a full sheaf to its caller'));
    props.push(seen('returned_sheaf_became_spare', 'sheaf_returned_as_spare', 'kmem_cache_return_sheaf() installed the returned sheaf as the spare'));
  }
  if (mayRunOp(info.scenario, 'kmem_cache_free_bulk')) {
    props.push(seen('bulk_free_reached_the_slabs', ['free_bulk_detached', 'sheaf_flush'], 'kmem_cache_free_bulk() freed objects to their slabs (a detached freelist, or what free_to_pcs_bulk() could not put in a sheaf)'));
  }
  if (mayRunOp(info.scenario, 'kmalloc_nolock')) {
    props.push(seen('kmalloc_nolock_trylock_failed', 'nolock_trylock_failed', "kmalloc_nolock() found a node's list_lock held and gave up on it (allow_spin false)"));
    props.push(seen('kmalloc_nolock_discarded_a_new_slab', 'nolock_new_slab_discarded', "kmalloc_nolock()'s alloc_from_new_slab() could not trylock list_lock and discarded the new slab"));
  }
  if (mayRunOp(info.scenario, 'kfree_nolock')) {
    props.push(seen('kfree_nolock_deferred_a_free', 'defer_free', "kfree_nolock() could not free without spinning and put the object on its CPU's defer_free list"));
    if (f.cpuSlab) props.push(seen('kfree_nolock_freed_to_cpu_slab', 'kfree_nolock_cpu_slab', "kfree_nolock() freed into the cpu slab through do_slab_free()'s per-CPU cmpxchg (v6.19)"));
    props.push(seen('deferred_free_ran', 'deferred_free_ran', 'the defer_free irq_work (free_deferred_objects()) freed a deferred object to its slab'));
  }
  if (destroys) {
    props.push({ name: 'kmem_cache_destroy_returned', kind: 'sometimes', description: 'kmem_cache_destroy() ran to the end', check: (s) => s.cache.destroyed !== null });
    if (info.env.p.sheaf_capacity > 0 && mayRunOp(info.scenario, 'kfree_rcu')) props.push(seen('rcu_sheaf_callback_ran', 'rcu_sheaf_callback', 'an rcu_free_sheaf callback ran in softirq'));
    if (info.kasan) props.push(seen('quarantine_purge_freed_an_object', 'quarantine_purge_freed', 'kasan_quarantine_remove_cache() freed a quarantined object back to its slab'));
    // Without the rcu_barrier() in kvfree_rcu_barrier_on_cache() this is the interleaving to reach; with it,
    // it cannot happen (that is the fix), and no_quarantine_put_after_purge states the consequence.
    if (info.kasan && !f.kvfreeRcuBarrier) {
      props.push(seen('rcu_callback_ran_after_kasan_cache_shutdown', 'rcu_callback_after_kasan_cache_shutdown', 'an RCU callback ran after kasan_cache_shutdown() had returned'));
    }
    return props;
  }
  props.push(seen('cmpxchg_lost_a_race', 'cmpxchg_double_fail', 'a slab cmpxchg failed because another context changed the slab'));
  if (mayRunOp(info.scenario, 'kmem_cache_alloc_bulk')) {
    props.push(seen('bulk_alloc_ran_dry', 'bulk_alloc_slowpath', "kmem_cache_alloc_bulk() emptied c->freelist and called ___slab_alloc() for the rest"));
  }
  if (allocates && (info.scenario.pageAllocFailures ?? 0) > 0) {
    props.push(seen('page_allocation_failed', 'page_alloc_failed', 'the checker failed a slab page allocation and its caller took the fallback path'));
  }
  if (allocates && info.scenario.nodes.filter((n) => n.memory).length > 1) {
    props.push(seen('partial_slab_taken_from_another_node', 'remote_partial', 'get_from_any_partial() (v6.19 get_any_partial()) searched a partial slab of a remote node'));
  }
  if (f.cpuPartial) props.push(seen('put_cpu_partial_reached', 'put_cpu_partial', 'put_cpu_partial() linked a slab into a CPU partial chain'));
  if (!f.cpuSlab) props.push(seen('slab_full_while_on_node_list', 'slab_full_on_node_list', 'get_from_partial_node() took the last object of a slab still on the node list'));
  if (f.cpuSlab) props.push(seen('free_to_frozen_slab', 'free_frozen', 'a remote free went to a frozen cpu slab'));
  if (info.env.p.sheaf_capacity > 0) {
    props.push(seen('sheaf_refilled_from_slabs', 'sheaf_refill', 'a main sheaf was refilled from partial or new slabs'));
    props.push(seen('sheaf_traded_at_barn', ['barn_put', 'barn_get'], 'a sheaf went to or came from the barn'));
    props.push(seen('sheaf_flushed_to_slabs', 'sheaf_flush', 'a sheaf was flushed to its slabs through __slab_free'));
    props.push(seen('irq_found_pcs_locked', 'pcs_trylock_failed', "an interrupt's local_trylock found its CPU's pcs lock taken and fell back to the slab paths"));
  }
  return props;
}

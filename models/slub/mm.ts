// Memory helpers shared by every step: the slab list primitives of
// include/linux/list.h as used by mm/slub.c (list_add, list_add_tail,
// list_del), written against the shared link words with ownership checks,
// and the ghost bookkeeping (bad writes, oopses, wild writes).
//
// Every write to a slab's link words names who writes it (`node<n>` under
// that node's list_lock, `cpu<c>` for the CPU partial chain, `priv:<ctx>` for
// a private list) and is checked against the slab's ghost owner tag: a write
// by anyone else is the put_cpu_partial race (reference §6.2).
import type { Draft } from 'immer';
import {
  nodeOfPtr,
  nodePtr,
  slabOfLink,
  slabOfStruct,
  slabPtr,
  type Ctx,
  type Ptr,
  type SlabId,
  type SlubState,
} from './state.ts';

export type D = Draft<SlubState>;

export function seen(d: D, event: string): void {
  if (!d.ghost.seen[event]) d.ghost.seen[event] = true;
}

/** A kernel oops in context `ctx`: record it and kill the context (its locks stay held, as after a real oops). */
export function oops(d: D, ctx: Ctx, msg: string): void {
  if (d.ghost.oops === null) d.ghost.oops = `${ctx}: ${msg}`;
  d.ctx[ctx]!.stack = [];
  d.ctx[ctx]!.ops = [];
  d.ctx[ctx]!.budget = 0;
}

/** A WARN_ON() / VM_BUG_ON() of the kernel fired in context `ctx`: the first one is kept. */
export function kernelWarning(x: { d: D; ctx: Ctx }, msg: string): void {
  if (x.d.ghost.warning === null) x.d.ghost.warning = `${x.ctx}: ${msg}`;
}

/** Objects dropped by the code without being freed (a kernel memory leak): they vanish from the state, and `object_conservation` says where they went. */
export function leak(x: { d: D; ctx: Ctx }, objs: readonly number[], how: string): void {
  if (x.d.ghost.leak === null) x.d.ghost.leak = `${x.ctx}: ${how}, holding object${objs.length === 1 ? '' : 's'} ${objs.join(', ')}`;
}

function badWrite(d: D, msg: string): void {
  if (d.ghost.bad_link_write === null) d.ghost.bad_link_write = msg;
}

/** Writes one link word of slab k as `who`; checks ownership and, for a node list, the list_lock. */
export function writeLink(d: D, ctx: Ctx, k: SlabId, word: 'L0' | 'L1', v: Ptr, who: string, what: string): void {
  const sl = d.slabs[k]!;
  if (sl.owner !== 'none' && sl.owner !== who) {
    badWrite(d, `${what} in ${ctx} wrote ${word} of S${k} as ${who}, but the link words belong to ${sl.owner}`);
  } else if (who.startsWith('node') && d.nodes[Number(who.slice(4))]!.list_lock !== ctx) {
    badWrite(d, `${what} in ${ctx} wrote ${word} of S${k} on ${who}'s list without holding its list_lock`);
  }
  sl[word] = v;
}

/** `p->next = v` or `p->prev = v` through a list pointer read from memory. */
function writeThrough(d: D, ctx: Ctx, p: Ptr, field: 'next' | 'prev', v: Ptr, who: string, what: string): boolean {
  const n = nodeOfPtr(p);
  if (n !== undefined) {
    if (`node${n}` !== who || d.nodes[n]!.list_lock !== ctx) badWrite(d, `${what} in ${ctx} wrote node${n}'s list head as ${who}`);
    d.nodes[n]!.head[field] = v;
    return true;
  }
  const k = slabOfLink(p);
  if (k !== undefined) {
    writeLink(d, ctx, k, field === 'next' ? 'L0' : 'L1', v, who, what);
    return true;
  }
  const sk = slabOfStruct(p);
  if (sk !== undefined) {
    // put_cpu_partial stores struct slab addresses in `next`; list_del then
    // writes into a non-link field of that slab (reference §0.5).
    if (d.ghost.wild_write === null) {
      d.ghost.wild_write = `${what} in ${ctx} wrote through ${p} into S${sk}'s ${field === 'next' ? 'flags' : 'slab_cache'} field`;
    }
    return true;
  }
  oops(d, ctx, p === null ? `NULL pointer dereference in ${what}` : `general protection fault in ${what}: ${String(p)} is not a pointer`);
  return false;
}

/** list_add(&slab->slab_list, &n->partial) (head) or list_add_tail (tail), as node n's list. */
function listAdd(d: D, ctx: Ctx, n: number, k: SlabId, tail: boolean, what: string): void {
  const who = `node${n}`;
  const sl = d.slabs[k]!;
  if (sl.owner !== 'none' && sl.owner !== `priv:${ctx}`) {
    badWrite(d, `${what} in ${ctx} added S${k} to node${n}'s list, but its link words belong to ${sl.owner}`);
  }
  sl.owner = who;
  const head = d.nodes[n]!.head;
  if (tail) {
    const prev = head.prev;
    writeLink(d, ctx, k, 'L0', nodePtr(n), who, what);
    writeLink(d, ctx, k, 'L1', prev, who, what);
    if (writeThrough(d, ctx, prev, 'next', slabPtr(k), who, what)) head.prev = slabPtr(k);
  } else {
    const next = head.next;
    writeLink(d, ctx, k, 'L0', next, who, what);
    writeLink(d, ctx, k, 'L1', nodePtr(n), who, what);
    if (writeThrough(d, ctx, next, 'prev', slabPtr(k), who, what)) head.next = slabPtr(k);
  }
}

/** list_del(&slab->slab_list) on node n's list, then poison. */
function listDel(d: D, ctx: Ctx, n: number, k: SlabId, what: string): boolean {
  const who = `node${n}`;
  const sl = d.slabs[k]!;
  const next = sl.L0;
  const prev = sl.L1;
  if (!writeThrough(d, ctx, next, 'prev', prev, who, what)) return false;
  if (!writeThrough(d, ctx, prev, 'next', next, who, what)) return false;
  writeLink(d, ctx, k, 'L0', 'POISON1', who, what);
  writeLink(d, ctx, k, 'L1', 'POISON2', who, what);
  return true;
}

// mm/slub.c add_partial(): list_add(_tail) + set SL_partial + nr_partial++, under list_lock.
export function add_partial(d: D, ctx: Ctx, n: number, k: SlabId, tail: boolean): void {
  listAdd(d, ctx, n, k, tail, 'add_partial');
  seen(d, 'node_list_changed');
  d.slabs[k]!.partial = true;
  d.nodes[n]!.nr_partial++;
}

// mm/slub.c remove_partial(): list_del + clear SL_partial + nr_partial--, under list_lock.
export function remove_partial(d: D, ctx: Ctx, n: number, k: SlabId): void {
  if (!listDel(d, ctx, n, k, 'remove_partial')) return;
  seen(d, 'node_list_changed');
  const sl = d.slabs[k]!;
  if (sl.owner === `node${n}`) sl.owner = 'none';
  sl.partial = false;
  d.nodes[n]!.nr_partial--;
}

/** Takes private ownership of a slab that is on no list (a detached chain, a private pc.slabs list). */
export function takePrivate(d: D, ctx: Ctx, k: SlabId, from: string): void {
  const sl = d.slabs[k]!;
  if (sl.owner === from || sl.owner === 'none') sl.owner = `priv:${ctx}`;
}

/** Gives up private ownership (the slab is on no list again). */
export function release(d: D, ctx: Ctx, k: SlabId): void {
  const sl = d.slabs[k]!;
  if (sl.owner === `priv:${ctx}`) sl.owner = 'none';
}

// mm/slub.c discard_slab(): dec_slabs_node + free_slab; the page goes back to the pool.
export function discard_slab(d: D, ctx: Ctx, k: SlabId): void {
  const sl = d.slabs[k]!;
  if (sl.owner !== 'none' && sl.owner !== `priv:${ctx}`) badWrite(d, `discard_slab in ${ctx} freed S${k}, still owned by ${sl.owner}`);
  d.nodes[sl.node]!.nr_slabs--;
  sl.live = false;
  sl.owner = 'none';
  sl.L0 = null;
  sl.L1 = null;
  seen(d, 'slab_discarded');
}

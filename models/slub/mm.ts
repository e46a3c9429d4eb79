// Memory helpers shared by every step: the slab list primitives of
// include/linux/list.h as used by mm/slub.c (list_add, list_add_tail,
// list_del), written against the shared link words with ownership checks,
// and the ghost bookkeeping (bad writes, oopses, wild writes, leaks).
//
// Every write to a slab's link words names who writes it (`node<n>` under
// that node's list_lock, `cpu<c>` for the CPU partial chain, `priv:<ctx>` for
// a private list) and is checked against the slab's ghost owner tag: a write
// by anyone else is the put_cpu_partial race (reference §6.2).
import type { StepCtx } from './kernel.ts';
import { nodeOfPtr, nodePtr, slabOfLink, slabOfStruct, slabPtr, type Ptr, type SlabId } from './state.ts';

/** Reports an event for `sometimes` witnesses. */
export function seen(x: StepCtx, event: string): void {
  x.emit(event);
}

/** A kernel oops in the step's context: record it and kill the context (its locks stay held, as after a real oops). */
export function oops(x: StepCtx, msg: string): void {
  x.d.ghost.first('oops', `${x.ctx}: ${msg}`);
  const c = x.d.ctx[x.ctx]!;
  c.stack.clear();
  c.opIndex = x.e.contexts.includes(x.ctx) ? x.e.L.d.ops[x.e.contexts.indexOf(x.ctx)]!.length : 0;
  c.budget = 0;
}

/** A WARN_ON() / VM_BUG_ON() of the kernel fired in the step's context: the first one is kept. */
export function kernelWarning(x: StepCtx, msg: string): void {
  x.d.ghost.first('warning', `${x.ctx}: ${msg}`);
}

/** Objects dropped by the code without being freed (a kernel memory leak): they vanish from the state, and `object_conservation` says where they went. */
export function leak(x: StepCtx, objs: readonly number[], how: string): void {
  x.d.ghost.first('leak', `${x.ctx}: ${how}, holding object${objs.length === 1 ? '' : 's'} ${objs.join(', ')}`);
}

function badWrite(x: StepCtx, msg: string): void {
  x.d.ghost.first('bad_link_write', msg);
}

/** Writes one link word of slab k as `who`; checks ownership and, for a node list, the list_lock. */
export function writeLink(x: StepCtx, k: SlabId, word: 'L0' | 'L1', v: Ptr, who: string, what: string): void {
  const sl = x.d.slabs[k]!;
  const owner = sl.owner;
  if (owner !== 'none' && owner !== who) {
    badWrite(x, `${what} in ${x.ctx} wrote ${word} of S${k} as ${who}, but the link words belong to ${owner}`);
  } else if (who.startsWith('node') && x.d.nodes[Number(who.slice(4))]!.list_lock !== x.ctx) {
    badWrite(x, `${what} in ${x.ctx} wrote ${word} of S${k} on ${who}'s list without holding its list_lock`);
  }
  if (word === 'L0') sl.L0 = v;
  else sl.L1 = v;
}

/** `p->next = v` or `p->prev = v` through a list pointer read from memory. */
function writeThrough(x: StepCtx, p: Ptr, field: 'next' | 'prev', v: Ptr, who: string, what: string): boolean {
  const n = nodeOfPtr(p);
  if (n !== undefined) {
    if (`node${n}` !== who) badWrite(x, `${what} in ${x.ctx} wrote node${n}'s list head as ${who}`);
    else if (x.d.nodes[n]!.list_lock !== x.ctx) badWrite(x, `${what} in ${x.ctx} wrote node${n}'s list head without holding its list_lock`);
    const head = x.d.nodes[n]!.head;
    if (field === 'next') head.next = v;
    else head.prev = v;
    return true;
  }
  const k = slabOfLink(p);
  if (k !== undefined) {
    writeLink(x, k, field === 'next' ? 'L0' : 'L1', v, who, what);
    return true;
  }
  const sk = slabOfStruct(p);
  if (sk !== undefined) {
    // put_cpu_partial stores struct slab addresses in `next`; list_del then
    // writes into a non-link field of that slab (reference §0.5).
    x.d.ghost.first('wild_write', `${what} in ${x.ctx} wrote through ${String(p)} into S${sk}'s ${field === 'next' ? 'flags' : 'slab_cache'} field`);
    return true;
  }
  oops(x, p === null ? `NULL pointer dereference in ${what}` : `general protection fault in ${what}: ${String(p)} is not a pointer`);
  return false;
}

/** list_add(&slab->slab_list, &n->partial) (head) or list_add_tail (tail), as node n's list. */
function listAdd(x: StepCtx, n: number, k: SlabId, tail: boolean, what: string): void {
  const who = `node${n}`;
  const sl = x.d.slabs[k]!;
  const owner = sl.owner;
  if (owner !== 'none' && owner !== `priv:${x.ctx}`) {
    badWrite(x, `${what} in ${x.ctx} added S${k} to node${n}'s list, but its link words belong to ${owner}`);
  }
  sl.owner = who;
  const head = x.d.nodes[n]!.head;
  if (tail) {
    const prev = head.prev;
    writeLink(x, k, 'L0', nodePtr(n), who, what);
    writeLink(x, k, 'L1', prev, who, what);
    if (writeThrough(x, prev, 'next', slabPtr(k), who, what)) head.prev = slabPtr(k);
  } else {
    const next = head.next;
    writeLink(x, k, 'L0', next, who, what);
    writeLink(x, k, 'L1', nodePtr(n), who, what);
    if (writeThrough(x, next, 'prev', slabPtr(k), who, what)) head.next = slabPtr(k);
  }
}

/** list_del(&slab->slab_list) on node n's list, then poison. */
function listDel(x: StepCtx, n: number, k: SlabId, what: string): boolean {
  const who = `node${n}`;
  const sl = x.d.slabs[k]!;
  const next = sl.L0;
  const prev = sl.L1;
  if (!writeThrough(x, next, 'prev', prev, who, what)) return false;
  if (!writeThrough(x, prev, 'next', next, who, what)) return false;
  writeLink(x, k, 'L0', 'POISON1', who, what);
  writeLink(x, k, 'L1', 'POISON2', who, what);
  return true;
}

// mm/slub.c add_partial(): list_add(_tail) + set SL_partial + nr_partial++, under list_lock.
export function add_partial(x: StepCtx, n: number, k: SlabId, tail: boolean): void {
  listAdd(x, n, k, tail, 'add_partial');
  x.emit('node_list_changed');
  x.d.slabs[k]!.partial = true;
  x.d.nodes[n]!.nr_partial++;
}

// mm/slub.c remove_partial(): list_del + clear SL_partial + nr_partial--, under list_lock.
export function remove_partial(x: StepCtx, n: number, k: SlabId): void {
  if (!listDel(x, n, k, 'remove_partial')) return;
  x.emit('node_list_changed');
  const sl = x.d.slabs[k]!;
  if (sl.owner === `node${n}`) sl.owner = 'none';
  sl.partial = false;
  x.d.nodes[n]!.nr_partial--;
}

/** Takes private ownership of a slab that is on no list (a detached chain, a private pc.slabs list). */
export function takePrivate(x: StepCtx, k: SlabId, from: string): void {
  const sl = x.d.slabs[k]!;
  const owner = sl.owner;
  if (owner === from || owner === 'none') sl.owner = `priv:${x.ctx}`;
}

/** Gives up private ownership (the slab is on no list again). */
export function release(x: StepCtx, k: SlabId): void {
  const sl = x.d.slabs[k]!;
  if (sl.owner === `priv:${x.ctx}`) sl.owner = 'none';
}

// mm/slub.c discard_slab(): dec_slabs_node + free_slab; the page goes back to the pool.
export function discard_slab(x: StepCtx, k: SlabId): void {
  const sl = x.d.slabs[k]!;
  const owner = sl.owner;
  if (owner !== 'none' && owner !== `priv:${x.ctx}`) badWrite(x, `discard_slab in ${x.ctx} freed S${k}, still owned by ${owner}`);
  x.d.nodes[sl.node]!.nr_slabs--;
  free_page(x, k);
  x.emit('slab_discarded');
}

/** The slab's page goes back to the allocator: nothing of the slab is read again, so it is zeroed (one state per free page). */
export function free_page(x: StepCtx, k: SlabId): void {
  const sl = x.d.slabs[k]!;
  sl.live = false;
  sl.owner = 'none';
  sl.L0 = null;
  sl.L1 = null;
  sl.freelist = null;
  sl.inuse = 0;
  sl.frozen = false;
  sl.partial = false;
  sl.node = 0;
  for (let i = 0; i < x.e.p.objects; i++) x.d.setFp(k * x.e.p.objects + i, null);
}

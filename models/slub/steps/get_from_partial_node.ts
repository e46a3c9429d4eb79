// 17c38c88 and 7.0 get_from_partial_node() (reference §2.2, GP1-GP4): takes
// ONE object from the first partial slab with a cmpxchg under list_lock,
// while the slab is still linked on n->partial, and unlinks it only
// afterwards if it became full. Between GP2 and GP3 the slab is full,
// unfrozen and on the node list: the window of the put_cpu_partial race.
import { fn, goto, ret, type FnDef } from '../kernel.ts';
import { remove_partial, seen } from '../mm.ts';
import { lock, lockFree, spin_trylock, unlock } from '../locks.ts';
import { nodeList, T, type ListView, type SlabId } from '../state.ts';

export interface GetFromPartialL {
  n: number;
  slab: SlabId | null;
  held: ListView;
  full: boolean;
  /** allow_spin is false (kmalloc_nolock()): the list_lock is only trylocked. */
  nospin: boolean;
}

export const get_from_partial_node: FnDef<GetFromPartialL> = fn<GetFromPartialL>({
  entry: 'nr_partial',
  locals: { n: T.node, slab: T.slab, held: T.held(1), full: T.bool, nospin: T.bool },
  steps: {
    nr_partial: {
      cite: 'mm/slub.c get_from_partial_node(): racy n->nr_partial == 0 -> NULL (GP1)',
      reads: ['node{n}.nr_partial'],
      writes: [],
      run: (x) => (x.d.nodes[x.l.n]!.nr_partial === 0 ? ret(x, null) : goto(x, 'lock')),
    },
    lock: {
      cite: 'mm/slub.c get_from_partial_node(): spin_lock_irqsave(&n->list_lock), or without allow_spin spin_trylock_irqsave() failing -> NULL; pick the first slab (GP2)',
      reads: ['node{n}.list_lock', 'node{n}.list'],
      writes: ['node{n}.list_lock'],
      guard: (x) => x.l.nospin || lockFree(x, x.l.n),
      run: (x) => {
        const n = x.l.n;
        if (!x.l.nospin) lock(x, n);
        else if (!spin_trylock(x, n)) {
          seen(x, 'nolock_trylock_failed');
          return ret(x, null);
        }
        const first = nodeList(x.d, n)[0];
        if (first === undefined) {
          unlock(x, n);
          return ret(x, null);
        }
        x.l.slab = first;
        goto(x, 'cmpxchg');
      },
    },
    cmpxchg: {
      cite: 'mm/slub.c get_from_partial_node(): __slab_update_freelist() (X, cnt) -> (next(X), inuse + 1), slab still on n->partial (GP2)',
      reads: ['slab{slab}.pair', 'object.freepointer'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        const n = x.l.n;
        const sl = x.d.slabs[x.l.slab!]!;
        const X = sl.freelist;
        if (X === null) {
          // A full slab on the partial list: cannot happen outside this window; give up on it.
          unlock(x, n);
          return ret(x, null);
        }
        sl.freelist = x.d.fp(X);
        sl.inuse++;
        x.l.held.set([X]);
        x.l.full = sl.freelist === null;
        if (sl.freelist === null) seen(x, 'slab_full_on_node_list');
        goto(x, 'remove_partial');
      },
    },
    remove_partial: {
      cite: 'mm/slub.c get_from_partial_node(): if the slab became full remove_partial(); spin_unlock_irqrestore (GP3-GP4)',
      reads: ['node{n}.list', 'slab{slab}.links'],
      writes: ['node{n}.list', 'slab{slab}.links', 'node{n}.list_lock'],
      run: (x) => {
        const n = x.l.n;
        if (x.l.full) remove_partial(x, n, x.l.slab!);
        if (x.d.ctx[x.ctx]!.stack.length === 0) return; // oopsed inside list_del
        unlock(x, n);
        const X = x.l.held.at(0);
        x.l.held.clear();
        ret(x, X);
      },
    },
  },
});

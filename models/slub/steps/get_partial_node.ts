// v6.19 get_partial_node() (reference §2.1.3, G1-G2): every slab leaves the
// node partial list under list_lock *before* anyone takes an object from it;
// extra slabs go to this CPU's partial chain, inside the same section.
import { fn, goto, ret, type FnDef } from '../kernel.ts';
import { remove_partial, seen } from '../mm.ts';
import { lock, lockFree, unlock } from '../locks.ts';
import { nodeList, T } from '../state.ts';
import { put_cpu_partial_link } from './put_cpu_partial.ts';

interface L {
  n: number;
}

export const get_partial_node: FnDef<L> = fn<L>({
  entry: 'nr_partial',
  locals: { n: T.node },
  steps: {
    nr_partial: {
      cite: 'mm/slub.c get_partial_node(): racy n->nr_partial == 0 -> NULL (G1)',
      reads: ['node{n}.nr_partial'],
      writes: [],
      run: (x) => (x.d.nodes[x.l.n]!.nr_partial === 0 ? ret(x, null) : goto(x, 'take')),
    },
    take: {
      cite: 'mm/slub.c get_partial_node(): under list_lock remove_partial() the first slab, put_cpu_partial(drain=0) the next ones (G2)',
      reads: ['node{n}.list_lock', 'node{n}.list'],
      writes: ['node{n}.list', 'slab*.links', 'cpu{cpu}.partial'],
      guard: (x) => lockFree(x, x.l.n),
      run: (x) => {
        const n = x.l.n;
        lock(x, n);
        const list = nodeList(x.d, n);
        if (list.length === 0) {
          unlock(x, n);
          return ret(x, null);
        }
        const [first, ...rest] = list;
        remove_partial(x, n, first!);
        seen(x, 'alloc_from_partial');
        let extra = 0;
        if (x.e.p.cpu_partial_slabs > 0) {
          for (const k of rest) {
            remove_partial(x, n, k);
            put_cpu_partial_link(x, k, false);
            seen(x, 'cpu_partial_node');
            if (++extra > Math.floor(x.e.p.cpu_partial_slabs / 2)) break;
          }
        }
        unlock(x, n);
        ret(x, first!);
      },
    },
  },
});

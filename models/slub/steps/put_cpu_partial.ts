// v6.19 and 17c38c88 CPU partial lists (reference §2.1.4, P1-P2, PP1-PP3):
// put_cpu_partial() links a slab into this CPU's chain through the SAME two
// link words the node partial list uses (next = L0, slabs = L1), under the
// cpu_slab local lock only: no list_lock.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { add_partial, discard_slab, oops, seen, writeLink } from '../mm.ts';
import { lock, lockFree, unlock } from '../locks.ts';
import { cpuChain, slabOfStruct, structPtr, T, type ListView, type SlabId, type SlubState } from '../state.ts';

/** `slab->slabs` read as an int: a count, or the garbage a poison or pointer makes of it (LIST_POISON2's low half is 290, §0.5). */
export function slabsOf(s: SlubState, k: SlabId): number {
  const w = s.slabs[k]!.L1;
  if (typeof w === 'number') return w;
  if (w === 'POISON2') return 290;
  return 0x7fff;
}

/** The body of put_cpu_partial(): returns the chain to drain, if any. Runs under the cpu_slab lock (irqs off), one step. */
export function put_cpu_partial_link(x: StepCtx, k: SlabId, drain: boolean): SlabId | null {
  const c = x.d.cpus[x.cpu]!;
  const who = `cpu${x.cpu}`;
  let old = c.partial;
  let toPut: SlabId | null = null;
  if (drain && old !== null && slabsOf(x.d, old) >= x.e.p.cpu_partial_slabs) {
    toPut = old;
    old = null;
  }
  const sl = x.d.slabs[k]!;
  if (sl.owner === 'none') sl.owner = who; // a slab on no list: this CPU's chain takes its link words
  writeLink(x, k, 'L1', (old === null ? 0 : slabsOf(x.d, old)) + 1, who, 'put_cpu_partial');
  writeLink(x, k, 'L0', old === null ? null : structPtr(old), who, 'put_cpu_partial');
  c.partial = k;
  seen(x, 'put_cpu_partial');
  return toPut;
}

/** Detaches a chain for draining: its slabs become private to the draining context. */
export function detachChain(x: StepCtx, head: SlabId): void {
  for (const k of cpuChain(x.d, head)) {
    const sl = x.d.slabs[k]!;
    if (sl.owner === `cpu${x.cpu}`) sl.owner = `priv:${x.ctx}`;
  }
}

interface PutL {
  slab: SlabId | null;
  drain: boolean;
}

export const put_cpu_partial: FnDef<PutL> = fn<PutL>({
  entry: 'link',
  locals: { slab: T.slab, drain: T.bool },
  steps: {
    link: {
      cite: 'mm/slub.c put_cpu_partial(): under local_lock_irqsave write slab->slabs and slab->next, c->partial = slab (P1)',
      reads: ['cpu{cpu}.partial', 'slab{cpu_partial}.links'],
      writes: ['slab{slab}.links', 'cpu{cpu}.partial'],
      run: (x) => {
        const toPut = put_cpu_partial_link(x, x.l.slab!, x.l.drain);
        if (toPut === null) return ret(x, null);
        detachChain(x, toPut);
        seen(x, 'cpu_partial_drain');
        call(x, '__put_partials', { cur: toPut }, 'done');
      },
    },
    done: {
      local: true,
      cite: 'mm/slub.c put_cpu_partial(): return after __put_partials() (P2)',
      reads: [],
      writes: [],
      run: (x) => ret(x, null),
    },
  },
});

interface PutPartialsL {
  cur: SlabId | null;
  discard: ListView;
}

export const __put_partials: FnDef<PutPartialsL> = fn<PutPartialsL>({
  entry: 'lock',
  locals: { cur: T.slab, discard: T.slabs() },
  steps: {
    lock: {
      cite: "mm/slub.c (v6.19) __put_partials(): spin_lock_irqsave() the slab's node list_lock (PP1)",
      reads: ['node.list_lock'],
      writes: ['node.list_lock'],
      guard: (x) => lockFree(x, x.d.slabs[x.l.cur!]!.node),
      run: (x) => {
        lock(x, x.d.slabs[x.l.cur!]!.node);
        goto(x, 'add_partial');
      },
    },
    add_partial: {
      cite: 'mm/slub.c __put_partials(): next = slab->next; add_partial(TAIL), or queue an empty slab for discard (PP1)',
      reads: ['slab{cur}.links', 'slab{cur}.pair', 'node.nr_partial'],
      writes: ['node.list', 'slab{cur}.links'],
      run: (x) => {
        const k = x.l.cur!;
        const sl = x.d.slabs[k]!;
        const n = sl.node;
        const nextWord = sl.L0;
        const next = nextWord === null ? null : slabOfStruct(nextWord);
        if (next === undefined) {
          // The thread's crash: "general protection fault ... 0xdead000000000110" in __put_partials.
          return oops(x, `general protection fault in __put_partials: slab->next of S${k} is ${String(nextWord)}`);
        }
        if (sl.inuse === 0 && x.d.nodes[n]!.nr_partial >= x.e.p.min_partial) {
          x.l.discard.push(k);
        } else {
          add_partial(x, n, k, true);
          seen(x, 'free_add_partial');
        }
        if (next !== null) {
          x.l.cur = next;
          // n2 = get_node(s, slab_nid(slab)); if (n != n2): unlock n, lock n2 (the next step).
          if (x.d.slabs[next]!.node !== n) {
            unlock(x, n);
            goto(x, 'lock');
          }
          return;
        }
        unlock(x, n);
        for (const dk of x.l.discard.toArray()) discard_slab(x, dk);
        x.l.discard.clear();
        ret(x, null);
      },
    },
  },
});

// v6.19 and 17c38c88 CPU partial lists (reference §2.1.4, P1-P2, PP1-PP3):
// put_cpu_partial() links a slab into this CPU's chain through the SAME two
// link words the node partial list uses (next = L0, slabs = L1), under the
// cpu_slab local lock only: no list_lock.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { add_partial, discard_slab, oops, seen, writeLink } from '../mm.ts';
import { local_lock_irqsave, local_unlock_irqrestore, lock, lockFree, unlock } from '../locks.ts';
import { cpuChain, slabOfStruct, structPtr, T, type ListView, type SlabId, type SlubState } from '../state.ts';

/** `slab->slabs` read as an int: a count, or the garbage a poison or pointer makes of it (LIST_POISON2's low half is 290, §0.5). */
export function slabsOf(s: SlubState, k: SlabId): number {
  const w = s.slabs[k]!.L1;
  if (typeof w === 'number') return w;
  if (w === 'POISON2') return 290;
  return 0x7fff;
}

/** put_cpu_partial()'s read: oldslab = this_cpu_read(s->cpu_slab->partial), and whether a full chain is detached for draining. */
export function cpu_partial_read(x: StepCtx, drain: boolean): { old: SlabId | null; toPut: SlabId | null } {
  const old = x.d.cpus[x.cpu]!.partial;
  if (drain && old !== null && slabsOf(x.d, old) >= x.e.p.cpu_partial_slabs) return { old: null, toPut: old };
  return { old, toPut: null };
}

/** put_cpu_partial()'s writes: slab->slabs, slab->next, this_cpu_write(s->cpu_slab->partial, slab). */
export function cpu_partial_publish(x: StepCtx, k: SlabId, old: SlabId | null): void {
  const who = `cpu${x.cpu}`;
  const sl = x.d.slabs[k]!;
  if (sl.owner === 'none') sl.owner = who; // a slab on no list: this CPU's chain takes its link words
  writeLink(x, k, 'L1', (old === null ? 0 : slabsOf(x.d, old)) + 1, who, 'put_cpu_partial');
  writeLink(x, k, 'L0', old === null ? null : structPtr(old), who, 'put_cpu_partial');
  x.d.cpus[x.cpu]!.partial = k;
  seen(x, 'put_cpu_partial');
}

/** The body of put_cpu_partial() in one piece (for callers already in an irq-off section): returns the chain to drain, if any. */
export function put_cpu_partial_link(x: StepCtx, k: SlabId, drain: boolean): SlabId | null {
  const { old, toPut } = cpu_partial_read(x, drain);
  cpu_partial_publish(x, k, old);
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
  old: SlabId | null;
  put: SlabId | null;
}

export const put_cpu_partial: FnDef<PutL> = fn<PutL>({
  entry: 'link',
  locals: { slab: T.slab, drain: T.bool, old: T.slab, put: T.slab },
  steps: {
    link: {
      cite: 'mm/slub.c put_cpu_partial(): local_lock_irqsave(&s->cpu_slab->lock); oldslab = this_cpu_read(s->cpu_slab->partial), detached if draining and full (P1)',
      reads: ['cpu{cpu}.partial', 'slab{cpu_partial}.links'],
      writes: ['cpu{cpu}.cpu_slab_lock'],
      run: (x) => {
        local_lock_irqsave(x);
        const { old, toPut } = cpu_partial_read(x, x.l.drain);
        x.l.old = old;
        x.l.put = toPut;
        goto(x, 'publish');
      },
    },
    publish: {
      under: 'cpu_slab_lock',
      cite: 'mm/slub.c put_cpu_partial(): slab->slabs = slabs; slab->next = oldslab; this_cpu_write(s->cpu_slab->partial, slab); local_unlock_irqrestore() (P1)',
      reads: [],
      writes: ['slab{slab}.links', 'cpu{cpu}.partial', 'cpu{cpu}.cpu_slab_lock'],
      run: (x) => {
        cpu_partial_publish(x, x.l.slab!, x.l.old);
        const toPut = x.l.put;
        x.l.old = null;
        x.l.put = null;
        local_unlock_irqrestore(x);
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

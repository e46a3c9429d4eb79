// Symmetry reduction for the SLUB model: interchangeable CPUs.
//
// What this abstracts and why: two CPUs are interchangeable when nothing
// but their numbers tells them apart: the same memory node, the same
// contexts (kinds, scripts, choices, budgets) and, in the state, data that
// the steps treat alike whichever CPU holds it. Renaming such CPUs (their
// per-CPU data, their contexts' frames and bookkeeping, and every value
// that names a CPU or a context) maps a reachable state to a reachable
// state with the same verdicts, so the search keeps one state per class:
// the smallest renaming, word by word (Ip and Dill, "Better verification
// through symmetry", 1996; TLC's SYMMETRY; SPIN's symmetry extension).
//
// Values that name a CPU or a context: list_lock and pcs lock holders
// (context numbers), a slab's owner tag (`cpuN`, `priv:<context>`), and a
// tid (v6.19, 17c38c88: each CPU's tids are congruent to its number modulo
// TID_STEP; a context only compares tids of its own CPU, so the renaming
// moves a tid to the new CPU's residue), and the text of a ghost message
// (`put_cpu_partial in cpu1/task wrote ...`), renamed and hashed again.
// When clients share one pool of objects (`sharedObjects`), the pool is
// the first context's `owns` set and stays where it is. Scenarios with
// contexts on no CPU other than the grace-period environment are not
// reduced, nor are scenarios that may destroy the cache: the destroy path
// queues a work item or an RCU barrier on every CPU in CPU order, with ids
// from one counter, so renaming CPUs changes which CPU got which id and
// the renamed state is not one the kernel reaches (found by a scenario file
// in which two identical CPUs may each choose the destroy).
import { get, type Field } from '../../src/engine/layout.ts';
import { ModelError } from '../../src/engine/errors.ts';
import { mayRunOp, type ScenarioDef } from './scenarios.ts';
import { cpuOf, declOf, GHOST_KEYS, type Messages, type SlubLayout } from './state.ts';

export interface Symmetry {
  /** Interchangeable CPUs, by class (each class of two or more). */
  readonly classes: readonly (readonly number[])[];
  /** Number of renamings tried per state (the identity included). */
  readonly renamings: number;
  /** Rewrites a state into the smallest of its renamings, in place. */
  readonly canonicalize: (w: Uint32Array) => void;
}

/** Most renamings tried per state: 4! (four interchangeable CPUs). */
const MAX_RENAMINGS = 24;

function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/**
 * The symmetry of a scenario's CPUs, or undefined when no two are
 * interchangeable (or too many renamings would be needed per state).
 */
export function slubSymmetry(L: SlubLayout, sc: ScenarioDef, irqCpus: readonly boolean[], tidStep: number, msgs: Messages): Symmetry | undefined {
  const contexts = L.d.contexts;
  if (contexts.some((c) => cpuOf(c) < 0)) return undefined;
  if (mayRunOp(sc, 'kmem_cache_destroy')) return undefined;
  const C = sc.cpus.length;
  const kindOf = (name: string) => name.slice(name.indexOf('/') + 1);
  // A CPU's signature: everything of the scenario that could tell it apart.
  const sig = (c: number) =>
    JSON.stringify({
      node: sc.cpus[c]!.node,
      irq: irqCpus[c],
      contexts: sc.contexts
        .filter((x) => cpuOf(x.name) === c)
        .map((x) => ({ kind: kindOf(x.name), ops: x.ops ?? [], choices: x.choices ?? [], budget: x.budget ?? 0 }))
        .sort((a, b) => (a.kind < b.kind ? -1 : 1)),
    });
  const byClass = new Map<string, number[]>();
  for (let c = 0; c < C; c++) byClass.set(sig(c), [...(byClass.get(sig(c)) ?? []), c]);
  const classes = [...byClass.values()].filter((cl) => cl.length > 1);
  if (classes.length === 0) return undefined;
  let renamings = 1;
  for (const cl of classes) for (let i = 2; i <= cl.length; i++) renamings *= i;
  if (renamings > MAX_RENAMINGS) return undefined;

  // Every CPU renaming: the product of the classes' permutations.
  let maps: number[][] = [Array.from({ length: C }, (_v, c) => c)];
  for (const cl of classes) {
    maps = maps.flatMap((m) =>
      permutations(cl).map((p) => {
        const out = [...m];
        cl.forEach((c, i) => (out[c] = p[i]!));
        return out;
      }),
    );
  }
  const ctxIndex = new Map(contexts.map((c, i) => [c, i]));
  const ctxMapOf = (pi: readonly number[]) => contexts.map((c) => ctxIndex.get(`cpu${pi[cpuOf(c)]}/${kindOf(c)}`)!);
  const ownerMapOf = (pi: readonly number[], sigma: readonly number[]) =>
    L.ownerNames.map((o, i) => {
      if (/^cpu\d+$/.test(o)) return L.ownerIndex.get(`cpu${pi[Number(o.slice(3))]}`)!;
      if (o.startsWith('priv:')) return L.ownerIndex.get(`priv:${contexts[sigma[ctxIndex.get(o.slice(5))!]!]}`)!;
      return i;
    });
  const renames = maps.slice(1).map((pi) => {
    const sigma = ctxMapOf(pi);
    return { pi, sigma, owner: ownerMapOf(pi, sigma) };
  });

  const shared = sc.sharedObjects === true;
  const cpuSlab = L.d.cpuSlab;
  // Locals that hold a tid, by function id.
  const tidLocals = L.fnById.map((fl) => [...fl.locals.values()].filter((lf) => declOf(lf.decl).tid === true).map((lf) => lf.f!));
  const tidTo = (v: number, from: number, to: number) => v - (from % tidStep) + (to % tidStep);

  /**
   * A renaming compiled into moves of raw field bits: plain moves, moves
   * through a table of values (context numbers, owner tags), moves that add
   * a constant (tids), whole-word moves (frame locals) and, per function,
   * tid locals to shift in each moved frame.
   */
  interface Program {
    readonly pi: readonly number[];
    /** Per move: src word, src shift, mask, dst word, dst shift, table index (-1: none), delta. */
    readonly moves: Int32Array;
    readonly tables: readonly Int32Array[];
    /** Pairs: src word, dst word. */
    readonly words: Int32Array;
    /** Moved frames: src base, dst base, fn field of the source frame, tid delta. */
    readonly frames: { readonly srcBase: number; readonly dstBase: number; readonly fn: Field; readonly delta: number }[];
  }
  const compile = (pi: readonly number[], sigma: readonly number[], owner: readonly number[]): Program => {
    const moves: number[] = [];
    const tables: Int32Array[] = [];
    const words: number[] = [];
    const frames: Program['frames'] = [];
    const move = (a: Field, b: Field, table?: (v: number) => number, delta = 0) => {
      let t = -1;
      if (table) {
        const raw = new Int32Array(a.mask + 1);
        for (let r = 0; r <= a.mask; r++) {
          const v = r + a.min;
          raw[r] = v >= a.min && v <= a.max ? table(v) - b.min : r;
        }
        t = tables.push(raw) - 1;
      }
      moves.push(a.word, a.shift, a.mask, b.word, b.shift, t, delta);
    };
    for (let c = 0; c < C; c++) {
      const from = L.cpu[c]!;
      const to = L.cpu[pi[c]!]!;
      move(from.freelist, to.freelist);
      move(from.slab, to.slab);
      move(from.partial, to.partial);
      move(from.tid, to.tid, undefined, cpuSlab ? tidTo(0, c, pi[c]!) : 0);
      move(from.pcs_lock, to.pcs_lock, (v) => (v < 0 ? v : sigma[v]!));
      move(from.cpu_slab_lock, to.cpu_slab_lock, (v) => (v < 0 ? v : sigma[v]!));
      for (const k of ['main', 'spare', 'rcu_free'] as const) {
        move(from[k].len, to[k].len);
        from[k].items.forEach((f, i) => move(f, to[k].items[i]!));
        if (from[k].present) move(from[k].present!, to[k].present!);
      }
      move(from.cbCount, to.cbCount);
      from.cbs.forEach((cb, i) => {
        const t = to.cbs[i]!;
        for (const k of ['id', 'fn', 'ready', 'running'] as const) move(cb[k], t[k]);
        move(cb.objs.len, t.objs.len);
        cb.objs.items.forEach((f, j) => move(f, t.objs.items[j]!));
      });
      move(from.workCount, to.workCount);
      from.works.forEach((wk, i) => {
        for (const k of ['id', 'fn', 'running'] as const) move(wk[k], to.works[i]![k]);
      });
      move(from.quarantine.len, to.quarantine.len);
      from.quarantine.items.forEach((f, i) => move(f, to.quarantine.items[i]!));
      move(from.deferred.len, to.deferred.len);
      from.deferred.items.forEach((f, i) => move(f, to.deferred.items[i]!));
      move(L.cache.purged[c]!, L.cache.purged[pi[c]!]!);
    }
    for (let x = 0; x < contexts.length; x++) {
      const y = sigma[x]!;
      if (y === x) continue;
      const from = L.ctx[x]!;
      const to = L.ctx[y]!;
      move(from.depth, to.depth);
      from.frames.forEach((ff, i) => {
        const tf = to.frames[i]!;
        move(ff.fn, tf.fn);
        move(ff.pc, tf.pc);
        for (let k = 0; k < L.area; k++) words.push(ff.base + k, tf.base + k);
        if (cpuSlab) frames.push({ srcBase: ff.base, dstBase: tf.base, fn: ff.fn, delta: tidTo(0, cpuOf(contexts[x]!), cpuOf(contexts[y]!)) });
      });
      move(from.opIndex, to.opIndex);
      move(from.budget, to.budget);
      if (!shared) from.owns.forEach((f, o) => move(f, to.owns[o]!));
      move(from.irqoff, to.irqoff);
      move(from.preempt, to.preempt);
      move(from.sheaf.len, to.sheaf.len);
      from.sheaf.items.forEach((f, i) => move(f, to.sheaf.items[i]!));
      move(from.sheaf.present!, to.sheaf.present!);
    }
    for (const n of L.node) {
      move(n.list_lock, n.list_lock, (v) => (v < 0 ? v : sigma[v]!));
      move(n.barnLock, n.barnLock, (v) => (v < 0 ? v : sigma[v]!));
    }
    for (const sl of L.slab) move(sl.owner, sl.owner, (v) => owner[v]!);
    return { pi, moves: Int32Array.from(moves), tables, words: Int32Array.from(words), frames };
  };
  const programs = renames.map((r) => compile(r.pi, r.sigma, r.owner));

  /**
   * A program regrouped by destination word, so that canonicalize() can
   * make a renaming one word at a time, in index order, and stop at the
   * first word where it is larger than the smallest renaming so far (most
   * renamings lose within a few words). Per word: how it starts (W_SAME: the
   * word of `w` itself; W_COPY: a whole frame word moved from `src`, its tid
   * locals shifted; W_GHOST: a ghost message) and the field moves into it,
   * in the order of the program.
   */
  const W_SAME = 0, W_COPY = 1, W_GHOST = 2;
  interface ByWord {
    readonly p: Program;
    readonly kind: Uint8Array;
    readonly src: Int32Array;
    /** W_COPY: the moved frame (index into p.frames) and the word's offset in its locals area. */
    readonly frame: Int32Array;
    readonly offset: Int32Array;
    /** Field moves into word d: moves[7 * i ...] for i in first[d] .. first[d + 1] - 1. */
    readonly first: Int32Array;
    readonly moves: Int32Array;
  }
  const W = L.width;
  const ghostWords = new Set(GHOST_KEYS.map((k) => L.ghost[k].word));
  const byWord = (p: Program): ByWord => {
    const kind = new Uint8Array(W);
    const src = new Int32Array(W);
    const frame = new Int32Array(W).fill(-1);
    const offset = new Int32Array(W);
    const per: number[][] = Array.from({ length: W }, () => []);
    for (let i = 0; i < p.moves.length; i += 7) per[p.moves[i + 3]!]!.push(i);
    for (let i = 0; i < p.words.length; i += 2) {
      const d = p.words[i + 1]!;
      kind[d] = W_COPY;
      src[d] = p.words[i]!;
    }
    p.frames.forEach((f, fi) => {
      for (let k = 0; k < L.area; k++) {
        frame[f.dstBase + k] = fi;
        offset[f.dstBase + k] = k;
      }
    });
    for (const g of ghostWords) kind[g] = W_GHOST;
    const first = new Int32Array(W + 1);
    const moves: number[] = [];
    for (let d = 0; d < W; d++) {
      first[d] = moves.length / 7;
      if (per[d]!.length > 0 && kind[d] !== W_SAME) throw new ModelError(L.modelId, 'symmetry: a field move into a whole-word move');
      for (const i of per[d]!) for (let j = 0; j < 7; j++) moves.push(p.moves[i + j]!);
    }
    first[W] = moves.length / 7;
    return { p, kind, src, frame, offset, first, moves: Int32Array.from(moves) };
  };
  const grouped = programs.map(byWord);
  // Tid locals by function id and word offset in the locals area (a moved frame shifts those of its function).
  const tidAt = tidLocals.map((lfs) => Array.from({ length: L.area }, (_v, k) => lfs.filter((lf) => lf.word === k)));

  /** Word `d` of the renaming of `w` by `g`: its word of `w` (or the frame word it moves), with the fields moved into it. */
  const renamedWord = (w: Uint32Array, g: ByWord, d: number): number => {
    const kind = g.kind[d]!;
    if (kind === W_GHOST) {
      const h = w[d]!;
      return h === 0 ? 0 : msgs.id(msgs.get(h).replace(/\bcpu(\d+)/g, (_m, n: string) => `cpu${g.p.pi[Number(n)] ?? n}`));
    }
    let out = kind === W_COPY ? w[g.src[d]!]! : w[d]!;
    const fi = g.frame[d]!;
    if (kind === W_COPY && fi >= 0) {
      const f = g.p.frames[fi]!;
      const fn = get(w, f.fn);
      if (fn >= 0 && f.delta !== 0) {
        for (const lf of tidAt[fn]![g.offset[d]!]!) {
          const raw = (w[lf.word + f.srcBase]! >>> lf.shift) & lf.mask;
          if (raw + lf.min < 0) continue; // not read yet
          const v = raw + f.delta;
          out = ((out & ~(lf.mask << lf.shift)) | ((v & lf.mask) << lf.shift)) >>> 0;
        }
      }
    }
    const m = g.moves;
    for (let i = 7 * g.first[d]!, end = 7 * g.first[d + 1]!; i < end; i += 7) {
      const mask = m[i + 2]!;
      let raw = (w[m[i]!]! >>> m[i + 1]!) & mask;
      const t = m[i + 5]!;
      if (t >= 0) raw = g.p.tables[t]![raw]!;
      raw += m[i + 6]!;
      if (raw < 0 || raw > mask) throw new ModelError(L.modelId, 'symmetry: a renamed value does not fit its field');
      const ds = m[i + 4]!;
      out = ((out & ~(mask << ds)) | (raw << ds)) >>> 0;
    }
    return out >>> 0;
  };

  const tmp = new Uint32Array(W);
  const best = new Uint32Array(W);
  return {
    classes,
    renamings,
    canonicalize: (w) => {
      // The smallest renaming, word by word (the identity included): each renaming is made word by
      // word and dropped at its first word larger than the best so far; one that is smaller there is
      // finished and becomes the best.
      best.set(w);
      let changed = false;
      for (const g of grouped) {
        let d = 0;
        let less = false;
        for (; d < W; d++) {
          const v = renamedWord(w, g, d);
          const b = best[d]!;
          if (v !== b) {
            less = v < b;
            tmp[d] = v;
            break;
          }
          tmp[d] = v;
        }
        if (!less) continue;
        for (d++; d < W; d++) tmp[d] = renamedWord(w, g, d);
        best.set(tmp);
        changed = true;
      }
      if (changed) w.set(best);
    },
  };
}

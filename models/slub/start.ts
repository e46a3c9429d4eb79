// The scenario loader: from a scenario (data) and a version, the sizes of
// the state layout, the start layouts (the scenario's own, or every layout
// the checker chooses), the initial states written into packed words, the
// one-line description of a chosen start, and the verdict the scenario
// expects.
//
// What this abstracts and why: a start is a kernel state a real cache can be
// in (every object in exactly one place, slabs only on lists the version has,
// counters that agree); it is checked here, once, so that no step needs to
// guard against an impossible start, and every bad scenario is one line.
import { UsageError } from '../../src/engine/errors.ts';
import type { Expected } from '../../src/engine/model.ts';
import type { CacheParams } from './kernel.ts';
import { mayRunOp, type ScenarioDef, type SlabInit } from './scenarios.ts';
import type { VersionDef } from './versions.ts';
import { chain, cpuOf, nodePtr, slabPtr, structPtr, type Bounds, type Dims, type Obj, type SlubState } from './state.ts';
import type { SlubConfig } from './model.ts';

export function impossible(msg: string): never {
  throw new UsageError(`impossible configuration: ${msg}`);
}

/** The sizes of the state layout for a scenario: its pool, CPUs and contexts, and bounds on queues and counters that its workload cannot exceed. */
export function dimsOf(sc: ScenarioDef, v: VersionDef, p: CacheParams, kasan: boolean): Dims {
  const contexts = sc.contexts.map((c) => c.name);
  const ops = sc.contexts.map((c) => c.ops ?? []);
  const budget = Math.max(0, ...sc.contexts.map((c) => c.budget ?? 0));
  const totalOps = ops.reduce((n, o) => n + o.length, 0) + sc.contexts.reduce((n, c) => n + (c.budget ?? 0), 0);
  const C = sc.cpus.length;
  const tidStep = 2 ** Math.ceil(Math.log2(Math.max(1, C)));
  const usesRcu = mayRunOp(sc, 'kfree_rcu') || mayRunOp(sc, 'kmem_cache_destroy');
  const bounds: Bounds = {
    depth: 8,
    // Each CPU has at most one rcu_free sheaf and one kfree_rcu batch in flight per operation.
    rcuQueue: Math.max(2, Math.min(totalOps + 1, 6)),
    workQueue: 4,
    barnFull: Math.max(2, Math.min(sc.cache.barn_max, sc.pool * sc.cache.objects)),
    // tids grow by TID_STEP per fast-path transaction, at most a few per operation; ids of callbacks and work items by one.
    counter: Math.max(64, (totalOps + 2) * 6 * tidStep + C),
  };
  return {
    P: sc.pool,
    O: p.objects,
    N: sc.nodes.length,
    C,
    contexts,
    ops,
    budget,
    CAP: p.sheaf_capacity,
    cpuSlab: v.features.cpuSlab,
    cpuPartial: v.features.cpuPartial,
    deferred: p.sheaf_capacity > 0 || usesRcu,
    pageFailures: sc.pageAllocFailures ?? 0,
    sheafFailures: sc.sheafAllocFailures ?? 0,
    kasan,
    nolock: mayRunOp(sc, 'kfree_nolock'),
    prefill: mayRunOp(sc, 'kmem_cache_prefill_sheaf'),
    bounds,
  };
}

/**
 * Every start layout of a scenario whose start is chosen: up to
 * `chosen.slabs` slabs (slabs 0..k-1 in use, the rest of the pool free
 * pages), each on a node with memory, in one of the places the version has,
 * with the objects its place allows allocated (to the chosen owner): on no
 * list, full; on a node or CPU partial list, at least one object free. The
 * freelist holds the free objects in index order.
 */
/** Most start layouts a chosen start may have (each is an initial state, kept in memory). */
export const MAX_CHOSEN_LAYOUTS = 100_000;

export function chosenLayouts(sc: ScenarioDef, v: VersionDef): SlabInit[][] {
  const ch = sc.chosen!;
  if (sc.slabs.length > 0) impossible(`scenario ${sc.name} gives both explicit slabs and a chosen start`);
  if (ch.slabs > sc.pool) impossible(`scenario ${sc.name} chooses up to ${ch.slabs} slabs from a pool of ${sc.pool}`);
  const owner = ch.owner ?? sc.contexts[0]!.name;
  const places = (ch.places ?? ['node_partial', 'none', 'cpu_partial']).filter((pl) => pl !== 'cpu_partial' || v.features.cpuPartial);
  const O = sc.cache.objects;
  const subsets = Array.from({ length: 1 << O }, (_x, m) => Array.from({ length: O }, (_y, i) => i).filter((i) => m & (1 << i)));
  const one: SlabInit[] = [];
  sc.nodes.forEach((n, node) => {
    if (!n.memory) return;
    for (const pl of places) {
      const wheres: SlabInit['place'][] = pl === 'cpu_partial' ? sc.cpus.map((_c, cpu) => ({ on: 'cpu_partial', cpu })) : [{ on: pl }];
      for (const place of wheres) {
        for (const free of subsets) {
          if ((pl === 'none') !== (free.length === 0)) continue;
          const used = Array.from({ length: O }, (_y, i) => i).filter((i) => !free.includes(i));
          one.push({ node, place, free, ...(used.length ? { owners: { [owner]: used } } : {}) });
        }
      }
    }
  });
  // Each layout is an initial state: refuse a bound that would make more than the search could start from.
  let count = 1;
  for (let k = 1, pow = 1; k <= ch.slabs; k++) count += pow *= one.length;
  if (count > MAX_CHOSEN_LAYOUTS) {
    impossible(`scenario ${sc.name} chooses among ${count > 1e12 ? 'more than 10^12' : count} start layouts (${one.length} per slab, up to ${ch.slabs} slabs), more than ${MAX_CHOSEN_LAYOUTS}: lower chosen.slabs, the objects per slab or chosen.places`);
  }
  let layouts: SlabInit[][] = [[]];
  const out: SlabInit[][] = [[]];
  for (let k = 1; k <= ch.slabs; k++) {
    layouts = layouts.flatMap((l) => one.map((s) => [...l, s]));
    for (const l of layouts) out.push(l);
  }
  return out;
}

/** A start layout in one line: each slab in use, where it is, its free objects and who holds the others. */
export function describeStart(s: SlubState, O: number, shared: boolean): string {
  const out: string[] = [];
  s.slabs.forEach((sl, k) => {
    if (!sl.live) return;
    const where = sl.partial ? `on node${sl.node}'s partial list` : sl.owner.startsWith('cpu') ? `on ${sl.owner}'s partial list` : sl.frozen ? 'a cpu slab' : 'full, on no list';
    const free = chain(s, sl.freelist, O + 1);
    const held = s.L.d.contexts.map((c) => [c, s.ctx[c]!.owns.toArray().filter((o) => Math.floor(o / O) === k)] as const).filter(([, objs]) => objs.length > 0);
    out.push(`S${k} ${where}${free.length ? `, free [${free.join(',')}]` : ''}${held.map(([c, objs]) => `, ${shared ? 'allocated' : `${c} holds`} [${objs.join(',')}]`).join('')}`);
  });
  return out.length ? out.join('; ') : 'no slab (an empty cache)';
}

/** The scenario's expectation for this version (and switch), when it declares one; patched versions are not compared. */
export function expectationOf(sc: ScenarioDef, id: string, config: SlubConfig): { expected?: Expected } {
  const e = sc.expect?.[`${id}${config.kasan ? ' --kasan' : ''}`];
  if (e === undefined || config.patches.length > 0) return {};
  const by = `scenario ${sc.name} on ${id}${config.kasan ? ' --kasan' : ''}`;
  return { expected: typeof e === 'string' ? { result: e, by } : { result: 'violation', property: e.violation, by } };
}

/** The initial state a scenario describes, written into `s` (a view of zeroed words); checks that every object has exactly one place. */
export function initialState(sc: ScenarioDef, v: VersionDef, p: CacheParams, s: SlubState): void {
  if (sc.slabs.length > sc.pool) impossible(`scenario ${sc.name} places ${sc.slabs.length} slabs in a pool of ${sc.pool}`);
  const nObj = sc.pool * p.objects;
  const placed = new Array<string | undefined>(nObj).fill(undefined);
  const place = (o: Obj, where: string) => {
    if (o < 0 || o >= nObj) impossible(`object ${o} is outside the scenario's ${nObj} objects`);
    if (placed[o]) impossible(`object ${o} is both in ${placed[o]} and ${where}`);
    placed[o] = where;
  };
  // Every field whose zero word is not its zero value is set explicitly.
  s.cpus.forEach((c, i) => {
    c.freelist = null;
    c.slab = null;
    c.partial = null;
    c.tid = s.L.d.cpuSlab ? i : 0; // init_tid(cpu): the tid starts at the CPU number
    c.pcs_lock = null;
    c.cpu_slab_lock = null;
    c.spare.setNull();
    c.rcu_free.setNull();
  });
  s.nodes.forEach((n, i) => {
    n.list_lock = null;
    n.barn_lock = null;
    n.head.next = nodePtr(i);
    n.head.prev = nodePtr(i);
    n.nr_partial = 0;
    n.nr_slabs = 0;
  });
  for (const c of s.ctxList) {
    c.irqoff = 0;
    c.preempt = 0;
  }
  s.cache.pageFailuresLeft = s.L.d.pageFailures;
  s.cache.sheafFailuresLeft = s.L.d.sheafFailures;
  const chainOf = (objs: readonly Obj[]): Obj | null => {
    objs.forEach((o, i) => s.setFp(o, objs[i + 1] ?? null));
    return objs[0] ?? null;
  };
  for (let k = 0; k < sc.pool; k++) {
    const sl = s.slabs[k]!;
    sl.inuse = 0;
    sl.freelist = null;
    sl.owner = 'none';
    for (let i = 0; i < p.objects; i++) s.setFp(k * p.objects + i, null);
    const init = sc.slabs[k];
    if (!init) continue;
    if (!sc.nodes[init.node]?.memory) impossible(`slab ${k} is on node ${init.node}, which has no memory`);
    const g = (i: number) => {
      if (i < 0 || i >= p.objects) impossible(`slab ${k} names object index ${i}, but a slab has ${p.objects} objects`);
      return k * p.objects + i;
    };
    const free = init.free.map(g);
    free.forEach((o) => place(o, `S${k}'s freelist`));
    for (const [ctx, idx] of Object.entries(init.owners ?? {})) {
      if (!s.ctx[ctx]) impossible(`slab ${k} gives objects to ${ctx}, which is not a context of the scenario`);
      // With shared objects every client object is in the first context's set (any context may free it).
      const holder = sc.sharedObjects ? sc.contexts[0]!.name : ctx;
      for (const i of idx) {
        place(g(i), holder);
        s.ctx[holder]!.owns.add(g(i));
      }
    }
    for (const sh of init.inSheaf ?? []) {
      if (p.sheaf_capacity === 0) impossible(`slab ${k} puts objects in sheaves, but the cache has none in ${v.id}`);
      if (sh.objs.length > p.sheaf_capacity) impossible(`a sheaf of slab ${k} holds ${sh.objs.length} objects, more than sheaf_capacity ${p.sheaf_capacity}`);
      sh.objs.forEach((i) => place(g(i), sh.sheaf === 'barn' ? `node${sh.node}'s barn` : `cpu${sh.cpu} ${sh.sheaf}`));
      const objs = sh.objs.map(g);
      if (sh.sheaf === 'barn') {
        if (!s.nodes[sh.node]) impossible(`slab ${k} puts a sheaf in the barn of node ${sh.node}, which does not exist`);
        s.nodes[sh.node]!.barn.pushFull(objs);
      } else {
        const c = s.cpus[sh.cpu];
        if (!c) impossible(`slab ${k} puts objects in a sheaf of cpu${sh.cpu}, which does not exist`);
        const target = sh.sheaf === 'main' ? c.main : c.spare;
        const now = target.value ?? [];
        if (now.length + objs.length > p.sheaf_capacity) impossible(`cpu${sh.cpu}'s ${sh.sheaf} sheaf would hold more than sheaf_capacity ${p.sheaf_capacity} objects`);
        target.install([...now, ...objs]);
      }
    }
    let frozen = false;
    let owner = 'none';
    const pl = init.place;
    if (pl.on === 'cpu_slab') {
      if (!v.features.cpuSlab) impossible(`slab ${k} is a cpu slab, but ${v.id} has no cpu slabs`);
      const c = s.cpus[pl.cpu];
      if (!c) impossible(`slab ${k} is the cpu slab of cpu${pl.cpu}, which does not exist`);
      const cf = pl.cpuFree.map(g);
      cf.forEach((o) => place(o, `cpu${pl.cpu}'s freelist`));
      frozen = true;
      c.slab = k;
      c.freelist = chainOf(cf);
    }
    if (pl.on === 'cpu_partial') {
      if (!v.features.cpuPartial) impossible(`slab ${k} is on a CPU partial list, but ${v.id} has none`);
      if (!s.cpus[pl.cpu]) impossible(`slab ${k} is on the partial list of cpu${pl.cpu}, which does not exist`);
      owner = `cpu${pl.cpu}`;
    }
    if (pl.on === 'node_partial') {
      if (free.length === 0) impossible(`slab ${k} is on the node partial list but has no free object`);
      owner = `node${init.node}`;
    }
    sl.live = true;
    sl.node = init.node;
    sl.freelist = chainOf(free);
    sl.inuse = p.objects - free.length;
    sl.frozen = frozen;
    sl.partial = pl.on === 'node_partial';
    sl.owner = owner;
    s.nodes[init.node]!.nr_slabs++;
  }
  for (let o = 0; o < nObj; o++) {
    const k = Math.floor(o / p.objects);
    if (s.slabs[k]!.live && !placed[o]) impossible(`object ${o} of slab ${k} is neither free nor owned nor in a sheaf`);
  }
  // Link the node partial lists and the CPU partial chains through the link words, in slab order.
  s.nodes.forEach((n, i) => {
    const members = s.slabs.map((sl, k) => [sl, k] as const).filter(([sl]) => sl.live && sl.partial && sl.node === i).map(([, k]) => k);
    members.forEach((k, j) => {
      s.slabs[k]!.L0 = j + 1 < members.length ? slabPtr(members[j + 1]!) : nodePtr(i);
      s.slabs[k]!.L1 = j > 0 ? slabPtr(members[j - 1]!) : nodePtr(i);
    });
    if (members.length > 0) {
      n.head.next = slabPtr(members[0]!);
      n.head.prev = slabPtr(members[members.length - 1]!);
      n.nr_partial = members.length;
    }
  });
  s.cpus.forEach((c, ci) => {
    const members = s.slabs.map((sl, k) => [sl, k] as const).filter(([sl]) => sl.live && sl.owner === `cpu${ci}`).map(([, k]) => k);
    members.forEach((k, j) => {
      s.slabs[k]!.L0 = j + 1 < members.length ? structPtr(members[j + 1]!) : null;
      s.slabs[k]!.L1 = members.length - j;
    });
    if (members.length > 0) c.partial = members[0]!;
  });
  for (const c of sc.contexts) {
    const cpu = cpuOf(c.name);
    if (!/^cpu\d+\/(task|irq|softirq|worker|unbound)$/.test(c.name) || cpu >= sc.cpus.length) impossible(`bad context name ${c.name}`);
    for (const op of c.ops ?? []) {
      if ((op.op === 'kmem_cache_free' || op.op === 'kfree_rcu' || op.op === 'kfree_nolock' || op.op === 'kmem_cache_free_bulk' || op.op === 'free_any') && placed[op.obj] !== (sc.sharedObjects ? sc.contexts[0]!.name : c.name)) {
        impossible(`${c.name} frees object ${op.obj}, which it does not own`);
      }
      if (op.op === 'kmem_cache_free_bulk' && placed[op.obj2] !== (sc.sharedObjects ? sc.contexts[0]!.name : c.name)) impossible(`${c.name} frees object ${op.obj2}, which it does not own`);
      if (op.op === 'choose' && (c.choices ?? []).length === 0) impossible(`${c.name} has a 'choose' operation but no choices`);
    }
    s.ctx[c.name]!.budget = c.budget ?? 0;
  }
}


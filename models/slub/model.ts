// Builds a checkable Model from a version, its patches and a scenario.
//
// What this abstracts and why: the version (data) says which step variants
// make up each kernel function; the scenario (data) gives the initial layout
// and the workload; this file turns them into the engine's model API over
// packed states (state.ts): the state layout for the scenario's sizes, the
// initial state, the enabled actions of a state (one per context that may
// run, or one per operation an idle context may start, every choice an
// explicit field), the next state written in place (the step, plus any local
// steps fused after it), the trace view and the footprints.
import { ModelError, UsageError } from '../../src/engine/errors.ts';
import type { Action, Expected, Emit, Model, Plain, Property } from '../../src/engine/model.ts';
import { rootCall } from './steps/client.ts';
import { enterRoot, isInterrupt, mayRun, Runner, runLocals, startable, stepCode, stepName, stepOf, type CacheParams, type Env, type VersionFeatures } from './kernel.ts';
import { applyPatches } from './patches.ts';
import { findScenario, mayRunOp, type ScenarioDef, type SlabInit } from './scenarios.ts';
import { validateScenario } from './scenario-files.ts';
import { findVersion, type VersionDef } from './versions.ts';
import {
  chain,
  cpuChain,
  cpuOf,
  GHOST_KEYS,
  Messages,
  nodeList,
  nodePtr,
  slabPtr,
  structPtr,
  SlubLayout,
  SlubState,
  type Bounds,
  type Dims,
  type FnShape,
  type FrameView,
  type Obj,
  type Op,
} from './state.ts';
import { slubProperties } from '../../properties/slub.ts';
import { slubPicture } from './picture.ts';
import { slubSymmetry } from './symmetry.ts';

export interface SlubConfig {
  readonly version: string;
  /** A named scenario, or one given inline as data (property tests, user workloads). */
  readonly scenario: string | ScenarioDef;
  readonly patches: readonly string[];
  readonly kasan: boolean;
}

export interface SlubModelInfo {
  readonly kasan: boolean;
  readonly version: VersionDef;
  readonly scenario: ScenarioDef;
  readonly env: Env;
  /** Every context, the environment's `rcu/gp` included. */
  readonly contexts: readonly string[];
  readonly layout: SlubLayout;
  /** A fresh view of a packed state (for properties, tests and the trace view). */
  readonly at: (w: Uint32Array) => SlubState;
  /** Interchangeable CPUs, when the scenario has any (symmetry reduction). */
  readonly symmetry?: { readonly classes: readonly (readonly number[])[] };
}

export type SlubAction = Action & { readonly op?: Op['op']; readonly gfp?: string; readonly obj?: number; readonly cb?: number; readonly work?: number };

function impossible(msg: string): never {
  throw new UsageError(`impossible configuration: ${msg}`);
}

/** The sizes of the state layout for a scenario: its pool, CPUs and contexts, and bounds on queues and counters that its workload cannot exceed. */
function dimsOf(sc: ScenarioDef, v: VersionDef, p: CacheParams, kasan: boolean): Dims {
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
    kasan,
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
  let layouts: SlabInit[][] = [[]];
  const out: SlabInit[][] = [[]];
  for (let k = 1; k <= ch.slabs; k++) {
    layouts = layouts.flatMap((l) => one.map((s) => [...l, s]));
    out.push(...layouts);
  }
  return out;
}

/** A start layout in one line: each slab in use, where it is, its free objects and who holds the others. */
function describeStart(s: SlubState, O: number, shared: boolean): string {
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
function expectationOf(sc: ScenarioDef, id: string, config: SlubConfig): { expected?: Expected } {
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
    c.spare.setNull();
    c.rcu_free.setNull();
  });
  s.nodes.forEach((n, i) => {
    n.list_lock = null;
    n.head.next = nodePtr(i);
    n.head.prev = nodePtr(i);
    n.nr_partial = 0;
    n.nr_slabs = 0;
  });
  for (const c of s.ctxList) {
    c.irqoff = 0;
    c.preempt = 0;
  }
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
      if ((op.op === 'kmem_cache_free' || op.op === 'kfree_rcu' || op.op === 'free_any') && placed[op.obj] !== (sc.sharedObjects ? sc.contexts[0]!.name : c.name)) {
        impossible(`${c.name} frees object ${op.obj}, which it does not own`);
      }
      if (op.op === 'choose' && (c.choices ?? []).length === 0) impossible(`${c.name} has a 'choose' operation but no choices`);
    }
    s.ctx[c.name]!.budget = c.budget ?? 0;
  }
}

/** What a trace shows of a state: freelists as lists, lists by slab name, clients' objects. */
export function slubView(info: SlubModelInfo, s: SlubState): Plain {
  const out: Record<string, Plain> = {};
  const f = info.version.features;
  s.slabs.forEach((sl, k) => {
    if (!sl.live) return void (out[`S${k}`] = 'free page');
    out[`S${k}`] = {
      freelist: chain(s, sl.freelist, info.env.p.objects + 1),
      inuse: sl.inuse,
      ...(f.cpuSlab ? { frozen: sl.frozen } : {}),
      SL_partial: sl.partial,
      L0: sl.L0,
      L1: sl.L1,
      owner: sl.owner,
    };
  });
  s.nodes.forEach((n, i) => {
    if (!n.memory) return;
    out[`node${i}`] = {
      list_lock: n.list_lock ?? '-',
      partial: nodeList(s, i).map((k) => `S${k}`),
      nr_partial: n.nr_partial,
      nr_slabs: n.nr_slabs,
      ...(info.env.p.sheaf_capacity > 0 ? { barn: { full: n.barn.fullSheaves(), empty: n.barn.empty } } : {}),
    };
  });
  s.cpus.forEach((c, i) => {
    const v: Record<string, Plain> = {};
    if (f.cpuSlab) {
      v.freelist = chain(s, c.freelist, s.L.NOBJ);
      v.slab = c.slab === null ? null : `S${c.slab}`;
      v.tid = c.tid;
    }
    if (f.cpuPartial) v.partial = cpuChain(s, c.partial).map((k) => `S${k}`);
    if (info.env.p.sheaf_capacity > 0) {
      v.main = c.main.toArray();
      v.spare = c.spare.value;
      if (c.rcu_free.exists) v.rcu_free = c.rcu_free.toArray();
    }
    if (c.rcu_cbs.length > 0) v.rcu_cbs = c.rcu_cbs.toArray().map((cb) => `${cb.fn}(${cb.objs.toArray().join(',')})${cb.ready ? ' ready' : ''}`);
    if (c.work.length > 0) v.work = c.work.toArray().map((w) => w.fn);
    if (s.cache.kasan) v.quarantine = c.quarantine.toArray();
    out[`cpu${i}`] = v;
  });
  for (const name of s.L.d.contexts) out[name] = { owns: s.ctx[name]!.owns.toArray() };
  if (mayRunOp(info.scenario, 'kmem_cache_destroy')) {
    out.cache = {
      ...(s.cache.kasan ? { quarantine_purged: s.cpus.map((_c, i) => (s.cache.purged(i) ? `cpu${i}` : null)).filter((x) => x !== null) } : {}),
      destroyed: s.cache.destroyed,
    };
  }
  for (const k of GHOST_KEYS) {
    const g = s.ghost.get(k);
    if (g !== null) out[k] = g;
  }
  return out;
}

function fill(template: string, f: FrameView, cpu: number, s: SlubState): string {
  return template
    .replace('{cpu}', String(cpu))
    .replace('{cpunode}', String(s.cpus[cpu]?.node ?? '?'))
    .replace(/\{(\w+)\}/g, (_m, key: string) => {
      const v = (f.l as Record<string, unknown>)[key];
      return typeof v === 'number' ? String(v) : `<${key}>`;
    });
}

/** The function shapes of a version's table: what the frame layout must hold. */
function fnShapes(v: VersionDef): FnShape[] {
  return Object.entries(v.fns).map(([name, def]) => ({ name, pcs: Object.keys(def.steps), locals: def.locals ?? {} }));
}

export function buildSlubModel(config: SlubConfig): Model<Uint32Array, SlubAction> & { readonly info: SlubModelInfo } {
  const base = findVersion(config.version);
  if (!base) throw new UsageError(`unknown version '${config.version}'`);
  const sc = typeof config.scenario === 'string' ? findScenario(config.scenario) : validateScenario(config.scenario, 'the inline scenario of the configuration');
  if (!sc) throw new UsageError(`unknown scenario '${String(config.scenario)}': try 'slubcheck list'${/[/\\]|\.[mc]?[jt]s$/.test(String(config.scenario)) ? ' (a scenario file goes with --scenario-file)' : ''}`);
  if (sc.versions && !sc.versions.includes(base.id)) {
    throw new UsageError(`impossible configuration: scenario ${sc.name} is for ${sc.versions.join(', ')}, not ${base.id}`);
  }
  const v = applyPatches(base, config.patches);
  // Version switches, with a record of which ones the model reads (a patch that flips one changes the
  // code that reads it): at build time (cache parameters) and in steps.
  const featuresRead = new Set<string>();
  const features = {} as VersionFeatures;
  for (const [k, value] of Object.entries({ ...v.features, tidInCmpxchg: v.features.tidInCmpxchg && !sc.brokenNoTid })) {
    // An accessor, not a Proxy: steps read these on every step.
    let seen = false;
    Object.defineProperty(features, k, {
      enumerable: true,
      get: () => {
        if (!seen) {
          seen = true;
          featuresRead.add(k);
        }
        return value;
      },
    });
  }
  const p: CacheParams = {
    ...sc.cache,
    // 7.0 has no CPU partial lists; v6.19 caches have sheaves only when they opt in.
    cpu_partial_slabs: features.cpuPartial ? sc.cache.cpu_partial_slabs : 0,
    sheaf_capacity: features.sheaves === 'all' || sc.sheavesOptIn ? sc.cache.sheaf_capacity : 0,
  };
  const id = base.id;
  const L = new SlubLayout(id, dimsOf(sc, v, p, config.kasan), fnShapes(v));
  const msgs = new Messages();
  const clients = sc.contexts.map((c) => c.name);
  // The environment: grace periods end whenever RCU callbacks are waiting (a context on no CPU).
  const contexts = [...clients, ...(sc.contexts.some((c) => c.name.endsWith('/softirq')) ? ['rcu/gp'] : [])];
  const irqCpus = sc.cpus.map((_c, i) => contexts.some((c) => cpuOf(c) === i && isInterrupt(c)));
  const tidStep = 2 ** Math.ceil(Math.log2(Math.max(1, sc.cpus.length)));
  const pool = sc.sharedObjects ? (_ctx: string) => clients[0]! : (ctx: string) => ctx;
  const env: Env = { p, fns: v.fns, v: features, irqCpus, tidStep, scenario: sc.name, pageAllocCanFail: sc.pageAllocCanFail === true, L, msgs, contexts: clients, pool };
  const memory = sc.nodes.map((n) => n.memory);
  const cpuNodes = sc.cpus.map((c) => c.node);
  const newView = () => new SlubState(L, memory, cpuNodes, config.kasan, msgs);
  // The gfp choices offered are those that change the path: only alloc_from_pcs() reads them (may
  // the refill block?), so a cache without sheaves allocates with GFP_KERNEL alone.
  const gfps = p.sheaf_capacity > 0 ? v.gfps : v.gfps.slice(0, 1);
  const choices: Record<string, readonly Op['op'][]> = Object.fromEntries(sc.contexts.map((c) => [c.name, c.choices ?? []]));
  // Interchangeable CPUs (symmetry.ts): the engine keeps one state per renaming class.
  const symmetry = slubSymmetry(L, sc, irqCpus, tidStep, msgs);
  const info: SlubModelInfo = { kasan: config.kasan, version: v, scenario: sc, env, contexts, layout: L, at: (w) => newView().on(w), ...(symmetry ? { symmetry: { classes: symmetry.classes } } : {}) };
  // One initial state per start layout: the scenario's own, or every layout the checker chooses.
  const inits = (sc.chosen ? chosenLayouts(sc, v) : [sc.slabs]).map((slabs) => {
    const w = new Uint32Array(L.width);
    initialState({ ...sc, slabs }, v, p, newView().on(w));
    return w;
  });


  // The interpreter's view and step context, reused for every state (never held across calls).
  const d = newView();
  const x = new Runner(env);
  x.d = d;
  const scratch = new Uint32Array(L.width);
  // Which steps (and version switches) the transitions taken so far executed: `slubcheck verify`
  // requires every step a patch changes to be reached. Instrumentation only: no step reads it.
  // Counted by step code (kernel.ts stepCode) and named only when asked.
  const coverage = new Map<number, number>();
  const trail: number[] = [];
  const flushTrail = () => {
    for (const code of trail) coverage.set(code, (coverage.get(code) ?? 0) + 1);
    trail.length = 0;
  };
  const noEmit: Emit = () => {};

  /** Starts an operation in the state `d` looks at: bookkeeping, the root frame at its function's entry, and the private dispatch steps up to the first shared one. */
  const startOp = (ctx: string, op: Op, names: number[] | undefined): string => {
    const cpu = cpuOf(ctx);
    const c = d.ctx[ctx]!;
    const root = rootCall(d, cpu, op);
    if (op.op === 'rcu_callback') {
      // The callback now holds its objects (the root frame takes them).
      const cb = d.cpus[cpu]!.rcu_cbs.find(op.cb)!;
      cb.running = true;
      cb.objs.clear();
    } else if (op.op === 'work') d.cpus[cpu]!.work.find(op.work)!.running = true;
    else if (c.opsLeft > 0) c.opIndex++;
    else c.budget--;
    if (op.op === 'kmem_cache_free' || op.op === 'kfree_rcu') d.ctx[pool(ctx)]!.owns.delete(op.obj);
    x.ctx = ctx;
    x.cpu = cpu;
    enterRoot(x, root.fn, root.args);
    const entry = `${root.fn}/${x.f.pc}`;
    runLocals(x, names);
    return entry;
  };
  const opOf = (a: SlubAction): Op => {
    const { context: _c, step: _s, ...op } = a;
    return op as unknown as Op;
  };

  const actions = (s: Uint32Array): SlubAction[] => {
    const out: SlubAction[] = [];
    d.on(s);
    for (const ctx of contexts) {
      if (ctx === 'rcu/gp') {
        if (d.cpus.some((c) => c.rcu_cbs.toArray().some((cb) => !cb.ready))) out.push({ context: ctx, step: 'rcu/grace_period' });
        continue;
      }
      if (!mayRun(d, ctx, clients)) continue;
      if (x.at(ctx)) {
        const st = stepOf(env, x.f);
        if (!st.guard || st.guard(x)) out.push({ context: ctx, step: stepName(L, stepCode(x.f)) });
        continue;
      }
      for (const op of startable(d, ctx, clients, choices[ctx]!, gfps, pool(ctx))) {
        scratch.set(s);
        d.on(scratch);
        const entry = startOp(ctx, op, undefined);
        // An operation that is private from start to end (e.g. a flush with nothing to flush) is one step.
        const running = x.at(ctx);
        const st = running ? stepOf(env, x.f) : undefined;
        const enabled = !st?.guard || st.guard(x);
        const step = running ? stepName(L, stepCode(x.f)) : entry;
        d.on(s);
        if (enabled) out.push({ context: ctx, step, ...op });
      }
    }
    return out;
  };

  const nextInto = (_s: Uint32Array, a: SlubAction, out: Uint32Array, emit: Emit): void => {
    d.on(out);
    x.emit = emit;
    if (a.context === 'rcu/gp') {
      // kernel/rcu: a grace period ends; every callback queued so far may now run.
      for (const c of d.cpus) for (const cb of c.rcu_cbs.toArray()) cb.ready = true;
      return;
    }
    if (a.op !== undefined) {
      const entry = startOp(a.context, opOf(a), trail);
      if (!x.at(a.context) && entry === a.step) {
        flushTrail();
        x.emit = noEmit;
        return;
      }
    }
    if (!x.at(a.context)) throw new ModelError(id, `action ${a.context} ${a.step} on an idle context`);
    const code = stepCode(x.f);
    if (stepName(L, code) !== a.step) throw new ModelError(id, `action ${a.context} ${a.step} does not match its context's next step ${stepName(L, code)}`);
    trail.push(code);
    stepOf(env, x.f).run(x);
    runLocals(x, trail);
    flushTrail();
    x.emit = noEmit;
  };

  const wrap = (p: Property<SlubState>): Property<Uint32Array> => {
    const view = newView();
    return {
      name: p.name,
      kind: p.kind,
      description: p.description,
      event: p.event,
      check: (w) => p.check(view.on(w)),
      ...(p.explain ? { explain: (w: Uint32Array) => p.explain!(view.on(w)) } : {}),
    };
  };
  const traceView = newView();
  const waitView = newView();
  const footView = newView();

  return {
    id,
    config: { version: id, scenario: typeof config.scenario === 'string' ? sc.name : (sc as unknown as Plain), patches: [...config.patches], kasan: config.kasan },
    contexts,
    initStates: () => inits,
    ...expectationOf(sc, id, config),
    ...(inits.length > 1 ? { describeStart: (w: Uint32Array) => describeStart(traceView.on(w), info.env.p.objects, sc.sharedObjects === true) } : {}),
    actions,
    next: (s, a) => {
      const out = s.slice();
      nextInto(s, a, out, noEmit);
      return out;
    },
    packed: { width: L.width, nextInto, ...(symmetry ? { canonicalize: symmetry.canonicalize } : {}) },
    properties: [...slubProperties(info), ...(v.extraProperties ?? [])].map(wrap),
    // Quiescence: every context idle with nothing scripted left, no RCU callback and no work item pending.
    terminal: (w) => {
      d.on(w);
      return d.ctxList.every((c) => c.stack.length === 0 && c.opsLeft === 0) && d.cpus.every((c) => c.rcu_cbs.length === 0 && c.work.length === 0);
    },
    view: (w) => slubView(info, traceView.on(w)),
    picture: slubPicture,
    describeWaits: (w) => describeWaits(waitView.on(w), contexts, env),
    coverage: () => {
      const out = new Map<string, number>();
      for (const [code, n] of coverage) out.set(stepName(L, code), n);
      for (const f of featuresRead) out.set(`feature:${f}`, 1);
      return out;
    },
    footprint: (w, a) => {
      const s = footView.on(w);
      let f = s.ctx[a.context]?.stack.top();
      if (!f && a.op !== undefined) {
        scratch.set(w);
        d.on(scratch);
        startOp(a.context, opOf(a), undefined);
        f = d.ctx[a.context]!.stack.top();
        if (!f) return undefined;
        const st = stepOf(env, f);
        const cpu = cpuOf(a.context);
        return { reads: st.reads.map((r) => fill(r, f!, cpu, d)), writes: st.writes.map((r) => fill(r, f!, cpu, d)) };
      }
      if (!f) return undefined;
      const st = stepOf(env, f);
      const cpu = cpuOf(a.context);
      return { reads: st.reads.map((r) => fill(r, f!, cpu, s)), writes: st.writes.map((r) => fill(r, f!, cpu, s)) };
    },
    info,
  };
}

/** For a deadlock or livelock report: what each context that cannot go on waits for. */
export function describeWaits(s: SlubState, contexts: readonly string[], env: Env): string[] {
  const out: string[] = [];
  const locks = [
    ...s.nodes.map((n, i) => [`node${i}.list_lock`, n.list_lock] as const),
    ...s.cpus.map((c, i) => [`cpu${i}'s pcs lock`, c.pcs_lock] as const),
  ].filter(([, h]) => h !== null);
  const x = new Runner(env);
  x.d = s;
  for (const ctx of contexts) {
    const c = s.ctx[ctx];
    if (!c) continue;
    if (!x.at(ctx)) {
      const op = c.nextOp;
      if (op) out.push(`${ctx} has not started ${op.op}: it may start only when every other client has finished and freed its objects`);
      continue;
    }
    const where = `${x.f.fn}/${x.f.pc}`;
    if (!mayRun(s, ctx, env.contexts)) {
      const sib = contexts.filter((o) => o !== ctx && cpuOf(o) === cpuOf(ctx) && (s.ctx[o]?.stack.length ?? 0) > 0);
      out.push(`${ctx} cannot run in ${where}: ${sib.length ? `${sib.join(' and ')} on the same CPU ${sib.length > 1 ? 'run' : 'runs'} with preemption or irqs off, or interrupts it` : 'its CPU does not schedule it'}`);
      continue;
    }
    const st = stepOf(env, x.f);
    if (st.guard && !st.guard(x)) {
      const held = locks.filter(([, h]) => h !== ctx).map(([name, h]) => `${name} is held by ${h}`);
      const works = s.cpus.flatMap((cpu, i) => cpu.work.toArray().map((w) => `${w.fn} queued on cpu${i}${w.running ? ' (running)' : ''}`));
      const cbs = s.cpus.flatMap((cpu, i) => cpu.rcu_cbs.toArray().map((cb) => `${cb.fn} on cpu${i}${cb.ready ? ' (ready)' : ' (waiting for a grace period)'}`));
      const what = /lock|list/.test(st.reads.join(' ')) && held.length ? held : /work/.test(st.reads.join(' ')) && works.length ? works : /rcu_cbs/.test(st.reads.join(' ')) && cbs.length ? cbs : [...held, ...works, ...cbs];
      out.push(`${ctx} waits in ${where}${what.length ? `: ${what.join('; ')}` : ''}`);
    }
  }
  return out;
}

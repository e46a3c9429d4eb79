// Builds a checkable Model from a version, its patches and a scenario.
//
// What this abstracts and why: the version (data) says which step variants
// make up each kernel function; the scenario (data) gives the initial layout
// and the workload; this file turns them into the engine's model API: the
// initial state, the enabled actions of a state (one per context that may
// run, or one per operation an idle context may start, every choice an
// explicit field), the next state (one produce per action: the step, plus
// any local steps fused after it), the trace view and the footprints.
import { produce } from '../../src/engine/immer.ts';
import { ModelError, UsageError } from '../../src/engine/errors.ts';
import type { Action, Model, Plain } from '../../src/engine/model.ts';
import { begin } from './steps/client.ts';
import { isInterrupt, mayRun, runLocals, startable, stepOf, type CacheParams, type Env, type StepCtx, type VersionFeatures } from './kernel.ts';
import { applyPatches } from './patches.ts';
import { findScenario, type ScenarioDef } from './scenarios.ts';
import { findVersion, type VersionDef } from './versions.ts';
import type { D } from './mm.ts';
import { chain, cpuChain, cpuOf, nodeList, nodePtr, slabPtr, structPtr, type Cpu, type CtxState, type Frame, type NodeState, type Obj, type Op, type Slab, type SlubState } from './state.ts';
import { slubProperties } from '../../properties/slub.ts';

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
  readonly contexts: readonly string[];
}

export type SlubAction = Action & { readonly op?: Op['op']; readonly gfp?: string; readonly obj?: number };

/** An inline scenario from a configuration (a token, a property test): the shape is checked, the layout by initialState. */
function checkScenario(x: unknown): ScenarioDef {
  const sc = x as ScenarioDef;
  const ok =
    typeof sc === 'object' && sc !== null && typeof sc.name === 'string' && typeof sc.cache === 'object' && sc.cache !== null &&
    Array.isArray(sc.nodes) && Array.isArray(sc.cpus) && Array.isArray(sc.slabs) && Array.isArray(sc.contexts) && typeof sc.pool === 'number' &&
    ['objects', 'cpu_partial_slabs', 'min_partial', 'sheaf_capacity', 'barn_max'].every((k) => typeof (sc.cache as unknown as Record<string, unknown>)[k] === 'number');
  if (!ok) throw new UsageError('malformed inline scenario in the configuration');
  if (sc.cache.objects < 1 || sc.cpus.length < 1 || sc.nodes.length < 1) impossible('an inline scenario needs objects, a CPU and a node');
  return sc;
}

function impossible(msg: string): never {
  throw new UsageError(`impossible configuration: ${msg}`);
}

/** The initial state a scenario describes; checks that every object has exactly one place. */
export function initialState(sc: ScenarioDef, v: VersionDef, p: CacheParams, kasan = false): SlubState {
  if (sc.slabs.length > sc.pool) impossible(`scenario ${sc.name} places ${sc.slabs.length} slabs in a pool of ${sc.pool}`);
  const nObj = sc.pool * p.objects;
  const placed = new Array<string | undefined>(nObj).fill(undefined);
  const place = (o: Obj, where: string) => {
    if (o < 0 || o >= nObj) impossible(`object ${o} is outside the scenario's ${nObj} objects`);
    if (placed[o]) impossible(`object ${o} is both in ${placed[o]} and ${where}`);
    placed[o] = where;
  };
  const fp: (Obj | null)[] = new Array(nObj).fill(null);
  const cpus: Cpu[] = sc.cpus.map((c, i) => ({
    node: c.node,
    freelist: null,
    slab: null,
    partial: null,
    tid: i, // init_tid(cpu): the tid starts at the CPU number
    pcs_lock: null,
    main: [],
    spare: null,
    rcu_free: null,
    rcu_cbs: [],
    work: [],
    quarantine: [],
  }));
  const nodes: NodeState[] = sc.nodes.map((n, i) => ({
    memory: n.memory,
    list_lock: null,
    head: { next: nodePtr(i), prev: nodePtr(i) },
    nr_partial: 0,
    nr_slabs: 0,
    barn: { full: [], empty: 0 },
  }));
  const ctxNames = sc.contexts.map((c) => c.name);
  const owns: Record<string, Obj[]> = Object.fromEntries(ctxNames.map((c) => [c, []]));
  const slabs: Slab[] = [];
  const chainOf = (objs: readonly Obj[]): Obj | null => {
    objs.forEach((o, i) => (fp[o] = objs[i + 1] ?? null));
    return objs[0] ?? null;
  };
  for (let k = 0; k < sc.pool; k++) {
    const init = sc.slabs[k];
    if (!init) {
      slabs.push({ live: false, node: 0, freelist: null, inuse: 0, frozen: false, partial: false, L0: null, L1: null, owner: 'none' });
      continue;
    }
    if (!sc.nodes[init.node]?.memory) impossible(`slab ${k} is on node ${init.node}, which has no memory`);
    const g = (i: number) => k * p.objects + i;
    const free = init.free.map(g);
    free.forEach((o) => place(o, `S${k}'s freelist`));
    for (const [ctx, idx] of Object.entries(init.owners ?? {})) {
      if (!owns[ctx]) impossible(`slab ${k} gives objects to ${ctx}, which is not a context of the scenario`);
      for (const i of idx) {
        place(g(i), ctx);
        owns[ctx]!.push(g(i));
      }
    }
    for (const sh of init.inSheaf ?? []) {
      if (p.sheaf_capacity === 0) impossible(`slab ${k} puts objects in sheaves, but the cache has none in ${v.id}`);
      if (sh.objs.length > p.sheaf_capacity) impossible(`a sheaf of slab ${k} holds ${sh.objs.length} objects, more than sheaf_capacity ${p.sheaf_capacity}`);
      sh.objs.forEach((i) => place(g(i), sh.sheaf === 'barn' ? `node${sh.node}'s barn` : `cpu${sh.cpu} ${sh.sheaf}`));
      const objs = sh.objs.map(g);
      if (sh.sheaf === 'barn') {
        const n = nodes[sh.node]!;
        nodes[sh.node] = { ...n, barn: { ...n.barn, full: [...n.barn.full, objs] } };
      } else {
        const c = cpus[sh.cpu]!;
        if (sh.sheaf === 'main') cpus[sh.cpu] = { ...c, main: [...c.main, ...objs] };
        else cpus[sh.cpu] = { ...c, spare: [...(c.spare ?? []), ...objs] };
      }
    }
    let frozen = false;
    let owner = 'none';
    const pl = init.place;
    if (pl.on === 'cpu_slab') {
      if (!v.features.cpuSlab) impossible(`slab ${k} is a cpu slab, but ${v.id} has no cpu slabs`);
      const cf = pl.cpuFree.map(g);
      cf.forEach((o) => place(o, `cpu${pl.cpu}'s freelist`));
      frozen = true;
      cpus[pl.cpu] = { ...cpus[pl.cpu]!, slab: k, freelist: chainOf(cf) };
    }
    if (pl.on === 'cpu_partial') {
      if (!v.features.cpuPartial) impossible(`slab ${k} is on a CPU partial list, but ${v.id} has none`);
      owner = `cpu${pl.cpu}`;
    }
    const inuse = p.objects - free.length;
    if (pl.on === 'node_partial') {
      if (free.length === 0) impossible(`slab ${k} is on the node partial list but has no free object`);
      owner = `node${init.node}`;
    }
    slabs.push({ live: true, node: init.node, freelist: chainOf(free), inuse, frozen, partial: pl.on === 'node_partial', L0: null, L1: null, owner });
    nodes[init.node] = { ...nodes[init.node]!, nr_slabs: nodes[init.node]!.nr_slabs + 1 };
  }
  for (let o = 0; o < nObj; o++) {
    const k = Math.floor(o / p.objects);
    if (slabs[k]!.live && !placed[o]) impossible(`object ${o} of slab ${k} is neither free nor owned nor in a sheaf`);
  }
  // Link the node partial lists and the CPU partial chains through the link words, in slab order.
  const mslabs = slabs.map((s) => ({ ...s })) as { -readonly [K in keyof Slab]: Slab[K] }[];
  const mnodes = nodes.map((n) => ({ ...n, head: { ...n.head } }));
  mnodes.forEach((n, i) => {
    const members = mslabs.map((s, k) => [s, k] as const).filter(([s]) => s.partial && s.node === i).map(([, k]) => k);
    members.forEach((k, j) => {
      mslabs[k]!.L0 = j + 1 < members.length ? slabPtr(members[j + 1]!) : nodePtr(i);
      mslabs[k]!.L1 = j > 0 ? slabPtr(members[j - 1]!) : nodePtr(i);
    });
    if (members.length > 0) {
      n.head = { next: slabPtr(members[0]!), prev: slabPtr(members[members.length - 1]!) };
      n.nr_partial = members.length;
    }
  });
  const mcpus = cpus.map((c, ci) => {
    const members = mslabs.map((s, k) => [s, k] as const).filter(([s]) => s.owner === `cpu${ci}`).map(([, k]) => k);
    members.forEach((k, j) => {
      mslabs[k]!.L0 = j + 1 < members.length ? structPtr(members[j + 1]!) : null;
      mslabs[k]!.L1 = members.length - j;
    });
    return members.length > 0 ? { ...c, partial: members[0]! } : c;
  });
  const ctx: Record<string, CtxState> = {};
  for (const c of sc.contexts) {
    const cpu = cpuOf(c.name);
    if (!/^cpu\d+\/(task|irq|softirq|worker|unbound)$/.test(c.name) || cpu >= sc.cpus.length) impossible(`bad context name ${c.name}`);
    for (const op of c.ops ?? []) {
      if ((op.op === 'kmem_cache_free' || op.op === 'kfree_rcu' || op.op === 'free_any') && placed[op.obj] !== c.name) {
        impossible(`${c.name} frees object ${op.obj}, which it does not own`);
      }
      if (op.op === 'flush_cpu_slab' && !v.fns.flush_cpu_slab) impossible(`${v.id} has no flush_cpu_slab`);
    }
    ctx[c.name] = { stack: [], ops: c.ops ?? [], budget: c.budget ?? 0, owns: owns[c.name]!.sort((a, b) => a - b), irqoff: 0, preempt: 0 };
  }
  return {
    slabs: mslabs,
    fp,
    nodes: mnodes,
    cpus: mcpus,
    ctx,
    cache: { seq: 0, purged: cpus.map(() => false), kasan_shutdown_done: false, destroying: false, destroyed: null, kasan },
    ghost: { bad_link_write: null, oops: null, wild_write: null, double_alloc: null, destroy_failed: null, late_quarantine: null, warning: null, leak: null, seen: {} },
  };
}

/** What a trace shows of a state: freelists as lists, lists by slab name, clients' objects. */
export function slubView(info: SlubModelInfo, s: SlubState): Plain {
  const out: Record<string, Plain> = {};
  s.slabs.forEach((sl, k) => {
    if (!sl.live) return void (out[`S${k}`] = 'free page');
    out[`S${k}`] = {
      freelist: chain(s.fp, sl.freelist, info.env.p.objects + 1),
      inuse: sl.inuse,
      ...(info.version.features.cpuSlab ? { frozen: sl.frozen } : {}),
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
      ...(info.env.p.sheaf_capacity > 0 ? { barn: { full: n.barn.full as Plain, empty: n.barn.empty } } : {}),
    };
  });
  s.cpus.forEach((c, i) => {
    const v: Record<string, Plain> = {};
    if (info.version.features.cpuSlab) {
      v.freelist = chain(s.fp, c.freelist, s.fp.length);
      v.slab = c.slab === null ? null : `S${c.slab}`;
      v.tid = c.tid;
    }
    if (info.version.features.cpuPartial) v.partial = cpuChain(s, c.partial).map((k) => `S${k}`);
    if (info.env.p.sheaf_capacity > 0) {
      v.main = c.main as Plain;
      v.spare = c.spare as Plain;
      if (c.rcu_free !== null) v.rcu_free = c.rcu_free as Plain;
    }
    if (c.rcu_cbs.length > 0) v.rcu_cbs = c.rcu_cbs.map((cb) => `${cb.fn}(${cb.objs.join(',')})${cb.ready ? ' ready' : ''}`);
    if (c.work.length > 0) v.work = c.work.map((w) => w.fn);
    if (s.cache.kasan) v.quarantine = c.quarantine as Plain;
    out[`cpu${i}`] = v;
  });
  for (const [name, c] of Object.entries(s.ctx)) out[name] = { owns: c.owns as Plain };
  if (info.scenario.contexts.some((c) => c.ops?.some((op) => op.op === 'kmem_cache_destroy'))) {
    out.cache = {
      ...(s.cache.kasan ? { quarantine_purged: s.cache.purged.map((p, i) => (p ? `cpu${i}` : null)).filter((x) => x !== null) as Plain } : {}),
      destroyed: s.cache.destroyed,
    };
  }
  const g = s.ghost;
  for (const k of ['bad_link_write', 'oops', 'wild_write', 'double_alloc', 'destroy_failed', 'late_quarantine', 'warning', 'leak'] as const) if (g[k] !== null) out[k] = g[k];
  return out;
}

function fill(template: string, f: Frame, cpu: number, s: SlubState): string {
  return template
    .replace('{cpu}', String(cpu))
    .replace('{cpunode}', String(s.cpus[cpu]!.node))
    .replace(/\{(\w+)\}/g, (_m, key: string) => {
      const v = f.l[key];
      return typeof v === 'number' ? String(v) : `<${key}>`;
    });
}

export function buildSlubModel(config: SlubConfig): Model<SlubState, SlubAction> & { readonly info: SlubModelInfo } {
  const base = findVersion(config.version);
  if (!base) throw new UsageError(`unknown version '${config.version}'`);
  const sc = typeof config.scenario === 'string' ? findScenario(config.scenario) : checkScenario(config.scenario);
  if (!sc) throw new UsageError(`unknown scenario '${String(config.scenario)}': try 'slubcheck list'`);
  if (sc.versions && !sc.versions.includes(base.id)) {
    throw new UsageError(`impossible configuration: scenario ${sc.name} is for ${sc.versions.join(', ')}, not ${base.id}`);
  }
  const v = applyPatches(base, config.patches);
  // Version switches, with a record of which ones the model reads (a patch that flips one changes the
  // code that reads it): at build time (cache parameters) and in steps.
  const featuresRead = new Set<string>();
  const features: VersionFeatures = new Proxy(
    { ...v.features, tidInCmpxchg: v.features.tidInCmpxchg && !sc.brokenNoTid },
    {
      get: (t, k) => {
        if (typeof k === 'string') featuresRead.add(k);
        return (t as Record<string | symbol, unknown>)[k];
      },
    },
  );
  const p: CacheParams = {
    ...sc.cache,
    // 7.0 has no CPU partial lists; v6.19 caches have sheaves only when they opt in.
    cpu_partial_slabs: features.cpuPartial ? sc.cache.cpu_partial_slabs : 0,
    sheaf_capacity: features.sheaves === 'all' || sc.sheavesOptIn ? sc.cache.sheaf_capacity : 0,
  };
  // The environment: grace periods end whenever RCU callbacks are waiting (a context on no CPU).
  const contexts = [...sc.contexts.map((c) => c.name), ...(sc.contexts.some((c) => c.name.endsWith('/softirq')) ? ['rcu/gp'] : [])];
  const irqCpus = sc.cpus.map((_c, i) => contexts.some((c) => cpuOf(c) === i && isInterrupt(c)));
  const tidStep = 2 ** Math.ceil(Math.log2(Math.max(1, sc.cpus.length)));
  const env: Env = { p, fns: v.fns, v: features, irqCpus, tidStep, scenario: sc.name, pageAllocCanFail: sc.pageAllocCanFail === true };
  const choices: Record<string, readonly Op['op'][]> = Object.fromEntries(sc.contexts.map((c) => [c.name, c.choices ?? []]));
  const info: SlubModelInfo = { kasan: config.kasan, version: v, scenario: sc, env, contexts };
  const init = (v.initTransforms ?? []).reduce((s, f) => f(s), initialState(sc, v, p, config.kasan));
  const id = base.id;

  /** Starts an operation: bookkeeping, the root frame at its function's entry, and the private dispatch steps up to the first shared one. */
  const startOp = (d: D, ctx: string, op: Op, trail: string[]): void => {
    const c = d.ctx[ctx]!;
    const cpu = d.cpus[cpuOf(ctx)]!;
    const frame = begin(d as SlubState, env.fns, cpuOf(ctx), op);
    if (op.op === 'rcu_callback') {
      // The callback now holds its objects (the root frame took them).
      const cb = cpu.rcu_cbs.find((x) => x.id === op.cb)!;
      cb.running = true;
      cb.objs = [];
    } else if (op.op === 'work') cpu.work.find((w) => w.id === op.work)!.running = true;
    else if (c.ops.length > 0) c.ops.shift();
    else c.budget--;
    if (op.op === 'kmem_cache_free' || op.op === 'kfree_rcu') c.owns = c.owns.filter((o) => o !== op.obj);
    c.stack = [frame] as typeof c.stack;
    runLocals(d, ctx, env, trail);
  };
  // actions() and next() both need the state with an operation started: computed once per state and
  // operation, with the names of the private dispatch steps it ran (for coverage, counted when taken).
  const startedCache = new WeakMap<SlubState, Map<string, { s: SlubState; trail: string[] }>>();
  const startedWithTrail = (s: SlubState, ctx: string, op: Op): { s: SlubState; trail: string[] } => {
    let m = startedCache.get(s);
    if (!m) startedCache.set(s, (m = new Map()));
    const key = ctx + JSON.stringify(op);
    let t = m.get(key);
    if (!t) {
      const trail: string[] = [];
      m.set(key, (t = { s: produce(s, (d) => startOp(d, ctx, op, trail)), trail }));
    }
    return t;
  };
  const started = (s: SlubState, ctx: string, op: Op): SlubState => startedWithTrail(s, ctx, op).s;
  // Which steps (and version switches) the transitions taken so far executed: `slubcheck verify`
  // requires every step a patch changes to be reached. Instrumentation only: no step reads it.
  const coverage = new Map<string, number>();
  const cover = (name: string) => coverage.set(name, (coverage.get(name) ?? 0) + 1);

  const actions = (s: SlubState): SlubAction[] => {
    const out: SlubAction[] = [];
    for (const ctx of contexts) {
      if (ctx === 'rcu/gp') {
        if (s.cpus.some((c) => c.rcu_cbs.some((cb) => !cb.ready))) out.push({ context: ctx, step: 'rcu/grace_period' });
        continue;
      }
      if (!mayRun(s, ctx, contexts)) continue;
      const c = s.ctx[ctx]!;
      const f = c.stack[c.stack.length - 1];
      if (f) {
        const st = stepOf(env, f);
        if (!st.guard || st.guard(s, ctx, f.l)) out.push({ context: ctx, step: `${f.fn}/${f.pc}` });
        continue;
      }
      for (const op of startable(s, ctx, choices[ctx]!, v.gfps)) {
        const t = started(s, ctx, op);
        const first = t.ctx[ctx]!.stack.at(-1);
        if (!first) throw new ModelError(id, `operation ${op.op} of ${ctx} ends without a shared step`);
        const st = stepOf(env, first);
        if (st.guard && !st.guard(t, ctx, first.l)) continue;
        out.push({ context: ctx, step: `${first.fn}/${first.pc}`, ...op });
      }
    }
    return out;
  };

  const next = (s: SlubState, a: SlubAction): SlubState => {
    if (a.context === 'rcu/gp') {
      // kernel/rcu: a grace period ends; every callback queued so far may now run.
      return produce(s, (d) => {
        for (const c of d.cpus) for (const cb of c.rcu_cbs) cb.ready = true;
      });
    }
    let from = s;
    if (a.op !== undefined) {
      const { context: _c, step: _s, ...op } = a;
      const t = startedWithTrail(s, a.context, op as Op);
      from = t.s;
      for (const name of t.trail) cover(name);
    }
    const trail: string[] = [a.step];
    const out = produce(from, (d) => {
      const c = d.ctx[a.context]!;
      const f = c.stack[c.stack.length - 1]!;
      const x: StepCtx = { d, ctx: a.context, cpu: cpuOf(a.context), f: f as StepCtx['f'], e: env };
      stepOf(env, f).run(x);
      if (d.ghost.oops === null || d.ctx[a.context]!.stack.length > 0) runLocals(d, a.context, env, trail);
    });
    for (const name of trail) cover(name);
    return out;
  };

  return {
    id,
    config: { version: id, scenario: typeof config.scenario === 'string' ? sc.name : (sc as unknown as Plain), patches: [...config.patches], kasan: config.kasan },
    contexts,
    initStates: () => [init],
    actions,
    next,
    properties: [...slubProperties(info), ...(v.extraProperties ?? [])],
    // Quiescence: every context idle with nothing scripted left, no RCU callback and no work item pending.
    terminal: (s) =>
      sc.contexts.every((c) => s.ctx[c.name]!.stack.length === 0 && s.ctx[c.name]!.ops.length === 0) &&
      s.cpus.every((c) => c.rcu_cbs.length === 0 && c.work.length === 0),
    view: (s) => slubView(info, s),
    describeWaits: (s) => describeWaits(s, contexts, env),
    coverage: () => {
      const out = new Map(coverage);
      for (const f of featuresRead) out.set(`feature:${f}`, 1);
      return out;
    },
    footprint: (s, a) => {
      const c = s.ctx[a.context]!;
      const { context: _c, step: _s, ...op } = a;
      const f = c.stack[c.stack.length - 1] ?? (a.op ? started(s, a.context, op as Op).ctx[a.context]!.stack.at(-1) : undefined);
      if (!f) return undefined;
      const st = stepOf(env, f);
      const cpu = cpuOf(a.context);
      return { reads: st.reads.map((r) => fill(r, f, cpu, s)), writes: st.writes.map((w) => fill(w, f, cpu, s)) };
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
  for (const ctx of contexts) {
    const c = s.ctx[ctx];
    if (!c) continue;
    const f = c.stack[c.stack.length - 1];
    if (!f) {
      if (c.ops.length > 0) out.push(`${ctx} has not started ${c.ops[0]!.op}: it may start only when every other client has finished and freed its objects`);
      continue;
    }
    const where = `${f.fn}/${f.pc}`;
    if (!mayRun(s, ctx, contexts)) {
      const sib = contexts.filter((o) => o !== ctx && cpuOf(o) === cpuOf(ctx) && (s.ctx[o]?.stack.length ?? 0) > 0);
      out.push(`${ctx} cannot run in ${where}: ${sib.length ? `${sib.join(' and ')} on the same CPU ${sib.length > 1 ? 'run' : 'runs'} with preemption or irqs off, or interrupts it` : 'its CPU does not schedule it'}`);
      continue;
    }
    const st = stepOf(env, f);
    if (st.guard && !st.guard(s, ctx, f.l)) {
      const held = locks.filter(([, h]) => h !== ctx).map(([name, h]) => `${name} is held by ${h}`);
      const works = s.cpus.flatMap((cpu, i) => cpu.work.map((w) => `${w.fn} queued on cpu${i}${w.running ? ' (running)' : ''}`));
      const cbs = s.cpus.flatMap((cpu, i) => cpu.rcu_cbs.map((cb) => `${cb.fn} on cpu${i}${cb.ready ? ' (ready)' : ' (waiting for a grace period)'}`));
      const what = /lock|list/.test(st.reads.join(' ')) && held.length ? held : /work/.test(st.reads.join(' ')) && works.length ? works : /rcu_cbs/.test(st.reads.join(' ')) && cbs.length ? cbs : [...held, ...works, ...cbs];
      out.push(`${ctx} waits in ${where}${what.length ? `: ${what.join('; ')}` : ''}`);
    }
  }
  return out;
}

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
import type { Action, Emit, Model, Plain, Property } from '../../src/engine/model.ts';
import { beginOp } from './steps/client.ts';
import { enabled, enterRoot, isInterrupt, runStep, mayRun, Reused, Runner, runLocals, startable, stepCode, stepName, stepOf, type CacheParams, type Env, type VersionFeatures } from './kernel.ts';
import { applyPatches } from './patches.ts';
import { findScenario, mayRunOp, type ScenarioDef } from './scenarios.ts';
import { validateScenario } from './scenario-files.ts';
import { chosenLayouts, describeStart, dimsOf, expectationOf, initialState } from './start.ts';
import { describeWaits, slubView } from './view.ts';

export { chosenLayouts, initialState, describeWaits, slubView };
import { findVersion, type VersionDef } from './versions.ts';
import { cpuOf, Messages, SlubLayout, SlubState, type FnShape, type FrameView, type Op } from './state.ts';
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

export type SlubAction = Action & { readonly op?: Op['op']; readonly gfp?: string; readonly obj?: number; readonly obj2?: number; readonly cb?: number; readonly work?: number; readonly choice?: string };

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
  if (mayRunOp(sc, 'kmem_cache_alloc_bulk') && (!v.fns.__kmem_cache_alloc_bulk || p.sheaf_capacity > 0)) {
    throw new UsageError(`scenario ${sc.name} uses kmem_cache_alloc_bulk, which the model has only for ${base.id === 'v6.19' ? 'v6.19 caches without sheaves (its cpu-slab bulk allocator): leave out sheavesOptIn' : "v6.19 caches without sheaves (its cpu-slab bulk allocator), not for " + base.id}`);
  }
  if (['kmem_cache_prefill_sheaf', 'kmem_cache_alloc_from_sheaf', 'kmem_cache_return_sheaf'].some((op) => mayRunOp(sc, op as Op['op'])) && p.sheaf_capacity === 0) {
    throw new UsageError(`scenario ${sc.name} uses prefilled sheaves, which the model has for caches with sheaves only (a cache without them gets an oversize sheaf from the bulk allocator, not modelled)${base.id === 'v6.19' ? ': give the cache sheavesOptIn' : ''}`);
  }
  for (const c of sc.contexts) {
    const ops = [...(c.ops ?? []).map((o) => o.op), ...(c.choices ?? [])];
    const prefill = ops.find((op) => op === 'kmem_cache_prefill_sheaf' || op === 'kmem_cache_return_sheaf');
    if (prefill && isInterrupt(c.name)) throw new UsageError(`scenario ${sc.name}: ${c.name} may call ${prefill}(), which takes the pcs lock with local_lock() and may allocate with GFP_KERNEL: a task-level context's operation, not an interrupt's`);
  }
  if (mayRunOp(sc, 'kmalloc_nolock') && !v.fns.kmalloc_nolock) {
    throw new UsageError(`scenario ${sc.name} uses kmalloc_nolock, which the model has for 17c38c88 and 7.0 only (v6.19's cpu-slab kmalloc_nolock() path is not modelled)`);
  }
  for (const c of sc.contexts) {
    const frees = (c.ops ?? []).some((o) => o.op === 'kfree_nolock') || (c.choices ?? []).includes('kfree_nolock');
    const cpu = c.name.slice(0, c.name.indexOf('/'));
    if (frees && !sc.contexts.some((o) => o.name === `${cpu}/irq`)) {
      throw new UsageError(`scenario ${sc.name}: ${c.name} may call kfree_nolock(), whose deferred frees run in ${cpu}'s irq_work (hard irq context): add a context ${cpu}/irq`);
    }
  }
  const id = base.id;
  const L = new SlubLayout(id, dimsOf(sc, v, p, config.kasan), fnShapes(v));
  const msgs = new Messages();
  const clients = sc.contexts.map((c) => c.name);
  // The environment: grace periods end whenever RCU callbacks are waiting (a context on no CPU).
  const contexts = [...clients, ...(sc.contexts.some((c) => c.name.endsWith('/softirq')) ? ['rcu/gp'] : [])];
  const irqCpus = sc.cpus.map((_c, i) => contexts.some((c) => cpuOf(c) === i && isInterrupt(c)));
  const tidStep = 2 ** Math.ceil(Math.log2(Math.max(1, sc.cpus.length)));
  const pool = sc.sharedObjects ? (_ctx: string) => clients[0]! : (ctx: string) => ctx;
  const dropped = new Set(Object.values(v.fns).flatMap((f) => Object.values(f.steps).flatMap((st) => st.without ?? [])));
  const env: Env = { p, fns: v.fns, v: features, irqCpus, dropped, tidStep, scenario: sc.name, pageAllocCanFail: sc.pageAllocCanFail === true, L, msgs, contexts: clients, pool };
  const memory = sc.nodes.map((n) => n.memory);
  const cpuNodes = sc.cpus.map((c) => c.node);
  const newView = () => new SlubState(L, memory, cpuNodes, config.kasan, msgs);
  // The gfp choices offered are those that change the path: only alloc_from_pcs() reads them (may
  // the refill block?), so a cache without sheaves allocates with GFP_KERNEL alone.
  // An interrupt context allocates with GFP_ATOMIC (GFP_KERNEL may sleep: a caller bug there).
  const gfps = p.sheaf_capacity > 0 ? v.gfps : v.gfps.slice(0, 1);
  const gfpsOf = (ctx: string): readonly string[] => (isInterrupt(ctx) ? ['GFP_ATOMIC'] : gfps);
  const choices: Record<string, readonly Op['op'][]> = Object.fromEntries(sc.contexts.map((c) => [c.name, c.choices ?? []]));
  // Interchangeable CPUs (symmetry.ts): the engine keeps one state per renaming class.
  const symmetry = slubSymmetry(L, sc, irqCpus, tidStep, msgs);
  const info: SlubModelInfo = { kasan: config.kasan, version: v, scenario: sc, env, contexts, layout: L, at: (w) => newView().on(w), ...(symmetry ? { symmetry: { classes: symmetry.classes } } : {}) };
  // One initial state per start layout: the scenario's own, or every layout the checker chooses.
  // A scenario whose layout is impossible is the user's error: one line naming the scenario.
  const named = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof UsageError && !e.message.includes(`scenario ${sc.name}`)) throw new UsageError(e.message.replace('impossible configuration: ', `impossible configuration: scenario ${sc.name}: `));
      throw e;
    }
  };
  const inits = named(() => (sc.chosen ? chosenLayouts(sc, v) : [sc.slabs])).map((slabs) => {
    const w = new Uint32Array(L.width);
    named(() => initialState({ ...sc, slabs }, v, p, newView().on(w)));
    return w;
  });


  // The interpreter's view and step context, reused for every state (never held across calls).
  const d = newView();
  const x = new Runner(env);
  x.d = d;
  const scratch = new Uint32Array(L.width);
  // Which steps (and version switches) the transitions taken so far executed: `slubcheck verify`
  // requires every step a patch changes to be reached. Instrumentation only: no step reads it.
  // Counted by step code (kernel.ts stepCode) and named only when asked: a count per label of the
  // layout in a typed array (a code is fnId * 1024 + label index; `covBase` is each function's first
  // slot), and the codes in the order first seen (the order coverage() reports them in).
  const covBase = new Int32Array(L.fnById.length);
  let covSlots = 0;
  for (const fl of L.fnById) {
    covBase[fl.id] = covSlots;
    covSlots += fl.pcs.length;
  }
  const covCounts = new Float64Array(covSlots);
  const covSeen: number[] = [];
  const trail = new Reused<number>();
  const flushTrail = () => {
    for (let i = 0; i < trail.n; i++) {
      const code = trail.data[i]!;
      const k = covBase[code >> 10]! + (code & 1023);
      if (covCounts[k]++ === 0) covSeen.push(code);
    }
    trail.clear();
  };
  const noEmit: Emit = () => {};

  /** Starts an operation in the state `d` looks at: bookkeeping, the root frame at its function's entry, and the private dispatch steps up to the first shared one. */
  const startOp = (ctx: string, op: Op, names: Reused<number> | undefined): string => {
    const cpu = cpuOf(ctx);
    const root = beginOp(d, ctx, cpu, op, pool(ctx));
    x.ctx = ctx;
    x.cpu = cpu;
    enterRoot(x, root.fn, root.args);
    const entry = `${root.fn}/${x.f.pc}`;
    runLocals(x, names);
    return entry;
  };
  const opOf = (a: SlubAction): Op => {
    const { context: _c, step: _s, choice: _ch, ...op } = a;
    return op as unknown as Op;
  };

  // An idle context's operations are started in actions() already (to name their first shared step):
  // the state each start made, its step codes and its events are kept for nextInto() (a prepared
  // start), which uses them for an action of the latest actions() call on the same state instead of
  // starting the operation again. Buffers are reused from call to call.
  interface Prepared {
    readonly words: Uint32Array;
    readonly trail: Reused<number>;
    readonly events: Reused<string>;
    readonly record: Emit;
    entry: string;
  }
  const prepared: Prepared[] = [];
  const preparedSlot = (i: number): Prepared => {
    let p = prepared[i];
    if (!p) {
      const events = new Reused<string>();
      prepared[i] = p = { words: new Uint32Array(L.width), trail: new Reused<number>(), events, record: (e) => events.push(e), entry: '' };
    }
    p.trail.clear();
    p.events.clear();
    return p;
  };
  /** The latest actions() call: its state, its actions and, per action, the prepared start (or undefined; entries past its actions are stale). */
  const lastSource = new Uint32Array(L.width);
  let lastActions: SlubAction[] = [];
  const lastPrepared: (Prepared | undefined)[] = [];
  /** The prepared start of `a` when it comes from the latest actions() call, on the state `w`. */
  const preparedFor = (a: SlubAction, w: Uint32Array): Prepared | undefined => {
    const i = lastActions.indexOf(a);
    if (i < 0) return undefined;
    for (let k = 0; k < lastSource.length; k++) if (lastSource[k] !== w[k]) return undefined;
    return lastPrepared[i];
  };

  // Starts remembered across states. A start is beginOp() (the context's script position or budget,
  // the object leaving its pool) and the root call's `local` steps, which by their contract touch only
  // the context's private data: given the context's fields and its pool's `owns` (its key: those bits
  // of the words that hold them), a start makes the same changes, step codes and events whatever the
  // rest of the state. So the bits a start flipped are kept, by operation and key, and flipped again
  // on another state with the same key instead of running it again. Kept only when the start changed
  // no bit outside its key (else it is run every time, as are the environment's operations,
  // whose beginOp() reads a CPU's queues), and the first shared step is still looked at on the state
  // itself (its guard and choices read shared data).
  interface Remembered {
    readonly ctx: string;
    readonly op: Op;
    readonly key: Uint32Array;
    /** Words the start changed, and the bits it flipped in each. */
    readonly at: Int32Array;
    readonly flip: Uint32Array;
    readonly codes: readonly number[];
    readonly events: readonly string[];
    readonly entry: string;
  }
  /** The words holding a context's fields and its pool's `owns`, and in each the bits of those fields. */
  interface KeyWords {
    readonly at: Int32Array;
    readonly mask: Uint32Array;
  }
  const keyWordsOf = (ctx: string): KeyWords => {
    const bits = new Map<number, number>();
    const add = (word: number, mask: number) => bits.set(word, ((bits.get(word) ?? 0) | mask) >>> 0);
    const addField = (f: { word: number; shift: number; mask: number }) => add(f.word, (f.mask << f.shift) >>> 0);
    const c = L.ctx[L.d.contexts.indexOf(ctx)]!;
    for (const f of [c.depth, c.opIndex, c.budget, c.irqoff, c.preempt, ...c.owns]) addField(f);
    for (const fr of c.frames) {
      addField(fr.fn);
      addField(fr.pc);
      for (let i = 0; i < L.area; i++) add(fr.base + i, 0xffffffff);
    }
    for (const f of L.ctx[L.d.contexts.indexOf(pool(ctx))]!.owns) addField(f);
    const at = [...bits.keys()].sort((a, b) => a - b);
    return { at: Int32Array.from(at), mask: Uint32Array.from(at.map((w) => bits.get(w)!)) };
  };
  const keyWords = new Map<string, KeyWords>(clients.map((c) => [c, keyWordsOf(c)]));
  const remembered = new Map<number, Remembered[]>();
  let rememberedCount = 0;
  const REMEMBER_MAX = 1 << 16;
  const sameOp = (a: Op, b: Op): boolean => {
    const x = a as { op: string; gfp?: string; obj?: number; obj2?: number };
    const y = b as { op: string; gfp?: string; obj?: number; obj2?: number };
    return x.op === y.op && x.gfp === y.gfp && x.obj === y.obj && x.obj2 === y.obj2;
  };
  const opHash = (ctx: number, op: Op): number => {
    const o = op as { op: string; gfp?: string; obj?: number; obj2?: number };
    let h = Math.imul(ctx + 1, 0x9e3779b1) ^ o.op.length ^ (o.op.charCodeAt(o.op.length - 1) << 8) ^ (o.op.charCodeAt(4) << 16);
    h = Math.imul(h ^ (o.gfp === undefined ? 0 : o.gfp.charCodeAt(4)), 0x85ebca6b);
    h = Math.imul(h ^ ((o.obj ?? -1) + 1), 0xc2b2ae35);
    return Math.imul(h ^ ((o.obj2 ?? -1) + 1), 0x27d4eb2f);
  };
  const keyHash = (h: number, kw: KeyWords, w: Uint32Array): number => {
    for (let i = 0; i < kw.at.length; i++) h = Math.imul(h ^ (w[kw.at[i]!]! & kw.mask[i]!), 0x9e3779b1) ^ (h >>> 15);
    return h;
  };
  // SLUBCHECK_CHECK_STARTS=1: every replayed start is also run, and must make the same words, step
  // codes, events and entry (a check of the `local` contract on a search, for tests and reviews).
  const checkRemembered = process.env.SLUBCHECK_CHECK_STARTS === '1';
  const checkReplay = (ctx: string, op: Op, s: Uint32Array, prep: Prepared): void => {
    const words = s.slice();
    const codes = new Reused<number>();
    const events: string[] = [];
    d.on(words);
    x.emit = (e) => events.push(e);
    const entry = startOp(ctx, op, codes);
    x.emit = noEmit;
    d.on(prep.words);
    const same = entry === prep.entry && words.every((v, i) => v === prep.words[i]) && codes.n === prep.trail.n && codes.data.slice(0, codes.n).every((c, i) => c === prep.trail.data[i]) && events.length === prep.events.n && events.every((e, i) => e === prep.events.data[i]);
    if (!same) throw new ModelError(id, `a remembered start of ${op.op} by ${ctx} differs from running it: a local step of it reads or writes shared data`);
    x.ctx = ctx;
    x.cpu = cpuOf(ctx);
  };
  /** Starts `op` of `ctx` in `prep.words` (a copy of `s`): from a remembered start when there is one. */
  const prepareStart = (ctx: string, ctxIndex: number, op: Op, s: Uint32Array, prep: Prepared): void => {
    const kw = keyWords.get(ctx)!;
    const words = kw.at;
    const mask = kw.mask;
    x.choice = undefined;
    const environment = op.op === 'rcu_callback' || op.op === 'work' || op.op === 'irq_work';
    const h = environment ? 0 : keyHash(opHash(ctxIndex, op), kw, s);
    if (!environment) {
      const list = remembered.get(h);
      if (list) {
        for (const r of list) {
          if (r.ctx !== ctx || !sameOp(r.op, op)) continue;
          let k = 0;
          while (k < words.length && r.key[k] === ((s[words[k]!]! & mask[k]!) >>> 0)) k++;
          if (k < words.length) continue;
          const out = prep.words;
          for (let i = 0; i < r.at.length; i++) out[r.at[i]!] = (out[r.at[i]!]! ^ r.flip[i]!) >>> 0;
          for (const c of r.codes) prep.trail.push(c);
          for (const e of r.events) prep.events.push(e);
          prep.entry = r.entry;
          x.ctx = ctx;
          x.cpu = cpuOf(ctx);
          if (checkRemembered) checkReplay(ctx, op, s, prep);
          return;
        }
      }
    }
    x.emit = prep.record;
    prep.entry = startOp(ctx, op, prep.trail);
    x.emit = noEmit;
    if (environment || rememberedCount >= REMEMBER_MAX) return;
    // Remember it when every bit it changed is a bit of its key.
    const out = prep.words;
    const at: number[] = [];
    const flip: number[] = [];
    let j = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i] === s[i]) continue;
      while (j < words.length && words[j]! < i) j++;
      const changed = (out[i]! ^ s[i]!) >>> 0;
      if (j === words.length || words[j] !== i || (changed & ~mask[j]!) !== 0) return;
      at.push(i);
      flip.push(changed);
    }
    const key = new Uint32Array(words.length);
    for (let k = 0; k < words.length; k++) key[k] = (s[words[k]!]! & mask[k]!) >>> 0;
    const r: Remembered = { ctx, op, key, at: Int32Array.from(at), flip: Uint32Array.from(flip), codes: prep.trail.data.slice(0, prep.trail.n), events: prep.events.data.slice(0, prep.events.n), entry: prep.entry };
    const list = remembered.get(h);
    if (list) list.push(r);
    else remembered.set(h, [r]);
    rememberedCount++;
  };

  const actions = (s: Uint32Array): SlubAction[] => {
    const out: SlubAction[] = [];
    let slots = 0;
    lastSource.set(s);
    lastActions = out;
    d.on(s);
    for (let ci = 0; ci < contexts.length; ci++) {
      const ctx = contexts[ci]!;
      if (ctx === 'rcu/gp') {
        if (d.cpus.some((c) => c.rcu_cbs.toArray().some((cb) => !cb.ready))) {
          lastPrepared[out.length] = undefined;
          out.push({ context: ctx, step: 'rcu/grace_period' });
        }
        continue;
      }
      if (!mayRun(d, ctx, clients)) continue;
      if (x.at(ctx)) {
        const st = stepOf(env, x.f);
        if (!enabled(x, st)) continue;
        const step = stepName(L, stepCode(x.f));
        const picks = st.choose?.(x);
        if (picks?.length) {
          for (const choice of picks) {
            lastPrepared[out.length] = undefined;
            out.push({ context: ctx, step, choice });
          }
        } else {
          lastPrepared[out.length] = undefined;
          out.push({ context: ctx, step });
        }
        continue;
      }
      for (const op of startable(d, ctx, clients, choices[ctx]!, gfpsOf(ctx), pool(ctx))) {
        const prep = preparedSlot(slots++);
        prep.words.set(s);
        d.on(prep.words);
        prepareStart(ctx, ci, op, s, prep);
        const entry = prep.entry;
        // An operation that is private from start to end (e.g. a flush with nothing to flush) is one step.
        const running = x.at(ctx);
        const st = running ? stepOf(env, x.f) : undefined;
        const on = !st || enabled(x, st);
        const step = running ? stepName(L, stepCode(x.f)) : entry;
        const picks = on && st?.choose ? st.choose(x) : undefined;
        d.on(s);
        if (picks?.length) {
          for (const choice of picks) {
            lastPrepared[out.length] = prep;
            out.push({ context: ctx, step, ...op, choice });
          }
        } else if (on) {
          lastPrepared[out.length] = prep;
          out.push({ context: ctx, step, ...op });
        }
      }
    }
    return out;
  };

  const nextInto = (_s: Uint32Array, a: SlubAction, out: Uint32Array, emit: Emit): void => {
    d.on(out);
    x.emit = emit;
    x.choice = a.choice;
    if (a.context === 'rcu/gp') {
      // kernel/rcu: a grace period ends; every callback queued so far may now run.
      for (const c of d.cpus) for (const cb of c.rcu_cbs.toArray()) cb.ready = true;
      return;
    }
    if (a.op !== undefined) {
      const prep = preparedFor(a, out);
      let entry: string;
      if (prep) {
        // The start actions() made on this very state: its words, step codes and events.
        out.set(prep.words);
        x.ctx = a.context;
        x.cpu = cpuOf(a.context);
        for (let i = 0; i < prep.trail.n; i++) trail.push(prep.trail.data[i]!);
        for (let i = 0; i < prep.events.n; i++) emit(prep.events.data[i]!);
        entry = prep.entry;
      } else entry = startOp(a.context, opOf(a), trail);
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
    runStep(x, stepOf(env, x.f));
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
  const properties = [...slubProperties(info), ...(v.extraProperties ?? [])];
  const expected = expectationOf(sc, id, config);
  const want = expected.expected?.property;
  if (want !== undefined && !properties.some((q) => q.name === want)) {
    throw new UsageError(`scenario ${sc.name} expects a violation of '${want}' on ${id}, which is not a property of ${id} (its properties: ${properties.filter((q) => q.kind !== 'sometimes').map((q) => q.name).join(', ')}, or expect 'deadlock' or 'livelock')`);
  }
  const traceView = newView();
  const waitView = newView();
  const footView = newView();

  return {
    id,
    config: { version: id, scenario: typeof config.scenario === 'string' ? sc.name : (sc as unknown as Plain), patches: [...config.patches], kasan: config.kasan },
    contexts,
    initStates: () => inits,
    ...expected,
    ...(inits.length > 1 ? { describeStart: (w: Uint32Array) => describeStart(traceView.on(w), info.env.p.objects, sc.sharedObjects === true) } : {}),
    actions,
    next: (s, a) => {
      const out = s.slice();
      nextInto(s, a, out, noEmit);
      return out;
    },
    packed: { width: L.width, nextInto, ...(symmetry ? { canonicalize: symmetry.canonicalize } : {}) },
    properties: properties.map(wrap),
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
      for (const code of covSeen) out.set(stepName(L, code), covCounts[covBase[code >> 10]! + (code & 1023)]!);
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


// The one search loop of slubcheck. Every strategy runs through it:
// breadth-first (shortest counterexamples), depth-first, random walks and
// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A Randomized Scheduler
// with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010); a strategy
// only decides which states wait in the frontier (a queue, a stack, or the
// one state of the current run) and which of a state's actions are taken.
// So every strategy gets the same store, the same property checks, the same
// witnesses, the same limits and stops.
//
// States are packed (see layout.ts): a model that keeps plain states is run
// through an interning adapter (asPacked), whose packed state is the id of
// the plain state. The verdict is honest about bounds: only a search that
// exhausted the reachable states is `complete`; after a complete
// exhaustive search every reachable state must also be able to reach a
// terminal one (liveness.ts), or the result is a livelock.
import type { Action, Emit, Expected, Model, Plain, Property, PropertyKind } from './model.ts';
import { EngineError, ModelError, UsageError } from './errors.ts';
import { canonicalJson, fingerprint } from './fingerprint.ts';
import { EdgeList, findLivelock } from './liveness.ts';
import { FingerprintTable, Frontier, hashWords, Ints, Shorts } from './store.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { portfolioSource, type ShardWorker } from './portfolio.ts';
import { memoryStop, type Stops } from './stops.ts';
import { traceOf, type Path, type Trace } from './trace.ts';
import { rng, type Rng } from './prng.ts';

export type Strategy = 'bfs' | 'dfs' | 'random' | 'pct';
export type Verdict = 'ok' | 'violation' | 'deadlock' | 'livelock';

export interface Progress {
  readonly states: number;
  readonly statesPerSecond: number;
  /** Exhaustive: states waiting in the frontier; random: runs left. */
  readonly queue: number;
  readonly depth: number;
  readonly seconds: number;
}

export interface SearchOptions extends Stops {
  readonly strategy?: Strategy;
  readonly maxStates?: number;
  /** Exhaustive: do not expand states deeper than this; random: the longest run (default 1000). */
  readonly maxDepth?: number;
  readonly maxSeconds?: number;
  /** Exhaustive: check for livelocks after a complete search (default true). */
  readonly liveness?: boolean;
  /** Most transitions the livelock check may record (default 40 million, about 480 MB). */
  readonly livenessMaxEdges?: number;
  /** Keep the exact words of every state and fail on a fingerprint collision (debugging; slow). */
  readonly checkCollisions?: boolean;
  /** Canonicalize states by the model's symmetry (default: when the model declares one). */
  readonly symmetry?: boolean;
  /** Random and PCT: number of runs and the seed. */
  readonly runs?: number;
  readonly seed?: number;
  /** PCT's bug depth d: d - 1 priority change points per run (default 3). */
  readonly pctDepth?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly progressEveryMs?: number;
  /** Exhaustive: write a checkpoint to `path` every `everySeconds` (default 300) and when the search is stopped. */
  readonly checkpoint?: { readonly path: string; readonly everySeconds?: number };
  /** Exhaustive: continue the search saved in this checkpoint file. */
  readonly resume?: string;
  /** Random and PCT: spread the runs over this many threads, this one and workers (portfolio.ts; needs `shardWorker`). Default 1. */
  readonly workers?: number;
  /** Random and PCT: the script a worker runs to rebuild the model (see portfolio.ts). */
  readonly shardWorker?: ShardWorker;
}

export interface Witness {
  readonly name: string;
  readonly reached: boolean;
  /** Depth of the first state found that witnesses it. */
  readonly depth?: number;
}

export interface CheckResult<S = unknown, A extends Action = Action> {
  readonly model: string;
  readonly strategy: string;
  readonly result: Verdict;
  /** True only when every reachable state (within no bound) was explored. */
  readonly complete: boolean;
  /** Why the search stopped early, e.g. `stopped at 1000000 states`. */
  readonly stopReason?: string;
  readonly states: number;
  readonly transitions: number;
  /** Deepest level explored (BFS) or deepest path (DFS, random). */
  readonly depth: number;
  readonly seconds: number;
  readonly property?: string;
  readonly propertyKind?: PropertyKind | 'deadlock' | 'livelock';
  readonly explanation?: string;
  readonly trace?: Trace;
  readonly path?: Path<S, A>;
  /** For a livelock: the index of the first step of the cycle (the steps from there on repeat forever). */
  readonly cycleStart?: number;
  readonly witnesses: readonly Witness[];
  /** Random and PCT: the run that found the violation. */
  readonly run?: number;
  /** Exhaustive: the probability that two of the states shared a fingerprint (about n^2 / 2^65). */
  readonly collisionProbability?: number;
  /** What the search kept: bytes of the fingerprint table, parent links, frontier (peak) and livelock edges. */
  readonly memory?: { readonly table: number; readonly parents: number; readonly frontier: number; readonly edges: number };
  /** A note on something the search did not do (e.g. the livelock check skipped for memory). */
  readonly note?: string;
  /** The state-space reductions the search used (e.g. `symmetry`); empty for none. */
  readonly reductions: readonly string[];
}

// ---- running a model's functions, with model faults turned into ModelError ---------------

function guard<T>(model: { id: string }, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fault(model, what, e);
  }
}

/**
 * What `guard` throws for an exception `e` of the model's code doing `what`.
 * The hot loop calls the model inside its own try/catch and builds `what`
 * only here, when something threw (no closure and no string per call).
 */
function fault(model: { id: string }, what: string, e: unknown): unknown {
  if (e instanceof ModelError || e instanceof UsageError || e instanceof EngineError) return e;
  return new ModelError(model.id, `${what} threw: ${(e as Error)?.message ?? e}`, { cause: e });
}

/** A property of the packed model, split by kind, with events mapped to `sometimes` witnesses. */
interface Props {
  readonly always: readonly Property<Uint32Array>[];
  readonly atEnd: readonly Property<Uint32Array>[];
  /** `sometimes` checked on states. */
  readonly someState: readonly Property<Uint32Array>[];
  /** event -> `sometimes` properties it witnesses. */
  readonly someEvent: ReadonlyMap<string, readonly string[]>;
  readonly sometimes: readonly Property<Uint32Array>[];
}

function splitProps(model: Model<Uint32Array, any>): Props {
  const names = new Set<string>();
  for (const p of model.properties) {
    if (names.has(p.name)) throw new ModelError(model.id, `property ${p.name} is defined twice`);
    names.add(p.name);
  }
  const someEvent = new Map<string, string[]>();
  for (const p of model.properties) {
    if (p.kind !== 'sometimes' || p.event === undefined) continue;
    for (const e of typeof p.event === 'string' ? [p.event] : p.event) someEvent.set(e, [...(someEvent.get(e) ?? []), p.name]);
  }
  return {
    always: model.properties.filter((p) => p.kind === 'always'),
    atEnd: model.properties.filter((p) => p.kind === 'at_end'),
    someState: model.properties.filter((p) => p.kind === 'sometimes' && p.event === undefined),
    someEvent,
    sometimes: model.properties.filter((p) => p.kind === 'sometimes'),
  };
}

// ---- plain models through an interning adapter ----------------------------------------------

/** Adapted models, by the model object they adapt (a spread copy of a model is another model). */
const ADAPTED = new WeakMap<object, unknown>();

/**
 * A plain-state model as a packed one: a packed state is the id of the
 * plain state in an intern table (so the search keeps each plain state
 * once, and the loop is the same for every model). `decode` gives the plain
 * state back.
 */
export function asPacked<S, A extends Action>(model: Model<S, A>): Model<Uint32Array, A> & { readonly decode: (w: Uint32Array) => S } {
  if (model.packed) return Object.assign(model as unknown as Model<Uint32Array, A>, { decode: (w: Uint32Array) => w as unknown as S });
  const cached = ADAPTED.get(model);
  if (cached) return cached as Model<Uint32Array, A> & { decode: (w: Uint32Array) => S };
  const states: S[] = [];
  const ids = new Map<string, number>();
  const intern = (s: S): number => {
    const k = fingerprint(s);
    let id = ids.get(k);
    if (id === undefined) {
      id = states.length;
      states.push(s);
      ids.set(k, id);
    }
    return id;
  };
  const decode = (w: Uint32Array): S => states[w[0]!]!;
  const lift = ({ explain, check, ...rest }: Property<S>): Property<Uint32Array> => ({
    ...rest,
    check: (w) => check(decode(w)),
    ...(explain ? { explain: (w: Uint32Array) => explain(decode(w)) } : {}),
  });
  const adapted: Model<Uint32Array, A> & { decode: (w: Uint32Array) => S } = {
    id: model.id,
    config: model.config,
    contexts: model.contexts,
    initStates: () => model.initStates().map((s) => Uint32Array.of(intern(s))),
    actions: (w) => model.actions(decode(w)),
    next: (w, a) => Uint32Array.of(intern(model.next(decode(w), a))),
    properties: model.properties.map(lift),
    terminal: (w) => model.terminal(decode(w)),
    view: (w) => (model.view ? model.view(decode(w)) : (decode(w) as Plain)),
    packed: {
      width: 1,
      nextInto: (w, a, out) => {
        out[0] = intern(model.next(decode(w), a));
      },
    },
    ...(model.describeWaits ? { describeWaits: (w: Uint32Array) => model.describeWaits!(decode(w)) } : {}),
    ...(model.coverage ? { coverage: model.coverage } : {}),
    decode,
  };
  ADAPTED.set(model, adapted);
  return adapted;
}

/** The successor of a packed state (a fresh array), with its events. */
export function successor(model: Model<Uint32Array, any>, s: Uint32Array, a: Action, emit: Emit = () => {}): Uint32Array {
  const out = s.slice();
  guard(model, `step ${a.context} ${a.step}`, () => model.packed!.nextInto(s, a, out, emit));
  return out;
}

// ---- paths ----------------------------------------------------------------------------------

/** Replays action indices from an initial state of the original model (its own states, for traces). */
export function pathFromIndices<S, A extends Action>(model: Model<S, A>, init: number, indices: readonly number[]): Path<S, A> {
  const s0 = model.initStates()[init];
  if (s0 === undefined) throw new EngineError(`initial state ${init} vanished while rebuilding a trace`);
  const states: S[] = [s0];
  const actions: A[] = [];
  let s: S = s0;
  for (const i of indices) {
    const a = guard(model, 'computing enabled actions', () => model.actions(s))[i];
    if (a === undefined) throw new EngineError(`action ${i} is not enabled while rebuilding a trace: is the model deterministic?`);
    s = guard(model, `step ${a.context} ${a.step}`, () => model.next(s, a));
    states.push(s);
    actions.push(a);
  }
  return { states, actions };
}

/**
 * With symmetry reduction the stored path runs through canonical states:
 * rebuild the real path from initial state `init`, after the real action
 * indices `realPrefix`, at each step taking an action whose successor has
 * the same canonical form as the stored one.
 */
function realIndices(P: Model<Uint32Array, any>, init: number, canonicalIdx: readonly number[], realPrefix: readonly number[] = []): number[] {
  const canon = P.packed!.canonicalize!;
  let r: Uint32Array = P.initStates()[init]!.slice();
  for (const i of realPrefix) r = successor(P, r, P.actions(r)[i]!);
  let c: Uint32Array = r.slice();
  canon(c);
  const out: number[] = [];
  for (const i of canonicalIdx) {
    const a = P.actions(c)[i];
    if (!a) throw new EngineError('symmetry: a stored action is not enabled in its canonical state');
    const next = successor(P, c, a);
    canon(next);
    const real = P.actions(r);
    let found = -1;
    for (let k = 0; k < real.length && found < 0; k++) {
      const t = successor(P, r, real[k]!);
      canon(t);
      if (t.every((x, j) => x === next[j])) found = k;
    }
    if (found < 0) throw new EngineError('symmetry: no real action reaches the stored canonical successor: is canonicalize sound?');
    out.push(found);
    r = successor(P, r, real[found]!);
    c = next;
  }
  return out;
}

// ---- the loop -------------------------------------------------------------------------------

interface Found {
  readonly kind: PropertyKind | 'deadlock';
  readonly name: string;
}

/** The one search loop. `model` may keep plain or packed states. */
export function search<S, A extends Action>(model: Model<S, A>, opts: SearchOptions = {}): CheckResult<S, A> {
  const strategy = opts.strategy ?? 'bfs';
  if (!['bfs', 'dfs', 'random', 'pct'].includes(strategy)) throw new EngineError(`unknown strategy ${strategy}`);
  const P = asPacked(model);
  if (strategy === 'random' || strategy === 'pct') {
    const workers = Math.min(opts.workers ?? 1, Math.max(1, opts.runs ?? 1000));
    if (workers > 1 && !opts.shardWorker) throw new EngineError('a portfolio of workers needs a shard worker script');
    const source =
      workers > 1
        ? portfolioSource(
            opts.shardWorker!,
            workers,
            { strategy, seed: opts.seed ?? 1, maxSteps: opts.maxDepth ?? 1000, pctDepth: opts.pctDepth ?? 3, runs: opts.runs ?? 1000 },
            model.id,
            () => new RandomRunner(P, strategy, opts.seed ?? 1, opts.maxDepth ?? 1000, opts.pctDepth ?? 3),
          )
        : undefined;
    return randomRuns(model, P, strategy, opts, source);
  }
  return exhaustive(model, P, strategy === 'dfs', opts);
}

class Clock {
  readonly start = Date.now();
  lastProgress = Date.now();
  /** Seconds spent before a resume. */
  before = 0;
  get seconds(): number {
    return this.before + (Date.now() - this.start) / 1000;
  }
}

function exhaustive<S, A extends Action>(model: Model<S, A>, P: Model<Uint32Array, A>, lifo: boolean, opts: SearchOptions): CheckResult<S, A> {
  const W = P.packed!.width;
  const nextInto = P.packed!.nextInto;
  const props = splitProps(P);
  const canon = opts.symmetry !== false ? P.packed!.canonicalize : undefined;
  let table = new FingerprintTable();
  let parent = new Ints();
  let via = new Shorts();
  const frontier = new Frontier(W, lifo);
  let terminalFlags = new Uint8Array(0);
  const edgesCap = opts.livenessMaxEdges ?? 40_000_000;
  let edges: EdgeList | undefined = opts.liveness === false ? undefined : new EdgeList();
  let note: string | undefined;
  const exact = opts.checkCollisions ? new Map<string, string>() : undefined;
  const clock = new Clock();
  const witness = new Map<string, number>();
  const cur = new Uint32Array(W);
  const out = new Uint32Array(W);
  const fp = new Uint32Array(2);
  const meta = new Int32Array(2);
  let transitions = 0;
  let maxDepth = 0;
  let stopReason: string | undefined;
  let cut = false;
  let depthNow = 0;
  const emit: Emit = (event) => {
    const ws = props.someEvent.get(event);
    if (ws) for (const w of ws) if (!witness.has(w)) witness.set(w, depthNow);
  };
  const setTerminal = (id: number) => {
    if (!edges) return;
    if (id >= terminalFlags.length) {
      const t = new Uint8Array(Math.max(1 << 16, terminalFlags.length * 2, id + 1));
      t.set(terminalFlags);
      terminalFlags = t;
    }
    terminalFlags[id] = 1;
  };
  const addEdge = (from: number, to: number, i: number) => {
    if (!edges) return;
    if (edges.length >= edgesCap) {
      edges = undefined;
      note = `livelock check skipped: the transition graph has more than ${edgesCap} transitions (--no-liveness skips it on purpose)`;
      return;
    }
    edges.push(from, to, i);
  };
  const indicesTo = (k: number): { init: number; indices: number[] } => {
    const indices: number[] = [];
    while (parent.data[k]! >= 0) {
      indices.push(via.data[k]!);
      k = parent.data[k]!;
    }
    const init = via.data[k]!;
    return { init, indices: canon ? realIndices(P, init, indices.reverse()) : indices.reverse() };
  };
  const someState = props.someState;
  const always = props.always;
  const onNew = (w: Uint32Array, depth: number): Found | undefined => {
    if (depth > maxDepth) maxDepth = depth;
    let p: Property<Uint32Array> | undefined;
    try {
      for (let k = 0; k < someState.length; k++) {
        p = someState[k]!;
        if (!witness.has(p.name) && p.check(w)) witness.set(p.name, depth);
      }
      for (let k = 0; k < always.length; k++) {
        p = always[k]!;
        if (!p.check(w)) return { kind: 'always', name: p.name };
      }
    } catch (e) {
      throw fault(P, `property ${p!.name}`, e);
    }
    return undefined;
  };
  const store = (w: Uint32Array): number => {
    hashWords(w, W, fp);
    if (exact) {
      const key = `${fp[0]}:${fp[1]}`;
      const enc = w.join(',');
      const prior = exact.get(key);
      if (prior !== undefined && prior !== enc) throw new EngineError(`fingerprint collision: two different states hash to ${fp[0]!.toString(16)}:${fp[1]!.toString(16)}`);
      exact.set(key, enc);
    }
    return table.add(fp[0]!, fp[1]!);
  };
  const result = (verdict: Verdict, complete: boolean, extra: Partial<CheckResult<S, A>> = {}): CheckResult<S, A> => ({
    model: model.id,
    strategy: lifo ? 'dfs' : 'bfs',
    result: verdict,
    complete,
    ...(!complete && stopReason !== undefined ? { stopReason } : {}),
    states: table.size,
    transitions,
    depth: maxDepth,
    seconds: clock.seconds,
    witnesses: props.sometimes.map((p) => (witness.has(p.name) ? { name: p.name, reached: true, depth: witness.get(p.name)! } : { name: p.name, reached: false })),
    reductions: canon ? ['symmetry'] : [],
    collisionProbability: FingerprintTable.collisionProbability(table.size),
    memory: { table: table.bytes, parents: parent.bytes + via.bytes, frontier: frontier.peakBytes, edges: edges?.bytes ?? 0 },
    ...(note !== undefined ? { note } : {}),
    ...extra,
  });
  const counterexample = (found: Found, init: number, indices: readonly number[]): CheckResult<S, A> => {
    const path = pathFromIndices(model, init, indices);
    const last = path.states[path.states.length - 1]!;
    const prop = model.properties.find((p) => p.name === found.name);
    const explanation = prop?.explain?.(last);
    stopReason ??= 'stopped at the first violation';
    return result(found.kind === 'deadlock' ? 'deadlock' : 'violation', false, {
      property: found.name,
      propertyKind: found.kind,
      ...(explanation !== undefined ? { explanation } : {}),
      trace: traceOf(model, init, indices, path.actions, found.name),
      path,
    });
  };
  const limitReached = (): boolean => {
    const n = table.size;
    if (opts.maxStates !== undefined && n >= opts.maxStates) {
      stopReason = `stopped at ${n} states (--max-states ${opts.maxStates})`;
      return true;
    }
    return false;
  };
  // Between two expansions (the frontier holds every state not yet expanded): time, interrupts,
  // memory, progress and checkpoints.
  let expansions = 0;
  let lastCheckpoint = Date.now();
  const saveEvery = (opts.checkpoint?.everySeconds ?? 300) * 1000;
  const save = () => {
    if (!opts.checkpoint) return;
    const n = table.size;
    const records = [...frontier.records()];
    const fr = new Uint32Array(records.length * (W + 2));
    records.forEach((r, i) => {
      fr[i * (W + 2)] = r.id;
      fr[i * (W + 2) + 1] = r.depth;
      fr.set(r.words, i * (W + 2) + 2);
    });
    writeCheckpoint(
      opts.checkpoint.path,
      {
        model: model.id,
        config: model.config,
        width: W,
        strategy: lifo ? 'dfs' : 'bfs',
        symmetry: canon !== undefined,
        liveness: opts.liveness !== false,
        states: n,
        transitions,
        maxDepth,
        cut,
        seconds: clock.seconds,
        witnesses: [...witness],
        ...(note !== undefined ? { note } : {}),
      },
      {
        table: table.entries(),
        parent: parent.data.subarray(0, n),
        via: via.data.subarray(0, n),
        frontier: fr,
        ...(edges ? { edgeFrom: edges.fromArray(), edgeTo: edges.toArray(), edgeVia: edges.viaArray() } : {}),
        terminal: terminalFlags.subarray(0, Math.min(n, terminalFlags.length)),
      },
    );
    lastCheckpoint = Date.now();
  };
  const betweenExpansions = (): boolean => {
    if ((expansions++ & 63) !== 0) return false;
    const n = table.size;
    const now = Date.now();
    let why: string | undefined;
    if (opts.maxSeconds !== undefined && clock.seconds >= opts.maxSeconds) why = `stopped after ${opts.maxSeconds} s (--max-seconds) at ${n} states`;
    else {
      // process.memoryUsage() reads /proc: every 4096 expansions (a few hundredths of a second) is often enough.
      const stop = opts.shouldStop?.() ?? ((expansions & 4095) === 1 ? memoryStop(opts) : undefined);
      if (stop !== undefined) why = `${stop} at ${n} states`;
    }
    if (why !== undefined) {
      stopReason = why;
      if (opts.checkpoint) {
        save();
        stopReason += `; checkpoint written to ${opts.checkpoint.path} (--resume continues it)`;
      }
      return true;
    }
    if (opts.checkpoint && now - lastCheckpoint >= saveEvery) save();
    if (opts.onProgress && now - clock.lastProgress >= (opts.progressEveryMs ?? 3000)) {
      clock.lastProgress = now;
      const seconds = clock.seconds;
      opts.onProgress({ states: n, statesPerSecond: Math.round(n / Math.max(seconds, 1e-3)), queue: frontier.length, depth: depthNow, seconds });
    }
    return false;
  };

  if (opts.resume) {
    const { header: h, sections: x } = readCheckpoint(opts.resume);
    const want = { model: model.id, config: canonicalJson(model.config), width: W, strategy: lifo ? 'dfs' : 'bfs', symmetry: canon !== undefined, liveness: opts.liveness !== false };
    const got = { model: h.model, config: canonicalJson(h.config), width: h.width, strategy: h.strategy, symmetry: h.symmetry, liveness: h.liveness };
    for (const k of Object.keys(want) as (keyof typeof want)[]) {
      if (want[k] !== got[k]) throw new UsageError(`--resume ${opts.resume}: the checkpoint is of another search (its ${k} is ${String(got[k])}, this search's is ${String(want[k])})`);
    }
    const n = h.states;
    table = FingerprintTable.fromEntries(new Uint32Array(x.table!), n);
    parent = Ints.of(new Int32Array(x.parent!), n);
    via = Shorts.of(new Uint16Array(x.via!), n);
    const fr = new Uint32Array(x.frontier!);
    // The records are in pop order: a queue is rebuilt in that order, a stack (DFS) from its last record.
    const rec = W + 2;
    const count = fr.length / rec;
    for (let i = 0; i < count; i++) {
      const o = (lifo ? count - 1 - i : i) * rec;
      frontier.push(fr[o]!, fr[o + 1]!, fr.subarray(o + 2, o + rec));
    }
    if (edges && x.edgeFrom) {
      const from = new Int32Array(x.edgeFrom);
      const to = new Int32Array(x.edgeTo!);
      const v = new Uint16Array(x.edgeVia!);
      for (let e = 0; e < from.length; e++) edges.push(from[e]!, to[e]!, v[e]!);
    } else if (edges) edges = undefined;
    terminalFlags = new Uint8Array(Math.max(1 << 16, n));
    terminalFlags.set(new Uint8Array(x.terminal!));
    transitions = h.transitions;
    maxDepth = h.maxDepth;
    cut = h.cut;
    if (h.note !== undefined) note = h.note;
    for (const [name, depth] of h.witnesses) witness.set(name, depth);
    clock.before = h.seconds;
  }

  // Initial states.
  const inits = opts.resume ? [] : guard(P, 'computing the initial states', () => P.initStates());
  for (let i = 0; i < inits.length; i++) {
    const w = inits[i]!.slice();
    if (w.length !== W) throw new ModelError(P.id, `an initial state has ${w.length} words, not ${W}`);
    if (canon) canon(w);
    const id = store(w);
    if (id < 0) continue;
    parent.push(-1);
    via.push(i);
    const bad = onNew(w, 0);
    if (bad) return counterexample(bad, i, []);
    frontier.push(id, 0, w);
  }

  while (frontier.length > 0) {
    if (betweenExpansions()) return result('ok', false);
    frontier.pop(cur, meta);
    const id = meta[0]!;
    const depth = meta[1]!;
    depthNow = depth;
    let enabled: readonly A[];
    let isTerminal: boolean;
    try {
      enabled = P.actions(cur);
    } catch (e) {
      throw fault(P, 'computing enabled actions', e);
    }
    try {
      isTerminal = P.terminal(cur);
    } catch (e) {
      throw fault(P, 'terminal', e);
    }
    if (isTerminal) {
      setTerminal(id);
      for (const p of props.atEnd) {
        if (!guard(P, `property ${p.name}`, () => p.check(cur))) {
          const { init, indices } = indicesTo(id);
          return counterexample({ kind: 'at_end', name: p.name }, init, indices);
        }
      }
    } else if (enabled.length === 0) {
      const { init, indices } = indicesTo(id);
      return counterexample({ kind: 'deadlock', name: 'deadlock' }, init, indices);
    }
    if (opts.maxDepth !== undefined && depth >= opts.maxDepth) {
      if (enabled.length > 0) {
        cut = true;
        stopReason = `stopped at depth ${opts.maxDepth} (--max-depth)`;
      }
      continue;
    }
    depthNow = depth + 1;
    for (let i = 0; i < enabled.length; i++) {
      out.set(cur);
      const a = enabled[i]!;
      try {
        nextInto(cur, a, out, emit);
      } catch (e) {
        throw fault(P, `step ${a.context} ${a.step}`, e);
      }
      if (canon) canon(out);
      transitions++;
      const got = store(out);
      if (got < 0) {
        addEdge(id, -1 - got, i);
        continue;
      }
      parent.push(id);
      via.push(i);
      const bad = onNew(out, depth + 1);
      if (bad) {
        const { init, indices } = indicesTo(got);
        return counterexample(bad, init, indices);
      }
      frontier.push(got, depth + 1, out);
      if (limitReached()) return result('ok', false);
    }
  }
  if (cut) return result('ok', false);
  if (edges) {
    const n = table.size;
    if (terminalFlags.length < n) {
      const t = new Uint8Array(n);
      t.set(terminalFlags);
      terminalFlags = t;
    }
    const lasso = findLivelock(n, edges, terminalFlags, { parent: parent.data, via: via.data });
    if (lasso) {
      const { init, indices } = indicesTo(lasso.first);
      // Under symmetry the lasso's edges join canonical states: map them to real actions.
      const lead = canon ? realIndices(P, init, lasso.lead, indices) : lasso.lead;
      const cycle = canon ? realIndices(P, init, lasso.cycle, [...indices, ...lead]) : lasso.cycle;
      const prefix = [...indices, ...lead];
      const all = [...prefix, ...cycle];
      const path = pathFromIndices(model, init, all);
      const who = [...new Set(path.actions.slice(prefix.length).map((x) => x.context))].join(', ');
      stopReason = 'stopped at a livelock';
      return result('livelock', false, {
        property: 'livelock',
        propertyKind: 'livelock',
        explanation: `${lasso.stuck} reachable state${lasso.stuck === 1 ? '' : 's'} can never reach a state where every context has finished; ${who} keep${who.includes(',') ? '' : 's'} taking the last ${cycle.length} step${cycle.length === 1 ? '' : 's'} forever`,
        trace: traceOf(model, init, all, path.actions, 'livelock', prefix.length),
        path,
        cycleStart: prefix.length,
      });
    }
  }
  return result('ok', true);
}

// ---- random walks and PCT -------------------------------------------------------------------

interface Chooser {
  /** Picks the index of the action to take among `enabled` at step `step`. */
  pick(enabled: readonly Action[], step: number): number;
}

/**
 * A random walk over contexts: a runnable context uniformly, then one of its
 * actions uniformly (as shuttle's random scheduler does), so that a context
 * offering many choices does not crowd out the others.
 */
function uniform(r: Rng): Chooser {
  return {
    pick: (enabled) => {
      const contexts = [...new Set(enabled.map((a) => a.context))];
      const who = contexts[r.int(contexts.length)];
      const mine = enabled.map((a, i) => [a, i] as const).filter(([a]) => a.context === who);
      return mine[r.int(mine.length)]![1];
    },
  };
}

/**
 * PCT: contexts get distinct random priorities d .. d+n-1; at each step the
 * enabled context with the highest priority runs (a uniform choice among its
 * own actions); at each of d - 1 change points, chosen uniformly among the
 * first k steps, the running context drops to priority i (below every
 * initial one).
 */
function pctChooser(r: Rng, contexts: readonly string[], d: number, k: number): Chooser {
  const n = contexts.length;
  const order = contexts.map((_c, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const prio = new Map<string, number>();
  order.forEach((ci, rank) => prio.set(contexts[ci]!, d + rank));
  const change = new Map<number, number>();
  for (let i = 1; i < d; i++) change.set(1 + r.int(Math.max(1, k)), i);
  return {
    pick(enabled, step) {
      let best = -Infinity;
      let who = '';
      for (const a of enabled) {
        const p = prio.get(a.context) ?? -1;
        if (p > best) {
          best = p;
          who = a.context;
        }
      }
      const mine = enabled.map((a, i) => [a, i] as const).filter(([a]) => a.context === who);
      const choice = mine[r.int(mine.length)]![1];
      const lower = change.get(step);
      if (lower !== undefined) prio.set(who, lower);
      return choice;
    },
  };
}

/**
 * What one random or PCT run did, all that the merge needs: the
 * fingerprints of the states it visited (pairs of words, in order), the
 * first step at which it met each `sometimes` witness, and how it ended.
 * Runs are independent (run r's choices come from rng(seed, r), PCT's k
 * from run 0), so runs can be made in any order, or on other threads, and
 * merged in run order to the result of one sequential search.
 */
export interface RunRecord {
  readonly run: number;
  readonly init: number;
  readonly fingerprints: Uint32Array;
  readonly witnesses: readonly (readonly [string, number])[];
  /** Action indices taken (kept only for a run that ends in a violation). */
  readonly indices?: readonly number[];
  readonly failed?: { readonly name: string; readonly kind: 'always' | 'at_end' | 'deadlock' };
}

/** One run's machinery: the packed model, its properties, and a table of the states this runner has checked. */
export class RandomRunner {
  private readonly W: number;
  private readonly props: Props;
  private readonly seen = new FingerprintTable();
  private readonly known = new Set<string>();
  private readonly inits: readonly Uint32Array[];
  private s: Uint32Array;
  private t: Uint32Array;
  /** PCT's k: the length of run 0 (a uniform walk). */
  private k = -1;

  constructor(
    private readonly P: Model<Uint32Array, any>,
    private readonly strategy: 'random' | 'pct',
    private readonly seed: number,
    private readonly maxSteps: number,
    private readonly pctDepth: number,
  ) {
    this.W = P.packed!.width;
    this.props = splitProps(P);
    this.inits = P.initStates();
    this.s = new Uint32Array(this.W);
    this.t = new Uint32Array(this.W);
  }

  run(run: number): RunRecord {
    if (this.strategy === 'pct' && run > 0 && this.k < 0) this.k = this.run(0).fingerprints.length / 2 - 1;
    const { P, props, W } = this;
    const r = rng(this.seed, run);
    const init = r.int(this.inits.length);
    const chooser = this.strategy === 'pct' && run > 0 ? pctChooser(r, P.contexts, this.pctDepth, this.k) : uniform(r);
    this.s.set(this.inits[init]!);
    const fps: number[] = [];
    const indices: number[] = [];
    const witnesses: [string, number][] = [];
    const fp = new Uint32Array(2);
    let depthNow = 0;
    const meet = (name: string, step: number) => {
      if (this.known.has(name)) return;
      this.known.add(name);
      witnesses.push([name, step]);
    };
    const emit: Emit = (event) => {
      const ws = props.someEvent.get(event);
      if (ws) for (const w of ws) meet(w, depthNow);
    };
    const end = (failed?: RunRecord['failed']): RunRecord => ({ run, init, fingerprints: Uint32Array.from(fps), witnesses, ...(failed ? { failed, indices } : {}) });
    for (let step = 0; ; step++) {
      const s = this.s;
      depthNow = step;
      hashWords(s, W, fp);
      fps.push(fp[0]!, fp[1]!);
      if (this.seen.add(fp[0]!, fp[1]!) >= 0) {
        for (const p of props.someState) if (!this.known.has(p.name) && guard(P, `property ${p.name}`, () => p.check(s))) meet(p.name, step);
        const bad = props.always.find((p) => !guard(P, `property ${p.name}`, () => p.check(s)));
        if (bad) return end({ name: bad.name, kind: 'always' });
      }
      const enabled = guard(P, 'computing enabled actions', () => P.actions(s));
      if (guard(P, 'terminal', () => P.terminal(s))) {
        const badEnd = props.atEnd.find((p) => !guard(P, `property ${p.name}`, () => p.check(s)));
        if (badEnd) return end({ name: badEnd.name, kind: 'at_end' });
      } else if (enabled.length === 0) return end({ name: 'deadlock', kind: 'deadlock' });
      if (enabled.length === 0 || step >= this.maxSteps) return end();
      const i = chooser.pick(enabled, step + 1);
      const a = enabled[i]!;
      this.t.set(s);
      depthNow = step + 1;
      guard(P, `step ${a.context} ${a.step}`, () => P.packed!.nextInto(s, a, this.t, emit));
      [this.s, this.t] = [this.t, s];
      indices.push(i);
    }
  }
}

/** Merges run records in run order into the figures of one sequential search. */
export class RunMerge {
  readonly seen = new FingerprintTable();
  readonly witness = new Map<string, number>();
  transitions = 0;
  deepest = 0;
  /** Runs merged so far (0 .. runs-1, in order). */
  runs = 0;

  add(rec: RunRecord): void {
    if (rec.run !== this.runs) throw new EngineError(`runs merged out of order: ${rec.run} after ${this.runs - 1}`);
    const f = rec.fingerprints;
    for (let i = 0; i < f.length; i += 2) if (this.seen.add(f[i]!, f[i + 1]!) >= 0 && i / 2 > this.deepest) this.deepest = i / 2;
    for (const [name, step] of rec.witnesses) if (!this.witness.has(name)) this.witness.set(name, step);
    this.transitions += f.length / 2 - 1;
    this.runs++;
  }
}

/** Makes the runs of a random or PCT search: here, one after another (a portfolio spreads them over threads). */
export type RunSource = (from: number, stop: () => string | undefined, deliver: (rec: RunRecord) => boolean) => string | undefined;

function randomRuns<S, A extends Action>(model: Model<S, A>, P: Model<Uint32Array, A>, strategy: 'random' | 'pct', opts: SearchOptions, source?: RunSource): CheckResult<S, A> {
  const props = splitProps(P);
  const runs = opts.runs ?? 1000;
  const seed = opts.seed ?? 1;
  const clock = new Clock();
  const merge = new RunMerge();
  const label = strategy === 'pct' ? `PCT (d=${opts.pctDepth ?? 3})` : 'random walk';
  const base = (extra: Partial<CheckResult<S, A>>): CheckResult<S, A> => ({
    model: model.id,
    strategy,
    result: 'ok',
    complete: false,
    states: merge.seen.size,
    transitions: merge.transitions,
    depth: merge.deepest,
    seconds: clock.seconds,
    witnesses: props.sometimes.map((p) => (merge.witness.has(p.name) ? { name: p.name, reached: true, depth: merge.witness.get(p.name)! } : { name: p.name, reached: false })),
    reductions: [],
    ...extra,
  });
  const stop = (): string | undefined => {
    if (opts.maxSeconds !== undefined && clock.seconds > opts.maxSeconds) return `stopped by --max-seconds ${opts.maxSeconds} before ${runs} runs`;
    return opts.shouldStop?.() ?? ((merge.runs & 15) === 0 ? memoryStop(opts) : undefined);
  };
  let failed: RunRecord | undefined;
  const deliver = (rec: RunRecord): boolean => {
    merge.add(rec);
    if (rec.failed) {
      failed = rec;
      return false;
    }
    if (opts.onProgress && Date.now() - clock.lastProgress > (opts.progressEveryMs ?? 3000)) {
      clock.lastProgress = Date.now();
      const seconds = clock.seconds;
      opts.onProgress({ states: merge.seen.size, statesPerSecond: Math.round(merge.seen.size / seconds), queue: runs - merge.runs, depth: merge.deepest, seconds });
    }
    return merge.runs < runs;
  };
  const sequential: RunSource = (from, stopNow, give) => {
    const runner = new RandomRunner(P, strategy, seed, opts.maxDepth ?? 1000, opts.pctDepth ?? 3);
    for (let run = from; run < runs; run++) {
      const why = stopNow();
      if (why !== undefined) return why;
      if (!give(runner.run(run))) return undefined;
    }
    return undefined;
  };
  const stopped = runs > 0 ? (source ?? sequential)(0, stop, deliver) : undefined;
  if (failed?.failed) {
    const { name, kind } = failed.failed;
    const indices = failed.indices ?? [];
    const path = pathFromIndices(model, failed.init, indices);
    const prop = model.properties.find((p) => p.name === name);
    const explanation = prop?.explain?.(path.states[path.states.length - 1]!);
    return base({
      result: kind === 'deadlock' ? 'deadlock' : 'violation',
      stopReason: `${label} run ${failed.run} of seed ${seed} (${failed.run + 1} runs)`,
      property: name,
      propertyKind: kind,
      ...(explanation !== undefined ? { explanation } : {}),
      trace: traceOf(model, failed.init, indices, path.actions, name),
      path,
      run: failed.run,
    });
  }
  return base({
    stopReason: `${label}: ${merge.runs} runs from seed ${seed}${stopped !== undefined ? ` (${stopped})` : ''}; ${merge.seen.size} distinct states seen`,
  });
}

/** The canonical JSON of a state of any model (packed states as their words), for tests. */
export function stateKey(s: unknown): string {
  return s instanceof Uint32Array ? Array.from(s).join(',') : canonicalJson(s);
}

/** Whether a result is what the configuration expects: true, false, or null when a bound cut the search short before it could tell. */
export function asExpected(e: Pick<Expected, 'result' | 'property'>, r: CheckResult<any, any>): boolean | null {
  if (r.result === e.result) return e.property === undefined || r.property === e.property ? (e.result !== 'ok' || r.complete ? true : null) : false;
  return r.result === 'ok' && !r.complete ? null : false;
}

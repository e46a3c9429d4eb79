// Exhaustive explorers: breadth-first (shortest counterexamples) and
// depth-first (explicit stack, less memory), over a visited set of 64-bit
// fingerprints.
//
// The verdict is honest about bounds: a search that a limit cut short says
// so (`complete: false` and a `stopReason`), and only a search that
// exhausted the reachable states is `complete`.
import type { Action, Model, PropertyKind } from './model.ts';
import { FingerprintSet } from './fingerprint.ts';
import { EngineError } from './errors.ts';
import { EdgeList, findLivelock } from './liveness.ts';
import { memoryStop, type Stops } from './stops.ts';
import { actionsChecked, holds, produceChecked, propertySets } from './run.ts';
import { traceOf, type Path } from './trace.ts';
import type { CheckResult as SearchResult, Verdict } from './search.ts';

export type Strategy = 'bfs' | 'dfs';

export interface Progress {
  readonly states: number;
  readonly statesPerSecond: number;
  readonly queue: number;
  readonly depth: number;
  readonly seconds: number;
}

export interface ExploreOptions extends Stops {
  readonly strategy?: Strategy;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly maxSeconds?: number;
  /**
   * After a complete search, check that every reachable state can still reach
   * a terminal one (default true); a state that cannot is a livelock.
   */
  readonly liveness?: boolean;
  /** Keep exact encodings of all states and fail on a fingerprint collision (debugging; slow). */
  readonly checkCollisions?: boolean;
  readonly onProgress?: (p: Progress) => void;
  readonly progressEveryMs?: number;
}

/** The reference engine's result: the search's, without the reductions it does not have. */
export type CheckResult<S = unknown, A extends Action = Action> = Omit<SearchResult<S, A>, 'reductions'>;

class GrowableInt32 {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

/** Replays action indices from an initial state into a path (used to rebuild counterexamples). */
export function pathFromIndices<S, A extends Action>(model: Model<S, A>, init: number, indices: readonly number[]): Path<S, A> {
  const s0 = model.initStates()[init];
  if (s0 === undefined) throw new EngineError(`initial state ${init} vanished while rebuilding a trace`);
  const states: S[] = [s0];
  const actions: A[] = [];
  let s: S = s0 as S;
  for (const i of indices) {
    const a = actionsChecked(model, s)[i];
    if (a === undefined) throw new EngineError(`action ${i} is not enabled while rebuilding a trace: is the model deterministic?`);
    s = produceChecked(model, s, a);
    states.push(s);
    actions.push(a);
  }
  return { states, actions };
}

interface Found {
  kind: PropertyKind | 'deadlock';
  name: string;
}

class GrowableBytes {
  data = new Uint8Array(1 << 16);
  set(i: number, v: number): void {
    while (i >= this.data.length) {
      const d = new Uint8Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[i] = v;
  }
}

/** Shared bookkeeping of both explorers: properties, witnesses, limits and progress. */
class Search<S, A extends Action> {
  readonly props;
  readonly witnessDepth = new Map<string, number>();
  readonly start = Date.now();
  lastProgress = Date.now();
  transitions = 0;
  maxDepthSeen = 0;
  stopReason: string | undefined;
  /** The transition graph and the terminal states, for the livelock check (when on). */
  readonly edges: EdgeList | undefined;
  readonly terminal = new GrowableBytes();

  constructor(
    readonly model: Model<S, A>,
    readonly opts: ExploreOptions,
    readonly visited: FingerprintSet,
  ) {
    this.props = propertySets(model);
    this.edges = opts.liveness === false ? undefined : new EdgeList();
  }

  /** Records a transition (state ids) for the livelock check. */
  edge(from: number, to: number, via: number): void {
    this.edges?.push(from, to, via);
  }

  /** Checks the properties of a newly reached state; returns the first violated `always`. */
  onNewState(s: S, depth: number): Found | undefined {
    if (depth > this.maxDepthSeen) this.maxDepthSeen = depth;
    for (const p of this.props.sometimes) {
      if (!this.witnessDepth.has(p.name) && holds(this.model, p, s)) this.witnessDepth.set(p.name, depth);
    }
    for (const p of this.props.always) if (!holds(this.model, p, s)) return { kind: 'always', name: p.name };
    return undefined;
  }

  /** At expansion: deadlock and at_end checks. */
  onExpand(s: S, enabled: readonly A[], id = -1): Found | undefined {
    const terminal = this.model.terminal(s);
    if (terminal && id >= 0 && this.edges) this.terminal.set(id, 1);
    if (terminal) {
      for (const p of this.props.atEnd) if (!holds(this.model, p, s)) return { kind: 'at_end', name: p.name };
    } else if (enabled.length === 0) {
      return { kind: 'deadlock', name: 'deadlock' };
    }
    return undefined;
  }

  /** True when a limit says stop; records why. */
  limitReached(queue: number, depth: number): boolean {
    const n = this.visited.size;
    if (this.opts.maxStates !== undefined && n >= this.opts.maxStates) {
      this.stopReason = `stopped at ${n} states (--max-states ${this.opts.maxStates})`;
      return true;
    }
    if ((this.transitions & 255) === 0) {
      const now = Date.now();
      if (this.opts.maxSeconds !== undefined && now - this.start >= this.opts.maxSeconds * 1000) {
        this.stopReason = `stopped after ${this.opts.maxSeconds} s (--max-seconds) at ${n} states`;
        return true;
      }
      const why = this.opts.shouldStop?.() ?? ((this.transitions & 4095) === 0 ? memoryStop(this.opts) : undefined);
      if (why !== undefined) {
        this.stopReason = `${why} at ${n} states`;
        return true;
      }
      if (this.opts.onProgress && now - this.lastProgress >= (this.opts.progressEveryMs ?? 3000)) {
        this.lastProgress = now;
        const seconds = (now - this.start) / 1000;
        this.opts.onProgress({ states: n, statesPerSecond: Math.round(n / seconds), queue, depth, seconds });
      }
    }
    return false;
  }

  result(verdict: Verdict, complete: boolean, extra: Partial<CheckResult<S, A>> = {}): CheckResult<S, A> {
    return {
      model: this.model.id,
      strategy: this.opts.strategy ?? 'bfs',
      result: verdict,
      complete,
      ...(this.stopReason !== undefined && !complete ? { stopReason: this.stopReason } : {}),
      states: this.visited.size,
      transitions: this.transitions,
      depth: this.maxDepthSeen,
      seconds: (Date.now() - this.start) / 1000,
      witnesses: this.props.sometimes.map((p) => {
        const d = this.witnessDepth.get(p.name);
        return d === undefined ? { name: p.name, reached: false } : { name: p.name, reached: true, depth: d };
      }),
      ...extra,
    };
  }

  /** After a complete search: a livelock, as a lasso trace, or undefined when every state can finish. */
  livelock(pathTo: (id: number) => { init: number; indices: number[] }): CheckResult<S, A> | undefined {
    if (!this.edges) return undefined;
    const n = this.visited.size;
    this.terminal.set(n, 0);
    const lasso = findLivelock(n, this.edges, this.terminal.data);
    if (!lasso) return undefined;
    const { init, indices } = pathTo(lasso.first);
    const prefix = [...indices, ...lasso.lead];
    const all = [...prefix, ...lasso.cycle];
    const path = pathFromIndices(this.model, init, all);
    const trace = traceOf(this.model, init, all, path.actions, 'livelock', prefix.length);
    const who = [...new Set(path.actions.slice(prefix.length).map((a) => a.context))].join(', ');
    this.stopReason = 'stopped at a livelock';
    return this.result('livelock', false, {
      property: 'livelock',
      propertyKind: 'livelock',
      explanation: `${lasso.stuck} reachable state${lasso.stuck === 1 ? '' : 's'} can never reach a state where every context has finished; ${who} keep${who.includes(',') ? '' : 's'} taking the last ${lasso.cycle.length} step${lasso.cycle.length === 1 ? '' : 's'} forever`,
      trace,
      path,
      cycleStart: prefix.length,
    });
  }

  counterexample(found: Found, init: number, indices: readonly number[]): CheckResult<S, A> {
    const path = pathFromIndices(this.model, init, indices);
    const last = path.states[path.states.length - 1]!;
    const prop = this.model.properties.find((p) => p.name === found.name);
    const explanation = prop?.explain?.(last);
    const trace = traceOf(this.model, init, indices, path.actions, found.name);
    this.stopReason ??= 'stopped at the first violation';
    return this.result(found.kind === 'deadlock' ? 'deadlock' : 'violation', false, {
      property: found.name,
      propertyKind: found.kind,
      ...(explanation !== undefined ? { explanation } : {}),
      trace,
      path,
    });
  }
}

function bfs<S, A extends Action>(model: Model<S, A>, opts: ExploreOptions): CheckResult<S, A> {
  const visited = new FingerprintSet(1 << 16, opts.checkCollisions);
  const search = new Search(model, opts, visited);
  // Compact parent links: for state k, the index of its parent and of the
  // action that reached it (for a root: parent -1 and its initial index).
  const parent = new GrowableInt32();
  const via = new GrowableInt32();
  const indicesTo = (k: number): { init: number; indices: number[] } => {
    const indices: number[] = [];
    while (parent.data[k]! >= 0) {
      indices.push(via.data[k]!);
      k = parent.data[k]!;
    }
    return { init: via.data[k]!, indices: indices.reverse() };
  };

  let queue: S[] = [];
  let queueIds: number[] = [];
  let head = 0;
  model.initStates().forEach((s, i) => {
    if (visited.addId(s) < 0) return;
    parent.push(-1);
    via.push(i);
    queue.push(s);
    queueIds.push(parent.length - 1);
  });
  for (let k = 0; k < queue.length; k++) {
    const bad = search.onNewState(queue[k]!, 0);
    if (bad) return search.counterexample(bad, via.data[queueIds[k]!]!, []);
  }

  let depth = 0;
  let levelEnd = queue.length;
  let cut = false;
  while (head < queue.length) {
    if (head === levelEnd) {
      depth++;
      levelEnd = queue.length;
    }
    if (head > 100_000) {
      queue = queue.slice(head);
      queueIds = queueIds.slice(head);
      levelEnd -= head;
      head = 0;
    }
    const s = queue[head]!;
    const id = queueIds[head]!;
    head++;
    const enabled = actionsChecked(model, s);
    const bad = search.onExpand(s, enabled, id);
    if (bad) {
      const { init, indices } = indicesTo(id);
      return search.counterexample(bad, init, indices);
    }
    if (opts.maxDepth !== undefined && depth >= opts.maxDepth) {
      if (enabled.length > 0) {
        cut = true;
        search.stopReason = `stopped at depth ${opts.maxDepth} (--max-depth)`;
      }
      continue;
    }
    for (let i = 0; i < enabled.length; i++) {
      const ns = produceChecked(model, s, enabled[i]!);
      search.transitions++;
      const got = visited.addId(ns);
      if (got < 0) {
        search.edge(id, -1 - got, i);
        continue;
      }
      parent.push(id);
      via.push(i);
      const nid = parent.length - 1;
      search.edge(id, nid, i);
      const bad2 = search.onNewState(ns, depth + 1);
      if (bad2) {
        const { init, indices } = indicesTo(nid);
        return search.counterexample(bad2, init, indices);
      }
      queue.push(ns);
      queueIds.push(nid);
      if (search.limitReached(queue.length - head, depth + 1)) return search.result('ok', false);
    }
  }
  if (cut) return search.result('ok', false);
  return search.livelock(indicesTo) ?? search.result('ok', true);
}

interface Frame<S, A> {
  readonly state: S;
  readonly id: number;
  readonly actions: readonly A[];
  next: number;
}

function dfs<S, A extends Action>(model: Model<S, A>, opts: ExploreOptions): CheckResult<S, A> {
  const visited = new FingerprintSet(1 << 16, opts.checkCollisions);
  const search = new Search(model, opts, visited);
  // For the livelock check's shortest path: each state's parent and action, in discovery order.
  const parent = new GrowableInt32();
  const via = new GrowableInt32();
  const rootOf: number[] = [];
  let cut = false;
  const inits = model.initStates();
  for (let init = 0; init < inits.length; init++) {
    const s0 = inits[init]!;
    const id0 = visited.addId(s0);
    if (id0 < 0) continue;
    parent.push(-1);
    via.push(init);
    rootOf[init] = id0;
    const bad0 = search.onNewState(s0, 0);
    if (bad0) return search.counterexample(bad0, init, []);
    const stack: Frame<S, A>[] = [];
    const path: number[] = [];
    const enter = (s: S, id: number): Found | undefined => {
      const enabled = actionsChecked(model, s);
      const bad = search.onExpand(s, enabled, id);
      if (bad) return bad;
      const depth = stack.length;
      if (opts.maxDepth !== undefined && depth >= opts.maxDepth) {
        if (enabled.length > 0) {
          cut = true;
          search.stopReason = `stopped at depth ${opts.maxDepth} (--max-depth)`;
        }
        stack.push({ state: s, id, actions: [], next: 0 });
      } else {
        stack.push({ state: s, id, actions: enabled, next: 0 });
      }
      return undefined;
    };
    const b = enter(s0, id0);
    if (b) return search.counterexample(b, init, []);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next >= top.actions.length) {
        stack.pop();
        path.pop();
        continue;
      }
      const i = top.next++;
      const ns = produceChecked(model, top.state, top.actions[i]!);
      search.transitions++;
      const got = visited.addId(ns);
      if (got < 0) {
        search.edge(top.id, -1 - got, i);
        continue;
      }
      parent.push(top.id);
      via.push(i);
      search.edge(top.id, got, i);
      path.push(i);
      const bad = search.onNewState(ns, stack.length);
      if (bad) return search.counterexample(bad, init, path);
      const bad2 = enter(ns, got);
      if (bad2) return search.counterexample(bad2, init, path);
      if (search.limitReached(stack.length, stack.length)) return search.result('ok', false);
    }
  }
  if (cut) return search.result('ok', false);
  const pathTo = (k: number) => {
    const indices: number[] = [];
    while (parent.data[k]! >= 0) {
      indices.push(via.data[k]!);
      k = parent.data[k]!;
    }
    return { init: via.data[k]!, indices: indices.reverse() };
  };
  return search.livelock(pathTo) ?? search.result('ok', true);
}

export function explore<S, A extends Action>(model: Model<S, A>, opts: ExploreOptions = {}): CheckResult<S, A> {
  const strategy = opts.strategy ?? 'bfs';
  if (strategy === 'bfs') return bfs(model, opts);
  if (strategy === 'dfs') return dfs(model, opts);
  throw new EngineError(`unknown strategy ${strategy as string}`);
}

/**
 * A packed model seen as a plain one, for this reference engine: a state is
 * a plain array of its words, so the reference engine's own fingerprints and
 * visited set decide what is distinct. `sometimes` witnesses that are events
 * of transitions are never reached here (this engine sees only states).
 */
export function plainOf<A extends Action>(m: Model<Uint32Array, A>): Model<readonly number[], A> {
  const w = (s: readonly number[]) => Uint32Array.from(s);
  const p = (u: Uint32Array): readonly number[] => Array.from(u);
  return {
    id: m.id,
    config: m.config,
    contexts: m.contexts,
    initStates: () => m.initStates().map(p),
    actions: (s) => m.actions(w(s)),
    next: (s, a) => p(m.next(w(s), a)),
    properties: m.properties.map((q) => ({
      name: q.name,
      kind: q.kind,
      description: q.description,
      check: q.event !== undefined ? () => false : (s: readonly number[]) => q.check(w(s)),
      ...(q.explain ? { explain: (s: readonly number[]) => q.explain!(w(s)) } : {}),
    })),
    terminal: (s) => m.terminal(w(s)),
    ...(m.view ? { view: (s: readonly number[]) => m.view!(w(s)) } : {}),
    ...(m.describeWaits ? { describeWaits: (s: readonly number[]) => m.describeWaits!(w(s)) } : {}),
  };
}

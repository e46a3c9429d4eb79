// Termination, checked like SPIN's non-progress cycles: after a complete
// search, every reachable state must be able to reach a terminal state (every
// context has finished). A state that cannot, although it still has enabled
// actions, sits in a livelock: some context keeps taking steps (a step that
// leaves the state unchanged, a retry loop with no exit) and no schedule lets
// everybody finish. Spinning on a lock whose holder can still run is not one:
// the spinner has no enabled action (its guard is false), and the holder's
// steps lead on to the end.
//
// The search's transition graph is its tree of first discoveries (the
// parent links it keeps anyway) plus an edge list of the other transitions
// (state ids are dense, in the order states were found); this module runs a
// backward reachability from the terminal states and, if some state is left
// out, builds a lasso: the shortest path to such a state, then a walk inside
// the bad set until a state repeats.

export class EdgeList {
  from = new Int32Array(1 << 16);
  to = new Int32Array(1 << 16);
  via = new Uint16Array(1 << 16);
  length = 0;

  push(from: number, to: number, via: number): void {
    if (this.length === this.from.length) {
      const n = Math.ceil(this.from.length * 1.5);
      const from = new Int32Array(n);
      from.set(this.from);
      const to = new Int32Array(n);
      to.set(this.to);
      const v = new Uint16Array(n);
      v.set(this.via);
      this.from = from;
      this.to = to;
      this.via = v;
    }
    this.from[this.length] = from;
    this.to[this.length] = to;
    this.via[this.length] = via;
    this.length++;
  }

  get bytes(): number {
    return this.from.byteLength * 2 + this.via.byteLength;
  }
}

/**
 * The search's tree of first discoveries: `parent[v]` found `v` by its
 * action `via[v]` (-1 for an initial state). A parent is always found
 * before its children, so its id is smaller. These edges need not be in
 * the EdgeList: the search records there only the transitions to states it
 * had already found.
 */
export interface Tree {
  readonly parent: Int32Array;
  readonly via: Uint16Array;
}

export interface Lasso {
  /** The first stuck state found (the shallowest): the search's shortest path leads here. */
  readonly first: number;
  /** Action indices from `first` to the state where the cycle starts. */
  readonly lead: readonly number[];
  /** Action indices around the cycle, back to where it started. */
  readonly cycle: readonly number[];
  /** How many reachable states cannot reach a terminal state. */
  readonly stuck: number;
}

/** Calls `f` for every edge of the graph: the tree's, then the list's. */
function forEachEdge(n: number, edges: EdgeList, tree: Tree | undefined, f: (from: number, to: number, via: number) => void): void {
  if (tree) for (let v = 0; v < n; v++) if (tree.parent[v]! >= 0) f(tree.parent[v]!, v, tree.via[v]!);
  for (let e = 0; e < edges.length; e++) f(edges.from[e]!, edges.to[e]!, edges.via[e]!);
}

/**
 * Marks in `good` every state that can reach a marked one. Passes over the
 * edges in decreasing id order settle the whole tree in one pass, so a few
 * passes usually reach the fixpoint without building any adjacency; after
 * 32 passes, a reverse adjacency finishes the job.
 */
function backward(n: number, edges: EdgeList, tree: Tree | undefined, good: Uint8Array): void {
  for (let pass = 0; pass < 32; pass++) {
    let changed = false;
    for (let e = edges.length - 1; e >= 0; e--) {
      const u = edges.from[e]!;
      if (!good[u] && good[edges.to[e]!]) {
        good[u] = 1;
        changed = true;
      }
    }
    if (tree) {
      for (let v = n - 1; v >= 0; v--) {
        const u = tree.parent[v]!;
        if (u >= 0 && !good[u] && good[v]) {
          good[u] = 1;
          changed = true;
        }
      }
    }
    if (!changed) return;
  }
  const start = new Int32Array(n + 1);
  forEachEdge(n, edges, tree, (_f, t) => start[t + 1]!++);
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const preds = new Int32Array(start[n]!);
  forEachEdge(n, edges, tree, (f, t) => (preds[fill[t]!++] = f));
  const work: number[] = [];
  for (let i = 0; i < n; i++) if (good[i]) work.push(i);
  while (work.length > 0) {
    const v = work.pop()!;
    for (let k = start[v]!; k < start[v + 1]!; k++) {
      const u = preds[k]!;
      if (!good[u]) {
        good[u] = 1;
        work.push(u);
      }
    }
  }
}

/**
 * The states that cannot reach a terminal one, and a cycle among them; undefined
 * when every state can finish. `terminal[id]` marks the terminal states of the
 * `n` states of the graph, whose edges are `tree`'s and `edges`'.
 */
export function findLivelock(n: number, edges: EdgeList, terminal: Uint8Array, tree?: Tree): Lasso | undefined {
  const good = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (terminal[i]) good[i] = 1;
  backward(n, edges, tree, good);
  let stuck = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (!good[i]) {
      stuck++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return undefined;
  // The successors of the stuck states only (every successor of a stuck state
  // is stuck, and a stuck state has successors: a state with none is a
  // deadlock, reported by the search itself). Then walk from the first stuck
  // state (the shallowest, as ids follow discovery order) until a state repeats.
  const succ = new Map<number, [number, number][]>();
  forEachEdge(n, edges, tree, (f, t, v) => {
    if (good[f]) return;
    let out = succ.get(f);
    if (!out) succ.set(f, (out = []));
    out.push([t, v]);
  });
  const order = new Map<number, number>();
  const walk: number[] = [];
  const vias: number[] = [];
  let v = first;
  while (!order.has(v)) {
    order.set(v, walk.length);
    walk.push(v);
    const out = succ.get(v);
    if (!out || out.length === 0) throw new Error(`livelock analysis: stuck state ${v} has no successor`);
    // Prefer a self-loop or an edge back into the walk, so the cycle is short.
    const pick = out.find(([t]) => order.has(t)) ?? out[0]!;
    vias.push(pick[1]);
    v = pick[0];
  }
  const at = order.get(v)!;
  return { first, lead: vias.slice(0, at), cycle: vias.slice(at), stuck };
}

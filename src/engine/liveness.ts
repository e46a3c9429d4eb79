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

/**
 * The transitions to states found before, in chunks of EDGE_CHUNK edges: a
 * full chunk is never copied, so the list holds at most one chunk more than
 * it needs, and growing it never holds the old and the new copy at once (a
 * contiguous array grown by half did both: at a growth, 2.5 times the bytes
 * of the edges, the largest part of the search's peak memory).
 */
const EDGE_BITS = 16;
const EDGE_CHUNK = 1 << EDGE_BITS;
const EDGE_MASK = EDGE_CHUNK - 1;

export class EdgeList {
  readonly fromChunks: Int32Array[] = [];
  readonly toChunks: Int32Array[] = [];
  readonly viaChunks: Uint16Array[] = [];
  length = 0;

  push(from: number, to: number, via: number): void {
    const c = this.length >>> EDGE_BITS;
    if (c === this.fromChunks.length) {
      this.fromChunks.push(new Int32Array(EDGE_CHUNK));
      this.toChunks.push(new Int32Array(EDGE_CHUNK));
      this.viaChunks.push(new Uint16Array(EDGE_CHUNK));
    }
    const i = this.length & EDGE_MASK;
    this.fromChunks[c]![i] = from;
    this.toChunks[c]![i] = to;
    this.viaChunks[c]![i] = via;
    this.length++;
  }

  /** Edge e's source, target and action index. */
  from(e: number): number {
    return this.fromChunks[e >>> EDGE_BITS]![e & EDGE_MASK]!;
  }
  to(e: number): number {
    return this.toChunks[e >>> EDGE_BITS]![e & EDGE_MASK]!;
  }
  via(e: number): number {
    return this.viaChunks[e >>> EDGE_BITS]![e & EDGE_MASK]!;
  }

  /** All sources, targets or action indices in one array (for checkpoints). */
  fromArray(): Int32Array {
    return joinChunks(this.fromChunks, this.length, new Int32Array(this.length));
  }
  toArray(): Int32Array {
    return joinChunks(this.toChunks, this.length, new Int32Array(this.length));
  }
  viaArray(): Uint16Array {
    return joinChunks(this.viaChunks, this.length, new Uint16Array(this.length));
  }

  get bytes(): number {
    return this.fromChunks.length * EDGE_CHUNK * 10;
  }
}

function joinChunks<T extends Int32Array | Uint16Array>(chunks: readonly T[], n: number, out: T): T {
  for (let c = 0; c * EDGE_CHUNK < n; c++) out.set(chunks[c]!.subarray(0, Math.min(EDGE_CHUNK, n - c * EDGE_CHUNK)), c * EDGE_CHUNK);
  return out;
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
  for (let e = 0; e < edges.length; e++) f(edges.from(e), edges.to(e), edges.via(e));
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
    for (let c = edges.fromChunks.length - 1; c >= 0; c--) {
      const from = edges.fromChunks[c]!;
      const to = edges.toChunks[c]!;
      for (let i = Math.min(EDGE_CHUNK, edges.length - c * EDGE_CHUNK) - 1; i >= 0; i--) {
        const u = from[i]!;
        if (!good[u] && good[to[i]!]) {
          good[u] = 1;
          changed = true;
        }
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

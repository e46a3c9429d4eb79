// Termination, checked like SPIN's non-progress cycles: after a complete
// search, every reachable state must be able to reach a terminal state (every
// context has finished). A state that cannot, although it still has enabled
// actions, sits in a livelock: some context keeps taking steps (a step that
// leaves the state unchanged, a retry loop with no exit) and no schedule lets
// everybody finish. Spinning on a lock whose holder can still run is not one:
// the spinner has no enabled action (its guard is false), and the holder's
// steps lead on to the end.
//
// The search records its transition graph as an edge list (state ids are
// dense, in the order states were found); this module runs a backward
// reachability from the terminal states and, if some state is left out,
// builds a lasso: the shortest path to such a state, then a walk inside the
// bad set until a state repeats.

export class EdgeList {
  from = new Int32Array(1 << 16);
  to = new Int32Array(1 << 16);
  via = new Int32Array(1 << 16);
  length = 0;

  push(from: number, to: number, via: number): void {
    if (this.length === this.from.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.from = grow(this.from);
      this.to = grow(this.to);
      this.via = grow(this.via);
    }
    this.from[this.length] = from;
    this.to[this.length] = to;
    this.via[this.length] = via;
    this.length++;
  }

  get bytes(): number {
    return this.from.byteLength * 3;
  }
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

/**
 * The states that cannot reach a terminal one, and a cycle among them; undefined
 * when every state can finish. `terminal[id]` marks the terminal states of the
 * `n` states of the graph.
 */
export function findLivelock(n: number, edges: EdgeList, terminal: Uint8Array): Lasso | undefined {
  // Reverse adjacency (CSR): for each target, its sources.
  const m = edges.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[edges.to[e]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const preds = new Int32Array(m);
  for (let e = 0; e < m; e++) preds[fill[edges.to[e]!]!++] = edges.from[e]!;
  // Backward search from the terminal states.
  const good = new Uint8Array(n);
  const work = new Int32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    if (terminal[i]) {
      good[i] = 1;
      work[top++] = i;
    }
  }
  while (top > 0) {
    const v = work[--top]!;
    for (let k = start[v]!; k < start[v + 1]!; k++) {
      const u = preds[k]!;
      if (!good[u]) {
        good[u] = 1;
        work[top++] = u;
      }
    }
  }
  let stuck = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (!good[i]) {
      stuck++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return undefined;
  // Forward adjacency, then walk from the first stuck state (the shallowest, as
  // ids follow discovery order) until a state repeats: every successor of a
  // stuck state is stuck, and a stuck state has successors (a state with none
  // is a deadlock, reported by the search itself).
  const fstart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) fstart[edges.from[e]! + 1]!++;
  for (let i = 0; i < n; i++) fstart[i + 1]! += fstart[i]!;
  const ffill = fstart.slice(0, n);
  const succ = new Int32Array(m);
  const succVia = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const k = ffill[edges.from[e]!]!++;
    succ[k] = edges.to[e]!;
    succVia[k] = edges.via[e]!;
  }
  const order = new Map<number, number>();
  const walk: number[] = [];
  const vias: number[] = [];
  let v = first;
  while (!order.has(v)) {
    order.set(v, walk.length);
    walk.push(v);
    // Prefer a self-loop or an edge back into the walk, so the cycle is short.
    let pick = -1;
    for (let k = fstart[v]!; k < fstart[v + 1]!; k++) {
      if (order.has(succ[k]!)) {
        pick = k;
        break;
      }
    }
    if (pick < 0) pick = fstart[v]!;
    if (pick >= fstart[v + 1]!) throw new Error(`livelock analysis: stuck state ${v} has no successor`);
    vias.push(succVia[pick]!);
    v = succ[pick]!;
  }
  const at = order.get(v)!;
  return { first, lead: vias.slice(0, at), cycle: vias.slice(at), stuck };
}

import { describe, expect, it } from 'vitest';
import type { Action, Model } from '../../src/engine/model.ts';
import { search } from '../../src/engine/search.ts';
import { EdgeList, findLivelock } from '../../src/engine/liveness.ts';
import { replay } from '../../src/engine/trace.ts';
import { fingerprint } from '../../src/engine/fingerprint.ts';

/** Two threads; `waiter` busy-waits (an enabled step that changes nothing) until `flag` is set; `setter` sets it unless `broken`. */
function spinModel(broken: boolean): Model<{ flag: boolean; w: 'spin' | 'done'; s: 'set' | 'done' }, Action> {
  return {
    id: 'toy/spin',
    config: null,
    contexts: ['setter', 'waiter'],
    initStates: () => [{ flag: false, w: 'spin', s: 'set' }],
    actions: (st) => [
      ...(st.s === 'set' ? [{ context: 'setter', step: 'set_flag' }] : []),
      ...(st.w === 'spin' ? [{ context: 'waiter', step: st.flag ? 'see_flag' : 'spin' }] : []),
    ],
    next: (st, a) =>
      a.step === 'set_flag' ? { ...st, flag: !broken, s: 'done' } : a.step === 'see_flag' ? { ...st, w: 'done' } : st,
    properties: [],
    terminal: (st) => st.w === 'done' && st.s === 'done',
  };
}

describe('the livelock check', () => {
  it('accepts a busy-wait whose condition another context can still make true', () => {
    const r = search(spinModel(false));
    expect(r).toMatchObject({ result: 'ok', complete: true });
  });

  it('reports a context that spins forever, with a lasso whose cycle returns to its start', () => {
    const m = spinModel(true);
    const r = search(m);
    expect(r.result).toBe('livelock');
    expect(r.explanation).toMatch(/waiter keeps taking the last 1 step forever/);
    const path = replay(m, r.trace!);
    expect(fingerprint(path.states[r.cycleStart!])).toBe(fingerprint(path.states.at(-1)));
    expect(r.trace!.steps.slice(r.cycleStart!).map((s) => s.step)).toEqual(['spin']);
  });

  it('is found by DFS too, and can be switched off', () => {
    expect(search(spinModel(true), { strategy: 'dfs' }).result).toBe('livelock');
    expect(search(spinModel(true), { liveness: false })).toMatchObject({ result: 'ok', complete: true });
  });

  it('finds the shallowest stuck state and a cycle inside the stuck states of a hand-built graph', () => {
    // 0 -> 1 -> 2 (terminal); 0 -> 3 -> 4 -> 3 (a two-state cycle, never terminal)
    const e = new EdgeList();
    for (const [f, t, v] of [[0, 1, 0], [1, 2, 0], [0, 3, 1], [3, 4, 0], [4, 3, 0]] as const) e.push(f, t, v);
    const lasso = findLivelock(5, e, Uint8Array.from([0, 0, 1, 0, 0]));
    expect(lasso).toEqual({ first: 3, lead: [], cycle: [0, 0], stuck: 2 });
    const none = new EdgeList();
    none.push(0, 1, 0);
    expect(findLivelock(2, none, Uint8Array.from([0, 1]))).toBeUndefined();
  });

  it('reads the search tree as edges, so only the other transitions need recording', () => {
    // The same graph as above: tree 0 -> 1 -> 2, 0 -> 3 -> 4; the one other transition 4 -> 3.
    const tree = { parent: Int32Array.from([-1, 0, 1, 0, 3]), via: Uint16Array.from([0, 0, 0, 1, 0]) };
    const e = new EdgeList();
    e.push(4, 3, 0);
    expect(findLivelock(5, e, Uint8Array.from([0, 0, 1, 0, 0]), tree)).toEqual({ first: 3, lead: [], cycle: [0, 0], stuck: 2 });
    const fixed = new EdgeList();
    fixed.push(4, 2, 0);
    expect(findLivelock(5, fixed, Uint8Array.from([0, 0, 1, 0, 0]), tree)).toBeUndefined();
  });

  it('settles reachability that needs many passes over the edges (a chain recorded backwards)', () => {
    const n = 200;
    const e = new EdgeList();
    for (let i = n - 2; i >= 0; i--) e.push(i, i + 1, 0);
    const terminal = new Uint8Array(n);
    terminal[n - 1] = 1;
    expect(findLivelock(n, e, terminal)).toBeUndefined();
    e.push(n - 1, n - 1, 0);
    terminal[n - 1] = 0;
    expect(findLivelock(n, e, terminal)).toMatchObject({ first: 0, stuck: n, cycle: [0] });
  });
});

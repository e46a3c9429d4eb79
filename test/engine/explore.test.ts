import { describe, expect, it } from 'vitest';
import { search } from '../../src/engine/search.ts';
import { model as incrementRace } from '../../models/toy/increment-race.ts';
import { peterson, petersonBroken } from '../../models/toy/peterson.ts';
import { model as lockOrder } from '../../models/toy/lock-order.ts';
import { reachableByJson, shortestByIterativeDeepening } from '../helpers.ts';
import type { Model } from '../../src/engine/model.ts';

const petersonModel = peterson.build(null);
const brokenModel = petersonBroken.build(null);

describe('the breadth-first explorer', () => {
  it('finds the lost update of toy/increment-race in a shortest trace of 4 steps', () => {
    const r = search(incrementRace);
    expect(r.result).toBe('violation');
    expect(r.property).toBe('no_lost_update');
    const oracle = shortestByIterativeDeepening(incrementRace, (s) => incrementRace.terminal(s) && s.counter !== 2, 10);
    expect(r.trace!.steps.length).toBe(oracle);
    expect(oracle).toBe(4);
  });

  it('explores toy/peterson completely: 34 distinct states, depth 10, no violation', () => {
    const r = search(petersonModel);
    expect(r).toMatchObject({ result: 'ok', complete: true, states: 34, depth: 10 });
    expect(r.witnesses.every((w) => w.reached)).toBe(true);
  });

  it('finds both threads in the critical section of toy/peterson-broken in a shortest trace', () => {
    const r = search(brokenModel);
    expect(r.result).toBe('violation');
    expect(r.property).toBe('mutual_exclusion');
    const oracle = shortestByIterativeDeepening(brokenModel, (s) => s.pc[0] === 'critical' && s.pc[1] === 'critical', 12);
    expect(r.trace!.steps.length).toBe(oracle);
  });

  it('reports the ABBA deadlock of toy/lock-order as a deadlock, not a violation', () => {
    const r = search(lockOrder);
    expect(r.result).toBe('deadlock');
    expect(r.trace!.steps.map((s) => s.step)).toEqual(['lock_A', 'lock_B']);
  });

  it('pins the distinct-state counts of every toy model, and agrees with a naive JSON-set enumeration', () => {
    // All reachable states: explore with the violated properties removed and every state terminal.
    const complete = (m: Model<any, any>) => search({ ...m, properties: [], terminal: () => true }).states;
    const pinned: [Model<any, any>, number][] = [[incrementRace, 13], [petersonModel, 34], [brokenModel, 61], [lockOrder, 19]];
    for (const [m, n] of pinned) {
      expect(complete(m), m.id).toBe(n);
      expect(reachableByJson(m), m.id).toBe(n);
    }
  });

  it('says incomplete, with the bound, when --max-states stops it', () => {
    const r = search(petersonModel, { maxStates: 10 });
    expect(r.result).toBe('ok');
    expect(r.complete).toBe(false);
    expect(r.stopReason).toMatch(/stopped at 10 states/);
  });

  it('says incomplete when --max-depth cuts a state that had successors', () => {
    const r = search(petersonModel, { maxDepth: 3 });
    expect(r.complete).toBe(false);
    expect(r.stopReason).toMatch(/depth 3/);
    expect(search(petersonModel, { maxDepth: 10 }).complete).toBe(true);
  });

  it('reports a sometimes property that is never reached', () => {
    const m = { ...petersonModel, properties: [...petersonModel.properties, { name: 'never', kind: 'sometimes' as const, check: () => false }] };
    const r = search(m);
    expect(r.witnesses.find((w) => w.name === 'never')).toEqual({ name: 'never', reached: false });
  });
});

describe('the depth-first explorer', () => {
  it('finds the same violations and the same deadlock as BFS', () => {
    expect(search(incrementRace, { strategy: 'dfs' })).toMatchObject({ result: 'violation', property: 'no_lost_update' });
    expect(search(brokenModel, { strategy: 'dfs' })).toMatchObject({ result: 'violation', property: 'mutual_exclusion' });
    expect(search(lockOrder, { strategy: 'dfs' }).result).toBe('deadlock');
  });

  it('visits exactly the states BFS visits on a correct model', () => {
    expect(search(petersonModel, { strategy: 'dfs' })).toMatchObject({ result: 'ok', complete: true, states: 34 });
  });
});

describe('a step that mutates its input state', () => {
  it('throws under the test auto-freeze instead of corrupting the search', () => {
    const bad: Model<{ n: number[] }, any> = {
      id: 'test/mutating',
      config: null,
      contexts: ['t'],
      initStates: () => [{ n: [0] }],
      actions: (s) => (s.n[0]! < 2 ? [{ context: 't', step: 'inc' }] : []),
      next: (s) => {
        s.n[0]!++;
        return s;
      },
      properties: [],
      terminal: () => true,
    };
    // The initial state is frozen by the first produce in a real model; freeze it here.
    const frozen = Object.freeze({ n: Object.freeze([0]) as number[] });
    expect(() => search({ ...bad, initStates: () => [frozen] })).toThrow(/model error in test\/mutating/);
  });
});

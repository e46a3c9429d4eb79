import { describe, expect, it } from 'vitest';
import { minimize } from '../../src/engine/minimize.ts';
import { search } from '../../src/engine/search.ts';
import { replay } from '../../src/engine/trace.ts';
import { UsageError } from '../../src/engine/errors.ts';
import { buildSlubModel } from '../../models/slub/model.ts';
import { model as incrementRace } from '../../models/toy/increment-race.ts';

describe('minimize', () => {
  const stress = buildSlubModel({ version: '17c38c88', scenario: 'stress', patches: [], kasan: false });
  // Seed 6: a 34-step random walk of four contexts.
  const found = search(stress, { strategy: 'random', runs: 3000, seed: 6 });

  it('shrinks a random-walk counterexample of the put_cpu_partial race to at most one preemption and two contexts', () => {
    expect(found.result).toBe('violation');
    const m = minimize(stress, found.trace!);
    expect(m.property).toBe('link_words_written_by_owner');
    expect(m.before.steps).toBeGreaterThan(m.after.steps);
    expect(m.after.preemptions).toBeLessThanOrEqual(1);
    expect(m.after.contexts).toBe(2);
    expect(m.after.operations).toBe(2);
  });

  it('returns a trace no longer than the BFS shortest plus a few steps, which replays to the same property', () => {
    const m = minimize(stress, found.trace!);
    const generic = search(buildSlubModel({ version: '17c38c88', scenario: 'generic', patches: [], kasan: false }));
    // The stress scenario has an irq on cpu0, so its pcs lock is one step more than in generic.
    expect(m.after.steps).toBeLessThanOrEqual(generic.trace!.steps.length + 3);
    const path = replay(stress, m.trace);
    expect(stress.properties.find((p) => p.name === m.property)!.check(path.states.at(-1)!)).toBe(false);
  });

  it('drops whole operations and contexts by delta debugging even when every bounded search is cut short', () => {
    // With 20 states per search, the preemption-bounded searches cannot finish: only delta debugging works
    // (on the random walk of seed 1, a 25-step trace of four contexts and seven operations).
    const four = search(stress, { strategy: 'random', runs: 3000, seed: 1 });
    const m = minimize(stress, four.trace!, { maxStates: 20 });
    expect(m.before).toMatchObject({ contexts: 4, operations: 7 });
    expect(m.after.operations).toBeLessThan(m.before.operations);
    expect(m.after.contexts).toBeLessThan(m.before.contexts);
    expect(m.after.steps).toBeLessThan(m.before.steps);
    expect(m.bound).toBeNull();
    const path = replay(stress, m.trace);
    expect(stress.properties.find((p) => p.name === m.property)!.check(path.states.at(-1)!)).toBe(false);
  });

  it('turns the shortest lost update (2 preemptions) into an equally short one with 1 preemption', () => {
    const r = search(incrementRace);
    const m = minimize(incrementRace, r.trace!);
    expect(m.before).toMatchObject({ steps: 4, preemptions: 2 });
    expect(m.after).toMatchObject({ steps: 4, preemptions: 1 });
    expect(minimize(incrementRace, m.trace).after).toEqual(m.after);
  });

  it('refuses a trace that violates nothing', () => {
    const ok = { ...search(incrementRace).trace!, steps: [] };
    expect(() => minimize(incrementRace, ok)).toThrow(UsageError);
  });
});

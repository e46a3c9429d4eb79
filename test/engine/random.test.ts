import { describe, expect, it } from 'vitest';
import { search } from '../../src/engine/search.ts';
import { restrict, unwrapResult, countPreemptions } from '../../src/engine/preemption.ts';
import { model as tornRead } from '../../models/toy/torn-read.ts';
import { peterson, petersonBroken } from '../../models/toy/peterson.ts';
import { model as incrementRace } from '../../models/toy/increment-race.ts';
import { replay } from '../../src/engine/trace.ts';
import { violationOf } from '../../src/engine/minimize.ts';

describe('PCT', () => {
  it('finds the torn read of toy/torn-read within 200 runs, for every seed tried', () => {
    // PCT's guarantee (Burckhardt et al. 2010): a bug of depth d in a program of
    // n threads and k steps is found by one run with probability at least
    // 1 / (n k^(d-1)). Here n = 2, k = 12, d = 2 (one ordering constraint
    // besides the start: the writer runs inside the reader's window), so
    // p >= 1/24 and 200 runs miss it with probability at most (23/24)^200 < 2e-4.
    // A random walk needs the writer's ten steps in a row (about 2^-11 a run).
    for (let seed = 1; seed <= 5; seed++) {
      const r = search(tornRead, { strategy: 'pct', runs: 200, seed, pctDepth: 2 });
      expect(r.result, `seed ${seed}`).toBe('violation');
      expect(r.property).toBe('reads_not_torn');
      expect(r.complete).toBe(false);
    }
  });

  it('is exactly reproducible from its seed', () => {
    const a = search(tornRead, { strategy: 'pct', runs: 200, seed: 9, pctDepth: 2 });
    const b = search(tornRead, { strategy: 'pct', runs: 200, seed: 9, pctDepth: 2 });
    expect(b.trace).toEqual(a.trace);
    expect((b as { run?: number }).run).toBe((a as { run?: number }).run);
  });
});

describe('the random walk', () => {
  it('says how many runs and states it saw, and that it is incomplete', () => {
    // A random walk needs the writer's ten steps in a row to tear the read: 20 runs of seed 3 do not.
    const r = search(tornRead, { strategy: 'random', runs: 20, seed: 3 });
    expect(r.result).toBe('ok');
    expect(r.complete).toBe(false);
    expect(r.stopReason).toMatch(/random walk: 20 runs from seed 3; \d+ distinct states seen/);
  });

  it('honours --max-seconds and a stop request, and says which stopped it', () => {
    const correct = peterson.build(null);
    const t = search(correct, { strategy: 'random', runs: 1_000_000, seed: 3, maxSeconds: 0.2 });
    expect(t.stopReason).toMatch(/stopped by --max-seconds 0.2 before 1000000 runs/);
    const s = search(correct, { strategy: 'pct', runs: 1_000_000, seed: 3, shouldStop: () => 'interrupted (Ctrl-C)' });
    expect(s.stopReason).toMatch(/PCT \(d=3\): 0 runs from seed 3 \(interrupted \(Ctrl-C\)\)/);
  });

  it('finds the lost update of toy/increment-race', () => {
    expect(search(incrementRace, { strategy: 'random', runs: 100, seed: 1 }).result).toBe('violation');
  });
});

describe('preemption bounding', () => {
  const broken = petersonBroken.build(null);
  it('counts the preemptions of a trace', () => {
    const r = search(incrementRace);
    expect(countPreemptions(incrementRace, r.path!)).toBe(2);
  });

  it('misses the lost update with no preemption, finds it with one, and never calls a bounded search complete', () => {
    const none = unwrapResult(incrementRace, search(restrict(incrementRace, { preemptions: 0 })), 0);
    expect(none.result).toBe('ok');
    expect(none.complete).toBe(false);
    expect(none.stopReason).toMatch(/at most 0 preemptions/);
    const one = unwrapResult(incrementRace, search(restrict(incrementRace, { preemptions: 1 })), 1);
    expect(one.result).toBe('violation');
    expect(one.trace!.model).toBe('toy/increment-race');
  });

  it('returns traces of the real model, which replay to the same property', () => {
    const r = unwrapResult(broken, search(restrict(broken, { preemptions: 2 })), 2);
    expect(r.result).toBe('violation');
    expect(countPreemptions(broken, r.path!)).toBeLessThanOrEqual(2);
    const path = replay(broken, r.trace!);
    expect(path.actions.length).toBe(r.trace!.steps.length);
    expect(violationOf(broken, path)?.name).toBe(r.property);
  });
});

import { describe, expect, it } from 'vitest';
import { search } from '../../src/engine/search.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { buildSlubModel } from '../../models/slub/model.ts';
import { registry } from '../../models/index.ts';
import { cli } from '../helpers.ts';

const model = (version: string, scenario: string) => buildSlubModel({ version, scenario, patches: [], kasan: false });
const worker = (m: ReturnType<typeof model>) => registry.shardWorker!(m.id, m.config);
const summary = (r: ReturnType<typeof search>) => [r.result, r.run, r.stopReason, r.states, r.transitions, r.depth, r.property, r.trace?.steps.map((s) => `${s.context} ${s.step}`), r.witnesses];

describe('a portfolio of random and PCT runs over worker threads', () => {
  it('finds the put_cpu_partial race on 17c38c88 in the same run, with the same trace and figures, on 1, 2 or 3 workers', () => {
    const m = model('17c38c88', 'stress');
    const one = search(m, { strategy: 'pct', runs: 2000, seed: 7 });
    expect(one.result).toBe('violation');
    for (const workers of [2, 3]) expect(summary(search(m, { strategy: 'pct', runs: 2000, seed: 7, workers, shardWorker: worker(m) }))).toEqual(summary(one));
  });

  it('sees the same distinct states and witnesses as one thread when nothing is found (7.0, random walks)', () => {
    const m = model('7.0', 'stress');
    const one = search(m, { strategy: 'random', runs: 400, seed: 3 });
    expect(one.result).toBe('ok');
    expect(summary(search(m, { strategy: 'random', runs: 400, seed: 3, workers: 2, shardWorker: worker(m) }))).toEqual(summary(one));
  });

  it('stops its workers and reports the runs merged so far when asked to stop', () => {
    const m = model('7.0', 'stress');
    let polls = 0;
    const r = search(m, { strategy: 'pct', runs: 100_000, seed: 1, workers: 2, shardWorker: worker(m), shouldStop: () => (++polls > 50 ? 'interrupted (Ctrl-C)' : undefined) });
    expect(r.complete).toBe(false);
    expect(r.stopReason).toMatch(/interrupted \(Ctrl-C\)/);
  });

  it('says so when a worker cannot rebuild its model', () => {
    const m = model('7.0', 'generic');
    expect(() => search(m, { strategy: 'random', runs: 100, workers: 2, shardWorker: registry.shardWorker!('no-such-model', m.config) })).toThrow(EngineError);
  });

  it('is refused for exhaustive searches, which run on one thread', () => {
    const r = cli('check', '7.0', '--scenario', 'generic', '--workers', '2');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/parallel exhaustive search is not implemented yet/);
  });
});

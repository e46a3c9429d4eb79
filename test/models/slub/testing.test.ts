import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runWorkload, slubWorkload } from '../../../models/slub/testing.ts';
import { cli } from '../../helpers.ts';

describe('property testing with fast-check', () => {
  it('finds the put_cpu_partial race on 17c38c88 (seed 5) and shrinks it to one preemption', () => {
    const r = fc.check(fc.property(slubWorkload({ version: '17c38c88' }), (w) => runWorkload(w).ok), { seed: 5, numRuns: 1000 });
    expect(r.failed).toBe(true);
    const res = runWorkload(r.counterexample![0]!);
    expect(res.property).toBe('link_words_written_by_owner');
    expect(res.steps).toBeLessThanOrEqual(10);
    expect(r.counterexample![0]!.schedule.runs.length).toBeLessThanOrEqual(2);
    // The shrunk counterexample replays from its token.
    const replayed = cli('replay', res.token!);
    expect(replayed.code).toBe(1);
    expect(replayed.out).toMatch(/VIOLATION of link_words_written_by_owner/);
  });

  it('finds the destroy leak on v6.19 with KASAN (seed 1), and the counterexample replays', () => {
    const r = fc.check(fc.property(slubWorkload({ version: 'v6.19', kasan: true, destroy: true }), (w) => runWorkload(w).ok), { seed: 1, numRuns: 200 });
    expect(r.failed).toBe(true);
    const res = runWorkload(r.counterexample![0]!);
    expect(res.property).toBe('kmem_cache_destroy_leaves_no_objects');
    const replayed = cli('replay', res.token!);
    expect(replayed.code).toBe(1);
    expect(replayed.out).toMatch(/kmem_cache_destroy_leaves_no_objects/);
  });

  it('keeps every invariant on 7.0, with and without destroying the cache (seed 1, 300 runs each)', () => {
    fc.assert(fc.property(slubWorkload({ version: '7.0' }), (w) => runWorkload(w).ok), { seed: 1, numRuns: 300 });
    fc.assert(fc.property(slubWorkload({ version: '7.0', kasan: true, destroy: true }), (w) => runWorkload(w).ok), { seed: 1, numRuns: 300 });
  });

  it('also keeps them on 17c38c88 with Hao Li\'s workaround (seed 5, the seed that finds the race without it)', () => {
    fc.assert(fc.property(slubWorkload({ version: '17c38c88', patches: ['hao-li-list-lock-barrier'] }), (w) => runWorkload(w).ok), { seed: 5, numRuns: 1000 });
  });
});

// kmalloc_nolock() (17c38c88, 7.0): allow_spin false down the slab paths, list_lock only trylocked.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { UsageError } from '../../../src/engine/errors.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario } from '../../../models/slub/scenarios.ts';

const run = (version: string, patches: string[] = []) => {
  const m = buildSlubModel({ version, scenario: 'kmalloc-nolock-race', patches, kasan: false });
  return { r: search(m, { strategy: 'bfs' }), coverage: m.coverage!() };
};

describe('kmalloc_nolock()', () => {
  it('gives up on a list_lock another CPU holds, in get_from_partial_node() and before taking from a new slab, on 7.0: complete and clean', () => {
    const { r, coverage } = run('7.0');
    expect([r.result, r.complete]).toEqual(['ok', true]);
    expect(r.witnesses.find((w) => w.name === 'kmalloc_nolock_trylock_failed')?.reached).toBe(true);
    expect(r.witnesses.find((w) => w.name === 'kmalloc_nolock_discarded_a_new_slab')?.reached).toBe(true);
    expect(coverage.get('___slab_alloc/trylock')).toBeGreaterThan(0);
    expect(coverage.get('kmalloc_nolock/slowpath')).toBeGreaterThan(0);
  });

  it('meets the put_cpu_partial race on 17c38c88 through the deferred free of what it got, and is clean with Hao Li\'s patch', () => {
    const bug = run('17c38c88').r;
    expect([bug.result, bug.property]).toEqual(['violation', 'link_words_written_by_owner']);
    expect(bug.trace!.steps.map((s) => s.step)).toContain('free_deferred_objects/llist_del_all');
    const fixed = run('17c38c88', ['hao-li-list-lock-barrier']).r;
    expect([fixed.result, fixed.complete]).toEqual(['ok', true]);
  });

  for (const version of ['17c38c88', '7.0']) {
    it(`that ignores a failed trylock takes from a slab under another CPU's list_lock on ${version}`, () => {
      const { r } = run(version, ['broken-kmalloc-nolock-ignores-trylock']);
      expect([r.result, r.property]).toEqual(['violation', 'slab_state_table']);
      const steps = r.trace!.steps;
      const holder = steps.findIndex((s) => s.context === 'cpu0/task' && s.step === 'get_from_partial_node/lock');
      const taker = steps.findIndex((s) => s.context === 'cpu1/task' && s.step === 'get_from_partial_node/cmpxchg');
      expect(holder).toBeGreaterThanOrEqual(0);
      expect(taker).toBeGreaterThan(holder);
    });
  }

  it('never refills a sheaf, even with seed 000\'s patch that lets GFP_ATOMIC refill (allow_spin is false), on 7.0', () => {
    const { r, coverage } = run('7.0', ['allow-sheaf-refill-nonblocking']);
    expect([r.result, r.complete]).toEqual(['ok', true]);
    expect(coverage.get('kmalloc_nolock/slowpath')).toBeGreaterThan(0);
    // Only kmalloc_nolock() allocates here: cpu0's task is gone (its object goes to cpu1's irq).
    const race = findScenario('kmalloc-nolock-race')!;
    const only = { ...race, name: 'only-nolock', slabs: [{ ...race.slabs[0]!, owners: { 'cpu1/irq': [1] } }], contexts: race.contexts.filter((c) => c.name !== 'cpu0/task') };
    const nolock = buildSlubModel({ version: '7.0', scenario: only, patches: ['allow-sheaf-refill-nonblocking'], kasan: false });
    search(nolock, { strategy: 'bfs' });
    expect(nolock.coverage!().get('alloc_from_pcs/refilled') ?? 0).toBe(0);
  });

  it('is refused on v6.19, whose cpu-slab kmalloc_nolock() path the model does not have, in one line', () => {
    const sc = { ...findScenario('kmalloc-nolock-race')!, versions: undefined };
    expect(() => buildSlubModel({ version: 'v6.19', scenario: sc, patches: [], kasan: false })).toThrow(UsageError);
    expect(() => buildSlubModel({ version: 'v6.19', scenario: sc, patches: [], kasan: false })).toThrow(/kmalloc_nolock, which the model has for 17c38c88 and 7.0 only/);
  });
});

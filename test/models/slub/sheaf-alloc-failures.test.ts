// Empty-sheaf allocations the checker may fail (sheafAllocFailures), and each caller's fallback.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario } from '../../../models/slub/scenarios.ts';

const FALLBACKS = ['alloc_from_pcs/alloc_empty_sheaf', 'free_to_pcs/flush_main', 'free_to_pcs/relock_flushed', 'kvfree_call_rcu/alloc_empty_sheaf'];

describe('sheaf allocation failures', () => {
  for (const version of ['v6.19', '17c38c88', '7.0']) {
    it(`takes every alloc_empty_sheaf() caller's fallback on ${version}: the refill gives up, a full main is flushed, kfree_rcu() batches; complete and clean`, () => {
      const m = buildSlubModel({ version, scenario: 'sheaf-alloc-failure-menu', patches: [], kasan: false });
      const r = search(m, { strategy: 'bfs' });
      expect([r.result, r.complete]).toEqual(['ok', true]);
      for (const site of ['refill', 'free', 'kfree_rcu', 'prefill']) expect(r.witnesses.find((w) => w.name === `sheaf_allocation_failed_in_${site}`)?.reached, site).toBe(true);
      const cov = m.coverage!();
      for (const step of FALLBACKS) expect(cov.get(step) ?? 0, step).toBeGreaterThan(0);
    });
  }

  it('adds no step where the checker may not fail a sheaf allocation (the allocation touches nothing shared)', () => {
    const sc = { ...findScenario('sheaf-alloc-failure-menu')!, name: 'no-sheaf-failures', sheafAllocFailures: 0 };
    const m = buildSlubModel({ version: '7.0', scenario: sc, patches: [], kasan: false });
    const r = search(m, { strategy: 'bfs' });
    expect([r.result, r.complete]).toEqual(['ok', true]);
    const cov = m.coverage!();
    for (const step of ['alloc_from_pcs/alloc_empty_sheaf', 'free_to_pcs/flush_main', 'kvfree_call_rcu/alloc_empty_sheaf']) expect(cov.get(step) ?? 0, step).toBe(0);
  });

  for (const version of ['17c38c88', '7.0']) {
    it(`without the main->size re-check after sheaf_flush_main(), an irq's free fills main and the task writes past its end on ${version}`, () => {
      const r = search(buildSlubModel({ version, scenario: 'sheaf-alloc-failure-menu', patches: ['broken-flush-main-no-recheck'], kasan: false }), { strategy: 'bfs' });
      expect([r.result, r.property]).toEqual(['violation', 'sheaf_writes_within_capacity']);
      const steps = r.trace!.steps;
      const flushed = steps.findIndex((s) => s.context === 'cpu0/task' && s.step === 'free_to_pcs/flush_main');
      const irqFree = steps.findIndex((s, i) => i > flushed && s.context === 'cpu0/irq' && s.step.startsWith('free_to_pcs/'));
      const relock = steps.findIndex((s) => s.context === 'cpu0/task' && s.step === 'free_to_pcs/relock_flushed');
      expect(flushed).toBeGreaterThanOrEqual(0);
      expect(irqFree).toBeGreaterThan(flushed);
      expect(relock).toBeGreaterThan(irqFree);
    });
  }
});

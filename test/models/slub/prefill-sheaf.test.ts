// Prefilled sheaves: kmem_cache_prefill_sheaf(), kmem_cache_alloc_from_sheaf(), kmem_cache_return_sheaf().
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { UsageError } from '../../../src/engine/errors.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario } from '../../../models/slub/scenarios.ts';

const run = (version: string, patches: string[] = [], scenario = 'prefill-sheaf') => {
  const m = buildSlubModel({ version, scenario, patches, kasan: false });
  return { r: search(m, { strategy: 'bfs' }), coverage: m.coverage!() };
};

describe('prefilled sheaves', () => {
  for (const [version, patches] of [['v6.19', []], ['17c38c88', ['hao-li-list-lock-barrier']], ['7.0', []]] as const) {
    it(`prefill, allocate from and return a sheaf beside an irq and another CPU on ${version}${patches.length ? ' with Hao Li\'s patch' : ''}: the return becomes the spare or goes to the barn; complete and clean`, () => {
      const { r, coverage } = run(version, [...patches]);
      expect([r.result, r.complete]).toEqual(['ok', true]);
      for (const w of ['sheaf_prefilled', 'returned_sheaf_became_spare']) expect(r.witnesses.find((x) => x.name === w)?.reached, w).toBe(true);
      for (const step of ['kmem_cache_prefill_sheaf/take', 'kmem_cache_return_sheaf/spare', 'kmem_cache_return_sheaf/barn_put']) expect(coverage.get(step) ?? 0, step).toBeGreaterThan(0);
    });
  }

  it('a prefill whose sheaf allocation fails returns NULL, and the client goes on without a sheaf (sheaf-alloc-failure-menu, 7.0)', () => {
    const { r } = run('7.0', [], 'sheaf-alloc-failure-menu');
    expect([r.result, r.complete]).toEqual(['ok', true]);
    expect(r.witnesses.find((w) => w.name === 'sheaf_allocation_failed_in_prefill')?.reached).toBe(true);
  });

  for (const version of ['v6.19', '7.0']) {
    it(`without the !pcs->spare check, a returned sheaf overwrites a spare installed meanwhile and its objects are lost on ${version}`, () => {
      const { r } = run(version, ['broken-return-sheaf-overwrites-spare']);
      expect([r.result, r.property]).toEqual(['violation', 'object_conservation']);
      expect(r.trace!.steps.map((s) => s.step)).toContain('kmem_cache_return_sheaf/spare');
    });
  }

  it('is refused in an interrupt context (local_lock(), GFP_KERNEL), in one line', () => {
    const sc = findScenario('prefill-sheaf')!;
    const irq = { ...sc, contexts: sc.contexts.map((c) => (c.name === 'cpu0/irq' ? { ...c, choices: ['kmem_cache_prefill_sheaf' as const] } : c)) };
    expect(() => buildSlubModel({ version: '7.0', scenario: irq, patches: [], kasan: false })).toThrow(/cpu0\/irq may call kmem_cache_prefill_sheaf\(\), which takes the pcs lock with local_lock\(\)/);
  });

  it('is refused for a cache without sheaves, in one line', () => {
    const sc = findScenario('prefill-sheaf')!;
    expect(() => buildSlubModel({ version: 'v6.19', scenario: { ...sc, sheavesOptIn: false }, patches: [], kasan: false })).toThrow(UsageError);
    expect(() => buildSlubModel({ version: 'v6.19', scenario: { ...sc, sheavesOptIn: false }, patches: [], kasan: false })).toThrow(/prefilled sheaves, which the model has for caches with sheaves only.*sheavesOptIn/);
  });
});

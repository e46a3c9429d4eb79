// kmem_cache_alloc_bulk() as an operation (v6.19 caches without sheaves).
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { UsageError } from '../../../src/engine/errors.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario } from '../../../models/slub/scenarios.ts';

describe('kmem_cache_alloc_bulk()', () => {
  it('empties the cpu freelist and ___slab_alloc()s the rest in an interrupt beside a fast-path allocation on v6.19, complete and clean', () => {
    const r = search(buildSlubModel({ version: 'v6.19', scenario: 'bulk-alloc-irq', patches: [], kasan: false }), { strategy: 'bfs' });
    expect([r.result, r.complete]).toEqual(['ok', true]);
    expect(r.witnesses.find((w) => w.name === 'bulk_alloc_ran_dry')?.reached).toBe(true);
  });

  it('is refused, in one line, where the model does not have it: later versions and sheaf caches', () => {
    const sc = { ...findScenario('bulk-alloc-irq')!, versions: undefined };
    for (const [version, scenario] of [['7.0', sc], ['v6.19', { ...sc, sheavesOptIn: true, cache: { ...sc.cache, sheaf_capacity: 2 } }]] as const) {
      expect(() => buildSlubModel({ version, scenario, patches: [], kasan: false })).toThrow(UsageError);
      expect(() => buildSlubModel({ version, scenario, patches: [], kasan: false })).toThrow(/kmem_cache_alloc_bulk, which the model has only for v6.19 caches without sheaves/);
    }
  });
});

// kfree_nolock(): frees that may not spin, the defer_free list and its irq_work, and the
// defer_free_barrier() kmem_cache_destroy() waits on.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { UsageError } from '../../../src/engine/errors.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario, type ScenarioDef } from '../../../models/slub/scenarios.ts';

const VERSIONS = ['v6.19', '17c38c88', '7.0'] as const;
const reached = (r: ReturnType<typeof search>, name: string) => r.witnesses.find((w) => w.name === name)?.reached;

describe('kfree_nolock()', () => {
  for (const version of VERSIONS) {
    it(`defers what it cannot free without spinning, the irq_work frees it, and destroy waits for it on ${version}: complete and clean`, () => {
      const r = search(buildSlubModel({ version, scenario: 'kfree-nolock-destroy', patches: [], kasan: false }), { strategy: 'bfs' });
      expect([r.result, r.complete]).toEqual(['ok', true]);
      expect(reached(r, 'kfree_nolock_deferred_a_free')).toBe(true);
      expect(reached(r, 'deferred_free_ran')).toBe(true);
      expect(reached(r, 'kmem_cache_destroy_returned')).toBe(true);
      if (version === 'v6.19') expect(reached(r, 'kfree_nolock_freed_to_cpu_slab')).toBe(true);
    });

    it(`without defer_free_barrier() lets kmem_cache_destroy() shut the cache down over a deferred object on ${version}`, () => {
      const r = search(buildSlubModel({ version, scenario: 'kfree-nolock-destroy', patches: ['broken-destroy-no-defer-free-barrier'], kasan: false }), { strategy: 'bfs' });
      expect([r.result, r.property]).toEqual(['violation', 'kmem_cache_destroy_leaves_no_objects']);
      const steps = r.trace!.steps.map((s) => s.step);
      const deferred = steps.indexOf('defer_free/llist_add');
      expect(deferred).toBeGreaterThanOrEqual(0);
      expect(steps.findIndex((s) => s.startsWith('kmem_cache_destroy/'))).toBeGreaterThan(deferred);
      expect(steps).not.toContain('free_deferred_objects/llist_del_all');
    });
  }

  it('gives up on the sheaves where free_to_pcs() would have to allocate an empty sheaf (allow_spin false) on 7.0, where kmem_cache_free() allocates one', () => {
    const base = findScenario('kfree-nolock-destroy')!;
    const run = (op: 'kfree_nolock' | 'kmem_cache_free') => {
      const sc: ScenarioDef = {
        ...base,
        name: `nolock-full-main-${op}`,
        slabs: [{ node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [0, 1] } }],
        contexts: [{ name: 'cpu0/task', ops: [{ op: 'kmem_cache_free', obj: 0 }, { op, obj: 1 }] }, { name: 'cpu0/irq' }],
      };
      const m = buildSlubModel({ version: '7.0', scenario: sc, patches: [], kasan: false });
      const r = search(m, { strategy: 'bfs' });
      expect([r.result, r.complete]).toEqual(['ok', true]);
      return { r, installs: m.coverage!().get('free_to_pcs/install') ?? 0 };
    };
    const nolock = run('kfree_nolock');
    expect(reached(nolock.r, 'kfree_nolock_deferred_a_free')).toBe(true);
    expect(nolock.installs).toBe(0);
    expect(run('kmem_cache_free').installs).toBeGreaterThan(0);
  });

  it('refuses a scenario whose kfree_nolock() has no irq context to run its irq_work, in one line', () => {
    const sc = { ...findScenario('kfree-nolock-destroy')!, contexts: findScenario('kfree-nolock-destroy')!.contexts.filter((c) => c.name !== 'cpu0/irq') };
    expect(() => buildSlubModel({ version: '7.0', scenario: sc, patches: [], kasan: false })).toThrow(UsageError);
    expect(() => buildSlubModel({ version: '7.0', scenario: sc, patches: [], kasan: false })).toThrow(/kfree_nolock\(\), whose deferred frees run in cpu0's irq_work .* add a context cpu0\/irq/);
  });
});

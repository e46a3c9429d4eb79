import { describe, expect, it } from 'vitest';
import { buildSlubModel, chosenLayouts } from '../../../models/slub/model.ts';
import { findVersion } from '../../../models/slub/versions.ts';
import type { ScenarioDef } from '../../../models/slub/scenarios.ts';
import { search } from '../../../src/engine/search.ts';

const chosen = (slabs: number, extra: Partial<ScenarioDef> = {}): ScenarioDef => ({
  name: 'chosen',
  summary: 'test',
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }, { memory: false }],
  cpus: [{ node: 0 }, { node: 1 }],
  pool: 3,
  pageAllocCanFail: true,
  sharedObjects: true,
  slabs: [],
  chosen: { slabs },
  contexts: [
    { name: 'cpu0/task', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
    { name: 'cpu1/task', budget: 1, choices: ['kmem_cache_alloc', 'kmem_cache_free'] },
  ],
  ...extra,
});

describe('a start the checker chooses', () => {
  it('offers every layout up to the bound: per slab, full on no list, or on a partial list with at least one free object', () => {
    // Two objects per slab on the one node with memory: full (1 way), node partial (3 free sets),
    // and on v6.19 and 17c38c88 the partial list of either CPU (2 x 3).
    for (const [version, perSlab] of [['v6.19', 10], ['17c38c88', 10], ['7.0', 4]] as const) {
      const n = chosenLayouts(chosen(2), findVersion(version)!).length;
      expect(n).toBe(1 + perSlab + perSlab * perSlab);
    }
  });

  it('starts every layout in a state that satisfies every always property, on every version', () => {
    for (const version of ['v6.19', '17c38c88', '7.0']) {
      const m = buildSlubModel({ version, scenario: chosen(2), patches: [], kasan: false });
      const inits = m.initStates();
      expect(inits.length).toBe(chosenLayouts(chosen(2), findVersion(version)!).length);
      for (const s of inits) for (const p of m.properties) if (p.kind === 'always') expect([p.name, p.check(s)]).toEqual([p.name, true]);
    }
  });

  it('keeps the places it is told to: only full slabs when places is [none]', () => {
    const layouts = chosenLayouts(chosen(2, { chosen: { slabs: 2, places: ['none'] } }), findVersion('7.0')!);
    expect(layouts.map((l) => l.length)).toEqual([0, 1, 2]);
    for (const l of layouts) for (const s of l) expect([s.place.on, s.free]).toEqual(['none', []]);
  });

  it('explores every start: a search from a chosen start of up to one slab reaches more states than from the empty cache alone', () => {
    const empty = search(buildSlubModel({ version: '7.0', scenario: { ...chosen(1), chosen: undefined }, patches: [], kasan: false }), { strategy: 'bfs' });
    const all = search(buildSlubModel({ version: '7.0', scenario: chosen(1), patches: [], kasan: false }), { strategy: 'bfs' });
    expect(empty.complete && all.complete).toBe(true);
    expect(all.states).toBeGreaterThan(empty.states);
  });

  it('finds the put_cpu_partial race on 17c38c88 from a chosen start of up to one slab, and none on v6.19, 7.0 or with the fix', () => {
    const run = (version: string, patches: string[] = []) => search(buildSlubModel({ version, scenario: chosen(1), patches, kasan: false }), { strategy: 'bfs' });
    const bug = run('17c38c88');
    expect([bug.result, bug.property]).toEqual(['violation', 'link_words_written_by_owner']);
    for (const r of [run('v6.19'), run('7.0'), run('17c38c88', ['hao-li-list-lock-barrier'])]) expect([r.result, r.complete]).toEqual(['ok', true]);
  });
});

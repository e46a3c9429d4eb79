// Allocation failures as choices of the checker: a scenario's
// pageAllocFailures lets the checker fail that many slab page allocations,
// wherever new_slab() is called.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { validateScenario } from '../../../models/slub/scenario-files.ts';
import { findScenario } from '../../../models/slub/scenarios.ts';

const model = (version: string, patches: string[] = []) => buildSlubModel({ version, scenario: 'page-alloc-failure-menu', patches, kasan: false });

describe('page allocation failures', () => {
  it('are offered at new_slab() as a choice while the budget lasts, and not after', () => {
    const m = model('v6.19');
    const seen = new Set<string>();
    const work = [...m.initStates()];
    const key = (w: Uint32Array) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64');
    const done = new Set(work.map(key));
    let choicesAfterFailure = 0;
    while (work.length) {
      const s = work.pop()!;
      const left = m.info.at(s).cache.pageFailuresLeft;
      for (const a of m.actions(s)) {
        if (a.choice) seen.add(`${a.step}:${a.choice}`);
        if (a.choice?.startsWith('page_alloc') && left === 0) choicesAfterFailure++;
        const t = m.next(s, a);
        if (!done.has(key(t))) {
          done.add(key(t));
          work.push(t);
        }
      }
    }
    expect([...seen].filter((c) => c.endsWith('page_alloc_fails'))).not.toHaveLength(0);
    expect(choicesAfterFailure).toBe(0);
  });

  it('find the partly refilled sheaf that 7.0-rc frees with its objects (findings §2) from a failure the checker chose, and not with the 7.x fix', () => {
    const r = search(model('7.0'), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'object_conservation']);
    expect(r.trace!.steps.some((s) => s.step === 'refill_sheaf/new_slab')).toBe(true);
    const fixed = search(model('7.0', ['sheaf-flush-on-failed-refill']), { strategy: 'bfs' });
    expect([fixed.result, fixed.complete]).toEqual(['ok', true]);
    expect(fixed.witnesses.find((w) => w.name === 'page_allocation_failed')?.reached).toBe(true);
  });

  it('are bounded: a scenario may let the checker fail at most 4', () => {
    const base = findScenario('page-alloc-failure-menu')!;
    expect(() => validateScenario({ ...base, name: 'x', pageAllocFailures: 5 }, 'test')).toThrow(/pageAllocFailures/);
  });
});

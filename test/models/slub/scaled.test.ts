import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { UsageError } from '../../../src/engine/errors.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario, type ScenarioDef } from '../../../models/slub/scenarios.ts';

const model = (version: string, scenario: string | ScenarioDef = 'scaled-3cpu', patches: string[] = []) => buildSlubModel({ version, scenario, patches, kasan: false });

describe('the scaled-3cpu workload (SPIN\'s scaled shape)', () => {
  it('finds the put_cpu_partial race on 17c38c88 from a workload of chosen allocations and frees', () => {
    const r = search(model('17c38c88'), { maxStates: 20000 });
    expect(r.result).toBe('violation');
    expect(r.property).toBe('link_words_written_by_owner');
    // Every operation in the trace was chosen by the checker, not scripted: the workload names none of the bug's steps.
    const ops = r.path!.actions.filter((a) => (a as { op?: string }).op !== undefined).map((a) => (a as { op?: string }).op);
    expect(new Set(ops)).toEqual(new Set(['kmem_cache_alloc', 'kmem_cache_free']));
  });

  it('offers every CPU an allocation and a free of any allocated object, whoever allocated it', () => {
    const m = model('7.0');
    const first = m.actions(m.initStates()[0]!);
    for (const cpu of [0, 1, 2]) {
      const mine = first.filter((a) => a.context === `cpu${cpu}/task`).map((a) => `${(a as { op?: string }).op} ${(a as { obj?: number }).obj ?? ''}`.trim());
      // Objects 0, 2 and 3 are allocated at the start (object 0 of S0, both of S1); no sheaves, so only GFP_KERNEL.
      expect(mine.sort()).toEqual(['kmem_cache_alloc', 'kmem_cache_free 0', 'kmem_cache_free 2', 'kmem_cache_free 3']);
    }
  });

  it('ends every CPU with a flush of its CPU caches after its three chosen operations, on every version', () => {
    for (const version of ['v6.19', '17c38c88', '7.0']) {
      const m = model(version, 'scaled-3cpu', version === '17c38c88' ? ['hao-li-list-lock-barrier'] : []);
      let s = m.initStates()[0]!;
      const started: Record<string, string[]> = {};
      // Always take the last enabled action: a complete run to quiescence.
      for (let acts = m.actions(s); acts.length > 0; acts = m.actions(s)) {
        const a = acts[acts.length - 1]! as { context: string; op?: string };
        if (a.op) (started[a.context] ??= []).push(a.op);
        s = m.next(s, a as never);
      }
      expect(m.terminal(s)).toBe(true);
      for (const cpu of [0, 1, 2]) {
        const ops = started[`cpu${cpu}/task`]!;
        expect(ops).toHaveLength(4);
        expect(ops[3]).toBe('flush_cpu_slab');
      }
    }
  });

  it("rejects a 'choose' operation in a context without choices", () => {
    const sc = findScenario('scaled-3cpu')!;
    const bad: ScenarioDef = { ...sc, name: 'bad', contexts: sc.contexts.map((c) => ({ ...c, choices: [] })) };
    expect(() => model('7.0', bad)).toThrow(UsageError);
    expect(() => model('7.0', bad)).toThrow(/'choose' operation but no choices/);
  });
});

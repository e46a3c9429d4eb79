import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { search, type SearchOptions } from '../../src/engine/search.ts';
import { UsageError } from '../../src/engine/errors.ts';
import { buildSlubModel } from '../../models/slub/model.ts';
import { findScenario, type ScenarioDef } from '../../models/slub/scenarios.ts';

const dir = mkdtempSync(join(tmpdir(), 'slubcheck-ckpt-'));
const model = (version: string, scenario: string | ScenarioDef, patches: string[] = []) => buildSlubModel({ version, scenario, patches, kasan: false });
const base = findScenario('scaled-3cpu')!;
const scaled1: ScenarioDef = { ...base, name: 'scaled-3cpu-1op', contexts: base.contexts.map((c) => ({ ...c, ops: [{ op: 'choose' }, { op: 'flush_cpu_slab' }] })) };

/** A stop request on the k-th poll: deterministic, unlike a clock. */
const stopAt = (k: number): SearchOptions => {
  let n = 0;
  return { shouldStop: () => (++n === k ? 'interrupted (Ctrl-C)' : undefined) };
};
const summary = (r: ReturnType<typeof search>) => ({
  result: r.result,
  complete: r.complete,
  states: r.states,
  transitions: r.transitions,
  depth: r.depth,
  property: r.property,
  steps: r.trace?.steps.length,
  witnesses: r.witnesses,
});

describe('checkpoints', () => {
  const cases: [string, () => ReturnType<typeof model>, 'bfs' | 'dfs'][] = [
    ['7.0 generic, BFS', () => model('7.0', 'generic'), 'bfs'],
    ['7.0 generic, DFS', () => model('7.0', 'generic'), 'dfs'],
    ['17c38c88 + hao-li on scaled-3cpu with one op per CPU (symmetry), BFS', () => model('17c38c88', scaled1, ['hao-li-list-lock-barrier']), 'bfs'],
    ['17c38c88 generic-irq (a violation after the resume), BFS', () => model('17c38c88', 'generic-irq'), 'bfs'],
  ];
  for (const [name, m, strategy] of cases) {
    it(`resume an interrupted search to the same final counts as an uninterrupted one: ${name}`, () => {
      const whole = search(m(), { strategy });
      const path = join(dir, `${name.replace(/\W+/g, '_')}.ckpt`);
      const first = search(m(), { strategy, checkpoint: { path }, ...stopAt(3) });
      expect(first.complete).toBe(false);
      expect(first.stopReason).toMatch(/interrupted \(Ctrl-C\) at \d+ states; checkpoint written/);
      expect(first.states).toBeLessThan(whole.states);
      // Interrupt the resumed search once more, then finish it.
      const second = search(m(), { strategy, resume: path, checkpoint: { path }, ...stopAt(3) });
      expect(second.states).toBeGreaterThan(first.states);
      const last = search(m(), { strategy, resume: path });
      expect(summary(last)).toEqual(summary(whole));
    });
  }

  it('writes one every few seconds while it runs (here every poll)', () => {
    const path = join(dir, 'periodic.ckpt');
    search(model('7.0', 'generic'), { checkpoint: { path, everySeconds: 0 } });
    expect(existsSync(path)).toBe(true);
  });

  it('refuses a checkpoint of another search, and a file that is not one', () => {
    const path = join(dir, 'other.ckpt');
    search(model('7.0', 'generic'), { checkpoint: { path }, ...stopAt(2) });
    expect(() => search(model('v6.19', 'generic'), { resume: path })).toThrow(/checkpoint is of another search \(its model is 7.0/);
    expect(() => search(model('7.0', 'generic'), { resume: path, strategy: 'dfs' })).toThrow(/its strategy is bfs/);
    const junk = join(dir, 'junk.ckpt');
    writeFileSync(junk, 'hello\n');
    expect(() => search(model('7.0', 'generic'), { resume: junk })).toThrow(UsageError);
  });
});

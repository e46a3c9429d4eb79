import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

describe('slubcheck coverage', () => {
  it('lists every step of 7.0 with the scenarios that reach it and how often, and the steps none reaches', () => {
    const r = cli('coverage', '7.0', '--scenario', 'generic', '--scenario', 'irq-same-cpu', '--json', '--quiet');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.scenarios.map((s: { scenario: string; complete: boolean }) => [s.scenario, s.complete])).toEqual([['generic', true], ['irq-same-cpu', true]]);
    const steps = cli('steps', '7.0').out.split('\n').map((l) => l.split(/\s+/)[0]);
    expect(Object.keys(j.steps)).toEqual(steps);
    expect(j.steps['get_from_partial_node/cmpxchg'].generic).toBeGreaterThan(0);
    // No scenario here destroys the cache or turns KASAN on.
    expect(j.unreached).toContain('kasan_slab_free/quarantine_put');
    expect(j.unreached).toContain('__kmem_cache_shutdown/free_partial');
    for (const st of j.unreached) expect(j.steps[st]).toEqual({});
  });

  it('prints a table of steps and says which are unreached', () => {
    const r = cli('coverage', '7.0', '--scenario', 'generic', '--quiet');
    expect(r.out).toMatch(/generic: \d+ states, complete/);
    expect(r.out.replace(/\s+/g, ' ')).toMatch(/\d+ of \d+ steps unreached: .*kasan_slab_free\/quarantine_put/);
    expect(Math.max(...r.out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('rejects an unknown or repeated scenario with exit 2', () => {
    expect(cli('coverage', '7.0', '--scenario', 'nope').code).toBe(2);
    expect(cli('coverage', '7.0', '--scenario', 'generic', '--scenario', 'generic').code).toBe(2);
  });
});

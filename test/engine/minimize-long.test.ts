// Minimization of long counterexamples (50+ steps, four contexts) found by
// PCT on `stress`, the workload too large for a complete search. Each result
// must replay to the same property, be no longer than the trace given, and be
// at most twice a shortest counterexample: the BFS shortest where a search
// finds it, otherwise a lower bound proved by a complete search to a depth.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../../models/index.ts';
import { loadPatchFile } from '../../models/slub/patches.ts';
import { minimize, violationOf } from '../../src/engine/minimize.ts';
import { decodeToken, replay } from '../../src/engine/trace.ts';
import { search } from '../../src/engine/search.ts';

const long = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../tokens/long', `${name}.json`), 'utf8')) as { property: string; steps: number; token: string };
const modelOf = (token: string) => {
  const t = decodeToken(token);
  return { t, m: registry.resolve(t.model)!.build(t.config) };
};

beforeAll(async () => {
  await loadPatchFile('test/fixtures/patches/free-remove-unowned.ts');
});

describe('minimize, on long PCT counterexamples of stress', () => {
  it('shrinks a 52-step, 4-context trace of a free_to_pcs() without its lock (7.0) to the BFS-shortest length, with two contexts', () => {
    const rec = long('7.0-broken-free-to-pcs-pct-seed4');
    const { t, m } = modelOf(rec.token);
    const bfs = search(m, { strategy: 'bfs', liveness: false, maxStates: 2_000_000 });
    expect([bfs.result, bfs.property]).toEqual(['violation', rec.property]);
    const r = minimize(m, t, { maxSeconds: 60 });
    expect(r.before).toMatchObject({ steps: rec.steps, contexts: 4 });
    expect(r.after.steps).toBeLessThanOrEqual(bfs.trace!.steps.length * 2);
    expect(r.after.contexts).toBe(2);
    expect(violationOf(m, replay(m, r.trace))?.name).toBe(rec.property);
  }, 120_000);

  it('shrinks 62- and 70-step traces of a __slab_free() that removes a slab it does not own (v6.19) to at most twice the shortest counterexample, which a BFS finds', () => {
    const { m: base } = modelOf(long('v6.19-free-remove-unowned-pct-seed1').token);
    // The shortest counterexample of any property (a BFS of about 470 thousand states).
    const bfs = search(base, { strategy: 'bfs', liveness: false });
    expect(bfs.result).toBe('violation');
    const shortest = bfs.trace!.steps.length;
    for (const name of ['v6.19-free-remove-unowned-pct-seed1', 'v6.19-free-remove-unowned-pct-seed2']) {
      const rec = long(name);
      const { t, m } = modelOf(rec.token);
      const r = minimize(m, t, { maxSeconds: 60 });
      expect(r.before.steps, name).toBe(rec.steps);
      expect(r.after.steps, name).toBeLessThanOrEqual(2 * shortest);
      expect(r.after.operations, name).toBeLessThan(r.before.operations);
      expect(r.after.contexts, name).toBeLessThanOrEqual(r.before.contexts);
      expect(violationOf(m, replay(m, r.trace))?.name, name).toBe(rec.property);
    }
  }, 240_000);
});

// The packed engine against the reference engine (the first engine: plain
// states, canonical-encoding fingerprints, its own BFS loop). Both search
// the same model, the reference one through a plain view of its states, so
// any difference is a bug of the new store, its frontier, its traces or its
// property checks: every complete or violating manifest row must give the
// same distinct-state count, depth, verdict, property and shortest trace
// (without reductions, which the reference engine does not have).
import { describe, expect, it } from 'vitest';
import { explore, plainOf } from '../../src/engine/reference.ts';
import { search } from '../../src/engine/search.ts';
import { MANIFEST } from '../../models/slub/manifest.ts';
import { buildSlubModel } from '../../models/slub/model.ts';

// The reference engine is slow: rows up to this size (all but the largest few) are compared.
const LIMIT = 30_000;

describe('the packed engine agrees with the reference engine', () => {
  const rows = MANIFEST.filter((r) => r.bound === undefined && r.pct === undefined && r.states <= LIMIT);
  for (const row of rows) {
    const label = `${row.version} ${row.scenario}${row.kasan ? ' --kasan' : ''}${row.patches.map((p) => ` + ${p}`).join('')}`;
    it(`on ${label}`, () => {
      const build = () => buildSlubModel({ version: row.version, scenario: row.scenario, patches: row.patches, kasan: row.kasan ?? false });
      // The reference engine has no symmetry reduction (test/models/slub/symmetry.test.ts checks that one).
      const packed = search(build(), { symmetry: false });
      const ref = explore(plainOf(build()), { liveness: true });
      expect(ref.result).toBe(packed.result);
      expect(ref.states).toBe(packed.states);
      expect(ref.depth).toBe(packed.depth);
      expect(ref.property).toBe(packed.property);
      expect(ref.trace?.steps.length).toBe(packed.trace?.steps.length);
      expect(ref.complete).toBe(packed.complete);
    });
  }

  it('compares most rows of the manifest', () => {
    expect(rows.length).toBeGreaterThan(MANIFEST.length * 0.7);
  });
});

// Every row of the manifest: the verdict, the exact distinct-state count, the
// depth, the counterexample length, and the witnesses a complete search does
// not reach. Rows of the random-only scenarios run a bounded BFS or PCT and
// must never be called complete.
import { describe, expect, it } from 'vitest';
import { MANIFEST, type ManifestRow } from '../../../models/slub/manifest.ts';
import { rowHasReduction, runManifestRow as runRow } from '../../../models/slub/manifest-run.ts';
import { SCENARIOS } from '../../../models/slub/scenarios.ts';
import { VERSIONS } from '../../../models/slub/versions.ts';

const label = (row: ManifestRow) =>
  `${row.version} ${row.scenario}${row.kasan ? ' --kasan' : ''}${row.patches.length ? ' + ' + row.patches.join(' + ') : ''}${row.bound ? ` (BFS, at most ${row.bound} states)` : row.pct ? ` (PCT, ${row.pct.runs} runs, seed ${row.pct.seed})` : ''}`;

describe('the SLUB manifest', () => {
  for (const row of MANIFEST) {
    const complete = row.bound === undefined && row.pct === undefined;
    it(`${label(row)}: ${row.result === 'ok' ? `no violation${complete ? ', complete' : ' within the bound'}` : `violates ${row.property}`}, ${row.states} distinct states`, () => {
      const r = runRow(row);
      expect(r.result).toBe(row.result);
      expect(r.states).toBe(row.states);
      if (!row.pct) expect(r.depth).toBe(row.depth);
      if (row.result === 'ok') {
        expect(r.complete).toBe(complete);
        if (complete) expect(r.witnesses.filter((w) => !w.reached).map((w) => w.name)).toEqual(row.unreached ?? []);
      } else {
        expect(r.property).toBe(row.property);
        if (!row.pct) expect(r.trace!.steps.length).toBe(row.steps);
      }
    });
  }

  // Reductions must not change a verdict: every row whose model has one (symmetry) runs again without it.
  for (const row of MANIFEST.filter(rowHasReduction)) {
    it(`${label(row)}: the same verdict with --reduce none`, () => {
      const on = runRow(row);
      const off = runRow(row, { symmetry: false });
      expect([off.result, off.property, off.trace?.steps.length, off.complete]).toEqual([on.result, on.property, on.trace?.steps.length, on.complete]);
      if (on.complete) expect(off.depth).toBe(on.depth);
    });
  }

  it('has a row for every scenario of every version', () => {
    const missing: string[] = [];
    for (const v of VERSIONS) {
      for (const sc of SCENARIOS) {
        if (sc.versions && !sc.versions.includes(v.id)) continue;
        if (!MANIFEST.some((r) => r.version === v.id && r.scenario === sc.name && r.patches.length === 0)) missing.push(`${v.id} ${sc.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

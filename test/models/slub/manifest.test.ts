import { describe, expect, it } from 'vitest';
import { explore } from '../../../src/engine/explore.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { MANIFEST } from '../../../models/slub/manifest.ts';

describe('the SLUB manifest', () => {
  for (const row of MANIFEST) {
    const name = `${row.version} ${row.scenario}${row.kasan ? ' --kasan' : ''}${row.patches.length ? ' + ' + row.patches.join(' + ') : ''}`;
    it(`${name}: ${row.result === 'ok' ? 'no violation, complete' : `violates ${row.property} in ${row.steps} steps`}, ${row.states} distinct states`, () => {
      const model = buildSlubModel({ version: row.version, scenario: row.scenario, patches: row.patches, kasan: row.kasan ?? false });
      const r = explore(model);
      expect(r.result).toBe(row.result);
      expect(r.states).toBe(row.states);
      expect(r.depth).toBe(row.depth);
      if (row.result === 'ok') {
        expect(r.complete).toBe(true);
        expect(r.witnesses.filter((w) => !w.reached).map((w) => w.name)).toEqual(row.unreached ?? []);
      } else {
        expect(r.property).toBe(row.property);
        expect(r.trace!.steps.length).toBe(row.steps);
      }
    });
  }
});

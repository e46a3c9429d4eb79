// The model replays an operation start it has made before on another state
// with the same context fields (model.ts, "Starts remembered across states"),
// which is sound only if the `local` steps of every start touch only the
// context's private data. With SLUBCHECK_CHECK_STARTS=1 every replayed start
// is also run and must make the same words, step codes, events and entry:
// here on every manifest row of up to 20,000 states, with the row's counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../../models/slub/manifest.ts';
import { runManifestRow } from '../../../models/slub/manifest-run.ts';

describe('remembered operation starts', () => {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.SLUBCHECK_CHECK_STARTS;
    process.env.SLUBCHECK_CHECK_STARTS = '1';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.SLUBCHECK_CHECK_STARTS;
    else process.env.SLUBCHECK_CHECK_STARTS = before;
  });
  const rows = MANIFEST.filter((r) => r.bound === undefined && r.pct === undefined && r.states <= 20_000);
  it('covers rows of every version', () => {
    expect(new Set(rows.map((r) => r.version)).size).toBe(3);
  });
  for (const row of rows) {
    it(`${row.version} ${row.scenario}${row.kasan ? ' --kasan' : ''}${row.patches.length ? ' + ' + row.patches.join(' + ') : ''}: every replayed start is the start itself`, () => {
      const r = runManifestRow(row);
      expect(r.states).toBe(row.states);
      expect(r.result).toBe(row.result);
    });
  }
});

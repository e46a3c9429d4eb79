// Running one manifest row the way the tests and `npm run manifest` do: a
// complete BFS, a BFS bounded at `bound` states, or PCT with `pct`'s runs and
// seed.
import { search, type CheckResult } from '../../src/engine/search.ts';
import { buildSlubModel } from './model.ts';
import type { ManifestRow } from './manifest.ts';

export function runManifestRow(row: ManifestRow, opts: { readonly symmetry?: boolean } = {}): CheckResult<any, any> {
  const model = buildSlubModel({ version: row.version, scenario: row.scenario, patches: row.patches, kasan: row.kasan ?? false });
  if (row.pct) return search(model, { strategy: 'pct', runs: row.pct.runs, seed: row.pct.seed });
  return search(model, { ...(row.bound !== undefined ? { maxStates: row.bound } : {}), ...opts });
}

/** Whether a row's model has a reduction that can be switched off (symmetry). */
export function rowHasReduction(row: ManifestRow): boolean {
  return !row.pct && buildSlubModel({ version: row.version, scenario: row.scenario, patches: row.patches, kasan: row.kasan ?? false }).packed!.canonicalize !== undefined;
}

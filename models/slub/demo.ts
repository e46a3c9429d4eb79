// The demonstration a newcomer sees first (`npx slubcheck` with no
// arguments): the manifest rows marked `demo`, in their order. Both 2026
// bugs found on their versions, Bug 1 first from an empty cache (nothing in
// the start encodes its precondition) and then from the hand-shaped
// `generic` layout, Bug 2 first with the free path and the destroy chosen by
// the checker, then from its scripted destroy; the fixed versions clean,
// every search complete. The expected verdicts are the manifest's.
import type { SuiteRow } from '../../src/cli/suite.ts';
import { MANIFEST, type ManifestRow } from './manifest.ts';
import { findScenario, mayRunOp } from './scenarios.ts';

const RACE = 'Bug 1: get_from_partial_node vs __slab_free -> put_cpu_partial';
const LEAK = 'Bug 2: rcu_free_sheaf callback after kasan_cache_shutdown';

function row(r: ManifestRow): SuiteRow {
  const { version, scenario, patches } = r;
  const kasan = r.kasan === true;
  return {
    labels: [version, scenario, patches.join(',') || '-', kasan ? 'on' : 'off'],
    model: version,
    config: { scenario, patches: [...patches], kasan },
    expect: r.result === 'violation' ? { result: 'violation', property: r.property! } : { result: r.result },
    title: mayRunOp(findScenario(scenario)!, 'kmem_cache_destroy') ? LEAK : RACE,
    command: `npx slubcheck check ${version} --scenario ${scenario}${patches.map((p) => ` --patch ${p}`).join('')}${kasan ? ' --kasan' : ''}`,
  };
}

export const DEMO_HEADERS = ['version', 'scenario', 'patch', 'kasan'];

export const DEMO: readonly SuiteRow[] = MANIFEST.filter((r) => r.demo !== undefined)
  .sort((a, b) => a.demo! - b.demo!)
  .map(row);

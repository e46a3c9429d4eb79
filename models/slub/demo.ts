// The demonstration a newcomer sees first (`npx slubcheck` with no
// arguments): both 2026 bugs found on their versions, Bug 1 first from an
// empty cache (nothing in the start encodes its precondition) and then
// from the hand-shaped `generic` layout, Bug 2 first with the free path
// and the destroy chosen by the checker, then from its scripted destroy;
// the fixed versions clean, every search complete.
import type { SuiteRow } from '../../src/cli/suite.ts';

function row(version: string, scenario: string, patches: string[], kasan: boolean, expect: SuiteRow['expect'], title: string): SuiteRow {
  return {
    labels: [version, scenario, patches.join(',') || '-', kasan ? 'on' : 'off'],
    model: version,
    config: { scenario, patches, kasan },
    expect,
    title,
    command: `npx slubcheck check ${version} --scenario ${scenario}${patches.map((p) => ` --patch ${p}`).join('')}${kasan ? ' --kasan' : ''}`,
  };
}

const RACE = 'Bug 1: get_from_partial_node vs __slab_free -> put_cpu_partial';
const LEAK = 'Bug 2: rcu_free_sheaf callback after kasan_cache_shutdown';

export const DEMO_HEADERS = ['version', 'scenario', 'patch', 'kasan'];

export const DEMO: readonly SuiteRow[] = [
  row('17c38c88', 'empty-cache', [], false, { result: 'violation', property: 'link_words_written_by_owner' }, RACE),
  row('17c38c88', 'empty-cache', ['hao-li-list-lock-barrier'], false, { result: 'ok' }, RACE),
  row('17c38c88', 'empty-cache', ['remove-slub-cpu-partial'], false, { result: 'ok' }, RACE),
  row('v6.19', 'empty-cache', [], false, { result: 'ok' }, RACE),
  row('7.0', 'empty-cache', [], false, { result: 'ok' }, RACE),
  row('17c38c88', 'generic', [], false, { result: 'violation', property: 'link_words_written_by_owner' }, RACE),
  row('17c38c88', 'generic', ['hao-li-list-lock-barrier'], false, { result: 'ok' }, RACE),
  row('17c38c88', 'generic', ['remove-slub-cpu-partial'], false, { result: 'ok' }, RACE),
  row('v6.19', 'generic', [], false, { result: 'ok' }, RACE),
  row('7.0', 'generic', [], false, { result: 'ok' }, RACE),
  row('17c38c88', 'generic-3', ['hao-li-list-lock-barrier'], false, { result: 'ok' }, RACE),
  row('7.0', 'generic-3', [], false, { result: 'ok' }, RACE),
  row('v6.19', 'generic-irq', [], false, { result: 'ok' }, RACE),
  row('7.0', 'generic-irq', [], false, { result: 'ok' }, RACE),
  row('v6.19', 'destroy-chosen', [], true, { result: 'violation', property: 'kmem_cache_destroy_leaves_no_objects' }, LEAK),
  row('v6.19', 'destroy-chosen', ['kvfree-rcu-barrier-on-cache'], true, { result: 'ok' }, LEAK),
  row('7.0', 'destroy-chosen', [], true, { result: 'ok' }, LEAK),
  row('v6.19', 'destroy-after-kfree-rcu', [], true, { result: 'violation', property: 'kmem_cache_destroy_leaves_no_objects' }, LEAK),
  row('v6.19', 'destroy-after-kfree-rcu', ['kvfree-rcu-barrier-on-cache'], true, { result: 'ok' }, LEAK),
  row('v6.19', 'destroy-after-kfree-rcu', [], false, { result: 'ok' }, LEAK),
  row('7.0', 'destroy-after-kfree-rcu', [], true, { result: 'ok' }, LEAK),
  row('7.0', 'destroy-mixed', [], true, { result: 'ok' }, LEAK),
];

// The manifest: for every version, scenario and patch combination the tests
// run, the expected verdict (including expected violations and the property
// they violate), the exact number of distinct states BFS explores, the depth,
// and the witnesses the scenario is known not to reach. test/models/slub/
// manifest.test.ts checks every row, so a change to a step, a property or the
// explorer that adds or loses states fails a test until the row is updated
// (and the change explained in its commit).
//
// For a violation, `states` is the count when BFS stopped at it and `steps`
// is the length of the shortest counterexample.

export interface ManifestRow {
  readonly version: string;
  readonly scenario: string;
  readonly patches: readonly string[];
  /** Generic KASAN on (default off). */
  readonly kasan?: boolean;
  readonly result: 'ok' | 'violation' | 'deadlock';
  readonly states: number;
  readonly depth: number;
  readonly property?: string;
  readonly steps?: number;
  /** `sometimes` witnesses this scenario does not reach (the rest must be reached). */
  readonly unreached?: readonly string[];
}

export const MANIFEST: readonly ManifestRow[] = [
  { version: 'v6.19', scenario: 'generic', patches: [], result: 'ok', states: 1351, depth: 28, unreached: [] },
  { version: 'v6.19', scenario: 'generic-irq', patches: [], result: 'ok', states: 19970, depth: 34, unreached: [] },
  { version: 'v6.19', scenario: 'put-cpu-partial-recipe', patches: [], result: 'ok', states: 73, depth: 15, unreached: ['put_cpu_partial_reached'] },
  { version: 'v6.19', scenario: 'harry-flush-vs-free', patches: [], result: 'ok', states: 1114, depth: 21, unreached: ['put_cpu_partial_reached'] },
  { version: 'v6.19', scenario: 'harry-flush-vs-free-no-tid', patches: [], result: 'violation', states: 48, depth: 5, property: 'cpu_freelist_belongs_to_cpu_slab', steps: 5 },
  { version: '17c38c88', scenario: 'generic', patches: [], result: 'violation', states: 194, depth: 7, property: 'link_words_written_by_owner', steps: 7 },
  { version: '17c38c88', scenario: 'generic-irq', patches: [], result: 'violation', states: 3304, depth: 8, property: 'link_words_written_by_owner', steps: 8 },
  { version: '17c38c88', scenario: 'put-cpu-partial-recipe', patches: [], result: 'violation', states: 21, depth: 6, property: 'link_words_written_by_owner', steps: 6 },
  { version: '17c38c88', scenario: 'sheaf-churn', patches: [], result: 'ok', states: 195, depth: 12, unreached: ['cmpxchg_lost_a_race', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 2735, depth: 24, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-irq', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 62248, depth: 28, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'put-cpu-partial-recipe', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 31, depth: 11, unreached: [] },
  { version: '17c38c88', scenario: 'generic', patches: ['remove-slub-cpu-partial'], result: 'ok', states: 2887, depth: 24, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-irq', patches: ['remove-slub-cpu-partial'], result: 'ok', states: 59341, depth: 29, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'generic', patches: [], result: 'ok', states: 2887, depth: 24, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'generic-irq', patches: [], result: 'ok', states: 59341, depth: 29, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'sheaf-churn', patches: [], result: 'ok', states: 206, depth: 13, unreached: ['cmpxchg_lost_a_race', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'destroy-after-kfree-rcu', patches: [], kasan: true, result: 'violation', states: 45, depth: 17, property: 'kmem_cache_destroy_leaves_no_objects', steps: 17 },
  { version: 'v6.19', scenario: 'destroy-after-kfree-rcu', patches: ['kvfree-rcu-barrier-on-cache'], kasan: true, result: 'ok', states: 30, depth: 24, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-after-kfree-rcu', patches: [], result: 'ok', states: 71, depth: 21, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-after-kfree-rcu', patches: [], kasan: true, result: 'ok', states: 28, depth: 22, unreached: [] },
  { version: '7.0', scenario: 'destroy-after-kfree-rcu', patches: [], kasan: true, result: 'ok', states: 28, depth: 22, unreached: [] },
  { version: '7.0', scenario: 'destroy-after-kfree-rcu', patches: [], result: 'ok', states: 34, depth: 20, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: [], kasan: true, result: 'violation', states: 331, depth: 20, property: 'kmem_cache_destroy_leaves_no_objects', steps: 20 },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['kvfree-rcu-barrier-on-cache'], kasan: true, result: 'ok', states: 158, depth: 39, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: [], result: 'violation', states: 2163, depth: 29, property: 'kmem_cache_destroy_leaves_no_objects', steps: 29 },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['kvfree-rcu-barrier-on-cache'], result: 'ok', states: 1093, depth: 43, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: [], kasan: true, result: 'ok', states: 146, depth: 35, unreached: [] },
  { version: '7.0', scenario: 'destroy-mixed', patches: [], kasan: true, result: 'ok', states: 128, depth: 29, unreached: [] },
  { version: '7.0', scenario: 'destroy-mixed', patches: [], result: 'ok', states: 505, depth: 35, unreached: [] },
  { version: 'v6.19', scenario: 'generic-3', patches: [], result: 'ok', states: 8307, depth: 40, unreached: [] },
  { version: '17c38c88', scenario: 'generic-3', patches: [], result: 'violation', states: 195, depth: 7, property: 'link_words_written_by_owner', steps: 7 },
  { version: '17c38c88', scenario: 'generic-3', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 27102, depth: 32, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-3', patches: ['remove-slub-cpu-partial'], result: 'ok', states: 34532, depth: 33, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'generic-3', patches: [], result: 'ok', states: 34532, depth: 33, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
];

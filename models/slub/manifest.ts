// The manifest: for every version and scenario, and the patch combinations
// the tests run, the expected verdict (including expected violations and the
// property they violate), the exact number of distinct states the search
// explores, the depth, and the witnesses the scenario is known not to reach.
// test/models/slub/manifest.test.ts checks every row, so a change to a step,
// a property or the explorer that adds or loses states fails a test until the
// row is updated (and the change explained in its commit).
//
// Every scenario of every version has rows: exhaustive ones a complete BFS;
// scenarios meant for random search (`stress`) a BFS bounded by `bound`
// states and a PCT run (`pct`), never called complete.
//
// For a violation, `states` is the count when the search stopped at it and
// `steps` is the length of the counterexample (for BFS the shortest).

export interface ManifestRow {
  readonly version: string;
  readonly scenario: string;
  readonly patches: readonly string[];
  /** Generic KASAN on (default off). */
  readonly kasan?: boolean;
  readonly result: 'ok' | 'violation' | 'deadlock' | 'livelock';
  readonly states: number;
  readonly depth: number;
  readonly property?: string;
  readonly steps?: number;
  /** `sometimes` witnesses this scenario does not reach (the rest must be reached). Only for complete searches. */
  readonly unreached?: readonly string[];
  /** BFS bounded at this many states (the search is incomplete by design). */
  readonly bound?: number;
  /** The row's place in the demonstration (`npx slubcheck`), when it is one of its checks. */
  readonly demo?: number;
  /** A PCT search with these runs and seed instead of BFS. */
  readonly pct?: { readonly runs: number; readonly seed: number };
}

export const MANIFEST: readonly ManifestRow[] = [
  // destroy-menu: Bug 2 with every operation, the destroy included, chosen from a menu.
  { version: 'v6.19', scenario: 'destroy-menu', patches: [], demo: 20, kasan: true, result: 'violation', states: 597, depth: 20, property: 'kmem_cache_destroy_leaves_no_objects', steps: 20 },
  { version: 'v6.19', scenario: 'destroy-menu', patches: ['kvfree-rcu-barrier-on-cache'], demo: 21, kasan: true, result: 'ok', states: 300, depth: 39, unreached: [] },
  { version: '7.0', scenario: 'destroy-menu', patches: [], demo: 22, kasan: true, result: 'ok', states: 240, depth: 29, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-menu', patches: [], kasan: true, result: 'ok', states: 276, depth: 35, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-menu', patches: [], result: 'violation', states: 3752, depth: 29, property: 'kmem_cache_destroy_leaves_no_objects', steps: 29 },
  { version: '17c38c88', scenario: 'destroy-menu', patches: [], result: 'ok', states: 1349, depth: 37, unreached: [] },
  { version: '7.0', scenario: 'destroy-menu', patches: [], result: 'ok', states: 831, depth: 28, unreached: [] },
  // numa-remote-partial: two memory nodes; get_from_any_partial() steals node1's partial slabs for cpu0, whose frees of node1 objects go to node1's list.
  { version: 'v6.19', scenario: 'numa-remote-partial', patches: [], result: 'ok', states: 2791, depth: 32, unreached: [] },
  { version: '17c38c88', scenario: 'numa-remote-partial', patches: [], result: 'violation', states: 116, depth: 6, property: 'link_words_written_by_owner', steps: 6 },
  { version: '17c38c88', scenario: 'numa-remote-partial', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 1522, depth: 18, unreached: [] },
  { version: '7.0', scenario: 'numa-remote-partial', patches: [], result: 'ok', states: 1417, depth: 18, unreached: [] },
  // numa-remote-refill: a sheaf refill through __refill_objects_any(), trylocking node1's list_lock.
  { version: 'v6.19', scenario: 'numa-remote-refill', patches: [], result: 'ok', states: 467, depth: 26, unreached: ['cmpxchg_lost_a_race', 'free_to_frozen_slab', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'numa-remote-refill', patches: [], result: 'ok', states: 938, depth: 20, unreached: ['cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'numa-remote-refill', patches: [], result: 'ok', states: 938, depth: 20, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'numa-remote-refill', patches: ['broken-refill-any-ignores-trylock'], result: 'violation', states: 291, depth: 8, property: 'link_words_written_by_owner', steps: 8 },
  { version: '17c38c88', scenario: 'numa-remote-refill', patches: ['broken-refill-any-ignores-trylock'], result: 'violation', states: 291, depth: 8, property: 'link_words_written_by_owner', steps: 8 },
  // cpu-partial-irq: a task's and an irq's put_cpu_partial() on one CPU, and the patch that drops its local_lock_irqsave().
  { version: 'v6.19', scenario: 'cpu-partial-irq', patches: [], result: 'ok', states: 37, depth: 10, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'free_to_frozen_slab'] },
  { version: '17c38c88', scenario: 'cpu-partial-irq', patches: [], result: 'ok', states: 17, depth: 6, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'slab_full_while_on_node_list'] },
  { version: 'v6.19', scenario: 'cpu-partial-irq', patches: ['broken-put-cpu-partial-irqs-on'], result: 'violation', states: 51, depth: 12, property: 'cpu_partial_chain_well_formed', steps: 12 },
  { version: '17c38c88', scenario: 'cpu-partial-irq', patches: ['broken-put-cpu-partial-irqs-on'], result: 'violation', states: 27, depth: 8, property: 'cpu_partial_chain_well_formed', steps: 8 },
  // rcu-sheaf-barn-race: two CPUs' rcu_free_sheaf() callbacks put sheaves into one barn, and the patch that drops the barn lock there.
  { version: 'v6.19', scenario: 'rcu-sheaf-barn-race', patches: [], result: 'ok', states: 46, depth: 9, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'free_to_frozen_slab', 'sheaf_refilled_from_slabs', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'rcu-sheaf-barn-race', patches: [], result: 'ok', states: 46, depth: 9, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'slab_full_while_on_node_list', 'sheaf_refilled_from_slabs', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'rcu-sheaf-barn-race', patches: [], result: 'ok', states: 46, depth: 9, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'slab_full_while_on_node_list', 'sheaf_refilled_from_slabs', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'rcu-sheaf-barn-race', patches: ['broken-rcu-free-sheaf-barn-unlocked'], result: 'violation', states: 70, depth: 11, property: 'object_conservation', steps: 11 },
  { version: '17c38c88', scenario: 'rcu-sheaf-barn-race', patches: ['broken-rcu-free-sheaf-barn-unlocked'], result: 'violation', states: 70, depth: 11, property: 'object_conservation', steps: 11 },
  { version: '7.0', scenario: 'rcu-sheaf-barn-race', patches: ['broken-rcu-free-sheaf-barn-unlocked'], result: 'violation', states: 70, depth: 11, property: 'object_conservation', steps: 11 },
  // numa-three-nodes: the zonelist walk past a node with too few partial slabs.
  { version: 'v6.19', scenario: 'numa-three-nodes', patches: [], result: 'ok', states: 24, depth: 17, unreached: ['cmpxchg_lost_a_race', 'free_to_frozen_slab', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'numa-three-nodes', patches: [], result: 'ok', states: 55, depth: 13, unreached: ['cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'numa-three-nodes', patches: [], result: 'ok', states: 55, depth: 13, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  // page-alloc-failure-menu: the checker may fail one slab page allocation: finding 2 (docs/findings.md) from a choice, and its fix.
  { version: 'v6.19', scenario: 'page-alloc-failure-menu', patches: [], result: 'ok', states: 99, depth: 32, unreached: ['cmpxchg_lost_a_race', 'free_to_frozen_slab', 'sheaf_traded_at_barn', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'page-alloc-failure-menu', patches: [], result: 'violation', states: 14, depth: 4, property: 'object_conservation', steps: 4 },
  { version: '7.0', scenario: 'page-alloc-failure-menu', patches: [], result: 'violation', states: 14, depth: 4, property: 'object_conservation', steps: 4 },
  { version: '7.0', scenario: 'page-alloc-failure-menu', patches: ['sheaf-flush-on-failed-refill'], result: 'ok', states: 131, depth: 17, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'page-alloc-failure-menu', patches: ['sheaf-flush-on-failed-refill'], result: 'ok', states: 148, depth: 19, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'irq_found_pcs_locked'] },
  // bulk-alloc-irq: v6.19 kmem_cache_alloc_bulk() in an interrupt beside a lockless fast-path allocation.
  { version: 'v6.19', scenario: 'bulk-alloc-irq', patches: [], result: 'ok', states: 1085, depth: 26, unreached: ['node_partial_list_changed', 'free_to_frozen_slab'] },
  // kfree-nolock-destroy: kfree_nolock() defers what it cannot free without spinning to the CPU's irq_work; kmem_cache_destroy() waits for it.
  { version: 'v6.19', scenario: 'kfree-nolock-destroy', patches: [], result: 'ok', states: 584, depth: 41, unreached: [] },
  { version: '17c38c88', scenario: 'kfree-nolock-destroy', patches: [], result: 'ok', states: 734, depth: 44, unreached: [] },
  { version: '7.0', scenario: 'kfree-nolock-destroy', patches: [], result: 'ok', states: 812, depth: 40, unreached: [] },
  { version: 'v6.19', scenario: 'kfree-nolock-destroy', patches: ['broken-destroy-no-defer-free-barrier'], result: 'violation', states: 731, depth: 32, property: 'kmem_cache_destroy_leaves_no_objects', steps: 32 },
  { version: '17c38c88', scenario: 'kfree-nolock-destroy', patches: ['broken-destroy-no-defer-free-barrier'], result: 'violation', states: 1036, depth: 31, property: 'kmem_cache_destroy_leaves_no_objects', steps: 31 },
  { version: '7.0', scenario: 'kfree-nolock-destroy', patches: ['broken-destroy-no-defer-free-barrier'], result: 'violation', states: 1026, depth: 28, property: 'kmem_cache_destroy_leaves_no_objects', steps: 28 },
  // kmalloc-nolock-race: kmalloc_nolock()'s list_lock trylocks against another CPU's list_lock sections (17c38c88: Bug 1 through the deferred free's put_cpu_partial()).
  { version: '17c38c88', scenario: 'kmalloc-nolock-race', patches: [], result: 'violation', states: 22281, depth: 24, property: 'link_words_written_by_owner', steps: 24 },
  { version: '17c38c88', scenario: 'kmalloc-nolock-race', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 49096, depth: 38, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'kmalloc-nolock-race', patches: ['allow-sheaf-refill-nonblocking'], result: 'ok', states: 32204, depth: 39, unreached: ['kmalloc_nolock_trylock_failed', 'kmalloc_nolock_discarded_a_new_slab', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'kmalloc-nolock-race', patches: [], result: 'ok', states: 48255, depth: 38, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'kmalloc-nolock-race', patches: ['broken-kmalloc-nolock-ignores-trylock'], result: 'violation', states: 372, depth: 8, property: 'slab_state_table', steps: 8 },
  { version: '7.0', scenario: 'kmalloc-nolock-race', patches: ['broken-kmalloc-nolock-ignores-trylock'], result: 'violation', states: 372, depth: 8, property: 'slab_state_table', steps: 8 },
  // sheaf-alloc-failure-menu: the checker may fail one alloc_empty_sheaf(): refill gives up, sheaf_flush_main(), kfree_rcu() batching.
  { version: 'v6.19', scenario: 'sheaf-alloc-failure-menu', patches: [], result: 'ok', states: 23934, depth: 42, unreached: ['cmpxchg_lost_a_race', 'free_to_frozen_slab'] },
  { version: '17c38c88', scenario: 'sheaf-alloc-failure-menu', patches: [], result: 'ok', states: 21575, depth: 28, unreached: [] },
  { version: '7.0', scenario: 'sheaf-alloc-failure-menu', patches: [], result: 'ok', states: 24622, depth: 29, unreached: [] },
  { version: '17c38c88', scenario: 'sheaf-alloc-failure-menu', patches: ['broken-flush-main-no-recheck'], result: 'violation', states: 13756, depth: 17, property: 'sheaf_writes_within_capacity', steps: 17 },
  { version: '7.0', scenario: 'sheaf-alloc-failure-menu', patches: ['broken-flush-main-no-recheck'], result: 'violation', states: 16715, depth: 18, property: 'sheaf_writes_within_capacity', steps: 18 },
  // free-bulk-irq / free-bulk-sheaves: kmem_cache_free_bulk(): detached freelists without sheaves (with --kasan the hook keeps every object), free_to_pcs_bulk() with them.
  { version: 'v6.19', scenario: 'free-bulk-irq', patches: [], result: 'ok', states: 2152, depth: 30, unreached: [] },
  { version: 'v6.19', scenario: 'free-bulk-irq', patches: [], kasan: true, result: 'ok', states: 958, depth: 27, unreached: ['bulk_free_reached_the_slabs', 'cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'free_to_frozen_slab'] },
  { version: '17c38c88', scenario: 'free-bulk-irq', patches: [], result: 'ok', states: 765, depth: 16, unreached: [] },
  { version: '17c38c88', scenario: 'free-bulk-irq', patches: [], kasan: true, result: 'ok', states: 273, depth: 11, unreached: ['bulk_free_reached_the_slabs', 'cmpxchg_lost_a_race', 'put_cpu_partial_reached'] },
  { version: '7.0', scenario: 'free-bulk-irq', patches: [], result: 'ok', states: 855, depth: 18, unreached: [] },
  { version: '7.0', scenario: 'free-bulk-irq', patches: [], kasan: true, result: 'ok', states: 273, depth: 11, unreached: ['bulk_free_reached_the_slabs', 'cmpxchg_lost_a_race'] },
  { version: 'v6.19', scenario: 'free-bulk-sheaves', patches: [], result: 'ok', states: 9466, depth: 35, unreached: ['partial_slab_taken_from_another_node', 'sheaf_traded_at_barn'] },
  { version: 'v6.19', scenario: 'free-bulk-sheaves', patches: [], kasan: true, result: 'ok', states: 2178, depth: 22, unreached: ['bulk_free_reached_the_slabs', 'cmpxchg_lost_a_race', 'partial_slab_taken_from_another_node', 'put_cpu_partial_reached', 'free_to_frozen_slab', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'free-bulk-sheaves', patches: [], result: 'ok', states: 4158, depth: 24, unreached: ['partial_slab_taken_from_another_node', 'slab_full_while_on_node_list', 'sheaf_traded_at_barn'] },
  { version: '17c38c88', scenario: 'free-bulk-sheaves', patches: [], kasan: true, result: 'ok', states: 630, depth: 12, unreached: ['bulk_free_reached_the_slabs', 'cmpxchg_lost_a_race', 'partial_slab_taken_from_another_node', 'put_cpu_partial_reached', 'slab_full_while_on_node_list', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'free-bulk-sheaves', patches: [], result: 'ok', states: 4054, depth: 24, unreached: ['slab_full_while_on_node_list', 'sheaf_traded_at_barn'] },
  { version: '7.0', scenario: 'free-bulk-sheaves', patches: [], kasan: true, result: 'ok', states: 630, depth: 12, unreached: ['bulk_free_reached_the_slabs', 'cmpxchg_lost_a_race', 'partial_slab_taken_from_another_node', 'slab_full_while_on_node_list', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'free-bulk-irq', patches: ['broken-free-bulk-ignores-kasan-hook'], kasan: true, result: 'violation', states: 2, depth: 1, property: 'object_conservation', steps: 1 },
  { version: '17c38c88', scenario: 'free-bulk-irq', patches: ['broken-free-bulk-ignores-kasan-hook'], kasan: true, result: 'violation', states: 2, depth: 1, property: 'object_conservation', steps: 1 },
  { version: '7.0', scenario: 'free-bulk-irq', patches: ['broken-free-bulk-ignores-kasan-hook'], kasan: true, result: 'violation', states: 2, depth: 1, property: 'object_conservation', steps: 1 },
  // prefill-sheaf: kmem_cache_prefill_sheaf(), kmem_cache_alloc_from_sheaf(), kmem_cache_return_sheaf() beside an irq and another CPU (17c38c88: Bug 1 first).
  { version: 'v6.19', scenario: 'prefill-sheaf', patches: [], result: 'ok', states: 17063, depth: 53, unreached: ['sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'prefill-sheaf', patches: [], result: 'violation', states: 642, depth: 9, property: 'link_words_written_by_owner', steps: 9 },
  { version: '17c38c88', scenario: 'prefill-sheaf', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 11497, depth: 30, unreached: ['sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'prefill-sheaf', patches: [], result: 'ok', states: 11679, depth: 30, unreached: ['sheaf_flushed_to_slabs'] },
  { version: 'v6.19', scenario: 'prefill-sheaf', patches: ['broken-return-sheaf-overwrites-spare'], result: 'violation', states: 6152, depth: 27, property: 'object_conservation', steps: 27 },
  { version: '7.0', scenario: 'prefill-sheaf', patches: ['broken-return-sheaf-overwrites-spare'], result: 'violation', states: 5687, depth: 18, property: 'object_conservation', steps: 18 },
  // Seed 000's two patches (patches/allow-sheaf-refill-nonblocking.ts, patches/barn-on-every-online-node.ts) and their broken variants.
  { version: '7.0', scenario: 'irq-same-cpu', patches: ['allow-sheaf-refill-nonblocking'], result: 'ok', states: 3097, depth: 23, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'generic-irq', patches: ['allow-sheaf-refill-nonblocking'], result: 'ok', states: 34541, depth: 28, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'irq-same-cpu', patches: ['broken-sheaf-refill-nonblocking-local-lock'], result: 'violation', states: 254, depth: 7, property: 'no_kernel_warning', steps: 7 },
  { version: 'v6.19', scenario: 'memoryless-barn-destroy', patches: [], result: 'ok', states: 899, depth: 42, unreached: [] },
  { version: '17c38c88', scenario: 'memoryless-barn-destroy', patches: [], result: 'ok', states: 174, depth: 28, unreached: [] },
  { version: '7.0', scenario: 'memoryless-barn-destroy', patches: [], result: 'ok', states: 174, depth: 28, unreached: [] },
  { version: '7.0', scenario: 'memoryless-barn-destroy', patches: ['barn-on-every-online-node'], result: 'ok', states: 399, depth: 30, unreached: [] },
  { version: '7.0', scenario: 'memoryless-barn-destroy', patches: ['broken-barn-on-every-online-node-no-shrink'], result: 'violation', states: 401, depth: 30, property: 'no_kernel_warning', steps: 30 },
  // kfree_rcu() while the cache lives: the rcu_free sheaf callback and the kfree_rcu batch.
  { version: 'v6.19', scenario: 'kfree-rcu-sheaf', patches: [], result: 'ok', states: 799, depth: 39, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'free_to_frozen_slab', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'kfree-rcu-sheaf', patches: [], result: 'ok', states: 469, depth: 15, unreached: ['node_partial_list_changed', 'cmpxchg_lost_a_race', 'slab_full_while_on_node_list', 'sheaf_refilled_from_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'kfree-rcu-sheaf', patches: [], result: 'ok', states: 501, depth: 18, unreached: ['cmpxchg_lost_a_race', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'kfree-rcu-batch', patches: [], result: 'ok', states: 909, depth: 22, unreached: ['node_partial_list_changed', 'free_to_frozen_slab'] },
  { version: '17c38c88', scenario: 'kfree-rcu-batch', patches: [], result: 'ok', states: 313, depth: 14, unreached: ['object_allocated', 'node_partial_list_changed', 'slab_full_while_on_node_list'] },
  { version: '7.0', scenario: 'kfree-rcu-batch', patches: [], result: 'ok', states: 429, depth: 17, unreached: [] },
  // chosen-start: the checker chooses the start (every layout of up to two slabs).
  { version: '17c38c88', scenario: 'chosen-start', patches: [], demo: 6, result: 'violation', states: 6125, depth: 6, property: 'link_words_written_by_owner', steps: 6 },
  { version: '17c38c88', scenario: 'chosen-start', patches: ['hao-li-list-lock-barrier'], demo: 7, result: 'ok', states: 56358, depth: 18, unreached: [] },
  { version: '17c38c88', scenario: 'chosen-start', patches: ['remove-slub-cpu-partial'], demo: 8, result: 'ok', states: 9042, depth: 16, unreached: [] },
  { version: 'v6.19', scenario: 'chosen-start', patches: [], demo: 9, result: 'ok', states: 127827, depth: 28, unreached: [] },
  { version: '7.0', scenario: 'chosen-start', patches: [], demo: 10, result: 'ok', states: 9042, depth: 16, unreached: [] },
  { version: '17c38c88', scenario: 'generic', patches: [], demo: 11, result: 'violation', states: 149, depth: 7, property: 'link_words_written_by_owner', steps: 7 },
  { version: 'v6.19', scenario: 'generic', patches: [], demo: 14, result: 'ok', states: 971, depth: 27, unreached: [] },
  { version: '7.0', scenario: 'generic', patches: [], demo: 15, result: 'ok', states: 1827, depth: 21, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-3', patches: [], result: 'violation', states: 150, depth: 7, property: 'link_words_written_by_owner', steps: 7 },
  { version: 'v6.19', scenario: 'generic-3', patches: [], result: 'ok', states: 5541, depth: 38, unreached: [] },
  { version: 'v6.19', scenario: 'generic-irq', patches: [], demo: 18, result: 'ok', states: 14250, depth: 37, unreached: [] },
  { version: '17c38c88', scenario: 'generic-irq', patches: [], result: 'violation', states: 1076, depth: 8, property: 'link_words_written_by_owner', steps: 8 },
  { version: '7.0', scenario: 'generic-3', patches: [], demo: 17, result: 'ok', states: 25656, depth: 30, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'put-cpu-partial-recipe', patches: [], result: 'ok', states: 69, depth: 14, unreached: ['put_cpu_partial_reached'] },
  { version: '17c38c88', scenario: 'put-cpu-partial-recipe', patches: [], result: 'violation', states: 21, depth: 6, property: 'link_words_written_by_owner', steps: 6 },
  { version: 'v6.19', scenario: 'harry-flush-vs-free', patches: [], result: 'ok', states: 550, depth: 15, unreached: ['put_cpu_partial_reached'] },
  { version: 'v6.19', scenario: 'harry-flush-vs-free-no-tid', patches: [], result: 'violation', states: 48, depth: 5, property: 'cpu_freelist_belongs_to_cpu_slab', steps: 5 },
  { version: '17c38c88', scenario: 'sheaf-churn', patches: [], result: 'ok', states: 195, depth: 12, unreached: ['cmpxchg_lost_a_race', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'sheaf-churn', patches: [], result: 'ok', states: 206, depth: 13, unreached: ['cmpxchg_lost_a_race', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'irq-same-cpu', patches: [], result: 'ok', states: 4136, depth: 39, unreached: [] },
  { version: '17c38c88', scenario: 'irq-same-cpu', patches: [], result: 'ok', states: 2777, depth: 24, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'irq-same-cpu', patches: [], result: 'ok', states: 2844, depth: 24, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: 'v6.19', scenario: 'irq-same-cpu-sheaves', patches: [], result: 'ok', states: 3611, depth: 48, unreached: ['cmpxchg_lost_a_race', 'free_to_frozen_slab', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: 'v6.19', scenario: 'barn-sharing', patches: [], result: 'ok', states: 1965, depth: 40, unreached: ['cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'free_to_frozen_slab', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'generic-irq', patches: [], demo: 19, result: 'ok', states: 16052, depth: 27, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'barn-sharing', patches: [], result: 'ok', states: 7775, depth: 24, unreached: ['cmpxchg_lost_a_race', 'put_cpu_partial_reached', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'cpu-partial-drain', patches: [], result: 'ok', states: 5857, depth: 31, unreached: ['partial_slab_taken_from_another_node'] },
  { version: '7.0', scenario: 'barn-sharing', patches: [], result: 'ok', states: 7775, depth: 24, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: 'v6.19', scenario: 'refill-page-alloc-fails', patches: [], result: 'ok', states: 49, depth: 34, unreached: ['cmpxchg_lost_a_race', 'free_to_frozen_slab', 'sheaf_refilled_from_slabs', 'sheaf_traded_at_barn', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'cpu-partial-drain', patches: [], result: 'violation', states: 1751, depth: 13, property: 'link_words_written_by_owner', steps: 13 },
  { version: '7.0', scenario: 'refill-page-alloc-fails', patches: [], result: 'violation', states: 18, depth: 4, property: 'object_conservation', steps: 4 },
  { version: '17c38c88', scenario: 'refill-page-alloc-fails', patches: [], result: 'violation', states: 18, depth: 4, property: 'object_conservation', steps: 4 },
  { version: 'v6.19', scenario: 'destroy-barn-full-slab', patches: [], kasan: true, result: 'violation', states: 17, depth: 16, property: 'kmem_cache_destroy_leaves_no_objects', steps: 16 },
  { version: 'v6.19', scenario: 'destroy-barn-full-slab', patches: [], result: 'violation', states: 16, depth: 15, property: 'kmem_cache_destroy_leaves_no_objects', steps: 15 },
  { version: '17c38c88', scenario: 'destroy-barn-full-slab', patches: [], kasan: true, result: 'violation', states: 16, depth: 15, property: 'kmem_cache_destroy_leaves_no_objects', steps: 15 },
  { version: '17c38c88', scenario: 'destroy-barn-full-slab', patches: [], result: 'violation', states: 15, depth: 14, property: 'kmem_cache_destroy_leaves_no_objects', steps: 14 },
  { version: '7.0', scenario: 'destroy-barn-full-slab', patches: [], result: 'ok', states: 16, depth: 15, unreached: [] },
  { version: '7.0', scenario: 'destroy-barn-full-slab', patches: [], kasan: true, result: 'ok', states: 17, depth: 16, unreached: ['quarantine_purge_freed_an_object'] },
  { version: 'v6.19', scenario: 'kfree-rcu-wq-destroy', patches: [], result: 'ok', states: 34, depth: 16, unreached: [] },
  { version: 'v6.19', scenario: 'kfree-rcu-wq-destroy', patches: [], kasan: true, result: 'ok', states: 23, depth: 17, unreached: ['rcu_callback_ran_after_kasan_cache_shutdown'] },
  { version: '17c38c88', scenario: 'kfree-rcu-wq-destroy', patches: [], result: 'ok', states: 26, depth: 19, unreached: [] },
  { version: '17c38c88', scenario: 'kfree-rcu-wq-destroy', patches: [], kasan: true, result: 'ok', states: 23, depth: 20, unreached: [] },
  { version: '7.0', scenario: 'kfree-rcu-wq-destroy', patches: [], result: 'ok', states: 26, depth: 19, unreached: [] },
  { version: '7.0', scenario: 'kfree-rcu-wq-destroy', patches: [], kasan: true, result: 'ok', states: 23, depth: 20, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-after-kfree-rcu', patches: [], demo: 28, result: 'ok', states: 71, depth: 21, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-after-kfree-rcu', patches: [], demo: 26, kasan: true, result: 'violation', states: 41, depth: 17, property: 'kmem_cache_destroy_leaves_no_objects', steps: 17 },
  { version: '17c38c88', scenario: 'destroy-after-kfree-rcu', patches: [], result: 'ok', states: 34, depth: 20, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-after-kfree-rcu', patches: [], kasan: true, result: 'ok', states: 28, depth: 22, unreached: [] },
  { version: '7.0', scenario: 'destroy-after-kfree-rcu', patches: [], result: 'ok', states: 34, depth: 20, unreached: [] },
  { version: '7.0', scenario: 'destroy-after-kfree-rcu', patches: [], demo: 29, kasan: true, result: 'ok', states: 28, depth: 22, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: [], result: 'violation', states: 1889, depth: 29, property: 'kmem_cache_destroy_leaves_no_objects', steps: 29 },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: [], kasan: true, result: 'violation', states: 307, depth: 20, property: 'kmem_cache_destroy_leaves_no_objects', steps: 20 },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: [], kasan: true, result: 'ok', states: 146, depth: 35, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: [], result: 'ok', states: 687, depth: 37, unreached: [] },
  { version: '7.0', scenario: 'destroy-mixed', patches: [], result: 'ok', states: 428, depth: 28, unreached: [] },
  { version: '7.0', scenario: 'destroy-mixed', patches: [], demo: 30, kasan: true, result: 'ok', states: 128, depth: 29, unreached: [] },
  { version: '17c38c88', scenario: 'generic', patches: ['hao-li-list-lock-barrier'], demo: 12, result: 'ok', states: 1838, depth: 21, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic', patches: ['remove-slub-cpu-partial'], demo: 13, result: 'ok', states: 1827, depth: 21, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-3', patches: ['hao-li-list-lock-barrier'], demo: 16, result: 'ok', states: 25493, depth: 30, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-3', patches: ['remove-slub-cpu-partial'], result: 'ok', states: 25656, depth: 30, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'generic-irq', patches: ['remove-slub-cpu-partial'], result: 'ok', states: 16052, depth: 27, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'put-cpu-partial-recipe', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 27, depth: 8, unreached: [] },
  { version: '17c38c88', scenario: 'generic-irq', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 16682, depth: 27, unreached: ['sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'cpu-partial-drain', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 4247, depth: 22, unreached: [] },
  { version: '17c38c88', scenario: 'irq-same-cpu', patches: ['hao-li-list-lock-barrier'], result: 'ok', states: 2852, depth: 24, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '7.0', scenario: 'refill-page-alloc-fails', patches: ['sheaf-flush-on-failed-refill'], result: 'ok', states: 32, depth: 8, unreached: ['cmpxchg_lost_a_race', 'sheaf_refilled_from_slabs', 'sheaf_traded_at_barn', 'irq_found_pcs_locked'] },
  { version: '17c38c88', scenario: 'irq-same-cpu', patches: ['remove-slub-cpu-partial'], result: 'ok', states: 2844, depth: 24, unreached: ['cmpxchg_lost_a_race', 'sheaf_traded_at_barn', 'sheaf_flushed_to_slabs'] },
  { version: '17c38c88', scenario: 'refill-page-alloc-fails', patches: ['sheaf-flush-on-failed-refill'], result: 'ok', states: 42, depth: 12, unreached: ['cmpxchg_lost_a_race', 'sheaf_refilled_from_slabs', 'sheaf_traded_at_barn', 'irq_found_pcs_locked'] },
  { version: '7.0', scenario: 'irq-same-cpu', patches: ['broken-free-to-pcs-unlocked'], result: 'violation', states: 130, depth: 6, property: 'object_conservation', steps: 6 },
  { version: 'v6.19', scenario: 'destroy-barn-full-slab', patches: ['shutdown-flush-after-barn-shrink'], result: 'ok', states: 25, depth: 24, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['shutdown-flush-after-barn-shrink'], result: 'ok', states: 2171, depth: 43, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['shutdown-flush-after-barn-shrink'], kasan: true, result: 'violation', states: 345, depth: 22, property: 'kmem_cache_destroy_leaves_no_objects', steps: 22 },
  { version: 'v6.19', scenario: 'destroy-barn-full-slab', patches: ['shutdown-barn-shrink-first'], result: 'ok', states: 23, depth: 22, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['shutdown-barn-shrink-first'], kasan: true, result: 'violation', states: 319, depth: 20, property: 'kmem_cache_destroy_leaves_no_objects', steps: 20 },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['shutdown-barn-shrink-first'], result: 'violation', states: 1972, depth: 29, property: 'kmem_cache_destroy_leaves_no_objects', steps: 29 },
  { version: '17c38c88', scenario: 'destroy-barn-full-slab', patches: ['shutdown-flush-after-barn-shrink'], result: 'ok', states: 24, depth: 23, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: ['shutdown-flush-after-barn-shrink'], result: 'ok', states: 695, depth: 39, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: ['shutdown-flush-after-barn-shrink'], kasan: true, result: 'ok', states: 152, depth: 37, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-barn-full-slab', patches: ['shutdown-barn-shrink-first'], result: 'ok', states: 22, depth: 21, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: ['shutdown-barn-shrink-first'], result: 'ok', states: 688, depth: 37, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-mixed', patches: ['shutdown-barn-shrink-first'], kasan: true, result: 'ok', states: 146, depth: 35, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-after-kfree-rcu', patches: ['kvfree-rcu-barrier-on-cache'], demo: 27, kasan: true, result: 'ok', states: 30, depth: 24, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['kvfree-rcu-barrier-on-cache'], kasan: true, result: 'ok', states: 158, depth: 39, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['kvfree-rcu-barrier-on-cache', 'shutdown-flush-after-barn-shrink'], kasan: true, result: 'ok', states: 164, depth: 41, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['kvfree-rcu-barrier-on-cache'], result: 'ok', states: 899, depth: 42, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-mixed', patches: ['kvfree-rcu-barrier-on-cache', 'shutdown-barn-shrink-first'], kasan: true, result: 'ok', states: 158, depth: 39, unreached: [] },
  { version: 'v6.19', scenario: 'stress', patches: [], bound: 20000, result: 'ok', states: 20000, depth: 13 },
  { version: 'v6.19', scenario: 'stress', patches: [], pct: { runs: 300, seed: 1 }, result: 'ok', states: 13504, depth: 0 },
  { version: '17c38c88', scenario: 'stress', patches: [], bound: 20000, result: 'violation', states: 3863, depth: 8, property: 'link_words_written_by_owner', steps: 8 },
  { version: '17c38c88', scenario: 'stress', patches: [], pct: { runs: 300, seed: 1 }, result: 'violation', states: 241, depth: 0, property: 'link_words_written_by_owner', steps: 0 },
  { version: '17c38c88', scenario: 'stress', patches: ['hao-li-list-lock-barrier'], bound: 20000, result: 'ok', states: 20000, depth: 11 },
  { version: '17c38c88', scenario: 'stress', patches: ['hao-li-list-lock-barrier'], pct: { runs: 300, seed: 1 }, result: 'ok', states: 11872, depth: 0 },
  { version: '17c38c88', scenario: 'stress', patches: ['remove-slub-cpu-partial'], bound: 20000, result: 'ok', states: 20000, depth: 11 },
  { version: '7.0', scenario: 'stress', patches: [], bound: 20000, result: 'ok', states: 20000, depth: 11 },
  { version: '7.0', scenario: 'stress', patches: [], pct: { runs: 300, seed: 1 }, result: 'ok', states: 12148, depth: 0 },
  // empty-cache: nothing in the start encodes Bug 1's precondition.
  { version: '17c38c88', scenario: 'empty-cache', patches: [], demo: 1, result: 'violation', states: 149, depth: 9, property: 'link_words_written_by_owner', steps: 9 },
  { version: '17c38c88', scenario: 'empty-cache', patches: ['hao-li-list-lock-barrier'], demo: 2, result: 'ok', states: 6202, depth: 29, unreached: [] },
  { version: '17c38c88', scenario: 'empty-cache', patches: ['remove-slub-cpu-partial'], demo: 3, result: 'ok', states: 3603, depth: 26, unreached: [] },
  { version: 'v6.19', scenario: 'empty-cache', patches: [], demo: 4, result: 'ok', states: 15580, depth: 50, unreached: [] },
  { version: '7.0', scenario: 'empty-cache', patches: [], demo: 5, result: 'ok', states: 2891, depth: 24, unreached: [] },
  // destroy-chosen: Bug 2 from chosen operations (the free path and the destroy are the checker's choices).
  { version: 'v6.19', scenario: 'destroy-chosen', patches: [], demo: 23, kasan: true, result: 'violation', states: 59, depth: 17, property: 'kmem_cache_destroy_leaves_no_objects', steps: 17 },
  { version: 'v6.19', scenario: 'destroy-chosen', patches: ['kvfree-rcu-barrier-on-cache'], demo: 24, kasan: true, result: 'ok', states: 52, depth: 24, unreached: [] },
  { version: 'v6.19', scenario: 'destroy-chosen', patches: [], result: 'ok', states: 97, depth: 25, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-chosen', patches: [], kasan: true, result: 'ok', states: 48, depth: 22, unreached: [] },
  { version: '17c38c88', scenario: 'destroy-chosen', patches: [], result: 'ok', states: 55, depth: 20, unreached: [] },
  { version: '7.0', scenario: 'destroy-chosen', patches: [], demo: 25, kasan: true, result: 'ok', states: 48, depth: 22, unreached: [] },
  { version: '7.0', scenario: 'destroy-chosen', patches: [], result: 'ok', states: 53, depth: 20, unreached: [] },
  // scaled-3cpu: SPIN's scaled shape. A complete search is millions of states (minutes); the suite runs a bounded prefix.
  { version: 'v6.19', scenario: 'scaled-3cpu', patches: [], bound: 20000, result: 'ok', states: 20000, depth: 18 },
  { version: '17c38c88', scenario: 'scaled-3cpu', patches: [], bound: 20000, result: 'violation', states: 339, depth: 6, property: 'link_words_written_by_owner', steps: 6 },
  { version: '17c38c88', scenario: 'scaled-3cpu', patches: ['hao-li-list-lock-barrier'], bound: 20000, result: 'ok', states: 20000, depth: 13 },
  { version: '7.0', scenario: 'scaled-3cpu', patches: [], bound: 20000, result: 'ok', states: 20000, depth: 14 },
];

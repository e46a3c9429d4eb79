// Every `always` and `at_end` property of the SLUB models can fail: for each,
// a state built from a real initial state with one thing broken, the way a
// model or patch bug would break it. A property that no state here violates
// would pass vacuously; the last test makes sure none is left out.
import { describe, expect, it } from 'vitest';
import { buildSlubModel } from '../../models/slub/model.ts';
import type { SlubState } from '../../models/slub/state.ts';

interface Case {
  readonly property: string;
  readonly version: string;
  readonly scenario: string;
  readonly kasan?: boolean;
  readonly breakIt: (d: SlubState) => void;
  /** The explanation the property gives for the broken state. */
  readonly says: RegExp;
}

const CASES: readonly Case[] = [
  { property: 'link_words_written_by_owner', version: '7.0', scenario: 'generic', breakIt: (d) => d.ghost.set('bad_link_write', 'put_cpu_partial wrote L0 of S0'), says: /put_cpu_partial/ },
  { property: 'no_oops', version: '7.0', scenario: 'generic', breakIt: (d) => d.ghost.set('oops', 'NULL pointer dereference'), says: /NULL/ },
  { property: 'no_kernel_warning', version: 'v6.19', scenario: 'generic', breakIt: (d) => d.ghost.set('warning', 'VM_BUG_ON(!freelist)'), says: /VM_BUG_ON/ },
  { property: 'sheaf_writes_within_capacity', version: '7.0', scenario: 'generic', breakIt: (d) => d.ghost.set('sheaf_overflow', 'free_to_pcs() stored object 1 at objects[2]'), says: /objects\[2\]/ },
  { property: 'no_wild_list_write', version: '17c38c88', scenario: 'generic', breakIt: (d) => d.ghost.set('wild_write', 'list_del wrote into S1'), says: /list_del/ },
  {
    property: 'node_partial_list_well_formed',
    version: '7.0',
    scenario: 'generic',
    breakIt: (d) => void d.nodes[0]!.nr_partial++,
    says: /nr_partial is 2 but the list holds 1/,
  },
  {
    property: 'slab_state_table',
    version: '7.0',
    scenario: 'generic',
    // S0 stays on the node list with no free object and nobody between GP2 and GP3.
    breakIt: (d) => {
      d.slabs[0]!.freelist = null;
      d.slabs[0]!.inuse = 2;
      d.ctx['cpu1/task']!.owns.add(0);
    },
    says: /S0 is full but on the node partial list/,
  },
  {
    property: 'no_slab_dropped_off_lists',
    version: '7.0',
    scenario: 'generic',
    // remove_partial() without putting S0 anywhere, with a free object left on it.
    breakIt: (d) => {
      const n = d.nodes[0]!;
      n.head.next = 'N0';
      n.head.prev = 'N0';
      n.nr_partial = 0;
      d.slabs[0]!.partial = false;
      d.slabs[0]!.owner = 'none';
    },
    says: /S0 has free objects but is on no list/,
  },
  { property: 'counters_consistent', version: '7.0', scenario: 'generic', breakIt: (d) => void d.slabs[0]!.inuse++, says: /inuse 2 \+ 1 free != 2/ },
  {
    property: 'object_conservation',
    version: '7.0',
    scenario: 'generic',
    breakIt: (d) => d.ctx['cpu1/task']!.owns.delete(1),
    says: /object 1 is nowhere/,
  },
  { property: 'no_double_alloc', version: '7.0', scenario: 'generic', breakIt: (d) => d.ghost.set('double_alloc', 'object 1 handed to cpu0/task'), says: /object 1/ },
  {
    property: 'lock_sanity',
    version: '7.0',
    scenario: 'generic',
    // A list_lock held by a context that is not inside an operation: a lock leaked past its unlock.
    breakIt: (d) => void (d.nodes[0]!.list_lock = 'cpu0/task'),
    says: /cpu0\/task finished its operation still holding node0.list_lock/,
  },
  {
    property: 'cpu_partial_chain_well_formed',
    version: 'v6.19',
    scenario: 'put-cpu-partial-recipe',
    // S1 is on cpu1's chain, but its slabs count says 2.
    breakIt: (d) => void (d.slabs[1]!.L1 = 2),
    says: /says slabs = 2, but the chain holds 1/,
  },
  {
    property: 'cpu_freelist_belongs_to_cpu_slab',
    version: 'v6.19',
    scenario: 'harry-flush-vs-free',
    // flush_slab() cleared c->slab but left the object it had moved to c->freelist there.
    breakIt: (d) => {
      d.slabs[0]!.freelist = null;
      d.slabs[0]!.inuse = 3;
      d.cpus[0]!.freelist = 0;
      d.cpus[0]!.slab = null;
    },
    says: /holds objects 0 but cpu0 has no cpu slab/,
  },
  {
    property: 'kmem_cache_destroy_leaves_no_objects',
    version: '7.0',
    scenario: 'destroy-after-kfree-rcu',
    breakIt: (d) => d.ghost.set('destroy_failed', 'Objects remaining on __kmem_cache_shutdown()'),
    says: /Objects remaining/,
  },
];

const AT_END: readonly Case[] = [
  {
    property: 'no_object_lost',
    version: '7.0',
    scenario: 'generic',
    // Every context idle, but object 1 is still in a callee's frame.
    breakIt: (d) => {
      d.ctx['cpu1/task']!.owns.delete(1);
      d.ctx['cpu0/task']!.stack.push('slab_free', 'hooks').l.held = [1];
    },
    says: /object 1 is still in flight at the end/,
  },
  {
    property: 'destroyed_cache_is_empty',
    version: '7.0',
    scenario: 'destroy-after-kfree-rcu',
    breakIt: (d) => void (d.cache.destroyed = 'ok'),
    says: /S0 is still allocated after the cache was destroyed/,
  },
  {
    property: 'no_quarantine_put_after_purge',
    version: 'v6.19',
    scenario: 'destroy-after-kfree-rcu',
    kasan: true,
    breakIt: (d) => d.ghost.set('late_quarantine', 'object 0 entered cpu0 quarantine after the purge'),
    says: /after the purge/,
  },
];

function broken(c: Case): { holds: boolean; says: string | undefined; healthy: boolean } {
  const m = buildSlubModel({ version: c.version, scenario: c.scenario, patches: [], kasan: c.kasan ?? false });
  const p = m.properties.find((x) => x.name === c.property);
  if (!p) throw new Error(`${c.property} is not a property of ${c.version} ${c.scenario}`);
  const s0 = m.initStates()[0]!;
  const s = s0.slice();
  c.breakIt(m.info.at(s));
  return { holds: p.check(s), says: p.explain?.(s), healthy: p.check(s0) };
}

describe('every SLUB property can fail', () => {
  for (const c of [...CASES, ...AT_END]) {
    it(`${c.property} fails on a ${c.version} ${c.scenario} state with one thing broken, and holds on the state before`, () => {
      const r = broken(c);
      expect(r.healthy).toBe(true);
      expect(r.holds).toBe(false);
      expect(r.says).toMatch(c.says);
    });
  }

  it('leaves no always or at_end property of any version without a failing example', () => {
    const named = new Set([...CASES, ...AT_END].map((c) => c.property));
    const missing: string[] = [];
    for (const version of ['v6.19', '17c38c88', '7.0']) {
      for (const scenario of ['generic', 'destroy-after-kfree-rcu', 'put-cpu-partial-recipe']) {
        if (scenario === 'put-cpu-partial-recipe' && version === '7.0') continue;
        for (const kasan of [false, true]) {
          const m = buildSlubModel({ version, scenario, patches: [], kasan });
          for (const p of m.properties) if (p.kind !== 'sometimes' && !named.has(p.name)) missing.push(`${version} ${p.name}`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

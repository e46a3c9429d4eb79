// The model errors an independent review found, each pinned by a test that
// fails on the old behaviour (reference: ../shared/reference, §0.5-§0.6, and
// the kernel facts checked against source in docs/findings.md).
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel, type SlubAction } from '../../../models/slub/model.ts';
import { definePatch } from '../../../models/slub/patch-api.ts';
import { registerPatch } from '../../../models/slub/patches.ts';
import { goto, call } from '../../../models/slub/kernel.ts';
import { memNode } from '../../../models/slub/helpers.ts';
import { findScenario, type ScenarioDef } from '../../../models/slub/scenarios.ts';

type M = ReturnType<typeof buildSlubModel>;
type W = Uint32Array;

/** Runs `ctx` alone from `s` (taking its first enabled action each time) until its stack is empty. */
function runAlone(m: M, s: W, ctx: string, pick: (a: SlubAction) => boolean = () => true): W {
  for (let i = 0; i < 200; i++) {
    const a = m.actions(s).find((x) => x.context === ctx && pick(x));
    if (!a) return s;
    s = m.next(s, a);
    if (m.info.at(s).ctx[ctx]!.stack.length === 0) return s;
  }
  throw new Error(`${ctx} did not finish`);
}

/** Runs every context, always taking the first enabled action, until the state is terminal. */
function runAll(m: M, s: W): W {
  for (let i = 0; i < 500 && !m.terminal(s); i++) {
    const a = m.actions(s)[0];
    if (!a) throw new Error('deadlock');
    s = m.next(s, a);
  }
  return s;
}

/** Every reachable state of a small model (a worklist over the states' words). */
function reachable(m: M): W[] {
  const key = (w: W) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64');
  const seen = new Map<string, W>();
  const work = [...m.initStates()];
  for (const s of work) seen.set(key(s), s);
  while (work.length) {
    const s = work.pop()!;
    for (const a of m.actions(s)) {
      const t = m.next(s, a);
      const k = key(t);
      if (!seen.has(k)) {
        seen.set(k, t);
        work.push(t);
      }
    }
  }
  return [...seen.values()];
}

describe('v6.19 ___slab_alloc()', () => {
  // The old new_slab step: pop c->partial without re-checking c->slab under the local lock.
  registerPatch(
    definePatch({
      name: 'test-old-new-slab',
      summary: 'the model before the review: new_slab pops c->partial without re-checking c->slab',
      appliesTo: ['v6.19'],
      functions: {
        ___slab_alloc: (old) => ({
          ...old,
          steps: {
            ...old.steps,
            new_slab: {
              ...old.steps.new_slab!,
              run: (x) => {
                const c = x.d.cpus[x.cpu]!;
                if (c.partial === null) return call(x, 'get_partial_node', { n: memNode(x.d, x.cpu) }, 'got_partial');
                const installed = c.slab;
                c.slab = null; // as if the re-check did not exist: the irq's cpu slab is overwritten
                old.steps.new_slab!.run(x);
                if (installed !== null && x.d.cpus[x.cpu]!.slab === null) x.d.cpus[x.cpu]!.slab = installed;
              },
            },
          },
        }),
      },
    }),
  );

  it('re-reads c->slab under the local lock before popping the CPU partial list (no false leak on stress)', () => {
    const fixed = search(buildSlubModel({ version: 'v6.19', scenario: 'stress', patches: [], kasan: false }), { maxStates: 45_000 });
    expect(fixed.result).toBe('ok');
    const old = search(buildSlubModel({ version: 'v6.19', scenario: 'stress', patches: ['test-old-new-slab'], kasan: false }), { maxStates: 45_000 });
    expect(old.result).toBe('violation');
    expect(old.property).toMatch(/^(no_slab_dropped_off_lists|object_conservation)$/);
  }, 120_000);

  it('enables preemption around new_slab(): another task on the CPU may run while the page is allocated, not while the cpu slab lock section runs', () => {
    const sc: ScenarioDef = {
      name: 'preempt-around-new-slab',
      summary: 'test',
      cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
      nodes: [{ memory: true }],
      cpus: [{ node: 0 }],
      pool: 2,
      slabs: [],
      contexts: [
        { name: 'cpu0/task', ops: [{ op: 'kmem_cache_alloc', gfp: 'GFP_KERNEL' }] },
        { name: 'cpu0/worker', ops: [{ op: 'flush_cpu_slab' }] },
      ],
    };
    const m = buildSlubModel({ version: 'v6.19', scenario: sc, patches: [], kasan: false });
    const at = (w: W, pc: string) => {
      const top = m.info.at(w).ctx['cpu0/task']!.stack.top();
      return top?.pc === pc && top.fn === '___slab_alloc';
    };
    const workerRuns = (w: W) => m.actions(w).some((a) => a.context === 'cpu0/worker');
    const worker = (w: W) => m.info.at(w).ctx['cpu0/worker']!;
    const states = reachable(m);
    const inNewSlab = states.filter((s) => at(s, 'new_slab_alloc') || at(s, 'retry_load_slab'));
    expect(inNewSlab.filter((s) => at(s, 'new_slab_alloc')).length).toBeGreaterThan(0);
    expect(inNewSlab.every((s) => workerRuns(s) || worker(s).stack.length > 0 || worker(s).opsLeft === 0)).toBe(true);
    // Inside the preempt-disabled part (between __slab_alloc's get_cpu_ptr and the put around new_slab) the worker cannot run.
    const disabled = states.filter((s) => m.info.at(s).ctx['cpu0/task']!.preempt > 0 && worker(s).stack.length === 0 && worker(s).opsLeft > 0);
    expect(disabled.length).toBeGreaterThan(0);
    expect(disabled.some(workerRuns)).toBe(false);
  });
});

describe('v6.19 sheaf refill', () => {
  it('goes through __kmem_cache_alloc_bulk() and the cpu slab, never 7.0 get_partial_node_bulk()', () => {
    const m = buildSlubModel({ version: 'v6.19', scenario: 'irq-same-cpu-sheaves', patches: [], kasan: false });
    const r = search(m);
    expect(r).toMatchObject({ result: 'ok', complete: true });
    const cov = m.coverage!();
    expect(cov.get('__kmem_cache_alloc_bulk/alloc')).toBeGreaterThan(0);
    expect(cov.get('refill_sheaf/get_partial_node_bulk')).toBeUndefined();
  });
});

describe('kvfree_rcu_barrier_on_cache() and __kvfree_rcu_barrier()', () => {
  it('waits for every callback queued before it, rcu sheaf callbacks included, when a kfree_rcu batch is pending (flush_rcu_work() calls rcu_barrier())', () => {
    const m = buildSlubModel({ version: 'v6.19', scenario: 'destroy-mixed', patches: [], kasan: false });
    const s = m.initStates()[0]!.slice();
    const d = m.info.at(s);
    d.cpus[0]!.rcu_cbs.append().load(0, 'rcu_free_sheaf_nobarn', [0], false, false);
    d.cpus[0]!.rcu_cbs.append().load(1, 'kvfree_rcu_bulk', [1], false, false);
    d.cache.seq = 2;
    d.cache.destroying = true;
    for (const c of ['cpu0/task', 'cpu1/task']) {
      const cv = d.ctx[c]!;
      for (const o of cv.owns.toArray()) cv.owns.delete(o);
      cv.opIndex += cv.opsLeft;
    }
    d.ctx['cpu1/task']!.stack.push('kmem_cache_destroy_client', 'return');
    d.ctx['cpu1/task']!.stack.push('kmem_cache_destroy', 'kvfree_rcu_barrier');
    const t = m.next(s, { context: 'cpu1/task', step: 'kmem_cache_destroy/kvfree_rcu_barrier' });
    const top = m.info.at(t).ctx['cpu1/task']!.stack.top()!;
    expect(`${top.fn}/${top.pc}`).toBe('rcu_barrier/wait');
    expect(top.l.upto).toBe(2);
    // It cannot go on while the sheaf callback (id 0) is pending, only after it ran.
    expect(m.actions(t).some((a) => a.context === 'cpu1/task')).toBe(false);
  });
});

describe('workqueues', () => {
  it('kmem_cache_destroy() from an unbound work item (lib/slub_kunit.c test_kfree_rcu_wq_destroy) completes on every version, no deadlock', () => {
    for (const version of ['v6.19', '17c38c88', '7.0']) {
      const r = search(buildSlubModel({ version, scenario: 'kfree-rcu-wq-destroy', patches: [], kasan: false }));
      expect(r, version).toMatchObject({ result: 'ok', complete: true });
      expect(r.witnesses.find((w) => w.name === 'kmem_cache_destroy_returned')?.reached, version).toBe(true);
    }
  });
});

describe('7.0 sheaf refill with fewer objects than asked', () => {
  it('does what 7.0-rc does: frees the partly filled sheaf without flushing it, and the objects leak', () => {
    const m70 = buildSlubModel({ version: '7.0', scenario: 'refill-page-alloc-fails', patches: [], kasan: false });
    const r = search(m70);
    expect(r.result).toBe('violation');
    expect(r.property).toBe('object_conservation');
    expect(r.explanation).toMatch(/free_empty_sheaf\(\) in __pcs_replace_empty_main\(\) freed a partly refilled sheaf, holding object/);
    expect(m70.info.at(r.path!.states.at(-1)!).cpus[0]!.main.toArray()).toEqual([]); // nothing was installed as if the refill succeeded
  });

  it('with the later fix (sheaf-flush-on-failed-refill) flushes it to the slabs: clean and complete', () => {
    const r = search(buildSlubModel({ version: '7.0', scenario: 'refill-page-alloc-fails', patches: ['sheaf-flush-on-failed-refill'], kasan: false }));
    expect(r).toMatchObject({ result: 'ok', complete: true });
  });
});

describe('lock_sanity', () => {
  const m = buildSlubModel({ version: '7.0', scenario: 'generic', patches: [], kasan: false });
  const p = m.properties.find((x) => x.name === 'lock_sanity')!;
  const holding = (irqoff: number) => {
    const s = m.initStates()[0]!.slice();
    const d = m.info.at(s);
    d.nodes[0]!.list_lock = 'cpu0/task';
    d.ctx['cpu0/task']!.irqoff = irqoff;
    const f = d.ctx['cpu0/task']!.stack.push('get_from_partial_node', 'cmpxchg');
    f.l.n = 0;
    f.l.slab = 0;
    return s;
  };

  it('accepts irqs disabled around more than the list_lock section (a patch may split an irq-off section)', () => {
    expect(p.check(holding(2))).toBe(true);
  });

  it('still reports list_lock held with irqs enabled', () => {
    expect(p.check(holding(0))).toBe(false);
  });
});

describe('several nodes', () => {
  it('__put_partials() locks each slab of a drained chain on its own node', () => {
    const m = buildSlubModel({ version: 'v6.19', scenario: 'cpu-partial-drain', patches: [], kasan: false });
    // cpu0 frees an object of its full slab S2: put_cpu_partial(drain) drains S0 (node 0) and S1 (node 1).
    const s = m.info.at(runAlone(m, m.initStates()[0]!, 'cpu0/task', (a) => a.op !== 'kmem_cache_alloc'));
    expect(s.slabs[0]!.owner).toBe('node0');
    expect(s.slabs[1]!.owner).toBe('node1');
    expect(s.ghost.get('bad_link_write')).toBeNull();
    expect(s.nodes.map((n) => n.nr_partial)).toEqual([1, 1]);
  });

  it('__kmem_cache_shutdown() shrinks and frees the partial slabs of every node', () => {
    const sc: ScenarioDef = {
      ...findScenario('destroy-after-kfree-rcu')!,
      name: 'two-node-destroy',
      nodes: [{ memory: true }, { memory: true }],
      cpus: [{ node: 0 }, { node: 1 }],
      pool: 2,
      slabs: [
        { node: 0, place: { on: 'node_partial' }, free: [0, 1] },
        { node: 1, place: { on: 'node_partial' }, free: [0, 1] },
      ],
      contexts: [{ name: 'cpu0/task', ops: [{ op: 'kmem_cache_destroy' }] }, { name: 'cpu0/worker' }, { name: 'cpu1/worker' }, { name: 'cpu0/softirq' }],
    };
    const m = buildSlubModel({ version: '7.0', scenario: sc, patches: [], kasan: false });
    const s = m.info.at(runAll(m, m.initStates()[0]!));
    expect(s.cache.destroyed).toBe('ok');
    expect(s.slabs.map((sl) => sl.live)).toEqual([false, false]);
    expect(s.nodes.map((n) => n.nr_slabs)).toEqual([0, 0]);
  });
});

// `goto` is part of the patch API used above through old steps; keep the import honest.
void goto;

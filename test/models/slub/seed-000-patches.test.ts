// The two patches of seed 000's thread, shipped in patches/, and a broken
// variant of each that verify's default scenarios must catch
// (docs/findings.md, "Seed 000's two patches").
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { validateScenario } from '../../../models/slub/scenario-files.ts';
import { findScenario } from '../../../models/slub/scenarios.ts';

const model = (scenario: string, patches: string[] = []) => buildSlubModel({ version: '7.0', scenario, patches, kasan: false });

describe('mm/slab: allow sheaf refill if blocking is not allowed', () => {
  it('lets an interrupt refill a sheaf, and stays clean and complete on irq-same-cpu and generic-irq', () => {
    for (const sc of ['irq-same-cpu', 'generic-irq']) {
      const m = model(sc, ['allow-sheaf-refill-nonblocking']);
      const r = search(m, { strategy: 'bfs' });
      expect([sc, r.result, r.complete]).toEqual([sc, 'ok', true]);
      // The refill path re-takes the lock (with local_trylock() now) ...
      expect(m.coverage!().get('alloc_from_pcs/relock')).toBeGreaterThan(0);
      // Its trylock never fails without PREEMPT_RT: the barn_put branch is never run, and verify says NOT EXERCISED.
      expect(m.coverage!().has('alloc_from_pcs/barn_put')).toBe(false);
    }
  });

  it('without its local_trylock() is caught by lockdep: an irq refill re-takes the pcs lock with local_lock()', () => {
    const r = search(model('irq-same-cpu', ['broken-sheaf-refill-nonblocking-local-lock']), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'no_kernel_warning']);
    expect(r.explanation).toMatch(/lockdep: inconsistent \{HARDIRQ-ON-W\} -> \{IN-HARDIRQ-W\} usage: local_lock\(&s->cpu_sheaves->lock\) in irq context/);
    expect(r.trace!.steps.at(-1)).toMatchObject({ context: 'cpu0/irq', step: 'alloc_from_pcs/relock' });
  });

  it('leaves the stock 7.0 quiet: there no interrupt reaches the local_lock() after a refill', () => {
    for (const sc of ['irq-same-cpu', 'generic-irq']) {
      const m = model(sc);
      expect(search(m, { strategy: 'bfs' }).result).toBe('ok');
    }
  });
});

describe('mm/slab: put barn on every online node', () => {
  it('is clean and complete on memoryless-barn-destroy, where a memoryless node now has a barn that holds sheaves', () => {
    const m = model('memoryless-barn-destroy', ['barn-on-every-online-node']);
    const r = search(m, { strategy: 'bfs' });
    expect([r.result, r.complete]).toEqual(['ok', true]);
    expect(m.coverage!().get('feature:barnOnEveryNode')).toBe(1);
  });

  it('counts as exercised only where a CPU of a memoryless node looks for its barn', () => {
    const m = model('sheaf-churn', ['barn-on-every-online-node']);
    expect(search(m, { strategy: 'bfs' }).result).toBe('ok');
    expect(m.coverage!().has('feature:barnOnEveryNode')).toBe(false);
  });

  it('without its barn_shrink() loop leaves a memoryless node\'s barn unshrunk: free_kmem_cache_nodes() WARNs', () => {
    const r = search(model('memoryless-barn-destroy', ['broken-barn-on-every-online-node-no-shrink']), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'no_kernel_warning']);
    expect(r.explanation).toMatch(/free_kmem_cache_nodes\(\): WARN_ON\(barn->nr_(empty|full)\): node1's barn/);
  });
});

describe('interrupt contexts', () => {
  it('allocate with GFP_ATOMIC only: a scenario that gives one GFP_KERNEL is refused with one line', () => {
    const base = findScenario('irq-same-cpu')!;
    const bad = { ...base, name: 'x', chosen: undefined, slabs: [], contexts: [{ name: 'cpu0/irq', ops: [{ op: 'kmem_cache_alloc', gfp: 'GFP_KERNEL' }] }] };
    expect(() => validateScenario(bad, 'test')).toThrow(/contexts\[0\]\.ops\[0\]\.gfp.*GFP_KERNEL in cpu0\/irq, an interrupt context: it may sleep there; use GFP_ATOMIC/);
    const ok = validateScenario({ ...bad, contexts: [{ name: 'cpu0/irq', ops: [{ op: 'kmem_cache_alloc' }] }] }, 'test');
    expect(ok.contexts[0]!.ops![0]).toEqual({ op: 'kmem_cache_alloc', gfp: 'GFP_ATOMIC' });
  });

  it('choose GFP_ATOMIC allocations from their menu, tasks both', () => {
    const m = model('irq-same-cpu');
    const [s] = m.initStates();
    const allocs = m.actions(s!).filter((a) => a.op === 'kmem_cache_alloc');
    expect(allocs.filter((a) => a.context === 'cpu0/irq').map((a) => a.gfp)).toEqual(['GFP_ATOMIC']);
    expect(allocs.filter((a) => a.context === 'cpu0/task').map((a) => a.gfp)).toEqual(['GFP_KERNEL', 'GFP_ATOMIC']);
  });
});

// Named locks (models/slub/locks.ts) and `dropLocks`: a diff that deletes a
// lock is a one-line patch, and what the lock made atomic interleaves once
// it is gone.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { UsageError } from '../../../src/engine/errors.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { definePatch, patchApi } from '../../../models/slub/patch-api.ts';
import { registerPatch } from '../../../models/slub/patches.ts';
import { goto } from '../../../models/slub/kernel.ts';
import { findVersion } from '../../../models/slub/versions.ts';

const model = (version: string, scenario: string, patches: string[] = []) => buildSlubModel({ version, scenario, patches, kasan: false });

/** Every step name a complete search of the model can take. */
function stepsTaken(m: ReturnType<typeof model>): Set<string> {
  const key = (w: Uint32Array) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64');
  const seen = new Set<string>();
  const names = new Set<string>();
  const work = [...m.initStates()];
  for (const s of work) seen.add(key(s));
  while (work.length) {
    const s = work.pop()!;
    for (const a of m.actions(s)) {
      names.add(a.step);
      const t = m.next(s, a);
      if (!seen.has(key(t))) {
        seen.add(key(t));
        work.push(t);
      }
    }
  }
  return names;
}

describe('named locks', () => {
  it('keep the steps a held lock makes atomic as one step: free_to_pcs/store is never a step of its own on 7.0', () => {
    const taken = stepsTaken(model('7.0', 'irq-same-cpu'));
    expect(taken).toContain('free_to_pcs/push');
    expect(taken).not.toContain('free_to_pcs/store');
  });

  it("find the irq free that lands between free_to_pcs()'s read of size and its store once a patch drops the pcs lock", () => {
    const r = search(model('7.0', 'irq-same-cpu', ['broken-free-to-pcs-unlocked']), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'object_conservation']);
    const at = (ctx: string, step: string) => r.trace!.steps.findIndex((s) => s.context === ctx && s.step === step);
    const taskPush = at('cpu0/task', 'free_to_pcs/push');
    const irqStore = at('cpu0/irq', 'free_to_pcs/store');
    const taskStore = at('cpu0/task', 'free_to_pcs/store');
    expect(taskPush).toBeGreaterThanOrEqual(0);
    expect(taskPush < irqStore && irqStore < taskStore).toBe(true);
  });

  it("find an irq's put_cpu_partial() inside the task's once a patch drops its local_lock_irqsave(): a slab falls off cpu0's chain", () => {
    expect(stepsTaken(model('v6.19', 'cpu-partial-irq'))).not.toContain('put_cpu_partial/publish');
    const r = search(model('17c38c88', 'cpu-partial-irq', ['broken-put-cpu-partial-irqs-on']), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'cpu_partial_chain_well_formed']);
    const steps = r.trace!.steps.map((s) => `${s.context} ${s.step}`);
    const task = steps.indexOf('cpu0/task put_cpu_partial/link');
    const irq = steps.indexOf('cpu0/irq put_cpu_partial/publish');
    expect(task >= 0 && task < irq && irq < steps.indexOf('cpu0/task put_cpu_partial/publish')).toBe(true);
  });

  it("lose a sheaf when two CPUs' rcu_free_sheaf() put theirs into one barn without its lock", () => {
    expect(stepsTaken(model('7.0', 'rcu-sheaf-barn-race'))).not.toContain('rcu_free_sheaf/barn_store');
    const r = search(model('7.0', 'rcu-sheaf-barn-race', ['broken-rcu-free-sheaf-barn-unlocked']), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'object_conservation']);
    expect(r.explanation).toMatch(/barn_put_full_sheaf\(\) stored its sheaf at nr_full 0, over a sheaf put there since it read it/);
  });

  it('release a lock dropped at one step at the end of the step before it, so others can take it in between', () => {
    const m = model('7.0', 'generic', ['broken-unlocked-remove-partial']);
    const r = search(m, { strategy: 'bfs' });
    expect(r.result).toBe('violation');
    // The state after get_from_partial_node/cmpxchg: the slab is taken, the lock is already free.
    const steps = r.trace!.steps;
    const i = steps.findIndex((s) => s.step === 'get_from_partial_node/cmpxchg');
    expect(i).toBeGreaterThanOrEqual(0);
    const s = m.info.at(r.path!.states[i + 1]!);
    expect(s.nodes[0]!.list_lock).toBeNull();
    expect(s.ctx[steps[i]!.context]!.irqoff).toBe(0);
  });

  it('are dropped by one line of a patch, and a lock whose sections are single steps is refused with the reason', () => {
    const v = findVersion('7.0')!;
    const patch = (dropLocks: Record<string, string[]>) => definePatch({ name: 't', summary: 't', appliesTo: ['7.0'], dropLocks }).apply(v);
    const p = patch({ free_to_pcs: ['pcs_lock'] });
    expect(Object.values(p.fns.free_to_pcs!.steps).every((st) => st.without?.includes('pcs_lock'))).toBe(true);
    expect(p.fns.alloc_from_pcs).toBe(v.fns.alloc_from_pcs);
    const one = patch({ 'get_from_partial_node/remove_partial': ['list_lock'] });
    expect(Object.entries(one.fns.get_from_partial_node!.steps).filter(([, st]) => st.without).map(([k]) => k)).toEqual(['remove_partial']);
    for (const [drop, msg] of [
      [{ free_to_pcs: ['barn_lock'] }, /barn_lock can be dropped only in rcu_free_sheaf, not in free_to_pcs: only rcu_free_sheaf\(\)'s barn put is split/],
      [{ alloc_from_pcs: ['pcs_lock'] }, /pcs_lock can be dropped only in free_to_pcs, not in alloc_from_pcs: only free_to_pcs\(\)'s push is split/],
      [{ free_to_pcs: ['cpu_slab_lock'] }, /cpu_slab_lock can be dropped only in put_cpu_partial, not in free_to_pcs/],
      [{ free_to_pcs: ['rcu_lock'] }, /unknown lock "rcu_lock" \(the locks are list_lock, pcs_lock, barn_lock, cpu_slab_lock\)/],
      [{ no_such_fn: ['list_lock'] }, /not a kernel function/],
      [{ 'free_to_pcs/nope': ['pcs_lock'] }, /which free_to_pcs does not have/],
      [{ free_to_pcs: [] }, /must be a list of lock names/],
      [{ free_to_pcs: ['list_lock'] }, /drops list_lock, which free_to_pcs does not take or hold in 7.0 .*nothing to drop/],
      [{ 'get_from_partial_node/nr_partial': ['list_lock'] }, /which get_from_partial_node\/nr_partial does not take or hold/],
    ] as const) {
      expect(() => patch(drop as unknown as Record<string, string[]>)).toThrow(UsageError);
      expect(() => patch(drop as unknown as Record<string, string[]>)).toThrow(msg);
    }
  });

  it('keep a step fused under a lock only while the context holds it: a patch that skips the trylock with steps: finds the race too', () => {
    registerPatch(
      definePatch({
        name: 'test-free-to-pcs-skips-trylock',
        summary: 'free_to_pcs() goes to push without taking the pcs lock, written as a step change',
        appliesTo: ['7.0'],
        steps: { 'free_to_pcs/trylock': (old) => ({ ...old!, run: (x) => goto(x, 'push') }) },
      }),
    );
    const m = model('7.0', 'irq-same-cpu', ['test-free-to-pcs-skips-trylock']);
    expect(stepsTaken(m)).toContain('free_to_pcs/store');
    // The first thing found: store's local_unlock() of a lock it never took.
    const r = search(m, { strategy: 'bfs' });
    expect([r.result, r.explanation]).toEqual(['violation', expect.stringMatching(/bad unlock balance: cpu0\/(task|irq) releases cpu0's pcs lock/)]);
  });

  it("report lockdep's bad unlock balance for a release of a lock the context does not hold, and leave the holder alone", () => {
    registerPatch(
      definePatch({
        name: 'test-unlock-unheld',
        summary: 'get_from_partial_node() releases list_lock before taking it',
        appliesTo: ['7.0'],
        steps: { 'get_from_partial_node/nr_partial': (old) => ({ ...old!, run: (x) => { patchApi.unlock(x, x.l.n); old!.run(x); } }) },
      }),
    );
    const r = search(model('7.0', 'generic', ['test-unlock-unheld']), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'no_kernel_warning']);
    expect(r.explanation).toMatch(/lockdep: bad unlock balance: cpu\d\/task releases node0's list_lock, held by nobody/);
  });

  it('refuse a patch written against the old lockFree(x.d, n) with a pointer to the tutorial', () => {
    const x = { d: undefined } as unknown as Parameters<typeof patchApi.lockFree>[0];
    expect(() => patchApi.lockFree(x, 0)).toThrow(/lockFree\(x, n\) takes the step context x \(not x\.d\)/);
  });
});

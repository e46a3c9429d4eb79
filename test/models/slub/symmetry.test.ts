import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { search } from '../../../src/engine/search.ts';
import { replay } from '../../../src/engine/trace.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { findScenario, type ScenarioDef } from '../../../models/slub/scenarios.ts';

// scaled-3cpu with one chosen operation per CPU: three interchangeable CPUs, small enough to enumerate.
const base = findScenario('scaled-3cpu')!;
const small: ScenarioDef = { ...base, name: 'scaled-3cpu-1op', contexts: base.contexts.map((c) => ({ ...c, ops: [{ op: 'choose' }, { op: 'flush_cpu_slab' }] })) };
const model = (version: string, patches: string[] = [], scenario: string | ScenarioDef = small) => buildSlubModel({ version, scenario, patches, kasan: false });
const key = (w: Uint32Array) => w.join(',');

/** Every reachable state, without reduction. */
function reachable(m: ReturnType<typeof model>): Uint32Array[] {
  const seen = new Map<string, Uint32Array>();
  const todo = [...m.initStates()];
  for (const s of todo) seen.set(key(s), s);
  while (todo.length) {
    const s = todo.pop()!;
    for (const a of m.actions(s)) {
      const t = m.next(s, a);
      if (!seen.has(key(t))) {
        seen.set(key(t), t);
        todo.push(t);
      }
    }
  }
  return [...seen.values()];
}

const canon = (m: ReturnType<typeof model>, w: Uint32Array) => {
  const c = w.slice();
  m.packed!.canonicalize!(c);
  return c;
};

describe('symmetry reduction over interchangeable CPUs', () => {
  for (const [version, patches] of [['7.0', []], ['17c38c88', ['hao-li-list-lock-barrier']], ['v6.19', []]] as const) {
    describe(`${version}${patches.length ? ' + ' + patches.join() : ''}`, () => {
      const m = model(version, [...patches]);
      const all = reachable(m);

      it('keeps exactly one state per class: the count is the number of distinct canonical forms of every reachable state', () => {
        const classes = new Set(all.map((s) => key(canon(m, s))));
        const r = search(m);
        expect(r).toMatchObject({ result: 'ok', complete: true });
        expect(r.states).toBe(classes.size);
        expect(r.states * 3).toBeLessThan(all.length); // three CPUs: up to 6 states per class
      });

      it('commutes with every step: a state and its canonical form have the same canonical successors and the same verdicts', () => {
        for (const s of all.filter((_s, i) => i % (version === 'v6.19' ? 23 : 7) === 0)) {
          const c = canon(m, s);
          const succ = (w: Uint32Array) => new Set(m.actions(w).map((a) => key(canon(m, m.next(w, a)))));
          expect(succ(c)).toEqual(succ(s));
          for (const p of m.properties) if (p.kind === 'always') expect(p.check(c)).toBe(p.check(s));
          expect(m.terminal(c)).toBe(m.terminal(s));
        }
      });

      it('gives the same verdict, depth and shortest counterexample length with and without it', () => {
        const on = search(m);
        const off = search(m, { symmetry: false });
        expect([on.result, on.complete, on.depth, on.property, on.trace?.steps.length]).toEqual([off.result, off.complete, off.depth, off.property, off.trace?.steps.length]);
        expect(on.states).toBeLessThan(off.states);
      });
    });
  }

  it('finds the put_cpu_partial race on 17c38c88 and replays its trace through real states', () => {
    const m = model('17c38c88');
    const r = search(m);
    expect(r.property).toBe('link_words_written_by_owner');
    const path = replay(m, r.trace!);
    expect(m.info.at(path.states.at(-1)!).ghost.get('bad_link_write')).toMatch(/put_cpu_partial in cpu\d\/task wrote/);
  });

  it('is not used where the CPUs differ (their nodes, their scripts)', () => {
    expect(model('17c38c88', [], 'generic').packed!.canonicalize).toBeUndefined(); // cpu1 is on a memoryless node
    expect(model('7.0', [], { ...small, cpus: [{ node: 0 }, { node: 0 }, { node: 0 }], contexts: small.contexts.map((c, i) => ({ ...c, ops: i === 0 ? [{ op: 'flush_cpu_slab' }] : c.ops })) }).info.symmetry?.classes).toEqual([[1, 2]]);
  });
  it('commutes with every step where sheaves, barns, interrupts, RCU callbacks and work items are renamed too', () => {
    // Two interchangeable CPUs, each with a task (allocations, frees, kfree_rcu), an irq, a softirq and a worker.
    const sheaves: ScenarioDef = {
      name: 'symmetric-sheaves',
      summary: 'test',
      cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 2, barn_max: 2 },
      sheavesOptIn: true,
      nodes: [{ memory: true }],
      cpus: [{ node: 0 }, { node: 0 }],
      pool: 3,
      pageAllocCanFail: true,
      sharedObjects: true,
      slabs: [{ node: 0, place: { on: 'node_partial' }, free: [1], owners: { 'cpu0/task': [0] } }],
      contexts: [0, 1].flatMap((c) => [
        { name: `cpu${c}/task`, ops: [{ op: 'choose' as const }, { op: 'choose' as const }], choices: ['kmem_cache_alloc', 'kmem_cache_free', 'kfree_rcu'] as const },
        { name: `cpu${c}/irq`, ops: [{ op: 'choose' as const }], choices: ['kmem_cache_alloc', 'kmem_cache_free'] as const },
        { name: `cpu${c}/softirq` },
        { name: `cpu${c}/worker` },
      ]),
    };
    for (const [version, kasan] of [['v6.19', false], ['17c38c88', true], ['7.0', false]] as const) {
      const m = buildSlubModel({ version, scenario: sheaves, patches: [], kasan });
      // A depth-first prefix of the state space: deep states, with sheaves in use and callbacks queued.
      const seen = new Map<string, Uint32Array>();
      const todo = [...m.initStates()];
      while (todo.length && seen.size < 4000) {
        const st = todo.pop()!;
        if (seen.has(key(st))) continue;
        seen.set(key(st), st);
        for (const a of m.actions(st)) todo.push(m.next(st, a));
      }
      let renamed = 0;
      for (const st of [...seen.values()].filter((_s, i) => i % 4 === 0)) {
        const c = canon(m, st);
        if (key(c) !== key(st)) renamed++;
        const succ = (w: Uint32Array) => new Set(m.actions(w).map((a) => key(canon(m, m.next(w, a)))));
        expect(succ(c)).toEqual(succ(st));
        for (const p of m.properties) if (p.kind === 'always') expect(p.check(c)).toBe(p.check(st));
      }
      expect(renamed).toBeGreaterThan(50);
    }
  });
  it('maps a livelock found through canonical states back to a real lasso that replays', () => {
    const root = join(import.meta.dirname, '../../..');
    const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/slubcheck.js'), ...args], { cwd: root, encoding: 'utf8' });
    for (const reduce of ['all', 'none']) {
      const r = run('check', '17c38c88', '--scenario', 'empty-cache', '--patch', 'hao-li-list-lock-barrier', '--patch', 'test/fixtures/patches/stuck-cmpxchg.ts', '--reduce', reduce, '--json', '--quiet');
      expect(r.status).toBe(1);
      const j = JSON.parse(r.stdout);
      expect([j.result, j.reductions]).toEqual(['livelock', reduce === 'all' ? ['symmetry'] : []]);
      // Replayed step by step on the real model, the cycle returns to the state where it started.
      const again = run('replay', j.token);
      expect(again.status).toBe(1);
      expect(again.stdout).toMatch(/replayed: LIVELOCK: steps \d+ to \d+ return to the state before step \d+/);
    }
  });
});

describe('symmetry and the destroy path', () => {
  it('leaves a scenario that may destroy the cache unreduced: the destroy numbers its work items in CPU order, so renamed CPUs are not a state the kernel reaches', () => {
    // destroy-menu: two identical CPUs that may each choose the destroy (a reduced search of it used to stop with an engine error).
    for (const version of ['v6.19', '17c38c88', '7.0']) {
      const m = buildSlubModel({ version, scenario: 'destroy-menu', patches: [], kasan: true });
      expect(m.packed!.canonicalize, version).toBeUndefined();
    }
    const r = search(buildSlubModel({ version: 'v6.19', scenario: 'destroy-menu', patches: [], kasan: true }), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'kmem_cache_destroy_leaves_no_objects']);
  });
});


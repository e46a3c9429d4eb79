import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { cli, shortestByIterativeDeepening } from '../../helpers.ts';

const model = (version: string, scenario = 'generic', patches: string[] = []) => buildSlubModel({ version, scenario, patches, kasan: false });

describe('the put_cpu_partial race (Bug 1)', () => {
  const m17 = model('17c38c88');
  const r = search(m17);
  const steps = r.trace!.steps;

  it('finds the put_cpu_partial race on 17c38c88 from the generic workload as a link-word violation', () => {
    expect(r.result).toBe('violation');
    expect(r.property).toBe('link_words_written_by_owner');
    expect(r.explanation).toMatch(/put_cpu_partial in cpu1\/task wrote .* of S0 as cpu1, but the link words belong to node0/);
  });

  it('shows get_from_partial_node taking the last object on one CPU and put_cpu_partial writing the link words on the other before remove_partial', () => {
    const at = (ctx: string, step: string) => steps.findIndex((s) => s.context === ctx && s.step === step);
    const take = at('cpu0/task', 'get_from_partial_node/cmpxchg');
    const free = at('cpu1/task', '__slab_free/cmpxchg');
    const link = at('cpu1/task', 'put_cpu_partial/link');
    expect(take).toBeGreaterThanOrEqual(0);
    expect(free).toBeGreaterThan(take);
    expect(link).toBeGreaterThan(free);
    expect(steps.some((s) => s.step === 'get_from_partial_node/remove_partial')).toBe(false);
    const last = m17.info.at(r.path!.states.at(-1)!);
    expect(last.nodes[0]!.list_lock).toBe('cpu0/task'); // cpu0 still inside its list_lock section
    expect(last.slabs[0]!.partial).toBe(true); // S0 still linked on n->partial
  });

  it('finds it in at most 7 steps, the shortest possible, by BFS', () => {
    expect(steps.length).toBe(7);
    const m = model('17c38c88');
    const bad = (s: Uint32Array) => m.info.at(s).ghost.get('bad_link_write') !== null;
    expect(shortestByIterativeDeepening(m, bad, 7)).toBe(7);
  });

  it('is found by DFS too', () => {
    const d = search(model('17c38c88'), { strategy: 'dfs' });
    expect(d.result).toBe('violation');
    expect(['link_words_written_by_owner', 'slab_state_table', 'node_partial_list_well_formed']).toContain(d.property);
  });

  it('does not happen on v6.19 or 7.0 with the same workload: complete searches', () => {
    for (const v of ['v6.19', '7.0']) {
      const c = search(model(v));
      expect(c.result, v).toBe('ok');
      expect(c.complete, v).toBe(true);
    }
  });

  it('is fixed on 17c38c88 by either built-in patch, completely', () => {
    for (const p of ['hao-li-list-lock-barrier', 'remove-slub-cpu-partial']) {
      const c = search(model('17c38c88', 'generic', [p]));
      expect(c.result, p).toBe('ok');
      expect(c.complete, p).toBe(true);
    }
  });
});

describe("Harry Yoo's first hypothesis (flush_slab vs a free on the same CPU)", () => {
  it('is not reported on v6.19: tid and irq-off keep the free safe', () => {
    const r = search(model('v6.19', 'harry-flush-vs-free'));
    expect(r).toMatchObject({ result: 'ok', complete: true });
    expect(r.witnesses.find((w) => w.name === 'free_to_frozen_slab')!.reached).toBe(true);
  });

  it('is reported when the per-CPU cmpxchg drops tid: the object is parked on a freelist with no cpu slab', () => {
    const r = search(model('v6.19', 'harry-flush-vs-free-no-tid'));
    expect(r.result).toBe('violation');
    expect(r.property).toBe('cpu_freelist_belongs_to_cpu_slab');
    const steps = r.trace!.steps.map((s) => `${s.context} ${s.step}`);
    expect(steps).toContain('cpu0/worker flush_cpu_slab/flush_slab');
    expect(steps.at(-1)).toBe('cpu0/task do_slab_free/cmpxchg');
  });
});

describe('slubcheck check on SLUB versions', () => {
  it('exits 1 on 17c38c88 --scenario generic with a two-column trace', () => {
    const c = cli('check', '17c38c88', '--scenario', 'generic', '--quiet');
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/cpu0\/task\s+cpu1\/task/);
    expect(c.out).toMatch(/VIOLATION of link_words_written_by_owner/);
  });

  it('exits 0 and says complete on v6.19, 7.0 and the patched 17c38c88', () => {
    for (const argv of [['v6.19'], ['7.0'], ['17c38c88', '--patch', 'hao-li-list-lock-barrier'], ['17c38c88', '--patch', 'remove-slub-cpu-partial']]) {
      const c = cli('check', ...argv, '--scenario', 'generic', '--quiet');
      expect(c.code, argv.join(' ')).toBe(0);
      expect(c.out, argv.join(' ')).toMatch(/no violation \(complete: \d+ distinct states/);
    }
  });

  it('accepts the full commit id as an alias', () => {
    expect(cli('check', '17c38c88294d', '--scenario', 'put-cpu-partial-recipe', '--quiet').code).toBe(1);
  });

  it('gives one line and exit 2 for an unknown scenario or patch, or a scenario impossible on the version', () => {
    for (const argv of [
      ['check', '7.0', '--scenario', 'nope'],
      ['check', '7.0', '--patch', 'nope'],
      ['check', '7.0', '--patch', 'hao-li-list-lock-barrier'],
      ['check', '7.0', '--scenario', 'harry-flush-vs-free'],
      ['check', '17c38c88', '--scenario', 'put-cpu-partial-recipe', '--patch', 'remove-slub-cpu-partial'],
    ]) {
      const c = cli(...argv);
      expect(c.code, argv.join(' ')).toBe(2);
      expect(c.err.split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('replays the token of the race to the same violation', () => {
    const j = JSON.parse(cli('check', '17c38c88', '--json').out);
    const r = cli('replay', j.token);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/VIOLATION of link_words_written_by_owner/);
  });
  it('finds the put_cpu_partial race on 17c38c88 from an empty cache, and v6.19, 7.0 and both fixes complete and clean on it', () => {
    const m = model('17c38c88', 'empty-cache');
    const start = m.info.at(m.initStates()[0]!);
    expect(start.slabs.every((sl) => !sl.live)).toBe(true); // no slab: nothing of the precondition is given
    const r = search(m);
    expect(r.property).toBe('link_words_written_by_owner');
    // The slab came from new_slab() in the trace itself, and every operation was the checker's choice.
    expect(r.trace!.steps.map((st) => st.step)).toContain('___slab_alloc/new_slab');
    expect(r.trace!.steps.map((st) => st.step)).toContain('put_cpu_partial/link');
    for (const [version, patches] of [['v6.19', []], ['7.0', []], ['17c38c88', ['hao-li-list-lock-barrier']], ['17c38c88', ['remove-slub-cpu-partial']]] as const) {
      expect(search(model(version, 'empty-cache', [...patches]))).toMatchObject({ result: 'ok', complete: true });
    }
  });
});

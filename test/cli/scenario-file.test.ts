import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/slubcheck.js');
const run = (cwd: string, ...argv: string[]) => spawnSync(process.execPath, [bin, ...argv], { cwd, encoding: 'utf8' });
const flat = (text: string) => text.replace(/\s+/g, ' ');

/** A copy of a fixture scenario in a directory outside the repository, as a user keeps one beside their patch. */
function outside(fixture: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'slubcheck-scenario-'));
  copyFileSync(join(root, 'test/fixtures/scenarios', fixture), join(dir, fixture));
  return { dir, file: `./${fixture}` };
}

const GOOD = {
  name: 'w',
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 0, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }],
  pool: 2,
  contexts: [{ name: 'cpu0/task', budget: 1, choices: ['kmem_cache_alloc'] }],
};

describe('a scenario file written outside the repository', () => {
  it('finds the put_cpu_partial race on 17c38c88 from a start the checker chooses, prints that start and says it was expected', () => {
    const { dir, file } = outside('chosen-two-cpus.ts');
    const r = run(dir, 'check', '17c38c88', '--scenario-file', file, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(flat(r.stdout)).toMatch(/VIOLATION of link_words_written_by_owner \(always\) after \d+ steps/);
    expect(flat(r.stdout)).toMatch(/start: S0 on node0's partial list, free \[0\], allocated \[1\]/);
    expect(flat(r.stdout)).toMatch(/expected by scenario chosen-two-cpus on 17c38c88: a violation of link_words_written_by_owner: as expected/);
  });

  it('shows v6.19 and 7.0 clean and complete on the same file, as it expects', () => {
    const { dir, file } = outside('chosen-two-cpus.ts');
    for (const v of ['v6.19', '7.0']) {
      const r = run(dir, 'check', v, '--scenario-file', file, '--quiet', '--json');
      expect(r.status).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ result: 'ok', complete: true, as_expected: true, expected: { result: 'ok' } });
    }
  });

  it('replays its counterexample from the token alone, after the file is gone', () => {
    const { dir, file } = outside('chosen-two-cpus.ts');
    const j = JSON.parse(run(dir, 'check', '17c38c88', '--scenario-file', file, '--quiet', '--json').stdout);
    rmSync(join(dir, file));
    const r = run(tmpdir(), 'replay', j.token, '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'violation', property: 'link_words_written_by_owner', steps: j.trace.length });
  });

  it('runs in verify: the patch fixes the race on it and the report names the file where the changed step ran', () => {
    const { dir, file } = outside('chosen-two-cpus.ts');
    const r = run(dir, 'verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario-file', file, '--quiet');
    expect(r.status).toBe(0);
    expect(flat(r.stdout)).toMatch(/verdict: OK \(complete\), introduces no violation; fixes link_words_written_by_owner/);
    expect(flat(r.stdout)).toMatch(/changed: __slab_free\/put_cpu_partial: reached in \.\/chosen-two-cpus\.ts \(\d+x\)/);
    expect(flat(r.stdout)).toMatch(/\.\/chosen-two-cpus\.ts: chosen-two-cpus: two CPUs of one node/);
  });

  it('expresses a kunit-style test: on v6.19 with KASAN, kfree_rcu() then kmem_cache_destroy() must report objects remaining', () => {
    const { dir, file } = outside('kunit-kfree-rcu-destroy.ts');
    const r = run(dir, 'check', 'v6.19', '--kasan', '--scenario-file', file, '--quiet', '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ property: 'kmem_cache_destroy_leaves_no_objects', as_expected: true });
  });

  it('says NOT AS EXPECTED when the verdict differs from the one the file expects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-scenario-'));
    writeFileSync(join(dir, 'w.ts'), `export default ${JSON.stringify({ ...GOOD, expect: { '7.0': { violation: 'no_oops' } } })};\n`);
    const r = run(dir, 'check', '7.0', '--scenario-file', './w.ts', '--quiet');
    expect(r.status).toBe(0);
    expect(flat(r.stdout)).toMatch(/expected by scenario w on 7\.0: a violation of no_oops: NOT AS EXPECTED/);
  });

  it('is the same shape as a shipped scenario: generic given as its file explores the same states as --scenario generic', () => {
    const byName = JSON.parse(run(root, 'check', '7.0', '--scenario', 'generic', '--quiet', '--json').stdout);
    const byFile = JSON.parse(run(root, 'check', '7.0', '--scenario-file', 'models/slub/scenarios/generic.ts', '--quiet', '--json').stdout);
    expect(byFile).toMatchObject({ result: byName.result, complete: true, states: byName.states, depth: byName.depth });
  });

  it.each([
    ['an unknown field', { ...GOOD, contexts: [{ name: 'cpu0/task', budgets: 1 }] }, /contexts\[0\]\.budgets is not a known field/],
    ['a missing cache parameter', { ...GOOD, cache: { objects: 2 } }, /cache\.cpu_partial_slabs must be a whole number/],
    ['a context on a CPU it does not have', { ...GOOD, contexts: [{ name: 'cpu1/task' }] }, /contexts\[0\]\.name names cpu1, but the scenario has 1 CPU/],
    ['a menu operation the model does not have', { ...GOOD, contexts: [{ name: 'cpu0/task', budget: 1, choices: ['kmem_cache_shrink'] }] }, /contexts\[0\]\.choices\[0\] must be one of kmem_cache_alloc/],
    ['a budget without a menu', { ...GOOD, contexts: [{ name: 'cpu0/task', budget: 1 }] }, /contexts\[0\]\.budget needs choices/],
    ['both explicit slabs and a chosen start', { ...GOOD, slabs: [{ node: 0, place: { on: 'none' } }], chosen: { slabs: 1 } }, /chosen and explicit slabs cannot both be given/],
    ['an expectation for an unknown version', { ...GOOD, expect: { 'v9.9': 'ok' } }, /expect\['v9\.9'\] names unknown version/],
    ['an expectation that is neither a verdict nor a violation', { ...GOOD, expect: { '7.0': 'fine' } }, /expect\['7\.0'\] must be 'ok', 'deadlock', 'livelock' or \{ violation: 'property' \}/],
    ['an expected violation of a property the version does not have', { ...GOOD, expect: { '7.0': { violation: 'no_such_property' } } }, /scenario w expects a violation of 'no_such_property' on 7\.0, which is not a property of 7\.0 \(its properties: link_words_written_by_owner/],
    ['a free of an object the context does not own', { ...GOOD, contexts: [{ name: 'cpu0/task', ops: [{ op: 'kmem_cache_free', obj: 0 }] }] }, /impossible configuration: scenario w: cpu0\/task frees object 0, which it does not own/],
    ['no node with memory', { ...GOOD, nodes: [{ memory: false }] }, /nodes must include a node with memory/],
    ['a chosen start with no place to put a slab', { ...GOOD, chosen: { slabs: 1, places: [] } }, /chosen\.places must list at least one place/],
    ['a chosen start with more layouts than a search can start from', { ...GOOD, cache: { ...GOOD.cache, objects: 16 }, pool: 3, chosen: { slabs: 3 } }, /scenario w chooses among more than 10\^12 start layouts \(65536 per slab, up to 3 slabs\), more than 100000/],
    ['more sheaf allocation failures than the bound', { ...GOOD, sheafAllocFailures: 5 }, /sheafAllocFailures must be a whole number from 0 to 4/],
    ['a bulk free of one object twice', { ...GOOD, contexts: [{ name: 'cpu0/task', ops: [{ op: 'kmem_cache_free_bulk', obj: 0, obj2: 0 }] }] }, /contexts\[0\]\.ops\[0\]\.obj2 frees the same object twice in one bulk free/],
    ['kfree_nolock() on a CPU without an irq context for its irq_work', { ...GOOD, contexts: [{ name: 'cpu0/task', budget: 1, choices: ['kfree_nolock'] }] }, /cpu0\/task may call kfree_nolock\(\), whose deferred frees run in cpu0's irq_work .*add a context cpu0\/irq/],
    ['an object in two places', { ...GOOD, slabs: [{ node: 0, place: { on: 'node_partial' }, free: [0], owners: { 'cpu0/task': [0, 1] } }] }, /object 0 is both in S0's freelist and cpu0\/task/],
  ])('rejects a scenario file with %s in one line, exit 2', (_what, data, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-scenario-'));
    writeFileSync(join(dir, 'w.ts'), `export default ${JSON.stringify(data)};\n`);
    const r = run(dir, 'check', '7.0', '--scenario-file', './w.ts');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('rejects a missing file, a file that does not parse, and a file given to --scenario, each in one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-scenario-'));
    writeFileSync(join(dir, 'broken.ts'), 'export default {\n');
    writeFileSync(join(dir, 'fn.ts'), 'export default () => ({ name: "w" });\n');
    for (const [args, message] of [
      [['--scenario-file', './fn.ts'], /the default export is a function; a scenario is data/],
      [['--scenario-file', './nope.ts'], /no such scenario file: \.\/nope\.ts/],
      [['--scenario-file', './broken.ts'], /cannot load scenario \.\/broken\.ts: .*ERROR/],
      [['--scenario', './broken.ts'], /unknown scenario '\.\/broken\.ts'.*goes with --scenario-file/],
      [['--scenario', 'generic', '--scenario-file', './broken.ts'], /cannot load scenario|not both/],
    ] as const) {
      const r = run(dir, 'check', '7.0', ...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

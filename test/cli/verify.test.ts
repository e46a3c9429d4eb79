import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';
import { MANIFEST } from '../../models/slub/manifest.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/slubcheck.js');
const run = (cwd: string, ...argv: string[]) => spawnSync(process.execPath, [bin, ...argv], { cwd, encoding: 'utf8' });

/** A directory outside the repository. */
const outside = () => mkdtempSync(join(tmpdir(), 'slubcheck-patch-'));

const fixture = (name: string) => `test/fixtures/patches/${name}`;
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
/** The text with its wrapping undone, for matching phrases that a narrow column may break. */
const flat = (text: string) => text.replace(/\s+/g, ' ');
/** The manifest's pinned state count for a complete row. */
const pinned = (version: string, scenario: string, patches: string[] = []) =>
  MANIFEST.find((r) => r.version === version && r.scenario === scenario && r.patches.join() === patches.join() && !r.bound && !r.pct)!.states;

describe('slubcheck verify', () => {
  it('reports the put_cpu_partial race fixed and nothing introduced by the shipped hao-li-list-lock-barrier file, exit 0', () => {
    const r = run(root, 'verify', '17c38c88', '--patch', 'patches/hao-li-list-lock-barrier.ts', '--scenario', 'generic', '--scenario', 'put-cpu-partial-recipe', '--quiet');
    expect(r.status).toBe(0);
    expect(flat(r.stdout)).toMatch(/verdict: OK \(complete\), introduces no violation; fixes link_words_written_by_owner/);
    expect(flat(r.stdout)).toMatch(/changed: +__slab_free\/put_cpu_partial: reached in generic \(\d+x\), put-cpu-partial-recipe/);
    expect(flat(r.stdout)).toMatch(/patch: +hao-li-list-lock-barrier \(patches\/hao-li-list-lock-barrier\.ts, sha256 [0-9a-f]{12}\)/);
    const j = JSON.parse(cli('verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'generic', '--json', '--quiet').out);
    expect(j.scenarios[0].patched).toMatchObject({ result: 'ok', complete: true, states: pinned('17c38c88', 'generic', ['hao-li-list-lock-barrier']) });
  });

  it('reports what the deliberately wrong patch introduces, exit 1', () => {
    const r = run(root, 'verify', '17c38c88', '--patch', 'patches/broken-unlocked-remove-partial.ts', '--scenario', 'sheaf-churn', '--quiet');
    expect(r.status).toBe(1);
    expect(flat(r.stdout)).toMatch(/verdict: +INTRODUCES .*\(sheaf-churn\)/);
    expect(flat(r.stdout)).toMatch(/INTRODUCED: /);
  });

  it('reports the destroy leak fixed by the shipped kvfree-rcu-barrier-on-cache file with --kasan', () => {
    const c = cli('verify', 'v6.19', '--patch', 'kvfree-rcu-barrier-on-cache', '--kasan', '--scenario', 'destroy-after-kfree-rcu', '--quiet');
    expect(c.code).toBe(0);
    expect(flat(c.out)).toMatch(/fixes kmem_cache_destroy_leaves_no_objects/);
    expect(flat(c.out)).toMatch(/fixed: kmem_cache_destroy_leaves_no_objects/);
  });

  it('prints one JSON object with the verdict, its completeness, the changed code and, per scenario, both sides', () => {
    const c = cli('verify', '7.0', '--patch', 'broken-unlocked-remove-partial', '--scenario', 'generic', '--json', '--quiet');
    expect(c.code).toBe(1);
    const j = JSON.parse(c.out);
    expect(j).toMatchObject({ version: '7.0', verdict: 'introduces', complete: true });
    expect(j.patches[0]).toMatch(/^broken-unlocked-remove-partial \(built-in, sha256 [0-9a-f]{12}\)/);
    expect(j.changed_code).toEqual(['get_from_partial_node/remove_partial']);
    expect(j.unreached_code).toEqual([]);
    const s = j.scenarios[0];
    expect(s.scenario).toBe('generic');
    expect(s.base).toMatchObject({ result: 'ok', complete: true, states: pinned('7.0', 'generic') });
    expect(s.introduced).toContain('link_words_written_by_owner');
    expect(s.reached['get_from_partial_node/remove_partial']).toBeGreaterThan(0);
  });

  it("prints a reviewer's report of at most 80 columns, with the legend, the versions and each violation's minimized trace once", () => {
    const c = cli('verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'generic', '--report', '--quiet');
    expect(c.code).toBe(0);
    expect(widest(c.out)).toBeLessThanOrEqual(80);
    expect(flat(c.out)).toMatch(/^slubcheck verification report/);
    expect(flat(c.out)).toMatch(/slubcheck: +\d+\.\d+\.\d+/);
    expect(flat(c.out)).toMatch(/search: +bfs, at most 500000 states per search/);
    expect(c.out).toMatch(/scenarios:\n +generic: two CPUs/);
    expect(flat(c.out)).toMatch(/--- generic, base: link_words_written_by_owner/);
    expect(c.out).toMatch(/cpu0\/task\s+cpu1\/task/);
    expect(flat(c.out)).toMatch(/the same trace as generic, base: link_words_written_by_owner/);
    expect(c.out).toMatch(/replay: npx slubcheck replay \\\nsc1\./);
  });

  it('never calls a bounded search complete, and says OK within bounds', () => {
    const c = cli('verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'generic-irq', '--max-states', '5000', '--quiet');
    expect(c.code).toBe(0);
    expect(flat(c.out)).toMatch(/OK within bounds \(incomplete: generic-irq\)/);
    const j = JSON.parse(cli('verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'generic-irq', '--max-states', '5000', '--json', '--quiet').out);
    expect(j).toMatchObject({ verdict: 'ok', complete: false });
    expect(j.scenarios[0].patched.stop_reason).toMatch(/stopped at 5000 states/);
    expect(c.out).not.toMatch(/OK \(complete\)/);
  });

  it('applies --max-seconds to random and PCT searches too', () => {
    const c = cli('verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'put-cpu-partial-recipe', '--strategy', 'pct', '--runs', '100000000', '--max-seconds', '1', '--json', '--quiet');
    const j = JSON.parse(c.out);
    expect(j.complete).toBe(false);
    expect(j.scenarios[0].patched.stop_reason).toMatch(/stopped by --max-seconds 1/);
  });

  it('says NOT EXERCISED, exit 5, when no scenario runs the code the patch changes', () => {
    const c = cli('verify', 'v6.19', '--patch', 'shutdown-flush-after-barn-shrink', '--scenario', 'generic', '--quiet');
    expect(c.code).toBe(5);
    expect(flat(c.out)).toMatch(/verdict: +NOT EXERCISED: no scenario ran __kmem_cache_shutdown\/barn_shrunk/);
    expect(flat(c.out)).toMatch(/NEVER REACHED/);
    expect(c.out).not.toMatch(/verdict: +OK/);
    const j = JSON.parse(cli('verify', 'v6.19', '--patch', 'shutdown-flush-after-barn-shrink', '--scenario', 'generic', '--json', '--quiet').out);
    expect(j.verdict).toBe('not_exercised');
    expect(j.unreached_code).toEqual(['__kmem_cache_shutdown/barn_shrunk']);
    // The scenario that reaches it: OK, complete.
    const ok = cli('verify', 'v6.19', '--patch', 'shutdown-flush-after-barn-shrink', '--scenario', 'destroy-barn-full-slab', '--quiet');
    expect(ok.code).toBe(0);
    expect(flat(ok.out)).toMatch(/OK \(complete\).*fixes kmem_cache_destroy_leaves_no_objects/s);
  });

  it('counts a version switch the patch flips as changed code', () => {
    const c = cli('verify', '17c38c88', '--patch', 'remove-slub-cpu-partial', '--scenario', 'put-cpu-partial-recipe', '--scenario', 'generic', '--json', '--quiet');
    const j = JSON.parse(c.out);
    expect(j.changed_code).toContain('feature:cpuPartial');
    expect(j.unreached_code).toEqual([]);
    expect(j.scenarios[0].patched.result).toBe('not applicable');
  });

  it('reports a patch whose __slab_free cmpxchg never advances as a livelock, never OK', () => {
    const r = run(root, 'verify', '17c38c88', '--patch', fixture('stuck-cmpxchg.ts'), '--scenario', 'put-cpu-partial-recipe', '--report', '--quiet');
    expect(r.status).toBe(1);
    expect(flat(r.stdout)).toMatch(/verdict: +INTRODUCES livelock \(put-cpu-partial-recipe\)/);
    expect(flat(r.stdout)).toMatch(/from here on the steps repeat forever/);
    expect(r.stdout).not.toMatch(/verdict: +OK/);
  });

  it("honours a patch that changes a function's entry label", () => {
    const r = run(root, 'verify', '17c38c88', '--patch', fixture('entry-change.ts'), '--scenario', 'put-cpu-partial-recipe', '--json', '--quiet');
    const j = JSON.parse(r.stdout);
    expect(j.changed_code).toContain('__slab_free/new_entry');
    expect(j.unreached_code).toEqual([]);
    expect(j.scenarios[0].reached['__slab_free/new_entry']).toBeGreaterThan(0);
    const c = run(root, 'check', '17c38c88', '--scenario', 'put-cpu-partial-recipe', '--patch', fixture('entry-change.ts'), '--patch', 'hao-li-list-lock-barrier', '--json', '--quiet');
    expect(JSON.parse(c.stdout).witnesses).toContainEqual(expect.objectContaining({ name: 'new_entry_ran', reached: true }));
  });

  it('catches the wrong 7.0 free_to_pcs() patch with a default exhaustive scenario', () => {
    const list = cli('list').out;
    expect(list).toMatch(/--scenario irq-same-cpu: /);
    const c = cli('verify', '7.0', '--patch', 'broken-free-to-pcs-unlocked', '--scenario', 'irq-same-cpu', '--quiet');
    expect(c.code).toBe(1);
    expect(flat(c.out)).toMatch(/INTRODUCES object_conservation \(irq-same-cpu\)/);
  });

  it('says NOT EXERCISED for code the patch declares unreachable, with its reason instead of advice to write a scenario', () => {
    const c = cli('verify', '7.0', '--patch', 'allow-sheaf-refill-nonblocking', '--scenario', 'irq-same-cpu', '--quiet');
    expect(c.code).toBe(5);
    expect(flat(c.out)).toMatch(/NOT EXERCISED: no scenario ran alloc_from_pcs\/barn_put/);
    expect(flat(c.out)).toMatch(/alloc_from_pcs\/barn_put: the patch says the model cannot reach it: the local_trylock\(\) fails only under PREEMPT_RT/);
    expect(flat(c.out)).not.toMatch(/write a scenario that does|a scenario of your own/);
  });

  it('needs a patch, and rejects an unknown scenario, with one line and exit 2', () => {
    for (const argv of [['verify', '7.0'], ['verify', '7.0', '--patch', 'hao-li-list-lock-barrier'], ['verify', '7.0', '--patch', 'nope'], ['verify', '7.0', '--patch', 'broken-unlocked-remove-partial', '--scenario', 'nope']]) {
      const c = cli(...argv);
      expect(c.code, argv.join(' ')).toBe(2);
      expect(c.err.split('\n')).toHaveLength(1);
    }
  });
});

describe('patch files', () => {
  it('written by following the tutorial, outside the repository, work with verify, check and replay', () => {
    const tutorial = readFileSync(join(root, 'docs/patch-tutorial.md'), 'utf8');
    const code = /```ts file=my-fix.ts\n([\s\S]*?)```/.exec(tutorial)![1]!;
    const dir = outside();
    writeFileSync(join(dir, 'my-fix.ts'), code);
    const v = run(dir, 'verify', '17c38c88', '--patch', './my-fix.ts', '--scenario', 'generic', '--scenario', 'put-cpu-partial-recipe', '--quiet');
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    expect(flat(v.stdout)).toMatch(/fixes link_words_written_by_owner/);
    // A violation found with a patch file replays from its token (the file is loaded again).
    const broken = code.replace('guard: (x) => lockFree(x, x.d.slabs[x.l.slab]!.node),', '');
    expect(broken).not.toBe(code);
    writeFileSync(join(dir, 'no-guard.ts'), broken);
    const c = run(dir, 'check', '17c38c88', '--patch', './no-guard.ts', '--json', '--quiet');
    expect(c.status).toBe(1);
    const token = JSON.parse(c.stdout).token;
    const r = run(dir, 'replay', token);
    expect(r.status).toBe(1);
    expect(flat(r.stdout)).toMatch(/VIOLATION of link_words_written_by_owner/);
    // The token records the file's content hash: once the file changes, replay says so.
    writeFileSync(join(dir, 'no-guard.ts'), broken + '\n// changed\n');
    const changed = run(dir, 'replay', token);
    expect(changed.status).toBe(2);
    expect(changed.stderr.trim()).toMatch(/^slubcheck: error: patch file \.\/no-guard\.ts has changed since this was recorded \(sha256 [0-9a-f]{12}, now [0-9a-f]{12}\)/);
  });

  it('make check warn, not pass silently, when the search never ran a step the patch adds under a misspelt label', () => {
    const dir = outside();
    writeFileSync(
      join(dir, 'typo.ts'),
      "export default ({ definePatch, call }) => definePatch({ name: 'typo', summary: 's', appliesTo: ['17c38c88'], steps: { '__slab_free/put_cpu_parital': { cite: 'mm/slub.c x', reads: ['node.list_lock'], writes: [], run: (x) => call(x, 'put_cpu_partial', { slab: x.l.slab, drain: true }, 'done') } } });\n",
    );
    const r = run(dir, 'check', '17c38c88', '--patch', './typo.ts', '--quiet');
    expect(flat(r.stdout)).toMatch(/warning: this search never ran the patch's __slab_free\/put_cpu_parital/);
    const j = JSON.parse(run(dir, 'check', '17c38c88', '--patch', './typo.ts', '--quiet', '--json').stdout);
    expect(j.patch_code_not_run).toEqual(['__slab_free/put_cpu_parital']);
    // A patch whose step the search runs gets no such warning.
    expect(cli('check', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--quiet').out).not.toMatch(/never ran the patch/);
  });

  it('can keep locals of their own and add a property that reads them', () => {
    const dir = outside();
    writeFileSync(join(dir, 'counting.ts'), readFileSync(join(import.meta.dirname, 'fixture-counting-patch.ts.txt'), 'utf8'));
    const r = run(dir, 'check', '17c38c88', '--scenario', 'put-cpu-partial-recipe', '--patch', './counting.ts', '--json', '--quiet');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).property).toBe('no_put_cpu_partial_call');
  });

  it('cannot add state fields (states are packed): initState is refused with one line, exit 2', () => {
    const dir = outside();
    writeFileSync(join(dir, 'init.ts'), "export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['17c38c88'], initState: (s) => s });\n");
    const r = run(dir, 'check', '17c38c88', '--patch', './init.ts');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/initState is no longer supported: states are packed/);
  });

  it('that are broken get one line naming the problem and exit 2', () => {
    const dir = outside();
    const files: Record<string, [string, RegExp]> = {
      'syntax.ts': ['export default (api => {\n  const x = ;\n});\n', /cannot load patch \.\/syntax\.ts: .*syntax\.ts:2:\d+: ERROR: /],
      'throws.ts': ['throw new Error("boom at load");\nexport default 1;\n', /cannot load patch \.\/throws\.ts: boom at load/],
      'unknown-fn.ts': ["export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['17c38c88'], functions: { no_such_fn: { entry: 'a', steps: {} } } });\n", /names unknown kernel function no_such_fn in 17c38c88/],
      'misspelt-step.ts': ["export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['17c38c88'], steps: { '__slab_free/put_cpu_parital': (old) => ({ ...old }) } });\n", /steps\['__slab_free\/put_cpu_parital'\] changes a step __slab_free does not have in 17c38c88 \(its labels: snapshot/],
      'step-of-unknown-fn.ts': ["export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['17c38c88'], steps: { 'no_such_fn/a': { cite: 'c', reads: [], writes: [], run: () => {} } } });\n", /steps names "no_such_fn\/a", which is not function\/label of a kernel function of 17c38c88/],
      'bad-version.ts': ["export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['9.9'] });\n", /applies to unknown version '9\.9'/],
      'other-version.ts': ["export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['7.0'] });\n", /applies to 7\.0, not 17c38c88/],
      'no-default.ts': ['export const x = 1;\n', /has no default export/],
      'throws-in-factory.ts': ['export default () => { throw new Error("bad api use"); };\n', /threw while building its patch: bad api use/],
    };
    for (const [name, [text, re]] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      const r = run(dir, 'verify', '17c38c88', '--patch', `./${name}`, '--scenario', 'generic');
      expect(r.status, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(re);
    }
    const missing = run(dir, 'check', '7.0', '--patch', './missing.ts');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such patch file: \.\/missing\.ts/);
  });
});

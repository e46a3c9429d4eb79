import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/slubcheck.js');
const run = (cwd: string, ...argv: string[]) => spawnSync(process.execPath, [bin, ...argv], { cwd, encoding: 'utf8' });

/** A directory outside the repository. */
const outside = () => mkdtempSync(join(tmpdir(), 'slubcheck-patch-'));

describe('slubcheck verify', () => {
  it('reports the put_cpu_partial race fixed and nothing introduced by the shipped hao-li-list-lock-barrier file, exit 0', () => {
    const r = run(root, 'verify', '17c38c88', '--patch', 'patches/hao-li-list-lock-barrier.ts');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verdict: +OK, introduces no violation; fixes link_words_written_by_owner/);
    expect(r.stdout).toMatch(/generic +VIOLATES \d+ properties .* no violation \(complete, 2735 states\)/);
  });

  it('reports what the deliberately wrong patch introduces, exit 1', () => {
    const r = run(root, 'verify', '17c38c88', '--patch', 'patches/broken-unlocked-remove-partial.ts');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/verdict: +INTRODUCES .*slab_state_table/);
    expect(r.stdout).toMatch(/sheaf-churn: INTRODUCED: /);
  });

  it('reports the destroy leak fixed by the shipped kvfree-rcu-barrier-on-cache file with --kasan', () => {
    const r = run(root, 'verify', 'v6.19', '--patch', 'patches/kvfree-rcu-barrier-on-cache.ts', '--kasan');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fixes kmem_cache_destroy_leaves_no_objects/);
    expect(r.stdout).toMatch(/destroy-after-kfree-rcu: fixed: kmem_cache_destroy_leaves_no_objects/);
  });

  it('prints one JSON object with the verdict and, per scenario, both sides and the fixed, introduced and still properties', () => {
    const c = cli('verify', '7.0', '--patch', 'broken-unlocked-remove-partial', '--scenario', 'generic', '--json');
    expect(c.code).toBe(1);
    const j = JSON.parse(c.out);
    expect(j).toMatchObject({ version: '7.0', patches: ['broken-unlocked-remove-partial'], verdict: 'introduces' });
    const s = j.scenarios[0];
    expect(s.scenario).toBe('generic');
    for (const side of [s.base, s.patched]) for (const k of ['result', 'complete', 'states']) expect(side).toHaveProperty(k);
    expect(s.base).toMatchObject({ result: 'ok', complete: true, states: 2887 });
    expect(s.introduced).toContain('link_words_written_by_owner');
    expect(s).toHaveProperty('fixed');
    expect(s).toHaveProperty('still');
  });

  it('prints a reviewer\'s report with the bounds, the verdict and each violation\'s minimized trace once', () => {
    const c = cli('verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'generic', '--report');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^slubcheck verification report/);
    expect(c.out).toMatch(/search: +bfs, at most 500000 states per search/);
    expect(c.out).toMatch(/--- generic, base: link_words_written_by_owner/);
    expect(c.out).toMatch(/cpu0\/task\s+cpu1\/task/);
    expect(c.out).toMatch(/the same trace as generic, base: link_words_written_by_owner/);
    expect(c.out).toMatch(/replay: npx slubcheck replay sc1\./);
  });

  it('never calls a bounded search complete', () => {
    const c = cli('verify', '7.0', '--patch', 'broken-unlocked-remove-partial', '--scenario', 'generic-irq', '--max-states', '1000');
    expect(c.out).toMatch(/incomplete: stopped at 1000 states/);
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
    const v = run(dir, 'verify', '17c38c88', '--patch', './my-fix.ts', '--scenario', 'generic', '--scenario', 'put-cpu-partial-recipe');
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/fixes link_words_written_by_owner/);
    // A violation found with a patch file replays from its token (the file is loaded again).
    const broken = code.replace("'put_cpu_partial'", "'put_cpu_partial'").replace('guard: (s, _ctx, l) => lockFree(s, s.slabs[l.slab as number]!.node),', '');
    writeFileSync(join(dir, 'no-guard.ts'), broken);
    const c = run(dir, 'check', '17c38c88', '--patch', './no-guard.ts', '--json', '--quiet');
    expect(c.status).toBe(1);
    const token = JSON.parse(c.stdout).token;
    const r = run(dir, 'replay', token);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION of link_words_written_by_owner/);
  });

  it('can add a state field and a property of their own', () => {
    const dir = outside();
    writeFileSync(join(dir, 'counting.ts'), readFileSync(join(import.meta.dirname, 'fixture-counting-patch.ts.txt'), 'utf8'));
    const r = run(dir, 'check', '17c38c88', '--scenario', 'put-cpu-partial-recipe', '--patch', './counting.ts', '--json', '--quiet');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).property).toBe('no_put_cpu_partial_call');
  });

  it('that are broken get one line naming the problem and exit 2', () => {
    const dir = outside();
    const files: Record<string, [string, RegExp]> = {
      'syntax.ts': ['export default (api => {\n  const x = ;\n});\n', /cannot load patch \.\/syntax\.ts: .*syntax\.ts:2:\d+: ERROR: /],
      'throws.ts': ['throw new Error("boom at load");\nexport default 1;\n', /cannot load patch \.\/throws\.ts: boom at load/],
      'unknown-fn.ts': ["export default ({ definePatch }) => definePatch({ name: 'x', summary: 's', appliesTo: ['17c38c88'], functions: { no_such_fn: { entry: 'a', steps: {} } } });\n", /names unknown kernel function no_such_fn in 17c38c88/],
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

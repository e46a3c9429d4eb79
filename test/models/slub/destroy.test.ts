import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';
import { cli } from '../../helpers.ts';

const model = (version: string, scenario: string, kasan: boolean, patches: string[] = []) => buildSlubModel({ version, scenario, patches, kasan });

describe('the kmem_cache_destroy rcu_barrier ordering leak (Bug 2)', () => {
  const r = search(model('v6.19', 'destroy-after-kfree-rcu', true));
  const steps = r.trace!.steps.map((s) => `${s.context} ${s.step}`);
  const at = (re: RegExp) => steps.findIndex((s) => re.test(s));

  it('is found on v6.19 with KASAN: __kmem_cache_shutdown finds the slab still in use', () => {
    expect(r.result).toBe('violation');
    expect(r.property).toBe('kmem_cache_destroy_leaves_no_objects');
    expect(r.explanation).toMatch(/Objects remaining on __kmem_cache_shutdown\(\): S0 \(inuse 1: object 0 in cpu0's KASAN quarantine\)/);
    expect(steps.at(-1)).toBe('cpu1/task __kmem_cache_shutdown/free_partial');
  });

  it('shows the RCU callback running after kasan_cache_shutdown purged every CPU', () => {
    const lastPurge = steps.map((s) => /kasan_quarantine_remove_cache\/ipi/.test(s)).lastIndexOf(true);
    const callback = at(/softirq rcu_free_sheaf_nobarn\/prepare/);
    expect(at(/kmem_cache_destroy\/kasan_cache_shutdown/)).toBeGreaterThan(at(/flush_rcu_sheaf\/detach/));
    expect(lastPurge).toBeGreaterThan(0);
    expect(callback).toBeGreaterThan(lastPurge);
    expect(callback).toBeLessThan(steps.length - 1);
    expect(r.witnesses.find((w) => w.name === 'rcu_callback_ran_after_kasan_cache_shutdown')?.reached).toBe(true);
  });

  it('also breaks "no object enters the quarantine after its purge", at the end', () => {
    const m = model('v6.19', 'destroy-after-kfree-rcu', true);
    const r2 = search({ ...m, properties: m.properties.filter((p) => p.name !== 'kmem_cache_destroy_leaves_no_objects') });
    expect(r2.result).toBe('violation');
    expect(r2.property).toBe('no_quarantine_put_after_purge');
  });

  it('is fixed by kvfree-rcu-barrier-on-cache, absent on 7.0, and needs KASAN: complete searches', () => {
    for (const [v, kasan, patches] of [['v6.19', true, ['kvfree-rcu-barrier-on-cache']], ['7.0', true, []], ['v6.19', false, []], ['17c38c88', true, []]] as const) {
      const c = search(model(v, 'destroy-after-kfree-rcu', kasan, [...patches]));
      expect(c.result, `${v} ${kasan} ${patches}`).toBe('ok');
      expect(c.complete).toBe(true);
      expect(c.witnesses.every((w) => w.reached), `${v} witnesses`).toBe(true);
    }
  });

  it('has a KASAN-free cousin on v6.19 when every object of a full slab goes through kfree_rcu: the slab is parked on a CPU partial list after the flush', () => {
    const c = search(model('v6.19', 'destroy-mixed', false));
    expect(c.result).toBe('violation');
    expect(c.explanation).toMatch(/S0 on cpu\d's CPU partial list/);
    const steps = c.trace!.steps.map((s) => s.step);
    expect(steps).toContain('flush_all_cpus_locked/queue');
    expect(steps.indexOf('put_cpu_partial/link')).toBeGreaterThan(steps.indexOf('flush_all_cpus_locked/queue'));
    expect(search(model('v6.19', 'destroy-mixed', false, ['kvfree-rcu-barrier-on-cache'])).result).toBe('ok');
  });
});

describe('the destroy commands', () => {
  it('exit 1 on v6.19 --kasan, and 0 with the patch, on 7.0, and without KASAN, saying complete', () => {
    const bug = cli('check', 'v6.19', '--scenario', 'destroy-after-kfree-rcu', '--kasan', '--quiet');
    expect(bug.code).toBe(1);
    expect(bug.out.replace(/\s+/g, '')).toMatch(/rcu_free_sheaf_nobarn\/prepare/);
    for (const argv of [
      ['v6.19', '--scenario', 'destroy-after-kfree-rcu', '--kasan', '--patch', 'kvfree-rcu-barrier-on-cache'],
      ['7.0', '--scenario', 'destroy-after-kfree-rcu', '--kasan'],
      ['v6.19', '--scenario', 'destroy-after-kfree-rcu'],
    ]) {
      const c = cli('check', ...argv, '--quiet');
      expect(c.code, argv.join(' ')).toBe(0);
      expect(c.out).toMatch(/no violation \(complete:/);
    }
  });

  it('reject the fix patch on a version that already has it, with one line and exit 2', () => {
    const c = cli('check', '7.0', '--scenario', 'destroy-after-kfree-rcu', '--patch', 'kvfree-rcu-barrier-on-cache');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/applies to v6.19, not 7.0/);
  });
});

describe('Bug 2 from chosen operations', () => {
  const build = (version: string, kasan: boolean, patches: string[] = []) => buildSlubModel({ version, scenario: 'destroy-chosen', patches, kasan });

  it('checks the destroy properties when the destroy is only one of a context\'s choices', () => {
    expect(build('v6.19', true).properties.map((p) => p.name)).toEqual(expect.arrayContaining(['kmem_cache_destroy_leaves_no_objects', 'no_quarantine_put_after_purge', 'destroyed_cache_is_empty']));
  });

  it('finds the KASAN destroy leak on v6.19 when the checker chooses kfree_rcu and then the destroy', () => {
    const m = build('v6.19', true);
    const r = search(m);
    expect(r.property).toBe('kmem_cache_destroy_leaves_no_objects');
    expect(r.explanation).toMatch(/object 0 in cpu0's KASAN quarantine/);
    const ops = r.path!.actions.map((a) => (a as { op?: string }).op).filter((o) => o !== undefined);
    expect(ops).toEqual(expect.arrayContaining(['kfree_rcu', 'kmem_cache_destroy']));
    for (const [version, kasan, patches] of [['v6.19', true, ['kvfree-rcu-barrier-on-cache']], ['v6.19', false, []], ['7.0', true, []], ['17c38c88', true, []]] as const) {
      expect(search(build(version, kasan, [...patches]))).toMatchObject({ result: 'ok', complete: true });
    }
  });
});

describe('npx slubcheck with no arguments', () => {
  it('prints the demonstration table with both bugs and their traces, and exits 0 when every row is as expected', () => {
    const bin = join(import.meta.dirname, '../../../bin/slubcheck.js');
    const r = spawnSync(process.execPath, [bin], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/17c38c88\s+empty-cache\s+-\s+off\s+VIOLATION link_words_written_by_owner/);
    expect(r.stdout).toMatch(/17c38c88\s+generic\s+-\s+off\s+VIOLATION link_words_written_by_owner/);
    expect(r.stdout).toMatch(/v6\.19\s+destroy-after-kfree-rcu\s+-\s+on\s+VIOLATION kmem_cache_destroy_leaves_no_objects/);
    expect(r.stdout).toMatch(/v6\.19\s+destroy-chosen\s+-\s+on\s+VIOLATION kmem_cache_destroy_leaves_no_objects/);
    expect(r.stdout).toMatch(/v6\.19\s+destroy-menu\s+-\s+on\s+VIOLATION kmem_cache_destroy_leaves_no_objects/);
    expect(r.stdout).toMatch(/17c38c88\s+chosen-start\s+-\s+off\s+VIOLATION link_words_written_by_owner/);
    expect(r.stdout).toMatch(/all 30 checks as expected/);
    // The bounds: each workload's summary.
    expect(r.stdout).toMatch(/^ {2}chosen-start: a start the checker chooses: every layout of up to two slabs/m);
    // One trace per violating row: Bug 1 from the empty cache, a chosen start and generic, Bug 2 from a menu, from chosen operations and from the script.
    expect(r.stdout.match(/^replay: npx slubcheck replay \\$/gm)).toHaveLength(6);
    // The chosen start's trace says which start the checker chose.
    expect(r.stdout).toMatch(/^start: S0 on node0's partial list/m);
  });
});

// Bad input gets one line naming the problem and exit 2; stops (Ctrl-C,
// --max-memory) end a search cleanly with its partial statistics.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/slubcheck.js');
const run = (...argv: string[]) => spawnSync(process.execPath, [bin, ...argv], { cwd: root, encoding: 'utf8' });
const fixture = (name: string) => `test/fixtures/patches/${name}`;

describe('slubcheck rejects bad input with one line and exit 2', () => {
  for (const [argv, says] of [
    [['check', '7.0', '--scenario', 'generic', '--scenario', 'stress'], /--scenario is given 2 times; give it once/],
    [['check', '7.0', '--strategy', 'pct', '--strategy', 'random'], /--strategy is given 2 times/],
    [['verify', '17c38c88', '--patch', 'hao-li-list-lock-barrier', '--patch', 'hao-li-list-lock-barrier', '--scenario', 'generic'], /patch hao-li-list-lock-barrier is given twice/],
    [['check', '7.0', '--patch', 'broken-unlocked-remove-partial', '--patch', 'broken-unlocked-remove-partial'], /is given twice/],
    [['verify', '7.0', '--patch', 'broken-free-to-pcs-unlocked', '--scenario', 'generic', '--scenario', 'generic'], /--scenario generic is given twice/],
    [['check', '7.0', 'generic'], /check takes one model, got 2/],
    [['verify', '7.0', 'extra', '--patch', 'broken-free-to-pcs-unlocked'], /verify takes one model/],
    [['steps', '7.0', 'extra'], /steps takes one model/],
    [['replay', 'sc1.a', 'sc1.b'], /replay takes one replay token/],
    [['minimize', 'sc1.a', 'sc1.b'], /minimize takes one replay token or trace file, got 2/],
    [['check', '7.0', '--strategy', 'pct', '--seed', '9007199254740993'], /--seed must be below 2\^53/],
    [['check', '7.0', '--max-states', '-1'], /--max-states needs a positive whole number, not '-1'/],
    [['check', '7.0', '--max-seconds', '-5'], /--max-seconds needs a positive number of seconds, not '-5'/],
    [['check', '7.0', '--max-memory', 'lots'], /--max-memory needs a positive whole number/],
    [['check', '7.0', '--no-liveness', '--strategy', 'pct'], /--no-liveness goes with the exhaustive strategies/],
  ] as const) {
    it(`${argv.join(' ')}`, () => {
      const c = cli(...argv);
      expect(c.code).toBe(2);
      expect(c.err.split('\n')).toHaveLength(1);
      expect(c.err).toMatch(says);
    });
  }

  it('says when a patch is a directory or an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-in-'));
    const d = run('check', '7.0', '--patch', dir + '/');
    expect(d.status).toBe(2);
    expect(d.stderr.trim()).toMatch(/is a directory, not a patch file$/);
    const f = join(dir, 'secret.ts');
    writeFileSync(f, 'export default 1;\n');
    chmodSync(f, 0o000);
    const u = run('check', '7.0', '--patch', f);
    expect(u.status).toBe(2);
    // root can read anything: then the file loads and fails for having no patch in it.
    expect(u.stderr.trim()).toMatch(/cannot read patch file .*secret\.ts: permission denied|is not a step set|no default export|must be an object|needs a name/);
    expect(u.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('gives up on a patch file that does not finish loading within 10 s (waiting, or in an endless loop)', () => {
    for (const name of ['slow-load.ts', 'endless-load.ts']) {
      const t = Date.now();
      const r = run('check', '7.0', '--patch', fixture(name));
      expect(r.status, name).toBe(2);
      expect(r.stderr.trim(), name).toMatch(new RegExp(`patch file ${fixture(name).replace(/\./g, '\\.')} did not finish loading within 10 s$`));
      expect(Date.now() - t, name).toBeLessThan(25_000);
    }
  }, 90_000);

  it('warns that a BFS of a scenario meant for random search is unlikely to complete', () => {
    const c = cli('check', '7.0', '--scenario', 'stress', '--max-states', '200', '--quiet');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/incomplete: stopped at 200 states/);
    const w = cli('check', '7.0', '--scenario', 'stress', '--quiet', '--strategy', 'dfs', '--max-depth', '3');
    expect(w.err).toMatch(/scenario stress is meant for random search/);
  });
});

describe('a search that is stopped', () => {
  it('by Ctrl-C prints its partial statistics and "incomplete", with the exit status of what it found', async () => {
    const child = spawn(process.execPath, [bin, 'check', '7.0', '--scenario', 'stress', '--json'], { cwd: root });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => {
      err += b;
      if (!sent && /progress: /.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j).toMatchObject({ result: 'ok', complete: false });
    expect(j.stop_reason).toMatch(/interrupted \(Ctrl-C\) at \d+ states/);
    expect(j.states).toBeGreaterThan(1000);
  }, 60_000);

  it('by --max-memory stops cleanly with "incomplete: memory"', () => {
    const r = run('check', '7.0', '--scenario', 'stress', '--max-memory', '150', '--quiet');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/no violation \(incomplete: stopped: memory \(\d+ MB in use, --max-memory 150\)/);
    const v = run('check', '17c38c88', '--scenario', 'stress', '--strategy', 'pct', '--runs', '200000', '--seed', '4', '--patch', 'hao-li-list-lock-barrier', '--max-memory', '1', '--quiet');
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/stopped: memory/);
  }, 120_000);
});

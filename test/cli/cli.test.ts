import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';
import { runCli } from '../../src/cli/main.ts';
import { EngineError } from '../../src/engine/errors.ts';

describe('slubcheck check', () => {
  it('exits 1 on toy/increment-race and prints a two-column table and a replay command', () => {
    const r = cli('check', 'toy/increment-race', '--quiet');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/thread0\s+thread1/);
    expect(r.out).toMatch(/VIOLATION of no_lost_update/);
    expect(r.out).toMatch(/replay: npx slubcheck replay \\\nsc1\./);
    expect(Math.max(...r.out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('exits 0 on toy/peterson and says complete', () => {
    const r = cli('check', 'toy/peterson');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no violation \(complete: 34 distinct states, depth 10\)/);
  });

  it('reports toy/lock-order as a deadlock, exit 1', () => {
    const r = cli('check', 'toy/lock-order');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/DEADLOCK/);
  });

  it('never says plain "no violation" when a bound stopped the search', () => {
    const r = cli('check', 'toy/peterson', '--max-states', '5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no violation \(incomplete: stopped at 5 states/);
    expect(r.out).not.toMatch(/\(complete:/);
  });

  it('prints one JSON object with the documented fields under --json', () => {
    const r = cli('check', 'toy/increment-race', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    for (const k of ['model', 'strategy', 'result', 'complete', 'states', 'transitions', 'depth', 'seconds', 'property', 'trace', 'token']) {
      expect(j).toHaveProperty(k);
    }
    expect(j).toMatchObject({ model: 'toy/increment-race', strategy: 'bfs', result: 'violation', property: 'no_lost_update' });
    expect(j.trace[0]).toEqual({ context: 'thread0', step: 'increment/load' });
  });

  it('gives one line and exit 2 for bad input', () => {
    for (const argv of [
      ['check', 'nope'],
      ['check'],
      ['check', 'toy/peterson', '--frob'],
      ['check', 'toy/peterson', '--max-states', 'lots'],
      ['check', 'toy/peterson', '--strategy', 'random-ish'],
      ['check', 'toy/peterson', '--scenario', 'generic'],
      ['frobnicate'],
      ['replay', 'sc1.garbage'],
      ['replay', '/no/such/file.json'],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^slubcheck: error: /);
    }
  });
});

describe('check --reduce', () => {
  it('uses symmetry by default where CPUs are interchangeable, says so, and can be switched off', () => {
    const on = JSON.parse(cli('check', '17c38c88', '--scenario', 'scaled-3cpu', '--json', '--quiet').out);
    const off = JSON.parse(cli('check', '17c38c88', '--scenario', 'scaled-3cpu', '--json', '--quiet', '--reduce', 'none').out);
    expect(on.reductions).toEqual(['symmetry']);
    expect(off.reductions).toEqual([]);
    expect([on.result, on.property, on.trace.length]).toEqual([off.result, off.property, off.trace.length]);
    expect(on.states).toBeLessThan(off.states);
    expect(cli('check', '17c38c88', '--scenario', 'scaled-3cpu', '--quiet').out).toMatch(/reduced by symmetry/);
    expect(JSON.parse(cli('check', '17c38c88', '--scenario', 'generic', '--json', '--quiet').out).reductions).toEqual([]);
  });

  it('rejects partial-order reduction, which is not implemented, and unknown reductions, with exit 2', () => {
    const por = cli('check', '7.0', '--scenario', 'generic', '--reduce', 'por');
    expect(por.code).toBe(2);
    expect(por.err).toMatch(/partial-order reduction is not implemented yet/);
    expect(cli('check', '7.0', '--scenario', 'generic', '--reduce', 'fast').code).toBe(2);
    expect(cli('check', '7.0', '--scenario', 'generic', '--strategy', 'pct', '--reduce', 'symmetry').code).toBe(2);
  });
});

describe('check --checkpoint and --resume', () => {
  it('saves a search stopped by --max-seconds and continues it to the same counts as one uninterrupted search', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slubcheck-cli-')), 'search.ckpt');
    const whole = JSON.parse(cli('check', '17c38c88', '--scenario', 'generic-irq', '--patch', 'hao-li-list-lock-barrier', '--json', '--quiet').out);
    const first = JSON.parse(cli('check', '17c38c88', '--scenario', 'generic-irq', '--patch', 'hao-li-list-lock-barrier', '--json', '--quiet', '--checkpoint', file, '--max-seconds', '0.2').out);
    expect(first.complete).toBe(false);
    expect(first.stop_reason).toMatch(/checkpoint written to .*search\.ckpt \(--resume continues it\)/);
    const rest = JSON.parse(cli('check', '17c38c88', '--scenario', 'generic-irq', '--patch', 'hao-li-list-lock-barrier', '--json', '--quiet', '--resume', file).out);
    expect([rest.result, rest.complete, rest.states, rest.transitions, rest.depth]).toEqual([whole.result, whole.complete, whole.states, whole.transitions, whole.depth]);
  });

  it('rejects them where they do not apply, with exit 2', () => {
    expect(cli('check', '7.0', '--scenario', 'generic', '--strategy', 'pct', '--checkpoint', '/tmp/x').code).toBe(2);
    expect(cli('check', '7.0', '--scenario', 'generic', '--checkpoint-every', '10').code).toBe(2);
    expect(cli('check', '7.0', '--scenario', 'generic', '--resume', '/nonexistent/file').err).toMatch(/cannot read the checkpoint/);
  });
});

describe('slubcheck replay', () => {
  it('replays a token from check, exit 1, and a trace file written by --trace-out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-'));
    const file = join(dir, 'race.json');
    const c = cli('check', 'toy/increment-race', '--trace-out', file, '--json');
    const token = JSON.parse(c.out).token;
    const r = cli('replay', token);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/replayed: VIOLATION of no_lost_update/);
    expect(cli('replay', file).code).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).token).toBe(token);
  });

  it('rejects a trace whose recorded step names do not match, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-'));
    const file = join(dir, 'bad.json');
    cli('check', 'toy/increment-race', '--trace-out', file, '--quiet');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.steps[1].step = 'increment/store';
    writeFileSync(file, JSON.stringify(doc));
    const r = cli('replay', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/replay mismatch at step 2/);
  });

  it('rejects a trace for another model, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slubcheck-'));
    const file = join(dir, 'other.json');
    cli('check', 'toy/increment-race', '--trace-out', file, '--quiet');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.model = 'toy/peterson';
    writeFileSync(file, JSON.stringify(doc));
    const r = cli('replay', file);
    expect(r.code).toBe(2);
  });
});

describe('the installed slubcheck command', () => {
  it('runs through bin/slubcheck.js with the documented exit codes', () => {
    const bin = join(import.meta.dirname, '../../bin/slubcheck.js');
    const race = spawnSync(process.execPath, [bin, 'check', 'toy/increment-race', '--quiet'], { encoding: 'utf8' });
    expect(race.status).toBe(1);
    expect(race.stdout).toMatch(/thread0\s+thread1/);
    const nope = spawnSync(process.execPath, [bin, 'check', 'nope'], { encoding: 'utf8' });
    expect(nope.status).toBe(2);
    expect(nope.stderr.trim().split('\n')).toHaveLength(1);
    expect(execFileSync(process.execPath, [bin, 'list'], { encoding: 'utf8' })).toMatch(/toy\/peterson/);
  });
});

describe('random strategies and minimization on the command line', () => {
  it('finds the race with the README command, prints the seed, and minimizes its token', () => {
    const c = cli('check', '17c38c88', '--scenario', 'generic', '--strategy', 'random', '--runs', '2000', '--seed', '1', '--json');
    expect(c.code).toBe(1);
    const j = JSON.parse(c.out);
    expect(j).toMatchObject({ strategy: 'random', result: 'violation', complete: false, seed: 1, property: 'link_words_written_by_owner' });
    const m = cli('minimize', j.token, '--json');
    expect(m.code).toBe(1);
    const mj = JSON.parse(m.out);
    for (const k of ['property', 'before', 'after', 'trace', 'token']) expect(mj).toHaveProperty(k);
    for (const k of ['steps', 'preemptions', 'contexts']) expect(mj.after).toHaveProperty(k);
    expect(mj.after.preemptions).toBeLessThanOrEqual(2);
    expect(mj.after.steps).toBeLessThanOrEqual(10);
  });

  it('says a random search is incomplete and names its runs and seed', () => {
    const c = cli('check', '7.0', '--scenario', 'generic', '--strategy', 'pct', '--runs', '50', '--seed', '3', '--quiet');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/no violation \(incomplete: PCT \(d=3\): 50 runs from seed 3/);
  });

  it('rejects flags that do not fit the strategy, with one line and exit 2', () => {
    for (const argv of [
      ['check', '7.0', '--runs', '5'],
      ['check', '7.0', '--strategy', 'random', '--depth', '2'],
      ['check', '7.0', '--strategy', 'pct', '--preemptions', '1'],
      ['check', '7.0', '--preemptions', 'x'],
      ['minimize'],
      ['minimize', 'sc1.zzz'],
    ]) {
      const c = cli(...argv);
      expect(c.code, argv.join(' ')).toBe(2);
      expect(c.err.split('\n')).toHaveLength(1);
    }
  });

  it('bounds an exhaustive search by preemptions and says so', () => {
    const c = cli('check', '17c38c88', '--scenario', 'generic', '--preemptions', '0', '--quiet');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/no violation \(incomplete: every interleaving with at most 0 preemptions/);
    expect(cli('check', '17c38c88', '--scenario', 'generic', '--preemptions', '1', '--quiet').code).toBe(1);
  });
});

describe('whose fault an error is', () => {
  const model = (fail: () => never) => ({
    id: 'toy/fails',
    summary: 'fails',
    build: () => ({ id: 'toy/fails', config: null, contexts: ['t'], initStates: () => [0], actions: fail, next: (s: number) => s, properties: [], terminal: () => false }),
  });
  const registryWith = (entry: ReturnType<typeof model>) => ({ entries: [entry], resolve: (id: string) => (id === entry.id ? entry : undefined) });
  const runWith = (entry: ReturnType<typeof model>) => {
    const err: string[] = [];
    const code = runCli(registryWith(entry) as never, ['check', 'toy/fails'], { out: () => {}, err: (l) => err.push(l) });
    return { code, err: err.join('\n') };
  };

  it('exits 3 with "model error in" when a model step throws', () => {
    const r = runWith(
      model(() => {
        throw new Error('boom');
      }),
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^slubcheck: model error in toy\/fails: computing enabled actions threw: boom$/);
  });

  it('exits 4 with "engine bug ... please report this" when an internal check of the engine fails', () => {
    const r = runWith(
      model(() => {
        throw new EngineError('fingerprint collision: two different states hash to 1:2');
      }),
    );
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/^slubcheck: slubcheck engine bug: fingerprint collision.*\(please report this\)$/);
  });
});

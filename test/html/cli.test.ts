// `--html FILE` on check, replay and minimize: a page is written only for a
// counterexample, always from a replay of its trace (so check's and
// replay's pages of one trace are the same file), it is tens of kilobytes,
// and a file that cannot be written is a usage error.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';
import { DEMOS } from './traces.ts';

const dir = mkdtempSync(join(tmpdir(), 'slubcheck-html-'));
const tokenOf = (html: string) => /npx slubcheck replay (sc1\.[A-Za-z0-9_-]+)/.exec(html)![1]!;

describe('slubcheck check --html', () => {
  for (const { name, argv } of Object.values(DEMOS)) {
    it(`writes one page of tens of kilobytes for ${name}, carrying its replay token`, () => {
      const file = join(dir, `${name}.html`);
      const r = cli('check', ...argv, '--quiet', '--html', file);
      expect(r.code).toBe(1);
      expect(r.err.split('\n')).toEqual([expect.stringMatching(new RegExp(`^slubcheck: wrote the trace's page to .*${name}\\.html \\(\\d+ kB\\)`))]);
      const html = readFileSync(file, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(tokenOf(html)).toBe(JSON.parse(cli('check', ...argv, '--json', '--quiet').out).token);
      const size = Buffer.byteLength(html);
      expect(size).toBeGreaterThan(10_000);
      expect(size).toBeLessThan(100_000);
    });
  }

  it('writes nothing when there is no counterexample, and says so in one line on stderr', () => {
    const file = join(dir, 'none.html');
    const r = cli('check', 'toy/peterson', '--html', file);
    expect(r.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(r.err.split('\n')).toEqual([expect.stringMatching(/no counterexample, so --html wrote no page/)]);
  });

  it('calls a file that cannot be written a usage error: one line, exit 2', () => {
    const r = cli('check', 'toy/increment-race', '--quiet', '--html', join(dir, 'no-such-dir', 'x.html'));
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([expect.stringMatching(/^slubcheck: error: cannot write --html .*x\.html: ENOENT/)]);
  });
});

describe('slubcheck replay and minimize --html', () => {
  it("write, for the same trace, the very page check wrote: every page is built from a replay", () => {
    const a = join(dir, 'from-check.html');
    const b = join(dir, 'from-replay.html');
    expect(cli('check', 'toy/increment-race', '--quiet', '--html', a).code).toBe(1);
    const token = tokenOf(readFileSync(a, 'utf8'));
    expect(cli('replay', token, '--html', b).code).toBe(1);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
  });

  it('minimize writes the page of the minimized trace', () => {
    const from = join(dir, 'random.html');
    const to = join(dir, 'minimized.html');
    expect(cli('check', 'toy/increment-race', '--strategy', 'random', '--seed', '3', '--quiet', '--html', from).code).toBe(1);
    const r = cli('minimize', tokenOf(readFileSync(from, 'utf8')), '--json', '--quiet', '--html', to);
    expect(r.code).toBe(1);
    expect(tokenOf(readFileSync(to, 'utf8'))).toBe(JSON.parse(r.out).token);
  });
});

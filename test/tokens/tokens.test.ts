// Committed counterexamples (as shuttle and fast-check keep failing
// schedules): each token must still replay, step by step, to the property it
// was recorded for. A model change that alters one of these paths fails here
// and must be explained (and the token re-recorded with `--json`).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers.ts';

const dir = import.meta.dirname;
const tokens = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as { property: string; steps: number; token: string }) }));

describe('committed replay tokens', () => {
  it('are there', () => expect(tokens.length).toBeGreaterThanOrEqual(6));
  for (const t of tokens) {
    it(`${t.name} still replays to ${t.property} in ${t.steps} steps`, () => {
      const r = cli('replay', t.token, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(1);
      const j = JSON.parse(r.out);
      expect(j.property).toBe(t.property);
      expect(j.steps).toBe(t.steps);
    });
  }
});

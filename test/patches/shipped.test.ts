// The shipped patches are as small as the kernel diffs they model: about ten
// lines of code per hunk (docs/patch-tutorial.md shows diff and patch side by side).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../patches');

/** The code lines of a patch file that are not its frame (import, export, definePatch, name, summary, appliesTo, deliberatelyBroken, closing). */
function bodyLines(src: string): number {
  const code = src.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
  const frame = /^(import |export default|\s*definePatch\(\{|\s*(name|summary|appliesTo|deliberatelyBroken):|\s*\}\);?$)/;
  return code.filter((l) => !frame.test(l)).length;
}

/** The hunks of the kernel diff quoted in the header: runs of `// +` / `// -` lines. */
function hunks(src: string): number {
  let n = 0;
  let inRun = false;
  for (const l of src.split('\n')) {
    const changed = /^\/\/ [+-]/.test(l);
    if (changed && !inRun) n++;
    inRun = changed;
  }
  return n;
}

describe('shipped patches', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  it.each(files)('%s needs at most about ten lines per hunk of the kernel diff it quotes (or ten in all)', (f) => {
    const src = readFileSync(join(dir, f), 'utf8');
    expect(bodyLines(src) / Math.max(1, hunks(src))).toBeLessThanOrEqual(12);
  });

  it('quote their kernel diff, except the one that swaps in a whole function of a later version', () => {
    const without = files.filter((f) => hunks(readFileSync(join(dir, f), 'utf8')) === 0);
    expect(without).toEqual(['remove-slub-cpu-partial.ts']);
  });
});

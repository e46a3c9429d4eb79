// Recomputes every row of models/slub/manifest.ts and prints the rows that
// differ, ready to paste. Run it after an intended change to a step, a
// property or a scenario (`npm run manifest`; `-- --write` rewrites the rows),
// and explain the new counts in the commit message.
import { runManifestRow } from '../models/slub/manifest-run.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { MANIFEST, type ManifestRow } from '../models/slub/manifest.ts';

const FILE = new URL('../models/slub/manifest.ts', import.meta.url);
const write = process.argv.includes('--write');
let text = readFileSync(FILE, 'utf8');

function row(r: ManifestRow): string {
  const q = (s: string) => `'${s}'`;
  const parts = [`version: ${q(r.version)}`, `scenario: ${q(r.scenario)}`, `patches: [${r.patches.map(q).join(', ')}]`, ...(r.demo !== undefined ? [`demo: ${r.demo}`] : []), ...(r.kasan ? ['kasan: true'] : [])];
  if (r.bound !== undefined) parts.push(`bound: ${r.bound}`);
  if (r.pct) parts.push(`pct: { runs: ${r.pct.runs}, seed: ${r.pct.seed} }`);
  parts.push(`result: ${q(r.result)}`, `states: ${r.states}`, `depth: ${r.depth}`);
  if (r.property !== undefined) parts.push(`property: ${q(r.property)}`, `steps: ${r.steps}`);
  else if (r.bound === undefined && !r.pct) parts.push(`unreached: [${(r.unreached ?? []).map(q).join(', ')}]`);
  return `  { ${parts.join(', ')} },`;
}

let changed = 0;
for (const old of MANIFEST) {
  const r = runManifestRow(old);
  const now: ManifestRow = {
    version: old.version,
    scenario: old.scenario,
    patches: old.patches,
    ...(old.demo !== undefined ? { demo: old.demo } : {}),
    ...(old.kasan ? { kasan: true } : {}),
    ...(old.bound !== undefined ? { bound: old.bound } : {}),
    ...(old.pct ? { pct: old.pct } : {}),
    result: r.result,
    states: r.states,
    depth: old.pct ? 0 : r.depth,
    ...(r.property !== undefined ? { property: r.property, steps: old.pct ? 0 : r.trace!.steps.length } : { unreached: r.witnesses.filter((w) => !w.reached).map((w) => w.name) }),
  };
  const a = row(old), b = row(now);
  if (a !== b) {
    changed++;
    console.log(`- ${a.trim()}\n+ ${b.trim()}`);
    if (write) {
      if (!text.includes(a)) throw new Error(`cannot find the row to replace: ${a}`);
      text = text.replace(a, b);
    }
  }
}
console.log(changed === 0 ? `all ${MANIFEST.length} rows match` : `${changed} of ${MANIFEST.length} rows differ${write ? ': rewritten' : ' (run with --write to update)'}`);
if (write && changed > 0) writeFileSync(FILE, text);
process.exitCode = changed === 0 || write ? 0 : 1;

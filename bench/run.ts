// `npm run bench`: throughput figures for the engine and the SLUB models.
// Prints figures; asserts nothing (performance is never a unit test here).
import { search } from '../src/engine/search.ts';
import { minimize } from '../src/engine/minimize.ts';
import { hashWords } from '../src/engine/store.ts';
import { buildSlubModel } from '../models/slub/model.ts';

const rows: string[][] = [];
const add = (what: string, detail: string, seconds: number, count: number, unit: string) =>
  rows.push([what, detail, seconds.toFixed(2), String(count), `${Math.round(count / seconds)} ${unit}/s`]);

const slub = (version: string, scenario: string, patches: string[] = [], kasan = false) => buildSlubModel({ version, scenario, patches, kasan });

// Exhaustive searches: the largest complete ones the project runs.
for (const [version, scenario, patches, strategy] of [
  ['7.0', 'generic-irq', [], 'bfs'],
  ['7.0', 'generic-irq', [], 'dfs'],
  ['v6.19', 'generic-irq', [], 'bfs'],
  ['17c38c88', 'generic-irq', ['hao-li-list-lock-barrier'], 'bfs'],
  ['v6.19', 'destroy-mixed', ['kvfree-rcu-barrier-on-cache'], 'bfs'],
] as const) {
  const r = search(slub(version, scenario, [...patches]), { strategy });
  add(`${strategy} ${version} ${scenario}${patches.length ? ' + ' + patches.join(',') : ''}`, `${r.result}, ${r.complete ? 'complete' : 'incomplete'}, depth ${r.depth}`, r.seconds, r.states, 'states');
}

// Random walks and PCT on the stress workload (no violation: 7.0).
for (const strategy of ['random', 'pct'] as const) {
  const t = Date.now();
  const r = search(slub('7.0', 'stress'), { strategy, runs: 2000, seed: 1 });
  const s = (Date.now() - t) / 1000;
  add(`${strategy} 7.0 stress, 2000 runs`, `${r.states} distinct states, ${r.transitions} steps`, s, 2000, 'runs');
}

// Time to find the races, by strategy.
{
  const t = Date.now();
  const r = search(slub('17c38c88', 'generic'));
  add('bfs finds the put_cpu_partial race', `17c38c88 generic, ${r.trace!.steps.length} steps`, (Date.now() - t) / 1000, r.states, 'states');
  const t2 = Date.now();
  const p = search(slub('17c38c88', 'stress'), { strategy: 'pct', runs: 5000, seed: 7 }) as { run?: number; trace?: unknown };
  add('pct finds it in the stress workload', `run ${p.run} of seed 7`, (Date.now() - t2) / 1000, (p.run ?? 0) + 1, 'runs');
}

// Minimization of a long random-walk counterexample.
{
  const m0 = slub('17c38c88', 'stress');
  const found = search(m0, { strategy: 'random', runs: 3000, seed: 7 });
  const t = Date.now();
  const m = minimize(m0, found.trace!);
  add('minimize a random-walk trace', `${m.before.steps} steps/${m.before.preemptions} preemptions -> ${m.after.steps}/${m.after.preemptions}`, (Date.now() - t) / 1000, 1, 'traces');
}

// Fingerprints of packed states (the 64-bit hash of the state's words).
{
  const s0 = slub('7.0', 'generic-irq').initStates()[0]!;
  const out = new Uint32Array(2);
  const n = 200000;
  const t = Date.now();
  for (let i = 0; i < n; i++) {
    s0[0] = i;
    hashWords(s0, s0.length, out);
  }
  add('fingerprint a packed SLUB state', `${s0.length} words`, (Date.now() - t) / 1000, n, 'states');
}

const head = ['benchmark', 'detail', 'seconds', 'count', 'rate'];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log(`slubcheck bench (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
console.log(head.map((h, i) => h.padEnd(w[i]!)).join('  '));
console.log(w.map((x) => '-'.repeat(x)).join('  '));
for (const r of rows) console.log(r.map((c, i) => (i >= 2 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  '));

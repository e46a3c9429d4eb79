// `npm run bench`: throughput and memory figures for the engine on the SLUB
// models. Each configuration runs in its own process (bench/one.ts), so
// that its peak memory is its own. Prints figures; asserts nothing
// (performance is never a unit test here). Under 10 minutes on 2 cores.
//
// Columns: distinct states, transitions, depth, seconds, states/s, peak
// process memory (RSS) and peak RSS per stored state, the search's own
// store per state (fingerprint table, parent links, frontier, livelock
// graph), the reduction factor (states without reductions / with them),
// and for a counterexample its length (its time to the first
// counterexample is the seconds column: the search stops there).
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { renderGrid } from '../src/engine/render.ts';
import type { BenchConfig } from './one.ts';

interface Figures {
  result: string;
  complete: boolean;
  property: string | null;
  steps: number | null;
  run: number | null;
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
  reductions: string[];
  peakRss: number;
  store: number | null;
}

const run = (c: BenchConfig): Figures => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', new URL('./one.ts', import.meta.url).pathname, JSON.stringify(c)], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').at(-1)!);

const rows: string[][] = [];
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const label = (c: BenchConfig) => `${c.strategy && c.strategy !== 'bfs' ? c.strategy + ' ' : ''}${c.version} ${c.scenario}${c.opsPerCpu !== undefined ? ` (${c.opsPerCpu} ops per CPU)` : ''}${c.kasan ? ' kasan' : ''}${c.patches?.length ? ' + ' + c.patches.join(',') : ''}${c.reduce === false ? ', reductions off' : ''}${c.runs ? `, ${c.runs} runs` : ''}${c.workers ? `, ${c.workers} worker${c.workers > 1 ? 's' : ''}` : ''}`;
const verdict = (f: Figures) =>
  f.result === 'ok' ? (f.complete ? 'ok, complete' : 'ok, INCOMPLETE (bound)') : `${f.property ?? f.result}, ${f.steps} steps${f.run !== null ? ` (run ${f.run})` : ''}`;
const add = (c: BenchConfig, f: Figures, factor = '') => {
  rows.push([
    label(c),
    verdict(f),
    String(f.states),
    String(f.transitions),
    String(f.depth),
    f.seconds.toFixed(1),
    String(Math.round(f.states / Math.max(f.seconds, 1e-3))),
    mb(f.peakRss),
    String(Math.round(f.peakRss / Math.max(1, f.states))),
    f.store === null ? '-' : String(Math.round(f.store / Math.max(1, f.states))),
    factor,
  ]);
  process.stderr.write(`bench: ${label(c)}: ${verdict(f)}, ${f.states} states, ${f.seconds.toFixed(1)} s\n`);
};
const one = (c: BenchConfig) => add(c, run(c));

// The two seed bugs and their fixes, on the scenarios that find them.
one({ version: '17c38c88', scenario: 'generic' });
one({ version: '17c38c88', scenario: 'generic', patches: ['hao-li-list-lock-barrier'] });
one({ version: 'v6.19', scenario: 'destroy-after-kfree-rcu', kasan: true });
one({ version: 'v6.19', scenario: 'destroy-after-kfree-rcu', kasan: true, patches: ['kvfree-rcu-barrier-on-cache'] });
// The put_cpu_partial race from SPIN's general scaled workload (no hand-shaped start).
one({ version: '17c38c88', scenario: 'scaled-3cpu' });

// Reductions off and on: the reduction factor where both searches complete (scaled-3cpu with two
// chosen operations per CPU), then scaled-3cpu itself: bounded without reductions (complete searches
// are 12+ million states), and with them as far as a few minutes go.
const pair = (off: BenchConfig, on: BenchConfig) => {
  const fOff = run(off);
  const fOn = run(on);
  add(off, fOff);
  add(on, fOn, fOn.complete && fOff.complete ? `${(fOff.states / fOn.states).toFixed(1)}x` : 'n/a (off bounded)');
};
for (const [version, patches] of [['7.0', []], ['17c38c88', ['hao-li-list-lock-barrier']]] as const) {
  pair({ version, scenario: 'scaled-3cpu', opsPerCpu: 2, patches, reduce: false }, { version, scenario: 'scaled-3cpu', opsPerCpu: 2, patches });
}
for (const [version, patches, onSeconds] of [
  ['7.0', [], 300],
  ['17c38c88', ['hao-li-list-lock-barrier'], 150],
  ['v6.19', [], 60],
] as const) {
  pair({ version, scenario: 'scaled-3cpu', patches, reduce: false, maxSeconds: 40 }, { version, scenario: 'scaled-3cpu', patches, maxSeconds: onSeconds });
}

// The largest complete scenario of each version, BFS (and DFS once).
one({ version: 'v6.19', scenario: 'generic-irq' });
one({ version: '17c38c88', scenario: 'generic-irq', patches: ['hao-li-list-lock-barrier'] });
one({ version: '7.0', scenario: 'generic-irq' });
one({ version: '7.0', scenario: 'generic-irq', strategy: 'dfs' });

// Random search: PCT finding the race, and a portfolio's speed-up on this machine's cores.
one({ version: '17c38c88', scenario: 'stress', strategy: 'pct', runs: 5000, seed: 7 });
const cores = availableParallelism();
const pct1: BenchConfig = { version: '7.0', scenario: 'stress', strategy: 'pct', runs: 20000, seed: 1, workers: 1 };
const pctN: BenchConfig = { ...pct1, workers: cores };
const f1 = run(pct1);
const fN = run(pctN);
add(pct1, f1);
add(pctN, fN, `speed-up ${(f1.seconds / fN.seconds).toFixed(2)}x`);

console.log(`slubcheck bench (node ${process.version}, ${cores} cores, ${new Date().toISOString().slice(0, 10)})`);
for (const l of renderGrid(['configuration', 'verdict', 'states', 'transitions', 'depth', 's', 'states/s', 'peak RSS', 'B/state (RSS)', 'B/state (store)', 'reduction'], rows, { width: 200, right: [2, 3, 4, 5, 6, 7, 8, 9] })) {
  console.log(l);
}

// One benchmark configuration, run in its own process by bench/run.ts so
// that its peak memory is its own: prints one JSON line of figures.
import { search } from '../src/engine/search.ts';
import { buildSlubModel } from '../models/slub/model.ts';
import { registry } from '../models/index.ts';
import { findScenario, type ScenarioDef } from '../models/slub/scenarios.ts';

export interface BenchConfig {
  readonly version: string;
  readonly scenario: string;
  readonly patches?: readonly string[];
  readonly kasan?: boolean;
  readonly strategy?: 'bfs' | 'dfs' | 'random' | 'pct';
  /** Use the model's reductions (symmetry); default true. */
  readonly reduce?: boolean;
  readonly liveness?: boolean;
  readonly maxSeconds?: number;
  readonly runs?: number;
  readonly seed?: number;
  readonly workers?: number;
  /** scaled-3cpu only: chosen operations per CPU (default 3), for a workload small enough to search without reductions. */
  readonly opsPerCpu?: number;
}

const c = JSON.parse(process.argv[2]!) as BenchConfig;
const before = process.memoryUsage().rss;
const scaled = (n: number): ScenarioDef => {
  const sc = findScenario('scaled-3cpu')!;
  return { ...sc, name: `scaled-3cpu-${n}op`, contexts: sc.contexts.map((x) => ({ ...x, ops: [...Array.from({ length: n }, () => ({ op: 'choose' as const })), { op: 'flush_cpu_slab' as const }] })) };
};
const scenario = c.opsPerCpu !== undefined ? scaled(c.opsPerCpu) : c.scenario;
const m = buildSlubModel({ version: c.version, scenario, patches: [...(c.patches ?? [])], kasan: c.kasan ?? false });
const t = Date.now();
const r = search(m, {
  strategy: c.strategy ?? 'bfs',
  symmetry: c.reduce !== false,
  ...(c.liveness === false ? { liveness: false } : {}),
  ...(c.maxSeconds !== undefined ? { maxSeconds: c.maxSeconds } : {}),
  ...(c.runs !== undefined ? { runs: c.runs, seed: c.seed ?? 1 } : {}),
  ...(c.workers !== undefined && c.workers > 1 ? { workers: c.workers, shardWorker: registry.shardWorker!(m.id, m.config) } : {}),
});
const seconds = (Date.now() - t) / 1000;
const mem = r.memory;
console.log(
  JSON.stringify({
    result: r.result,
    complete: r.complete,
    property: r.property ?? null,
    steps: r.trace?.steps.length ?? null,
    run: r.run ?? null,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    seconds,
    reductions: r.reductions,
    peakRss: process.resourceUsage().maxRSS * 1024,
    baseRss: before,
    store: mem ? mem.table + mem.parents + mem.frontier + mem.edges : null,
  }),
);

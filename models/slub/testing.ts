// Property testing of the SLUB models with fast-check: arbitraries for
// workloads (CPUs, interrupt contexts, operations per context, initial slab
// layout, cache parameters) and for schedules, and `runWorkload`, which runs
// one workload under one schedule and checks every property on the way.
// fast-check shrinks both the workload and the schedule; the counterexample
// comes back with a replay token (`slubcheck replay`, `slubcheck minimize`).
//
// In your own vitest file:
//
//   import fc from 'fast-check';
//   import { test } from 'vitest';
//   import { slubWorkload, runWorkload } from 'slubcheck/testing';
//
//   test('7.0 keeps every SLUB invariant', () => {
//     fc.assert(fc.property(slubWorkload({ version: '7.0' }), (w) => runWorkload(w).ok), { seed: 1, numRuns: 300 });
//   });
import fc from 'fast-check';
import type { Op } from './state.ts';
import type { ScenarioDef, SlabInit } from './scenarios.ts';
import { buildSlubModel } from './model.ts';
import { encodeToken, traceOf } from '../../src/engine/trace.ts';
import { holds, propertySets } from '../../src/engine/run.ts';

export interface WorkloadOptions {
  readonly version: string;
  readonly patches?: readonly string[];
  readonly kasan?: boolean;
  /** Operations each client context may choose (default up to 3). */
  readonly maxOpsPerContext?: number;
  /** May a workload have interrupt contexts (default true)? */
  readonly irqs?: boolean;
  /** Workloads that free everything (kmem_cache_free or kfree_rcu) and then destroy the cache. */
  readonly destroy?: boolean;
  /** Most preemption points in a schedule (default 8). */
  readonly maxPreemptions?: number;
}

export interface Workload {
  readonly version: string;
  readonly patches: readonly string[];
  readonly kasan: boolean;
  readonly scenario: ScenarioDef;
  readonly schedule: Schedule;
}

/**
 * A schedule as preemption points: the running context takes `runs[0]` steps,
 * then the scheduler switches to the next runnable context (round robin, in
 * the model's context order) for `runs[1]` steps, and so on; after the last
 * run every context runs until it blocks or finishes. `picks` chooses among a
 * context's own actions (which operation it starts) whenever it has several.
 * Shrinking `runs` removes preemptions; shrinking `picks` prefers the first
 * choices.
 */
export interface Schedule {
  readonly runs: readonly number[];
  readonly picks: readonly number[];
}

export interface WorkloadResult {
  readonly ok: boolean;
  readonly steps: number;
  readonly property?: string;
  readonly explanation?: string;
  /** Replay token of the failing run. */
  readonly token?: string;
  readonly trace?: readonly { readonly context: string; readonly step: string }[];
}

const ALLOC_FREE: Op['op'][] = ['kmem_cache_alloc', 'kmem_cache_free'];

const MAX_OBJECTS = 3;

/** A slab: how many of its first objects are free, and which client owns each of the others. */
const slabArb = fc.record({
  free: fc.integer({ min: 0, max: MAX_OBJECTS - 1 }),
  owner: fc.array(fc.nat({ max: 1 }), { minLength: MAX_OBJECTS, maxLength: MAX_OBJECTS }),
});

function layout(objects: number, specs: readonly { free: number; owner: readonly number[] }[], clients: readonly string[]): SlabInit[] {
  return specs.map((spec) => {
    const nfree = Math.min(spec.free, objects - 1);
    const free = Array.from({ length: nfree }, (_v, i) => i);
    const owners: Record<string, number[]> = {};
    for (let i = nfree; i < objects; i++) (owners[clients[spec.owner[i]! % clients.length]!] ??= []).push(i);
    return { node: 0, place: nfree > 0 ? { on: 'node_partial' } : { on: 'none' }, free, owners } as SlabInit;
  });
}

/**
 * An arbitrary workload of a version: layout, cache parameters, contexts and
 * their operations, and a schedule. One flat record (no chain), so that
 * fast-check can shrink every part of it: fewer slabs, fewer operations,
 * fewer contexts, a shorter schedule.
 */
export function slubWorkload(opts: WorkloadOptions): fc.Arbitrary<Workload> {
  const maxOps = opts.maxOpsPerContext ?? 3;
  return fc
    .record({
      objects: fc.integer({ min: 2, max: MAX_OBJECTS }),
      memoryless: fc.boolean(),
      irq: opts.irqs === false || opts.destroy ? fc.constant(false) : fc.boolean(),
      cpu_partial_slabs: fc.integer({ min: 1, max: 3 }),
      min_partial: fc.integer({ min: 0, max: 2 }),
      sheaf_capacity: fc.integer({ min: 1, max: 2 }),
      barn_max: fc.integer({ min: 1, max: 3 }),
      budgets: fc.array(fc.integer({ min: 0, max: maxOps }), { minLength: 4, maxLength: 4 }),
      slabs: fc.array(slabArb, { minLength: opts.destroy ? 1 : 0, maxLength: 2 }),
      schedule: fc.record({
        runs: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: opts.maxPreemptions ?? 8 }),
        picks: fc.array(fc.nat({ max: 7 }), { maxLength: 12 }),
      }),
    })
    .map((g) => {
      const clients = ['cpu0/task', 'cpu1/task'];
      const slabs = layout(g.objects, g.slabs, clients);
      const owned = (ctx: string) => slabs.flatMap((sl, k) => (sl.owners?.[ctx] ?? []).map((i) => k * g.objects + i));
      const contexts = opts.destroy
        ? [
            { name: 'cpu0/task', ops: owned('cpu0/task').map((obj): Op => ({ op: 'free_any', obj })) },
            { name: 'cpu0/worker' },
            { name: 'cpu0/softirq' },
            { name: 'cpu1/task', ops: [...owned('cpu1/task').map((obj): Op => ({ op: 'free_any', obj })), { op: 'kmem_cache_destroy' } as Op] },
            { name: 'cpu1/worker' },
            { name: 'cpu1/softirq' },
          ]
        : [
            { name: 'cpu0/task', budget: g.budgets[0]!, choices: ALLOC_FREE },
            { name: 'cpu1/task', budget: g.budgets[1]!, choices: ALLOC_FREE },
            ...(g.irq
              ? [
                  { name: 'cpu0/irq', budget: g.budgets[2]!, choices: ALLOC_FREE },
                  { name: 'cpu1/irq', budget: g.budgets[3]!, choices: ALLOC_FREE },
                ]
              : []),
          ];
      const memoryless = g.memoryless && !opts.destroy;
      const scenario: ScenarioDef = {
        name: 'property-test',
        summary: 'a workload generated by fast-check',
        cache: { objects: g.objects, cpu_partial_slabs: g.cpu_partial_slabs, min_partial: g.min_partial, sheaf_capacity: g.sheaf_capacity, barn_max: g.barn_max },
        nodes: memoryless ? [{ memory: true }, { memory: false }] : [{ memory: true }],
        cpus: memoryless ? [{ node: 0 }, { node: 1 }] : [{ node: 0 }, { node: 0 }],
        // Enough pages that no run can exhaust them (each operation allocates at most two slabs): page
        // allocation failures are not part of these workloads.
        pool: slabs.length + 2 + 2 * contexts.reduce((n, c) => n + ((c as { budget?: number }).budget ?? 0), 0),
        slabs,
        contexts,
        ...(opts.destroy ? { sheavesOptIn: true } : {}),
      };
      return { version: opts.version, patches: [...(opts.patches ?? [])], kasan: !!opts.kasan, scenario, schedule: g.schedule };
    });
}

/** Runs a workload under its schedule, checking every property; the failing run comes with a replay token. */
export function runWorkload(w: Workload, maxSteps = 500): WorkloadResult {
  const model = buildSlubModel({ version: w.version, scenario: w.scenario, patches: w.patches, kasan: w.kasan });
  const props = propertySets(model);
  let s = model.initStates()[0]!;
  const indices: number[] = [];
  const actions: (typeof model extends { actions: (s: never) => readonly (infer A)[] } ? A : never)[] = [];
  const fail = (name: string): WorkloadResult => {
    const trace = traceOf(model, 0, indices, actions, name);
    const explanation = model.properties.find((p) => p.name === name)?.explain?.(s);
    return {
      ok: false,
      steps: actions.length,
      property: name,
      ...(explanation !== undefined ? { explanation } : {}),
      token: encodeToken(trace),
      trace: actions.map((a) => ({ context: a.context, step: a.step })),
    };
  };
  let current: string | undefined;
  let left = 0;
  let run = 0;
  let pick = 0;
  for (let step = 0; ; step++) {
    const bad = props.always.find((p) => !holds(model, p, s));
    if (bad) return fail(bad.name);
    const enabled = model.actions(s);
    if (model.terminal(s)) {
      const badEnd = props.atEnd.find((p) => !holds(model, p, s));
      if (badEnd) return fail(badEnd.name);
    } else if (enabled.length === 0) return fail('deadlock');
    if (enabled.length === 0 || step >= maxSteps) return { ok: true, steps: actions.length };
    const runnable = model.contexts.filter((c) => enabled.some((a) => a.context === c));
    if (current === undefined || !runnable.includes(current) || (left === 0 && run < w.schedule.runs.length)) {
      // Switch: the next runnable context after the current one, round robin.
      const from = current === undefined ? -1 : model.contexts.indexOf(current);
      current = runnable.find((c) => model.contexts.indexOf(c) > from) ?? runnable[0]!;
      left = run < w.schedule.runs.length ? w.schedule.runs[run++]! : Infinity;
    }
    const mine = enabled.map((a, i) => [a, i] as const).filter(([a]) => a.context === current);
    const [a, i] = mine.length > 1 ? mine[(w.schedule.picks[pick++] ?? 0) % mine.length]! : mine[0]!;
    left--;
    s = model.next(s, a);
    indices.push(i);
    actions.push(a);
  }
}

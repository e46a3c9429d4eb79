// `slubcheck verify <model> --patch P [--patch Q ...]`: run the base and the
// patched model on the same scenarios with the same bounds and strategy, and
// report, per scenario and property, what the patch fixes, what it
// introduces and what it leaves, whether each side's search was complete,
// and whether the code the patch changes ran at all.
//
// The verdict is one of:
// - INTRODUCES (exit 1): the patched side violates a property the base does
//   not, or deadlocks, or livelocks;
// - NOT EXERCISED (exit 5): nothing was introduced, but some step the patch
//   replaces or adds never ran in any scenario on the patched side, so the
//   scenarios say nothing about it;
// - OK (complete) or OK within bounds (incomplete: ...) (exit 0).
// All the violated properties of a side are collected, not only the first:
// after a violation the property is set aside and the search runs again.
import type { Model, ModelEntry, Plain } from '../engine/model.ts';
import { UsageError } from '../engine/errors.ts';
import { search, type CheckResult, type SearchOptions, type Progress } from '../engine/search.ts';
import { minimize } from '../engine/minimize.ts';
import { renderGrid, renderTable, wrap } from '../engine/render.ts';
import { encodeToken, replayCommandLines } from '../engine/trace.ts';
import type { Stops } from '../engine/stops.ts';
import type { Io } from './main.ts';

export interface SideResult {
  readonly result: 'ok' | 'violation' | 'deadlock' | 'livelock' | 'not applicable';
  readonly complete: boolean;
  readonly states: number;
  readonly seconds: number;
  readonly properties: readonly string[];
  readonly stopReason?: string;
  readonly reason?: string;
  /** One counterexample per violated property. */
  readonly counterexamples: readonly { readonly property: string; readonly result: CheckResult<any, any>; readonly model: Model<any, any> }[];
  /** How often each piece of code ran (the model's coverage). */
  readonly coverage: ReadonlyMap<string, number>;
}

export interface ScenarioVerdict {
  readonly scenario: string;
  readonly base: SideResult;
  readonly patched: SideResult;
  readonly fixed: readonly string[];
  readonly introduced: readonly string[];
  readonly still: readonly string[];
}

export interface VerifyOptions extends Stops {
  readonly strategy: 'bfs' | 'dfs' | 'random' | 'pct';
  readonly explore: SearchOptions;
  readonly runs: number;
  readonly seed: number;
  readonly onProgress?: (what: string, p: Progress) => void;
}

export type VerdictKind = 'ok' | 'introduces' | 'not exercised';

export interface Verification {
  readonly results: readonly ScenarioVerdict[];
  readonly verdict: VerdictKind;
  /** Every search of the patched side explored everything (within no bound). */
  readonly complete: boolean;
  /** The code the patches replace or add. */
  readonly changed: readonly string[];
  /** Of that, what no scenario ran on the patched side. */
  readonly unreached: readonly string[];
  readonly fixed: readonly string[];
  readonly introduced: readonly string[];
  readonly still: readonly string[];
}

/** Every property a model violates, by exploring again with each found one set aside. */
function violations(model: Model<any, any>, opts: VerifyOptions, what: string): SideResult {
  let m = model;
  const props: string[] = [];
  const cex: SideResult['counterexamples'][number][] = [];
  let seconds = 0;
  const stops = { ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}), ...(opts.maxMemoryMb !== undefined ? { maxMemoryMb: opts.maxMemoryMb } : {}) };
  const onProgress = opts.onProgress ? (p: Progress) => opts.onProgress!(what, p) : undefined;
  const coverage = () => model.coverage?.() ?? new Map<string, number>();
  for (let round = 0; round <= model.properties.length; round++) {
    const r = search(m, {
      ...opts.explore,
      ...stops,
      strategy: opts.strategy,
      runs: opts.runs,
      seed: opts.seed,
      ...(onProgress ? { onProgress } : {}),
    });
    seconds += r.seconds;
    if (r.result === 'ok' || r.property === undefined) {
      return {
        result: props.length ? 'violation' : 'ok',
        complete: r.complete,
        states: r.states,
        seconds,
        properties: props,
        ...(r.stopReason !== undefined && !r.complete ? { stopReason: r.stopReason } : {}),
        counterexamples: cex,
        coverage: coverage(),
      };
    }
    props.push(r.property);
    cex.push({ property: r.property, result: r, model: m });
    if (r.result === 'deadlock' || r.result === 'livelock') {
      return { result: r.result, complete: false, states: r.states, seconds, properties: props, stopReason: `stopped at a ${r.result}`, counterexamples: cex, coverage: coverage() };
    }
    const name = r.property;
    m = { ...m, properties: m.properties.filter((p) => p.name !== name) };
  }
  throw new UsageError('verify: a property was reported twice');
}

function side(entry: ModelEntry, config: Plain, opts: VerifyOptions, what: string): SideResult {
  let model: Model<any, any>;
  try {
    model = entry.build(config);
  } catch (e) {
    if (e instanceof UsageError && /impossible configuration/.test(e.message)) {
      return { result: 'not applicable', complete: true, states: 0, seconds: 0, properties: [], reason: e.message.replace(/^impossible configuration: /, ''), counterexamples: [], coverage: new Map() };
    }
    throw e;
  }
  return violations(model, opts, what);
}

export function verify(entry: ModelEntry, scenarios: readonly string[], patches: readonly string[], kasan: boolean, opts: VerifyOptions): Verification {
  if (!entry.configFromOptions) throw new UsageError(`model ${entry.id} has no patches to verify`);
  // Build the patched side once first, so a bad patch fails before any search (a scenario the patch
  // makes impossible is reported per scenario as not applicable).
  try {
    entry.build(entry.configFromOptions({ ...(scenarios[0] !== undefined ? { scenario: scenarios[0] } : {}), patches, kasan }));
  } catch (e) {
    if (!(e instanceof UsageError && /impossible configuration/.test(e.message))) throw e;
  }
  const results = scenarios.map((scenario): ScenarioVerdict => {
    const base = side(entry, entry.configFromOptions!({ scenario, patches: [], kasan }), opts, `${scenario} (base)`);
    const patched = side(entry, entry.configFromOptions!({ scenario, patches, kasan }), opts, `${scenario} (patched)`);
    const b = new Set(base.properties);
    const p = new Set(patched.properties);
    return {
      scenario,
      base,
      patched,
      fixed: base.properties.filter((x) => !p.has(x)),
      introduced: patched.properties.filter((x) => !b.has(x)),
      still: base.properties.filter((x) => p.has(x)),
    };
  });
  const changed = entry.changedCode?.(patches) ?? [];
  const unreached = changed.filter((c) => !results.some((r) => (r.patched.coverage.get(c) ?? 0) > 0));
  const introduced = [...new Set(results.flatMap((r) => r.introduced))];
  // What the verdict rests on is the patched side; a base cut short (by its own deadlock, say) only
  // means the list of what the patch fixes may be incomplete.
  const complete = results.every((r) => r.patched.complete);
  return {
    results,
    verdict: introduced.length > 0 ? 'introduces' : unreached.length > 0 ? 'not exercised' : 'ok',
    complete,
    changed,
    unreached,
    fixed: [...new Set(results.flatMap((r) => r.fixed))],
    introduced,
    still: [...new Set(results.flatMap((r) => r.still))],
  };
}

/** The exit status of a verification: 0 OK, 1 something introduced, 5 the changed code was not exercised. */
export function verifyExitCode(v: Verification): number {
  return v.verdict === 'introduces' ? 1 : v.verdict === 'not exercised' ? 5 : 0;
}

function sideText(s: SideResult): string {
  if (s.result === 'not applicable') return `not applicable: ${s.reason ?? ''}`;
  const bound = s.complete ? 'complete' : `incomplete: ${s.stopReason ?? 'bounded'}`;
  const n = s.properties.length - 1;
  const what =
    s.result === 'deadlock' || s.result === 'livelock'
      ? `${n > 0 ? `VIOLATES ${n} propert${n === 1 ? 'y' : 'ies'}, then ` : ''}${s.result.toUpperCase()}`
      : s.properties.length === 1
        ? `VIOLATES ${s.properties[0]}`
        : s.properties.length
          ? `VIOLATES ${s.properties.length} properties`
          : 'no violation';
  return `${what} (${bound}, ${s.states} states)`;
}

function boundsText(opts: VerifyOptions): string {
  if (opts.strategy === 'random' || opts.strategy === 'pct') {
    return `${opts.strategy}, ${opts.runs} runs from seed ${opts.seed}${opts.explore.maxSeconds ? `, at most ${opts.explore.maxSeconds} s` : ''} per search (never complete)`;
  }
  const e = opts.explore;
  return `${opts.strategy}${e.maxStates ? `, at most ${e.maxStates} states` : ''}${e.maxDepth ? `, depth ${e.maxDepth}` : ''}${e.maxSeconds ? `, ${e.maxSeconds} s` : ''} per search`;
}

/** `prop (scenario, scenario)` for each property, from the per-scenario lists `pick` selects. */
function withScenarios(v: Verification, pick: (r: ScenarioVerdict) => readonly string[]): string {
  const props = [...new Set(v.results.flatMap(pick))];
  return props.map((p) => `${p} (${v.results.filter((r) => pick(r).includes(p)).map((r) => r.scenario).join(', ')})`).join(', ');
}

export function headline(v: Verification): string {
  const incomplete = v.results.filter((r) => !r.patched.complete).map((r) => r.scenario);
  const main =
    v.verdict === 'introduces'
      ? `INTRODUCES ${withScenarios(v, (r) => r.introduced)}`
      : v.verdict === 'not exercised'
        ? `NOT EXERCISED: no scenario ran ${v.unreached.join(', ')} with the patch`
        : v.complete
          ? 'OK (complete), introduces no violation'
          : `OK within bounds (incomplete: ${incomplete.join(', ')}), introduces no violation within them`;
  return main + (v.fixed.length ? `; fixes ${v.fixed.join(', ')}` : '') + (v.still.length ? `; still violated: ${withScenarios(v, (r) => r.still)}` : '');
}

export function verifyJson(entry: ModelEntry, patches: readonly string[], kasan: boolean, opts: VerifyOptions, v: Verification, version: string): Record<string, unknown> {
  const sideJson = (s: SideResult) => ({
    result: s.result,
    complete: s.complete,
    states: s.states,
    seconds: s.seconds,
    properties: s.properties,
    ...(s.stopReason ? { stop_reason: s.stopReason } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    counterexamples: s.counterexamples.map((c) => ({ property: c.property, token: c.result.trace ? encodeToken(c.result.trace) : null })),
  });
  return {
    slubcheck: version,
    version: entry.id,
    patches: patches.map((p) => (entry.describePatch ? entry.describePatch(p) : p)),
    kasan,
    strategy: opts.strategy,
    bounds: { max_states: opts.explore.maxStates ?? null, max_depth: opts.explore.maxDepth ?? null, max_seconds: opts.explore.maxSeconds ?? null },
    verdict: v.verdict.replace(' ', '_'),
    complete: v.complete,
    headline: headline(v),
    fixed: v.fixed,
    introduced: v.introduced,
    changed_code: v.changed,
    unreached_code: v.unreached,
    unreachable_reasons: Object.fromEntries(v.unreached.flatMap((c) => {
      const r = entry.unreachableReason?.(patches, c);
      return r === undefined ? [] : [[c, r]];
    })),
    scenarios: v.results.map((r) => ({
      scenario: r.scenario,
      base: sideJson(r.base),
      patched: sideJson(r.patched),
      fixed: r.fixed,
      introduced: r.introduced,
      still: r.still,
      reached: Object.fromEntries(v.changed.map((c) => [c, r.patched.coverage.get(c) ?? 0])),
    })),
  };
}

export interface TextOptions {
  readonly report: boolean;
  readonly version: string;
  readonly scenarioSummary: (name: string) => string | undefined;
  /** Scenarios of the version that this run did not include (suggested when code went unreached). */
  readonly otherScenarios: readonly string[];
}

export function verifyText(io: Io, entry: ModelEntry, patches: readonly string[], kasan: boolean, opts: VerifyOptions, v: Verification, t: TextOptions): void {
  const W = 80;
  const say = (label: string, text: string) => {
    wrap(text, W - 11, '  ').forEach((l, i) => io.out(`${(i === 0 ? label : '').padEnd(11)}${l}`.trimEnd()));
  };
  io.out(t.report ? 'slubcheck verification report' : 'slubcheck verify');
  say('slubcheck:', t.version);
  say('version:', `${entry.id}${kasan ? ' (generic KASAN on)' : ''}`);
  patches.forEach((p, i) => say(i === 0 ? 'patch:' : '', entry.describePatch ? entry.describePatch(p) : p));
  say('search:', boundsText(opts));
  say('verdict:', headline(v));
  if (v.changed.length > 0) {
    for (const c of v.changed) {
      const where = v.results.filter((r) => (r.patched.coverage.get(c) ?? 0) > 0).map((r) => `${r.scenario} (${r.patched.coverage.get(c)}x)`);
      say(c === v.changed[0] ? 'changed:' : '', `${c}: ${where.length ? `reached in ${where.join(', ')}` : 'NEVER REACHED'}`);
    }
  }
  const reasons = v.unreached.map((c) => [c, entry.unreachableReason?.(patches, c)] as const).filter(([, r]) => r !== undefined);
  for (const [c, r] of reasons) say(c === reasons[0]![0] ? 'note:' : '', `${c}: the patch says the model cannot reach it: ${r}`);
  if (v.unreached.length > reasons.length) {
    say(
      reasons.length ? '' : 'note:',
      t.otherScenarios.length > 0
        ? `run the scenarios this run left out (${t.otherScenarios.join(', ')}), or a scenario of your own that reaches the changed code; until then the verdict says nothing about it`
        : 'none of the scenarios of this version reaches the changed code: write a scenario that does; until then the verdict says nothing about it',
    );
  }
  io.out('');
  const rows = v.results.map((r) => [r.scenario, sideText(r.base), sideText(r.patched)]);
  for (const l of renderGrid(['scenario', 'base', 'patched'], rows, { width: W })) io.out(l);
  for (const r of v.results) {
    const notes = [
      r.fixed.length ? `fixed: ${r.fixed.join(', ')}` : '',
      r.introduced.length ? `INTRODUCED: ${r.introduced.join(', ')}` : '',
      r.still.length ? `still: ${r.still.join(', ')}` : '',
    ].filter(Boolean);
    if (notes.length) for (const l of wrap(`  ${r.scenario}: ${notes.join('; ')}`, W, '    ')) io.out(l);
  }
  io.out('');
  io.out('scenarios:');
  for (const r of v.results) for (const l of wrap(`  ${r.scenario}: ${t.scenarioSummary(r.scenario) ?? ''}`, W, '    ')) io.out(l);
  if (!t.report) return;
  // For each violation, the minimized two-column trace and its replay command (each distinct trace once).
  const printed = new Map<string, string>();
  for (const r of v.results) {
    for (const [label, s] of [['base', r.base], ['patched', r.patched]] as const) {
      for (const c of s.counterexamples) {
        const res = c.result;
        if (!res.trace || !res.path) continue;
        const lasso = res.result === 'livelock';
        const m = lasso ? undefined : minimize(c.model, res.trace);
        const trace = m ? m.trace : res.trace;
        const path = m ? m.path : res.path;
        const key = JSON.stringify(trace.steps);
        const where = `${r.scenario}, ${label}: ${c.property}`;
        io.out('');
        if (printed.has(key)) {
          for (const l of wrap(`--- ${where}: the same trace as ${printed.get(key)}`, W)) io.out(l);
          continue;
        }
        printed.set(key, where);
        const explanation = m?.explanation ?? res.explanation;
        for (const l of wrap(`--- ${where}${explanation ? `: ${explanation}` : ''}`, W, '    ')) io.out(l);
        io.out(
          m
            ? `    (${m.after.steps} steps, ${m.after.preemptions} preemption${m.after.preemptions === 1 ? '' : 's'}; minimized from ${m.before.steps} steps)`
            : `    (${path.actions.length} steps; the last ${path.actions.length - (res.cycleStart ?? 0)} repeat forever)`,
        );
        const waits = c.model.describeWaits && (res.result === 'deadlock' || lasso) ? c.model.describeWaits(path.states.at(-1)) : [];
        for (const w of waits) for (const l of wrap(`    ${w}`, W, '      ')) io.out(l);
        io.out('');
        io.out(renderTable(c.model, path, { width: W, ...(res.cycleStart !== undefined ? { cycleStart: res.cycleStart } : {}) }));
        io.out('');
        for (const l of replayCommandLines(trace, W)) io.out(l);
      }
    }
  }
}

// `slubcheck verify <model> --patch P [--patch Q ...]`: run the base and the
// patched model on the same scenarios with the same bounds and strategy, and
// report, per scenario and property, what the patch fixes, what it
// introduces and what it leaves, and whether each side's search was
// complete. All the violated properties of a side are collected, not only
// the first: after a violation the property is set aside and the search
// runs again.
import type { Model, ModelEntry, Plain } from '../engine/model.ts';
import { UsageError } from '../engine/errors.ts';
import { explore, type CheckResult, type ExploreOptions } from '../engine/explore.ts';
import { randomSearch } from '../engine/random.ts';
import { minimize } from '../engine/minimize.ts';
import { renderTable } from '../engine/render.ts';
import { encodeToken } from '../engine/trace.ts';
import type { Io } from './main.ts';
import { replayCommand } from './main.ts';

export interface SideResult {
  readonly result: 'ok' | 'violation' | 'deadlock' | 'not applicable';
  readonly complete: boolean;
  readonly states: number;
  readonly seconds: number;
  readonly properties: readonly string[];
  readonly stopReason?: string;
  readonly reason?: string;
  /** One counterexample per violated property. */
  readonly counterexamples: readonly { readonly property: string; readonly result: CheckResult<any, any>; readonly model: Model<any, any> }[];
}

export interface ScenarioVerdict {
  readonly scenario: string;
  readonly base: SideResult;
  readonly patched: SideResult;
  readonly fixed: readonly string[];
  readonly introduced: readonly string[];
  readonly still: readonly string[];
}

export interface VerifyOptions {
  readonly strategy: 'bfs' | 'dfs' | 'random' | 'pct';
  readonly explore: ExploreOptions;
  readonly runs: number;
  readonly seed: number;
}

/** Every property a model violates, by exploring again with each found one set aside. */
function violations(model: Model<any, any>, opts: VerifyOptions): SideResult {
  let m = model;
  const props: string[] = [];
  const cex: SideResult['counterexamples'][number][] = [];
  let seconds = 0;
  for (let round = 0; round <= model.properties.length; round++) {
    const r =
      opts.strategy === 'random' || opts.strategy === 'pct'
        ? randomSearch(m, { strategy: opts.strategy, runs: opts.runs, seed: opts.seed, ...(opts.explore.maxDepth ? { maxSteps: opts.explore.maxDepth } : {}) })
        : explore(m, { ...opts.explore, strategy: opts.strategy });
    seconds += r.seconds;
    if (r.result === 'ok' || r.property === undefined) {
      return {
        result: props.length ? (props.includes('deadlock') ? 'deadlock' : 'violation') : 'ok',
        complete: r.complete,
        states: r.states,
        seconds,
        properties: props,
        ...(r.stopReason !== undefined && !r.complete ? { stopReason: r.stopReason } : {}),
        counterexamples: cex,
      };
    }
    props.push(r.property);
    cex.push({ property: r.property, result: r, model: m });
    if (r.result === 'deadlock') {
      return { result: 'deadlock', complete: false, states: r.states, seconds, properties: props, stopReason: 'stopped at a deadlock', counterexamples: cex };
    }
    const name = r.property;
    m = { ...m, properties: m.properties.filter((p) => p.name !== name) };
  }
  throw new UsageError('verify: a property was reported twice');
}

function side(entry: ModelEntry, config: Plain, opts: VerifyOptions): SideResult {
  let model: Model<any, any>;
  try {
    model = entry.build(config);
  } catch (e) {
    if (e instanceof UsageError && /impossible configuration/.test(e.message)) {
      return { result: 'not applicable', complete: false, states: 0, seconds: 0, properties: [], reason: e.message, counterexamples: [] };
    }
    throw e;
  }
  return violations(model, opts);
}

export function verify(
  entry: ModelEntry,
  scenarios: readonly string[],
  patches: readonly string[],
  kasan: boolean,
  opts: VerifyOptions,
): ScenarioVerdict[] {
  if (!entry.configFromOptions) throw new UsageError(`model ${entry.id} has no patches to verify`);
  // Build the patched side once first, so a bad patch fails before any search.
  entry.build(entry.configFromOptions({ ...(scenarios[0] !== undefined ? { scenario: scenarios[0] } : {}), patches, kasan }));
  return scenarios.map((scenario) => {
    const base = side(entry, entry.configFromOptions!({ scenario, patches: [], kasan }), opts);
    const patched = side(entry, entry.configFromOptions!({ scenario, patches, kasan }), opts);
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
}

function sideText(s: SideResult): string {
  if (s.result === 'not applicable') return 'not applicable';
  const bound = s.complete ? 'complete' : `incomplete: ${s.stopReason ?? 'bounded'}`;
  const what = s.properties.length === 1 ? `VIOLATES ${s.properties[0]}` : s.properties.length ? `VIOLATES ${s.properties.length} properties` : 'no violation';
  return `${what} (${bound}, ${s.states} states)`;
}

export function verdictOf(results: readonly ScenarioVerdict[]): 'ok' | 'introduces' {
  return results.some((r) => r.introduced.length > 0) ? 'introduces' : 'ok';
}

export function verifyJson(version: string, patches: readonly string[], kasan: boolean, opts: VerifyOptions, results: readonly ScenarioVerdict[]): Record<string, unknown> {
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
    version,
    patches,
    kasan,
    strategy: opts.strategy,
    bounds: { max_states: opts.explore.maxStates ?? null, max_depth: opts.explore.maxDepth ?? null, max_seconds: opts.explore.maxSeconds ?? null },
    verdict: verdictOf(results),
    fixed: [...new Set(results.flatMap((r) => r.fixed))],
    introduced: [...new Set(results.flatMap((r) => r.introduced))],
    scenarios: results.map((r) => ({ scenario: r.scenario, base: sideJson(r.base), patched: sideJson(r.patched), fixed: r.fixed, introduced: r.introduced, still: r.still })),
  };
}

export function verifyText(io: Io, version: string, patchLines: readonly string[], kasan: boolean, opts: VerifyOptions, results: readonly ScenarioVerdict[], report: boolean): void {
  const fixed = [...new Set(results.flatMap((r) => r.fixed))];
  const introduced = [...new Set(results.flatMap((r) => r.introduced))];
  const still = [...new Set(results.flatMap((r) => r.still))];
  const incomplete = results.filter((r) => r.base.result !== 'not applicable' && (!r.base.complete || !r.patched.complete) && r.base.properties.length + r.patched.properties.length === 0);
  const bounds =
    opts.strategy === 'random' || opts.strategy === 'pct'
      ? `${opts.strategy}, ${opts.runs} runs from seed ${opts.seed} (never complete)`
      : `${opts.strategy}${opts.explore.maxStates ? `, at most ${opts.explore.maxStates} states` : ''}${opts.explore.maxDepth ? `, depth ${opts.explore.maxDepth}` : ''}${opts.explore.maxSeconds ? `, ${opts.explore.maxSeconds} s` : ''} per search`;
  io.out(report ? 'slubcheck verification report' : 'slubcheck verify');
  io.out(`version:   ${version}${kasan ? ' (generic KASAN on)' : ''}`);
  patchLines.forEach((p, i) => io.out(`${i === 0 ? 'patch:    ' : '          '} ${p}`));
  io.out(`scenarios: ${results.map((r) => r.scenario).join(', ')}`);
  io.out(`search:    ${bounds}`);
  const verdict = verdictOf(results);
  io.out(
    `verdict:   ${verdict === 'ok' ? 'OK, introduces no violation' : `INTRODUCES ${introduced.join(', ')}`}` +
      (fixed.length ? `; fixes ${fixed.join(', ')}` : '') +
      (still.length ? `; still violated: ${still.join(', ')}` : ''),
  );
  if (incomplete.length > 0) io.out(`           (searches cut short by a bound in: ${incomplete.map((r) => r.scenario).join(', ')}: no violation within the bound only)`);
  io.out('');
  const rows = results.map((r) => [r.scenario, sideText(r.base), sideText(r.patched)]);
  const head = ['scenario', 'base', 'patched'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  io.out(head.map((h, i) => h.padEnd(w[i]!)).join('  ').trimEnd());
  io.out(w.map((n) => '-'.repeat(n)).join('  '));
  for (const x of rows) io.out(x.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
  for (const r of results) {
    const notes = [
      r.fixed.length ? `fixed: ${r.fixed.join(', ')}` : '',
      r.introduced.length ? `INTRODUCED: ${r.introduced.join(', ')}` : '',
      r.still.length ? `still: ${r.still.join(', ')}` : '',
      r.base.reason ? r.base.reason : r.patched.reason ? `patched: ${r.patched.reason}` : '',
    ].filter(Boolean);
    if (notes.length) io.out(`  ${r.scenario}: ${notes.join('; ')}`);
  }
  if (!report) return;
  // For each violation, the minimized two-column trace and its replay command (each distinct trace once).
  const printed = new Map<string, string>();
  for (const r of results) {
    for (const [label, s] of [['base', r.base], ['patched', r.patched]] as const) {
      for (const c of s.counterexamples) {
        if (!c.result.trace) continue;
        const m = minimize(c.model, c.result.trace);
        const key = JSON.stringify(m.trace.steps);
        const where = `${r.scenario}, ${label}: ${c.property}`;
        io.out('');
        if (printed.has(key)) {
          io.out(`--- ${where}: the same trace as ${printed.get(key)}`);
          continue;
        }
        printed.set(key, where.replace(/: .*$/, `: ${c.property}`));
        io.out(`--- ${where}${m.explanation ? `: ${m.explanation}` : ''}`);
        io.out(`    (${m.after.steps} steps, ${m.after.preemptions} preemption${m.after.preemptions === 1 ? '' : 's'}; minimized from ${m.before.steps} steps)`);
        io.out('');
        io.out(renderTable(c.model, m.path));
        io.out('');
        io.out(`replay: ${replayCommand(m.trace)}`);
      }
    }
  }
}

// The command line: `list`, `check`, `replay`. It behaves like the tools
// kernel developers know (SPIN's pan, TLC): exit 0 when no violation was
// found, 1 when one was (or a deadlock), 2 on bad input, with one line
// naming the problem and never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { writeFileSync } from 'node:fs';
import type { Model, ModelEntry, ModelOptions, Plain, Registry } from '../engine/model.ts';
import { EngineError, ModelError, UsageError } from '../engine/errors.ts';
import { explore, type CheckResult } from '../engine/explore.ts';
import { randomSearch } from '../engine/random.ts';
import { restrict, unwrapResult } from '../engine/preemption.ts';
import { minimize, type Minimized } from '../engine/minimize.ts';
import { verify, verifyJson, verifyText } from './verify.ts';
import { encodeToken, readTraceArgument, replay, traceToJson, type Trace } from '../engine/trace.ts';
import { renderTable, traceSteps } from '../engine/render.ts';
import { holds, propertySets } from '../engine/run.ts';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const defaultIo: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

const HELP: Record<string, string> = {
  main: `slubcheck: a concurrency model checker for the SLUB allocator

usage: slubcheck <command> [options]

commands:
  list                     models, versions and scenarios, one line each
  check <model>            explore a model and report the first violation
  replay <token|file>      re-run a counterexample step by step
  minimize <token|file>    shrink a counterexample: fewest preemptions, then steps
  verify <model> --patch P compare the model with and without a patch
  steps <model>            every step of a model (kernel function/label and
                           the source it models): what a patch can change

Run 'slubcheck <command> --help' for a command's options.
Exit status: 0 no violation, 1 violation or deadlock found, 2 bad input.`,
  list: `usage: slubcheck list

Lists every model with a one-line summary, and the configurations
(scenarios) of each.`,
  check: `usage: slubcheck check <model> [options]

Explores every interleaving of <model> (breadth-first by default, so the
first counterexample is a shortest one) and checks its properties.

options:
  --scenario NAME        the scenario to run (models that have scenarios)
  --patch NAME           apply a built-in patch (repeatable)
  --kasan                enable the generic KASAN quarantine (SLUB models)
  --strategy S           bfs (shortest traces, default), dfs, random (random
                         walks) or pct (probabilistic concurrency testing)
  --max-states N         stop after N distinct states (search incomplete)
  --max-depth N          do not expand states deeper than N steps (random, pct:
                         the longest run, default 1000)
  --max-seconds S        stop after S seconds
  --preemptions K        bfs/dfs: only interleavings with at most K preemptions
  --runs N               random, pct: number of runs (default 1000)
  --seed S               random, pct: the seed (default: from the clock; printed)
  --depth D              pct: the bug depth d, with d-1 priority change points
                         per run (default 3)
  --minimize             minimize a counterexample before printing it
  --json                 print one JSON object instead of text
  --trace-out FILE       write the counterexample as a JSON trace file
  --check-collisions     keep exact state encodings, fail on a fingerprint
                         collision (slow; for debugging the engine)
  --quiet                no progress lines on stderr`,
  minimize: `usage: slubcheck minimize <token|file> [--json] [--max-states N]

Takes any counterexample (a replay token or a JSON trace file) and returns a
smaller one that violates the same property: the fewest preemptions first
(iterative context bounding, K = 0, 1, 2, ...), then the fewest steps, with
no more operations per context and no new context. Each candidate is
replayed on the model, so the output always reproduces. Prints before and
after, the trace and its replay token. Exit 1 (the output is a violation).

options:
  --json           one JSON object: property, before, after, trace, token
  --max-states N   budget of each bounded search (default 300000)`,
  verify: `usage: slubcheck verify <model> --patch P [--patch Q ...] [options]

Runs the model with and without the patches on the same scenarios, with the
same strategy and bounds, and reports per scenario which property
violations the patches fix, which they introduce and which remain, whether
each side's search was complete, and the distinct-state counts of both.
A patch is a built-in name ('slubcheck list') or a TypeScript file
(./my-fix.ts; see docs/patch-tutorial.md). Exit 0 when the patches
introduce no violation, 1 when they do.

options:
  --scenario NAME     check this scenario (repeatable; default: every scenario
                      of the version that an exhaustive search can finish)
  --kasan             generic KASAN on, on both sides
  --strategy S        bfs (default), dfs, random or pct
  --max-states N      bound each search (default 500000)
  --max-depth N       bound each search's depth
  --max-seconds S     bound each search's time
  --runs N, --seed S  random and pct: runs per search (default 1000) and seed
  --report            a plain-text block to paste into a review: the version,
                      patches, scenarios and bounds, the verdict, and each
                      violation's minimized two-column trace
  --json              one JSON object: version, patches, verdict, scenarios`,
  replay: `usage: slubcheck replay <token|file> [--json]

Re-runs a counterexample (a replay token, or a JSON trace file written by
--trace-out) step by step. Every recorded action must still be enabled
and carry the recorded name; any mismatch is an error (exit 2). Exit 1
when the replayed path violates a property, 0 when it does not.`,
};

const MODEL_OPTIONS = {
  scenario: { type: 'string' },
  patch: { type: 'string', multiple: true },
  kasan: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    // node's messages are one line already, e.g. "Unknown option '--foo'".
    throw new UsageError(((e as Error).message ?? String(e)).split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''));
  }
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) <= 0) throw new UsageError(`--${name} needs a positive whole number, not '${v}'`);
  return Number(v);
}

function nonNegativeInt(name: string, v: string): number {
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`--${name} needs a whole number, not '${v}'`);
  return Number(v);
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} needs a positive number of seconds, not '${v}'`);
  return n;
}

export function resolveEntry(registry: Registry, id: string | undefined): ModelEntry {
  if (id === undefined) throw new UsageError("missing model: try 'slubcheck list'");
  const e = registry.resolve(id);
  if (!e) throw new UsageError(`unknown model '${id}': try 'slubcheck list'`);
  return e;
}

export function buildModel(entry: ModelEntry, options: ModelOptions): Model<any, any> {
  const wantsOptions = options.scenario !== undefined || (options.patches?.length ?? 0) > 0 || options.kasan;
  if (!entry.configFromOptions) {
    if (wantsOptions) throw new UsageError(`model ${entry.id} takes no --scenario, --patch or --kasan`);
    return entry.build(null);
  }
  return entry.build(entry.configFromOptions(options));
}

function modelOptions(values: { scenario?: string; patch?: string[]; kasan?: boolean }): ModelOptions {
  return {
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    ...(values.patch !== undefined ? { patches: values.patch } : {}),
    ...(values.kasan ? { kasan: true } : {}),
  };
}

export function replayCommand(trace: Trace): string {
  return `npx slubcheck replay ${encodeToken(trace)}`;
}

function verdictLine(r: CheckResult<any, any>): string {
  if (r.result === 'ok') {
    return r.complete
      ? `no violation (complete: ${r.states} distinct states, depth ${r.depth})`
      : `no violation (incomplete: ${r.stopReason ?? 'stopped early'}; ${r.states} distinct states, depth ${r.depth})`;
  }
  if (r.result === 'deadlock') return `DEADLOCK after ${r.trace!.steps.length} steps: no context can take a step and not every context has finished`;
  return `VIOLATION of ${r.property} (${r.propertyKind}) after ${r.trace!.steps.length} steps`;
}

export function resultJson(r: CheckResult<any, any>, config: Plain): Record<string, unknown> {
  return {
    model: r.model,
    config,
    strategy: r.strategy,
    result: r.result,
    complete: r.complete,
    ...(r.stopReason !== undefined ? { stop_reason: r.stopReason } : {}),
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    seconds: r.seconds,
    property: r.property ?? null,
    property_kind: r.propertyKind ?? null,
    explanation: r.explanation ?? null,
    trace: r.path ? traceSteps(r.path) : null,
    token: r.trace ? encodeToken(r.trace) : null,
    replay: r.trace ? replayCommand(r.trace) : null,
    witnesses: r.witnesses,
  };
}

/** The text report of a check: verdict, trace table, replay command, figures. */
export function reportText(model: Model<any, any>, r: CheckResult<any, any>, io: Io): void {
  io.out(verdictLine(r));
  if (r.trace && r.path) {
    if (r.explanation) io.out(`  ${r.explanation}`);
    io.out('');
    io.out(renderTable(model, r.path));
    io.out('');
    io.out(`replay: ${replayCommand(r.trace)}`);
  }
  const rate = r.seconds > 0 ? Math.round(r.states / r.seconds) : r.states;
  io.out(`${r.states} distinct states, ${r.transitions} transitions, depth ${r.depth}, ${r.seconds.toFixed(2)} s (${rate} states/s)`);
  const missing = r.witnesses.filter((w) => !w.reached);
  if (missing.length > 0 && r.result === 'ok') {
    io.out(`warning: never reached (the search may be vacuous here): ${missing.map((w) => w.name).join(', ')}`);
  }
}

function cmdList(registry: Registry, io: Io): number {
  const w = Math.max(...registry.entries.map((e) => e.id.length));
  for (const e of registry.entries) {
    io.out(`${e.id.padEnd(w)}  ${e.summary}`);
    for (const c of e.configurations ?? []) io.out(`${' '.repeat(w)}    --scenario ${c.name}: ${c.summary}`);
    for (const p of e.patches ?? []) io.out(`${' '.repeat(w)}    --patch ${p.name}: ${p.summary}`);
  }
  return 0;
}

function statsLine(m: Minimized<any, any>): string {
  const f = (t: Minimized<any, any>['before']) =>
    `${t.steps} steps, ${t.preemptions} preemption${t.preemptions === 1 ? '' : 's'}, ${t.contexts} context${t.contexts === 1 ? '' : 's'}, ${t.operations} operation${t.operations === 1 ? '' : 's'}`;
  return `${f(m.before)} -> ${f(m.after)}`;
}

function minimizedJson(m: Minimized<any, any>): Record<string, unknown> {
  return {
    property: m.property,
    property_kind: m.kind,
    explanation: m.explanation ?? null,
    before: m.before,
    after: m.after,
    preemption_bound: m.bound,
    note: m.note ?? null,
    trace: traceSteps(m.path),
    token: encodeToken(m.trace),
    replay: replayCommand(m.trace),
  };
}

function cmdMinimize(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, 'max-states': { type: 'string' } });
  if (values.help) return io.out(HELP.minimize!), 0;
  if (positionals.length !== 1) throw new UsageError('minimize takes one replay token or trace file');
  const trace = readTraceArgument(positionals[0]!);
  const entry = registry.resolve(trace.model);
  if (!entry) throw new UsageError(`the trace is for unknown model '${trace.model}'`);
  const model = entry.build(trace.config);
  const maxStates = positiveInt('max-states', values['max-states']);
  const m = minimize(model, trace, maxStates !== undefined ? { maxStates } : {});
  if (values.json) {
    io.out(JSON.stringify({ model: model.id, config: model.config, ...minimizedJson(m) }));
    return 1;
  }
  io.out(`slubcheck: minimizing a counterexample of ${model.id}${describeConfig(model.config)}`);
  io.out(`VIOLATION of ${m.property} (${m.kind})`);
  if (m.explanation) io.out(`  ${m.explanation}`);
  io.out(statsLine(m));
  if (m.note) io.out(`note: ${m.note}`);
  io.out('');
  io.out(renderTable(model, m.path));
  io.out('');
  io.out(`replay: ${replayCommand(m.trace)}`);
  return 1;
}

function cmdVerify(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, {
    scenario: { type: 'string', multiple: true },
    patch: { type: 'string', multiple: true },
    kasan: { type: 'boolean' },
    strategy: { type: 'string' },
    'max-states': { type: 'string' },
    'max-depth': { type: 'string' },
    'max-seconds': { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    report: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) return io.out(HELP.verify!), 0;
  if (positionals.length > 1) throw new UsageError(`verify takes one model, got ${positionals.join(' ')}`);
  const entry = resolveEntry(registry, positionals[0]);
  const patches = values.patch ?? [];
  if (patches.length === 0) throw new UsageError('verify needs at least one --patch (a built-in name or a file)');
  const strategy = (values.strategy ?? 'bfs') as 'bfs' | 'dfs' | 'random' | 'pct';
  if (!['bfs', 'dfs', 'random', 'pct'].includes(strategy)) throw new UsageError(`unknown strategy '${strategy}': use bfs, dfs, random or pct`);
  const known = new Set((entry.configurations ?? []).map((c) => c.name));
  const scenarios = values.scenario ?? (entry.configurations ?? []).filter((c) => c.exhaustive !== false || strategy === 'random' || strategy === 'pct').map((c) => c.name);
  for (const s of scenarios) if (!known.has(s)) throw new UsageError(`unknown scenario '${s}' for ${entry.id}: try 'slubcheck list'`);
  const maxStates = positiveInt('max-states', values['max-states']) ?? 500_000;
  const maxDepth = positiveInt('max-depth', values['max-depth']);
  const maxSeconds = positiveNumber('max-seconds', values['max-seconds']);
  const opts = {
    strategy,
    explore: { maxStates, ...(maxDepth !== undefined ? { maxDepth } : {}), ...(maxSeconds !== undefined ? { maxSeconds } : {}) },
    runs: positiveInt('runs', values.runs) ?? 1000,
    seed: values.seed === undefined ? 1 : nonNegativeInt('seed', values.seed),
  };
  const kasan = !!values.kasan;
  const results = verify(entry, scenarios, patches, kasan, opts);
  if (values.json) io.out(JSON.stringify(verifyJson(entry.id, patches, kasan, opts, results)));
  else verifyText(io, entry.id, patches.map((p) => (entry.describePatch ? entry.describePatch(p) : p)), kasan, opts, results, !!values.report);
  return results.some((r) => r.introduced.length > 0) ? 1 : 0;
}

function cmdCheck(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, {
    ...MODEL_OPTIONS,
    strategy: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    depth: { type: 'string' },
    preemptions: { type: 'string' },
    minimize: { type: 'boolean' },
    'max-states': { type: 'string' },
    'max-depth': { type: 'string' },
    'max-seconds': { type: 'string' },
    json: { type: 'boolean' },
    'trace-out': { type: 'string' },
    'check-collisions': { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return io.out(HELP.check!), 0;
  if (positionals.length > 1) throw new UsageError(`check takes one model, got ${positionals.length}: ${positionals.join(' ')}`);
  const entry = resolveEntry(registry, positionals[0]);
  const strategy = values.strategy ?? 'bfs';
  if (!['bfs', 'dfs', 'random', 'pct'].includes(strategy)) throw new UsageError(`unknown strategy '${strategy}': use bfs, dfs, random or pct`);
  const randomised = strategy === 'random' || strategy === 'pct';
  for (const flag of ['runs', 'seed'] as const) {
    if (values[flag] !== undefined && !randomised) throw new UsageError(`--${flag} goes with --strategy random or pct`);
  }
  if (values.depth !== undefined && strategy !== 'pct') throw new UsageError('--depth is the bug depth of --strategy pct (bound a search with --max-depth)');
  if (values.preemptions !== undefined && randomised) throw new UsageError('--preemptions bounds the exhaustive strategies (bfs, dfs)');
  const model = buildModel(entry, modelOptions(values));
  const maxStates = positiveInt('max-states', values['max-states']);
  const maxDepth = positiveInt('max-depth', values['max-depth']);
  const maxSeconds = positiveNumber('max-seconds', values['max-seconds']);
  const preemptions = values.preemptions === undefined ? undefined : nonNegativeInt('preemptions', values.preemptions);
  const onProgress = values.quiet
    ? undefined
    : (p: { states: number; statesPerSecond: number; queue: number; depth: number; seconds: number }) =>
        io.err(`progress: ${p.states} states, ${p.statesPerSecond} states/s, ${randomised ? 'runs left' : 'queue'} ${p.queue}, depth ${p.depth}, ${p.seconds.toFixed(0)} s`);
  let seed: number | undefined;
  let r: CheckResult<any, any>;
  if (randomised) {
    // The only clock read in slubcheck: a default seed, printed so that the run can be repeated.
    seed = values.seed === undefined ? Date.now() % 1_000_000_007 : nonNegativeInt('seed', values.seed);
    r = randomSearch(model, {
      strategy: strategy as 'random' | 'pct',
      runs: positiveInt('runs', values.runs) ?? 1000,
      seed,
      ...(maxDepth !== undefined ? { maxSteps: maxDepth } : {}),
      ...(values.depth !== undefined ? { depth: positiveInt('depth', values.depth)! } : {}),
      ...(maxSeconds !== undefined ? { maxSeconds } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  } else {
    const opts = {
      strategy: strategy as 'bfs' | 'dfs',
      ...(maxStates !== undefined ? { maxStates } : {}),
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(maxSeconds !== undefined ? { maxSeconds } : {}),
      checkCollisions: !!values['check-collisions'],
      ...(onProgress ? { onProgress } : {}),
    };
    r = preemptions === undefined ? explore(model, opts) : unwrapResult(model, explore(restrict(model, { preemptions }), opts), preemptions);
  }
  let min: Minimized<any, any> | undefined;
  if (values.minimize && r.trace) {
    min = minimize(model, r.trace);
    r = { ...r, trace: min.trace, path: min.path, ...(min.explanation !== undefined ? { explanation: min.explanation } : {}) };
  }
  if (values['trace-out'] && r.trace) {
    try {
      writeFileSync(values['trace-out'], traceToJson(r.trace) + '\n');
    } catch (e) {
      throw new UsageError(`cannot write --trace-out ${values['trace-out']}: ${(e as Error).message}`);
    }
  }
  if (values.json) io.out(JSON.stringify({ ...resultJson(r, model.config), ...(seed !== undefined ? { seed } : {}), ...(min ? { minimized: { before: min.before, after: min.after } } : {}) }));
  else {
    io.out(`slubcheck: ${model.id}${describeConfig(model.config)} (${strategy}${seed !== undefined ? ` seed ${seed}` : ''})`);
    if (min) io.out(`minimized: ${statsLine(min)}`);
    reportText(model, r, io);
    if (values['trace-out'] && r.trace) io.out(`trace written to ${values['trace-out']}`);
  }
  return r.result === 'ok' ? 0 : 1;
}

function describeConfig(config: Plain): string {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return '';
  const parts = Object.entries(config)
    .filter(([, v]) => v !== null && v !== false && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => (v === true ? k : `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`));
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

function cmdReplay(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) return io.out(HELP.replay!), 0;
  if (positionals.length !== 1) throw new UsageError('replay takes one replay token or trace file');
  const trace = readTraceArgument(positionals[0]!);
  const entry = registry.resolve(trace.model);
  if (!entry) throw new UsageError(`the trace is for unknown model '${trace.model}'`);
  const model = entry.build(trace.config);
  const path = replay(model, trace);
  // Which properties does the replayed path violate, and where first?
  const sets = propertySets(model);
  let violated: { name: string; kind: string; step: number; explanation?: string } | undefined;
  path.states.forEach((s, i) => {
    if (violated) return;
    const bad = sets.always.find((p) => !holds(model, p, s));
    if (bad) {
      const ex = bad.explain?.(s);
      violated = { name: bad.name, kind: 'always', step: i, ...(ex !== undefined ? { explanation: ex } : {}) };
    }
  });
  const last = path.states[path.states.length - 1];
  if (!violated && last !== undefined) {
    const terminal = model.terminal(last);
    const enabled = model.actions(last);
    const bad = terminal ? sets.atEnd.find((p) => !holds(model, p, last)) : undefined;
    if (bad) {
      const ex = bad.explain?.(last);
      violated = { name: bad.name, kind: 'at_end', step: path.states.length - 1, ...(ex !== undefined ? { explanation: ex } : {}) };
    } else if (!terminal && enabled.length === 0) violated = { name: 'deadlock', kind: 'deadlock', step: path.states.length - 1 };
  }
  if (values.json) {
    io.out(
      JSON.stringify({
        model: model.id,
        config: model.config,
        result: violated ? (violated.kind === 'deadlock' ? 'deadlock' : 'violation') : 'ok',
        property: violated?.name ?? null,
        property_kind: violated?.kind ?? null,
        steps: path.actions.length,
        trace: traceSteps(path),
        token: encodeToken(trace),
      }),
    );
  } else {
    io.out(`slubcheck: replaying ${path.actions.length} steps of ${model.id}${describeConfig(model.config)}`);
    io.out('');
    io.out(renderTable(model, path));
    io.out('');
    if (violated) {
      io.out(
        violated.kind === 'deadlock'
          ? `replayed: DEADLOCK after ${violated.step} steps`
          : `replayed: VIOLATION of ${violated.name} (${violated.kind}) after ${violated.step} steps`,
      );
      if (violated.explanation) io.out(`  ${violated.explanation}`);
    } else io.out('replayed: every step matched; no property is violated on this path');
  }
  return violated ? 1 : 0;
}

export type Command = (registry: Registry, args: string[], io: Io) => number;

/** Commands added by later layers (e.g. `verify`), keyed by name. */
export const extraCommands = new Map<string, { run: Command; help: string }>();

export function runCli(registry: Registry, argv: string[], io: Io = defaultIo, defaultCommand?: Command): number {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined) {
      if (defaultCommand) return defaultCommand(registry, [], io);
      io.out(HELP.main!);
      return 0;
    }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      const topic = rest[0];
      io.out((topic && (HELP[topic] ?? extraCommands.get(topic)?.help)) || HELP.main!);
      return 0;
    }
    if (cmd === '--version') return io.out('slubcheck 0.1.0'), 0;
    if (cmd === 'list') {
      if (rest.includes('--help') || rest.includes('-h')) return io.out(HELP.list!), 0;
      if (rest.length > 0) throw new UsageError(`list takes no arguments, got: ${rest.join(' ')}`);
      return cmdList(registry, io);
    }
    if (cmd === 'check') return cmdCheck(registry, rest, io);
    if (cmd === 'replay') return cmdReplay(registry, rest, io);
    if (cmd === 'minimize') return cmdMinimize(registry, rest, io);
    if (cmd === 'verify') return cmdVerify(registry, rest, io);
    if (cmd === 'steps') {
      const { values, positionals } = parse(rest, MODEL_OPTIONS);
      if (values.help) return io.out('usage: slubcheck steps <model> [--patch P ...]\n\nLists every step of the model, as kernel-function/label and the source it models.'), 0;
      const entry = resolveEntry(registry, positionals[0]);
      if (!entry.describeSteps || !entry.configFromOptions) throw new UsageError(`model ${entry.id} does not describe its steps`);
      for (const line of entry.describeSteps(entry.configFromOptions(modelOptions(values)))) io.out(line);
      return 0;
    }
    const extra = extraCommands.get(cmd);
    if (extra) return extra.run(registry, rest, io);
    if (cmd.startsWith('-')) throw new UsageError(`unknown option '${cmd}': try 'slubcheck --help'`);
    throw new UsageError(`unknown command '${cmd}': try 'slubcheck --help'`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`slubcheck: error: ${e.message}`);
      return 2;
    }
    if (e instanceof ModelError) {
      io.err(`slubcheck: ${e.message}`);
      return 3;
    }
    if (e instanceof EngineError) {
      io.err(`slubcheck: ${e.message} (please report this)`);
      return 4;
    }
    throw e;
  }
}

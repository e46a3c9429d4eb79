// The command line: `list`, `check`, `replay`. It behaves like the tools
// kernel developers know (SPIN's pan, TLC): exit 0 when no violation was
// found, 1 when one was (or a deadlock), 2 on bad input, with one line
// naming the problem and never a stack trace.
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { Expected, Model, ModelEntry, ModelOptions, Plain, Registry } from '../engine/model.ts';
import { asExpected } from '../engine/search.ts';
import { EngineError, ModelError, UsageError } from '../engine/errors.ts';
import { search, stateKey, type CheckResult } from '../engine/search.ts';
import { restrict, unwrapResult } from '../engine/preemption.ts';
import { minimize, type Minimized } from '../engine/minimize.ts';
import { verify, verifyExitCode, verifyJson, verifyText } from './verify.ts';
import { encodeToken, readTraceArgument, replay, replayCommandLines, traceToJson, type Trace } from '../engine/trace.ts';
import { renderGrid, renderTable, traceSteps, wrap } from '../engine/render.ts';
import { holds, propertySets } from '../engine/run.ts';
import type { Stops } from '../engine/stops.ts';
import { writeHtmlOption } from '../html/write.ts';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** True once the user asked to stop (Ctrl-C); the search then ends with its partial statistics. */
  readonly interrupted?: () => boolean;
}

/** slubcheck's own version, from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Exit statuses, as the README documents them. */
export const EXIT = { ok: 0, violation: 1, usage: 2, modelError: 3, engineBug: 4, notExercised: 5 } as const;

/**
 * Writes a line straight to a file descriptor, synchronously: the CLI runs
 * in a worker thread that stays busy in a search, and a worker's
 * process.stdout only passes output on when its event loop runs. A pipe
 * that is full (EAGAIN) is waited for; a reader that went away (EPIPE) ends
 * the process quietly, as `slubcheck ... | head` expects.
 */
export function writeLine(fd: 1 | 2, line: string): void {
  let buf = Buffer.from(line + '\n');
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
      else if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      else throw e;
    }
  }
}

export const defaultIo: Io = {
  out: (l) => writeLine(1, l),
  err: (l) => writeLine(2, l),
};

const HELP: Record<string, string> = {
  main: `slubcheck: a concurrency model checker for the SLUB allocator

usage: slubcheck <command> [options]

commands:
  list                     models, versions and scenarios, one line each
  check <model>            explore a model and report the first violation
  replay <token|file>      re-run a counterexample step by step
  minimize <token|file>    shrink a counterexample: fewest contexts, steps,
                           then preemptions
  verify <model> --patch P compare the model with and without a patch
  steps <model>            every step of a model (kernel function/label and
                           the source it models): what a patch can change
  coverage <model>         which scenarios reach each step, and the steps
                           none reaches

Run 'slubcheck <command> --help' for a command's options.
Exit status: 0 no violation, 1 violation, deadlock or livelock found, 2 bad
input, 3 model error (a bug in a model or a patch file), 4 slubcheck engine
bug, 5 (verify) the code a patch changes never ran in any scenario.
Ctrl-C stops a search and prints its partial statistics.`,
  coverage: `usage: slubcheck coverage <model> [options]

Runs each scenario's complete search and prints, for every step of the
model (kernel function/label), the scenarios that reach it and how many
transitions ran it; then the steps no scenario reaches. A bounded search
is marked incomplete: a step it did not reach might still be reachable.

options:
  --scenario NAME     this scenario (repeatable; default: verify's default set)
  --scenario-file F   a scenario file (repeatable; docs/patch-tutorial.md)
  --patch NAME|FILE   with this patch (repeatable)
  --kasan             generic KASAN on
  --max-states N      bound each search (default 500000)
  --max-seconds S     bound each search's time
  --json              print one JSON object
  --quiet             no progress lines on stderr`,
  list: `usage: slubcheck list

Lists every model with a one-line summary, and the configurations
(scenarios) of each.`,
  check: `usage: slubcheck check <model> [options]

Explores every interleaving of <model> (breadth-first by default, so the
first counterexample is a shortest one) and checks its properties.

options:
  --scenario NAME        the scenario to run (models that have scenarios)
  --scenario-file FILE   a scenario written as a TypeScript file (see
                         docs/patch-tutorial.md, section 7)
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
  --seed S               random, pct: the seed (default: from the clock,
                         printed)
  --depth D              pct: the bug depth d, with d-1 priority change points
                         per run (default 3)
  --workers N            random, pct: spread the runs over N threads (default:
                         one per core, at most one per 500 runs); the result
                         is the same for every N
  --minimize             minimize a counterexample before printing it
  --max-memory MB        stop (incomplete) when the process uses more memory
                         (default: before the JavaScript heap runs out)
  --no-liveness          skip the livelock check after a complete search
  --checkpoint FILE      bfs/dfs: save the search to FILE every 5 minutes and
                         when it is stopped (Ctrl-C, --max-seconds, memory)
  --checkpoint-every S   save every S seconds instead
  --resume FILE          continue the search saved in FILE (same model,
                         scenario, patches, strategy and reductions)
  --reduce R             bfs/dfs state-space reduction: all (default), symmetry
                         (one state per class of interchangeable CPUs) or none;
                         por (partial-order reduction) is not implemented yet
  --json                 print one JSON object instead of text
  --trace-out FILE       write the counterexample as a JSON trace file
  --html FILE            write the counterexample as a self-contained web page
                         (replayed from its trace); none without one
  --check-collisions     keep exact state encodings, fail on a fingerprint
                         collision (slow; for debugging the engine)
  --quiet                no progress lines on stderr

After a complete search every reachable state must still be able to reach
one where every context has finished; a state that cannot is a livelock,
reported with a lasso trace (the steps after the marker repeat forever).`,
  minimize: `usage: slubcheck minimize <token|file> [--json] [--html FILE] [options]

Takes any counterexample (a replay token or a JSON trace file) and returns a
smaller one that violates the same property. First the workload: delta
debugging drops whole operations (and so contexts), then single steps,
while the rest still violates the property; then it drops operations while
some interleaving of the rest, found by a search, still does. Then the
schedule: the shortest interleaving of the reduced workload, and the fewest
preemptions (iterative context bounding, K = 0, 1, 2, ...) over it and over
the original workload. The result has the fewest contexts found, then the
fewest steps, then the fewest preemptions; it is never longer than the
trace given, and it is replayed on the model, so it always reproduces.
Prints before and after (steps, preemptions, contexts, operations), the
trace and its replay token. Exit 1 (the output is a violation).

options:
  --json           one JSON object: property, before, after, trace, token
  --html FILE      write the minimized trace as a self-contained web page
  --max-states N   budget of each bounded search (default 300000)
  --max-seconds S  stop after S seconds (default 60) and return the best so
                   far, saying what was not tried
  --max-memory MB  stop a search when the process uses more memory
  --quiet          no progress lines on stderr`,
  verify: `usage: slubcheck verify <model> --patch P [--patch Q ...] [options]

Runs the model with and without the patches on the same scenarios, with the
same strategy and bounds, and reports per scenario which property
violations the patches fix, which they introduce and which remain, whether
each side's search was complete, and the distinct-state counts of both.
A patch is a built-in name ('slubcheck list') or a TypeScript file
(./my-fix.ts; see docs/patch-tutorial.md).

The verdict is INTRODUCES (exit 1) when the patched side violates a
property, deadlocks or livelocks where the base does not; NOT EXERCISED
(exit 5) when some step the patch replaces or adds never ran on the patched
side in any scenario; otherwise OK (complete), or OK within bounds
(incomplete: ...) when a bound cut a search short (exit 0).

options:
  --scenario NAME     check this scenario (repeatable; default: every scenario
                      of the version that an exhaustive search can finish in
                      seconds: not the large scaled-3cpu, nor stress)
  --scenario-file F   check this scenario file (repeatable; with --scenario,
                      both are checked; either replaces the default set)
  --kasan             generic KASAN on, on both sides
  --strategy S        bfs (default), dfs, random or pct
  --max-states N      bound each search (default 500000)
  --max-depth N       bound each search's depth
  --max-seconds S     bound each search's time (every strategy)
  --max-memory MB     stop a search when the process uses more memory
  --runs N, --seed S  random and pct: runs per search (default 1000) and seed
  --report            a plain-text block to paste into a review, at most 80
                      columns: the version, patches (with content hashes),
                      scenarios and bounds, the verdict, and each violation's
                      minimized trace with its replay command
  --json              one JSON object: version, patches, verdict, complete,
                      the changed code and where it ran, the scenarios
  --quiet             no progress lines on stderr`,
  replay: `usage: slubcheck replay <token|file> [--json] [--html FILE]

Re-runs a counterexample (a replay token, or a JSON trace file written by
--trace-out) step by step. Every recorded action must still be enabled
and carry the recorded name; any mismatch is an error (exit 2). Exit 1
when the replayed path violates a property, 0 when it does not.
--html FILE writes the replayed trace as a self-contained web page.`,
};

const MODEL_OPTIONS = {
  scenario: { type: 'string' },
  'scenario-file': { type: 'string' },
  patch: { type: 'string', multiple: true },
  kasan: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const;
  // `--max-states -1`: keep a value that looks like a negative number with its option, so that the
  // option's own check can say what is wrong with it.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    const next = args[i + 1];
    if (name !== undefined && (all as Record<string, { type: string }>)[name]?.type === 'string' && next !== undefined && /^-[0-9.]/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options: all, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // node's messages are one line already, e.g. "Unknown option '--foo'".
    throw new UsageError(((e as Error).message ?? String(e)).split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''));
  }
  // An option given twice that takes one value is an error, not "the last one wins".
  const seen = new Map<string, number>();
  for (const t of parsed.tokens ?? []) if (t.kind === 'option') seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  for (const [name, n] of seen) {
    if (n > 1 && !(all as Record<string, { multiple?: boolean }>)[name]?.multiple) throw new UsageError(`--${name} is given ${n} times; give it once`);
  }
  return parsed;
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) <= 0) throw new UsageError(`--${name} needs a positive whole number, not '${v}'`);
  if (!Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be below 2^53, not ${v}`);
  return Number(v);
}

function nonNegativeInt(name: string, v: string): number {
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`--${name} needs a whole number, not '${v}'`);
  if (!Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be below 2^53, not ${v}`);
  return Number(v);
}

/** Stops every search of a command honours: Ctrl-C (relayed by bin/slubcheck.js) and --max-memory. */
function stopsOf(io: Io, maxMemory: string | undefined): Stops {
  const mb = positiveInt('max-memory', maxMemory);
  return {
    ...(io.interrupted ? { shouldStop: () => (io.interrupted!() ? 'interrupted (Ctrl-C)' : undefined) } : {}),
    ...(mb !== undefined ? { maxMemoryMb: mb } : {}),
  };
}

function progressPrinter(io: Io, what: string, randomised: boolean) {
  return (p: { states: number; statesPerSecond: number; queue: number; depth: number; seconds: number }) =>
    io.err(`progress: ${what}${what ? ': ' : ''}${p.states} states, ${p.statesPerSecond} states/s, ${randomised ? 'runs left' : 'queue'} ${p.queue}, depth ${p.depth}, ${p.seconds.toFixed(0)} s`);
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

function modelOptions(values: { scenario?: string; 'scenario-file'?: string; patch?: string[]; kasan?: boolean }): ModelOptions {
  if (values.scenario !== undefined && values['scenario-file'] !== undefined) throw new UsageError('give --scenario or --scenario-file, not both');
  const scenario = values['scenario-file'] ?? values.scenario;
  return {
    ...(scenario !== undefined ? { scenario } : {}),
    ...(values.patch !== undefined ? { patches: values.patch } : {}),
    ...(values.kasan ? { kasan: true } : {}),
  };
}

/** The one-line replay command (JSON output); text output wraps it with replayCommandLines. */
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
  if (r.result === 'livelock') return `LIVELOCK after ${r.trace!.steps.length} steps: the steps from ${r.cycleStart! + 1} on repeat forever, and no context can finish`;
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
    reductions: r.reductions,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    seconds: r.seconds,
    property: r.property ?? null,
    property_kind: r.propertyKind ?? null,
    explanation: r.explanation ?? null,
    ...(r.cycleStart !== undefined ? { cycle_start: r.cycleStart } : {}),
    trace: r.path ? traceSteps(r.path) : null,
    token: r.trace ? encodeToken(r.trace) : null,
    replay: r.trace ? replayCommand(r.trace) : null,
    witnesses: r.witnesses,
  };
}

/** What each context that cannot go on waits for, after a deadlock or a livelock. */
function waitLines(model: Model<any, any>, r: CheckResult<any, any>): string[] {
  if ((r.result !== 'deadlock' && r.result !== 'livelock') || !r.path || !model.describeWaits) return [];
  return [...model.describeWaits(r.path.states.at(-1))];
}

/** The text report of a check: verdict, trace table, replay command, figures; at most 80 columns. */
function expectedLine(e: Expected, r: CheckResult<any, any>): string {
  const want = e.result === 'violation' ? `a violation of ${e.property}` : e.result === 'ok' ? 'no violation (complete)' : `a ${e.result}`;
  const verdict = asExpected(e, r);
  const got = r.result === 'ok' ? (r.complete ? 'no violation' : 'no violation within the bounds') : r.result === 'violation' ? `a violation of ${r.property}` : `a ${r.result}`;
  return `expected by ${e.by}: ${want}: ${verdict === true ? 'as expected' : verdict === false ? `NOT AS EXPECTED (found ${got})` : 'not shown (the search was cut short before it could tell)'}`;
}

export function reportText(model: Model<any, any>, r: CheckResult<any, any>, io: Io): void {
  for (const l of wrap(verdictLine(r), 80, '  ')) io.out(l);
  if (r.trace && r.path) {
    if (r.explanation) for (const l of wrap(`  ${r.explanation}`, 80, '  ')) io.out(l);
    for (const w of waitLines(model, r)) for (const l of wrap(`  ${w}`, 80, '    ')) io.out(l);
    io.out('');
    io.out(renderTable(model, r.path, r.cycleStart !== undefined ? { cycleStart: r.cycleStart } : {}));
    io.out('');
    for (const l of replayCommandLines(r.trace)) io.out(l);
  }
  const rate = r.seconds > 0 ? Math.round(r.states / r.seconds) : r.states;
  io.out(`${r.states} distinct states, ${r.transitions} transitions, depth ${r.depth}, ${r.seconds.toFixed(2)} s (${rate} states/s)`);
  if (r.reductions.length) io.out(`reduced by ${r.reductions.join(', ')}${r.reductions.includes('symmetry') ? ': one state per class of interchangeable CPUs' : ''}`);
  if (model.expected) for (const l of wrap(expectedLine(model.expected, r), 80, '  ')) io.out(l);
  const missing = r.witnesses.filter((w) => !w.reached);
  if (missing.length > 0 && r.result === 'ok') {
    for (const l of wrap(`warning: never reached (the search may be vacuous here): ${missing.map((w) => w.name).join(', ')}`, 80, '  ')) io.out(l);
  }
}

function cmdList(registry: Registry, io: Io): number {
  const w = Math.max(...registry.entries.map((e) => e.id.length));
  for (const e of registry.entries) {
    io.out(`${e.id.padEnd(w)}  ${e.summary}`);
    for (const c of e.configurations ?? []) io.out(`${' '.repeat(w)}    --scenario ${c.name}${c.exhaustive === false ? ' (random and PCT only)' : ''}: ${c.summary}`);
    for (const p of e.patches ?? []) io.out(`${' '.repeat(w)}    --patch ${p.name}: ${p.summary}`);
  }
  return 0;
}

/** Before and after, one line each: `before: 53 steps, 1 preemption, 4 contexts, 11 operations`. */
function statsLines(m: Minimized<any, any>): string[] {
  const f = (t: Minimized<any, any>['before']) =>
    `${t.steps} steps, ${t.preemptions} preemption${t.preemptions === 1 ? '' : 's'}, ${t.contexts} context${t.contexts === 1 ? '' : 's'}, ${t.operations} operation${t.operations === 1 ? '' : 's'}`;
  return [`before: ${f(m.before)}`, `after:  ${f(m.after)}`];
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
  const { values, positionals } = parse(args, {
    json: { type: 'boolean' },
    'max-states': { type: 'string' },
    'max-seconds': { type: 'string' },
    'max-memory': { type: 'string' },
    quiet: { type: 'boolean' },
    html: { type: 'string' },
  });
  if (values.help) return io.out(HELP.minimize!), 0;
  if (positionals.length !== 1) throw new UsageError(`minimize takes one replay token or trace file${positionals.length > 1 ? `, got ${positionals.length}` : ''}`);
  const trace = readTraceArgument(positionals[0]!);
  if (trace.property === 'livelock') throw new UsageError('minimize does not shrink livelock traces; replay shows the lasso');
  const entry = registry.resolve(trace.model);
  if (!entry) throw new UsageError(`the trace is for unknown model '${trace.model}'`);
  const model = entry.build(trace.config);
  const maxStates = positiveInt('max-states', values['max-states']);
  // A minute by default: the best trace found by then is returned, with what was not tried.
  const maxSeconds = positiveNumber('max-seconds', values['max-seconds']) ?? 60;
  const m = minimize(model, trace, {
    ...(maxStates !== undefined ? { maxStates } : {}),
    maxSeconds,
    ...stopsOf(io, values['max-memory']),
    ...(values.quiet ? {} : { onProgress: progressPrinter(io, 'minimize', false) }),
  });
  writeHtmlOption(io.err, values.html, model, m.trace, replayCommand(m.trace));
  if (values.json) {
    io.out(JSON.stringify({ model: model.id, config: model.config, ...minimizedJson(m) }));
    return 1;
  }
  for (const l of wrap(`slubcheck: minimizing a counterexample of ${model.id}${describeConfig(model.config)}`, 80, '  ')) io.out(l);
  io.out(`VIOLATION of ${m.property} (${m.kind})`);
  if (m.explanation) for (const l of wrap(`  ${m.explanation}`, 80, '  ')) io.out(l);
  for (const l of statsLines(m)) io.out(l);
  if (m.note) for (const l of wrap(`note: ${m.note}`, 80, '  ')) io.out(l);
  io.out('');
  io.out(renderTable(model, m.path));
  io.out('');
  for (const l of replayCommandLines(m.trace)) io.out(l);
  return 1;
}

/**
 * The scenarios a multi-scenario command (verify, coverage) runs: those named
 * and the scenario files given, or the entry's default set when neither is.
 * A scenario file is named by its path (the model resolves it).
 */
function scenarioList(entry: ModelEntry, names: string[] | undefined, files: string[] | undefined, byDefault: (c: NonNullable<ModelEntry['configurations']>[number]) => boolean): string[] {
  const configurations = entry.configurations ?? [];
  for (const s of names ?? []) if (!configurations.some((c) => c.name === s)) throw new UsageError(`unknown scenario '${s}' for ${entry.id}: try 'slubcheck list'${/[/\\]|\.[mc]?[jt]s$/.test(s) ? ' (a scenario file goes with --scenario-file)' : ''}`);
  const all = [...(names ?? []), ...(files ?? [])];
  const dup = all.find((s, i) => all.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`${(files ?? []).includes(dup) ? '--scenario-file' : '--scenario'} ${dup} is given twice`);
  return all.length > 0 ? all : configurations.filter(byDefault).map((c) => c.name);
}

function cmdVerify(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, {
    scenario: { type: 'string', multiple: true },
    'scenario-file': { type: 'string', multiple: true },
    patch: { type: 'string', multiple: true },
    kasan: { type: 'boolean' },
    strategy: { type: 'string' },
    'max-states': { type: 'string' },
    'max-depth': { type: 'string' },
    'max-seconds': { type: 'string' },
    'max-memory': { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    report: { type: 'boolean' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return io.out(HELP.verify!), 0;
  if (positionals.length > 1) throw new UsageError(`verify takes one model, got ${positionals.join(' ')}`);
  const entry = resolveEntry(registry, positionals[0]);
  const patches = values.patch ?? [];
  if (patches.length === 0) throw new UsageError('verify needs at least one --patch (a built-in name or a file)');
  const strategy = (values.strategy ?? 'bfs') as 'bfs' | 'dfs' | 'random' | 'pct';
  if (!['bfs', 'dfs', 'random', 'pct'].includes(strategy)) throw new UsageError(`unknown strategy '${strategy}': use bfs, dfs, random or pct`);
  const randomised = strategy === 'random' || strategy === 'pct';
  for (const flag of ['runs', 'seed'] as const) {
    if (values[flag] !== undefined && !randomised) throw new UsageError(`--${flag} goes with --strategy random or pct`);
  }
  const configurations = entry.configurations ?? [];
  const scenarios = scenarioList(entry, values.scenario, values['scenario-file'], (c) => (c.exhaustive !== false || randomised) && !c.large);
  const maxStates = positiveInt('max-states', values['max-states']) ?? 500_000;
  const maxDepth = positiveInt('max-depth', values['max-depth']);
  const maxSeconds = positiveNumber('max-seconds', values['max-seconds']);
  const opts = {
    strategy,
    explore: { maxStates, ...(maxDepth !== undefined ? { maxDepth } : {}), ...(maxSeconds !== undefined ? { maxSeconds } : {}) },
    runs: positiveInt('runs', values.runs) ?? 1000,
    seed: values.seed === undefined ? 1 : nonNegativeInt('seed', values.seed),
    ...stopsOf(io, values['max-memory']),
    ...(values.quiet ? {} : { onProgress: (what: string, p: Parameters<ReturnType<typeof progressPrinter>>[0]) => progressPrinter(io, what, randomised)(p) }),
  };
  const kasan = !!values.kasan;
  const v = verify(entry, scenarios, patches, kasan, opts);
  if (values.json) io.out(JSON.stringify(verifyJson(entry, patches, kasan, opts, v, VERSION)));
  else
    verifyText(io, entry, patches, kasan, opts, v, {
      report: !!values.report,
      version: VERSION,
      scenarioSummary: (name) => entry.describeScenario?.(name) ?? configurations.find((c) => c.name === name)?.summary,
      otherScenarios: configurations.map((c) => c.name).filter((c) => !scenarios.includes(c)),
    });
  return verifyExitCode(v);
}

/**
 * Random and PCT runs over `--workers N` threads (default: one per core, and
 * at most one per 500 runs, since a worker takes a second or two to start);
 * the results do not depend on N.
 */
function portfolio(registry: Registry, model: Model<any, any>, workers: number | undefined, runs: number): { workers?: number; shardWorker?: { url: URL; data: unknown } } {
  const n = workers ?? Math.min(availableParallelism(), Math.ceil(runs / 500));
  if (n <= 1 || !registry.shardWorker) return {};
  return { workers: n, shardWorker: registry.shardWorker(model.id, model.config) };
}

/** `--reduce none|symmetry|por|all` (default all): whether to use the model's symmetry. */
function reduceOption(v: string | undefined, randomised: boolean): boolean {
  const reduce = v ?? 'all';
  if (!['none', 'symmetry', 'por', 'all'].includes(reduce)) throw new UsageError(`unknown --reduce '${reduce}': use none, symmetry, por or all`);
  if (reduce === 'por') throw new UsageError('--reduce por: partial-order reduction is not implemented yet; use --reduce symmetry, none or all (all is symmetry today)');
  if (v !== undefined && randomised) throw new UsageError('--reduce goes with the exhaustive strategies (bfs, dfs)');
  return reduce !== 'none';
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
    'max-memory': { type: 'string' },
    'no-liveness': { type: 'boolean' },
    json: { type: 'boolean' },
    'trace-out': { type: 'string' },
    html: { type: 'string' },
    'check-collisions': { type: 'boolean' },
    reduce: { type: 'string' },
    workers: { type: 'string' },
    checkpoint: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    resume: { type: 'string' },
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
  if (values['no-liveness'] && randomised) throw new UsageError('--no-liveness goes with the exhaustive strategies (bfs, dfs)');
  const model = buildModel(entry, modelOptions(values));
  const maxStates = positiveInt('max-states', values['max-states']);
  const maxDepth = positiveInt('max-depth', values['max-depth']);
  const maxSeconds = positiveNumber('max-seconds', values['max-seconds']);
  const preemptions = values.preemptions === undefined ? undefined : nonNegativeInt('preemptions', values.preemptions);
  const symmetry = reduceOption(values.reduce, randomised);
  const workers = positiveInt('workers', values.workers);
  if (workers !== undefined && workers > 1 && !randomised) throw new UsageError('--workers: exhaustive searches (bfs, dfs) run on one thread; parallel exhaustive search is not implemented yet (use --workers with --strategy random or pct)');
  for (const flag of ['checkpoint', 'checkpoint-every', 'resume'] as const) {
    if (values[flag] !== undefined && (randomised || values.preemptions !== undefined)) throw new UsageError(`--${flag} goes with the exhaustive strategies (bfs, dfs) without --preemptions`);
  }
  if (values['checkpoint-every'] !== undefined && values.checkpoint === undefined) throw new UsageError('--checkpoint-every goes with --checkpoint FILE');
  const checkpointEvery = positiveNumber('checkpoint-every', values['checkpoint-every']);
  const stops = stopsOf(io, values['max-memory']);
  const onProgress = values.quiet ? undefined : progressPrinter(io, '', randomised);
  const scenario = values.scenario !== undefined ? entry.configurations?.find((c) => c.name === values.scenario) : undefined;
  if (scenario?.exhaustive === false && !randomised && maxStates === undefined && maxSeconds === undefined) {
    io.err(`warning: scenario ${scenario.name} is meant for random search (--strategy pct); a ${strategy} search of it is unlikely to complete (bound it with --max-states or --max-seconds)`);
  }
  let seed: number | undefined;
  let r: CheckResult<any, any>;
  if (randomised) {
    // The only clock read in slubcheck: a default seed, printed so that the run can be repeated.
    seed = values.seed === undefined ? Date.now() % 1_000_000_007 : nonNegativeInt('seed', values.seed);
    r = search(model, {
      strategy: strategy as 'random' | 'pct',
      runs: positiveInt('runs', values.runs) ?? 1000,
      seed,
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(values.depth !== undefined ? { pctDepth: positiveInt('depth', values.depth)! } : {}),
      ...(maxSeconds !== undefined ? { maxSeconds } : {}),
      ...portfolio(registry, model, workers, positiveInt('runs', values.runs) ?? 1000),
      ...stops,
      ...(onProgress ? { onProgress } : {}),
    });
  } else {
    const opts = {
      strategy: strategy as 'bfs' | 'dfs',
      ...(maxStates !== undefined ? { maxStates } : {}),
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(maxSeconds !== undefined ? { maxSeconds } : {}),
      ...(values['no-liveness'] ? { liveness: false } : {}),
      symmetry,
      ...(values.checkpoint !== undefined ? { checkpoint: { path: values.checkpoint, ...(checkpointEvery !== undefined ? { everySeconds: checkpointEvery } : {}) } } : {}),
      ...(values.resume !== undefined ? { resume: values.resume } : {}),
      checkCollisions: !!values['check-collisions'],
      ...stops,
      ...(onProgress ? { onProgress } : {}),
    };
    r = preemptions === undefined ? search(model, opts) : unwrapResult(model, search(restrict(model, { preemptions }), { ...opts, liveness: false }), preemptions);
  }
  // The code the patches change that this search never ran (a misspelt new label, or a scenario that does not reach
  // it): said, not silently passed over. A portfolio's workers keep their own coverage, so it is not known there.
  const patchArgs = values.patch ?? [];
  const notRun =
    patchArgs.length > 0 && entry.changedCode && model.coverage && !(workers !== undefined && workers > 1)
      ? entry.changedCode(patchArgs).filter((c) => !((model.coverage!().get(c) ?? 0) > 0))
      : [];
  let min: Minimized<any, any> | undefined;
  if (values.minimize && r.trace && r.result !== 'livelock') {
    // The same budget as the minimize command: a minute, then the best trace so far.
    min = minimize(model, r.trace, { maxSeconds: 60, ...stops });
    r = { ...r, trace: min.trace, path: min.path, ...(min.explanation !== undefined ? { explanation: min.explanation } : {}) };
  }
  if (values['trace-out'] && r.trace) {
    try {
      writeFileSync(values['trace-out'], traceToJson(r.trace) + '\n');
    } catch (e) {
      throw new UsageError(`cannot write --trace-out ${values['trace-out']}: ${(e as Error).message}`);
    }
  }
  writeHtmlOption(io.err, values.html, model, r.trace, r.trace ? replayCommand(r.trace) : undefined);
  if (values.json) {
    io.out(
      JSON.stringify({
        ...resultJson(r, model.config),
        ...(seed !== undefined ? { seed } : {}),
        ...(min ? { minimized: { before: min.before, after: min.after } } : {}),
        ...(model.expected ? { expected: { ...model.expected }, as_expected: asExpected(model.expected, r) } : {}),
        ...(notRun.length ? { patch_code_not_run: notRun } : {}),
        ...(waitLines(model, r).length ? { waits: waitLines(model, r) } : {}),
      }),
    );
  } else {
    for (const l of wrap(`slubcheck: ${model.id}${describeConfig(model.config)} (${strategy}${seed !== undefined ? ` seed ${seed}` : ''})`, 80, '  ')) io.out(l);
    if (min) for (const l of statsLines(min)) io.out(`minimized, ${l}`);
    reportText(model, r, io);
    if (notRun.length) for (const l of wrap(`warning: this search never ran the patch's ${notRun.join(', ')} (a scenario that does not reach it, or a label no step goes to; slubcheck verify says NOT EXERCISED)`, 80, '  ')) io.out(l);
    if (values['trace-out'] && r.trace) io.out(`trace written to ${values['trace-out']}`);
  }
  return r.result === 'ok' ? EXIT.ok : EXIT.violation;
}

function describeConfig(config: Plain): string {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return '';
  const parts = Object.entries(config)
    .filter(([, v]) => v !== null && v !== false && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => (v === true ? k : `${k} ${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? `${typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : '?'} (inline)` : String(v)}`));
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

function cmdReplay(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, html: { type: 'string' } });
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
  // A livelock trace is a lasso: the replay checks that its cycle closes (the last state is the state before the cycle).
  if (trace.property === 'livelock' && trace.cycleStart !== undefined) {
    const from = path.states[trace.cycleStart];
    if (from === undefined || stateKey(from) !== stateKey(path.states.at(-1))) throw new UsageError('the livelock trace does not return to the state where its cycle starts');
  }
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
  writeHtmlOption(io.err, values.html, model, trace, replayCommand(trace));
  if (values.json) {
    io.out(
      JSON.stringify({
        model: model.id,
        config: model.config,
        result: trace.property === 'livelock' && trace.cycleStart !== undefined ? 'livelock' : violated ? (violated.kind === 'deadlock' ? 'deadlock' : 'violation') : 'ok',
        property: trace.property === 'livelock' ? 'livelock' : (violated?.name ?? null),
        property_kind: trace.property === 'livelock' ? 'livelock' : (violated?.kind ?? null),
        steps: path.actions.length,
        trace: traceSteps(path),
        token: encodeToken(trace),
      }),
    );
  } else if (trace.property === 'livelock' && trace.cycleStart !== undefined) {
    for (const l of wrap(`slubcheck: replaying ${path.actions.length} steps of ${model.id}${describeConfig(model.config)}`, 80, '  ')) io.out(l);
    io.out('');
    io.out(renderTable(model, path, { cycleStart: trace.cycleStart }));
    io.out('');
    io.out(`replayed: LIVELOCK: steps ${trace.cycleStart + 1} to ${path.actions.length} return to the state before step ${trace.cycleStart + 1}`);
    return EXIT.violation;
  } else {
    for (const l of wrap(`slubcheck: replaying ${path.actions.length} steps of ${model.id}${describeConfig(model.config)}`, 80, '  ')) io.out(l);
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
  return violated || trace.property === 'livelock' ? EXIT.violation : EXIT.ok;
}

export type Command = (registry: Registry, args: string[], io: Io) => number;

/** Commands added by later layers (e.g. `verify`), keyed by name. */
export const extraCommands = new Map<string, { run: Command; help: string }>();

function cmdCoverage(registry: Registry, args: string[], io: Io): number {
  const { values, positionals } = parse(args, {
    scenario: { type: 'string', multiple: true },
    'scenario-file': { type: 'string', multiple: true },
    patch: { type: 'string', multiple: true },
    kasan: { type: 'boolean' },
    'max-states': { type: 'string' },
    'max-seconds': { type: 'string' },
    'max-memory': { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return io.out(HELP.coverage!), 0;
  if (positionals.length > 1) throw new UsageError(`coverage takes one model, got ${positionals.join(' ')}`);
  const entry = resolveEntry(registry, positionals[0]);
  if (!entry.describeSteps || !entry.configFromOptions) throw new UsageError(`model ${entry.id} does not describe its steps`);
  const scenarios = scenarioList(entry, values.scenario, values['scenario-file'], (c) => c.exhaustive !== false && !c.large);
  const maxStates = positiveInt('max-states', values['max-states']) ?? 500_000;
  const maxSeconds = positiveNumber('max-seconds', values['max-seconds']);
  const patches = values.patch ?? [];
  const kasan = !!values.kasan;
  const steps = entry.describeSteps(entry.configFromOptions({ patches, kasan, ...(scenarios[0] !== undefined ? { scenario: scenarios[0] } : {}) })).map((l) => l.split(/\s+/)[0]!);
  const reached = new Map<string, Map<string, number>>(steps.map((st) => [st, new Map()]));
  const runs: { scenario: string; complete: boolean; states: number; result: string }[] = [];
  for (const scenario of scenarios) {
    const model = buildModel(entry, { scenario, patches, kasan });
    const onProgress = values.quiet ? undefined : progressPrinter(io, scenario, false);
    const r = search(model, { maxStates, ...(maxSeconds !== undefined ? { maxSeconds } : {}), ...stopsOf(io, values['max-memory']), ...(onProgress ? { onProgress } : {}) });
    runs.push({ scenario, complete: r.complete, states: r.states, result: r.result });
    for (const [step, n] of model.coverage?.() ?? []) if (reached.has(step)) reached.get(step)!.set(scenario, n);
  }
  const unreached = steps.filter((st) => reached.get(st)!.size === 0);
  if (values.json) {
    io.out(JSON.stringify({ model: entry.id, patches, kasan, scenarios: runs, steps: Object.fromEntries(steps.map((st) => [st, Object.fromEntries(reached.get(st)!)])), unreached }));
    return EXIT.ok;
  }
  for (const l of wrap(`slubcheck coverage: ${entry.id}${patches.length ? ` + ${patches.join(', ')}` : ''}${kasan ? ', kasan' : ''}`, 80, '  ')) io.out(l);
  for (const r of runs) for (const l of wrap(`  ${r.scenario}: ${r.states} states, ${r.complete ? 'complete' : `INCOMPLETE (${r.result === 'ok' ? 'bounded' : `stopped at a ${r.result}`})`}`, 80, '      ')) io.out(l);
  io.out('');
  const rows = steps.map((st) => [st, [...reached.get(st)!].map(([sc, n]) => `${sc} (${n})`).join(', ') || 'UNREACHED']);
  for (const l of renderGrid(['step', 'reached in (transitions)'], rows)) io.out(l);
  io.out('');
  for (const l of wrap(unreached.length ? `${unreached.length} of ${steps.length} steps unreached: ${unreached.join(', ')}` : `every one of the ${steps.length} steps is reached`, 80, '  ')) io.out(l);
  if (runs.some((r) => !r.complete)) io.out('(a search that did not complete may have missed steps that are reachable)');
  return EXIT.ok;
}

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
    if (cmd === '--version') return io.out(`slubcheck ${VERSION}`), 0;
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
      if (positionals.length > 1) throw new UsageError(`steps takes one model, got ${positionals.join(' ')}`);
      const entry = resolveEntry(registry, positionals[0]);
      if (!entry.describeSteps || !entry.configFromOptions) throw new UsageError(`model ${entry.id} does not describe its steps`);
      for (const line of entry.describeSteps(entry.configFromOptions(modelOptions(values)))) io.out(line);
      return 0;
    }
    if (cmd === 'coverage') return cmdCoverage(registry, rest, io);
    const extra = extraCommands.get(cmd);
    if (extra) return extra.run(registry, rest, io);
    if (cmd.startsWith('-')) throw new UsageError(`unknown option '${cmd}': try 'slubcheck --help'`);
    throw new UsageError(`unknown command '${cmd}': try 'slubcheck --help'`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`slubcheck: error: ${e.message.split('\n')[0]}`);
      return EXIT.usage;
    }
    if (e instanceof ModelError) {
      io.err(`slubcheck: ${e.message.split('\n')[0]}`);
      return EXIT.modelError;
    }
    if (e instanceof EngineError) {
      io.err(`slubcheck: ${e.message.split('\n')[0]} (please report this)`);
      return EXIT.engineBug;
    }
    throw e;
  }
}

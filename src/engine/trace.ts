// Counterexample traces: a path through a model, named by the model id, its
// configuration and the list of action choices. A trace has two forms:
// - a compact, versioned replay token (`sc1.` + base64url of deflated JSON),
//   short enough to paste into an email;
// - a JSON document (for `--trace-out` and `replay FILE`).
// Each recorded step keeps the index of the chosen action among the enabled
// ones and the context and step names, so replay can check that the model
// still offers exactly that action.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { readFileSync, existsSync } from 'node:fs';
import type { Action, Model, Plain } from './model.ts';
import { ModelError, UsageError } from './errors.ts';
import { produceChecked } from './run.ts';

export const TOKEN_PREFIX = 'sc1.';
export const TRACE_FILE_VERSION = 1;

export interface TraceStep {
  /** Index of the action among the enabled actions of the state before it. */
  readonly index: number;
  readonly context: string;
  readonly step: string;
}

export interface Trace {
  readonly model: string;
  readonly config: Plain;
  /** Index of the initial state the path starts from. */
  readonly init: number;
  readonly steps: readonly TraceStep[];
  /** The property the trace violates, when it is a counterexample (`livelock` for a lasso). */
  readonly property?: string;
  /** For a livelock: the index of the first step of the cycle (the steps from there return to the state before it). */
  readonly cycleStart?: number;
}

export function encodeToken(trace: Trace): string {
  const body = {
    m: trace.model,
    c: trace.config,
    i: trace.init,
    p: trace.property ?? null,
    s: trace.steps.map((s) => [s.index, s.context, s.step]),
    ...(trace.cycleStart !== undefined ? { l: trace.cycleStart } : {}),
  };
  return TOKEN_PREFIX + deflateRawSync(Buffer.from(JSON.stringify(body)), { level: 9 }).toString('base64url');
}

export function decodeToken(token: string): Trace {
  // A token pasted from an email may be split over lines (shell continuation backslashes) or indented.
  const t = token.replace(/\\\r?\n/g, '').replace(/\s+/g, '');
  if (!t.startsWith('sc')) throw new UsageError(`not a replay token: it should start with ${TOKEN_PREFIX}`);
  if (!t.startsWith(TOKEN_PREFIX)) {
    throw new UsageError(`replay token version ${t.slice(2, t.indexOf('.'))} is not supported (this slubcheck reads ${TOKEN_PREFIX})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(inflateRawSync(Buffer.from(t.slice(TOKEN_PREFIX.length), 'base64url')).toString('utf8'));
  } catch {
    throw new UsageError('malformed replay token: it does not decode');
  }
  const b = body as { m?: unknown; c?: unknown; i?: unknown; p?: unknown; s?: unknown; l?: unknown };
  if (typeof b !== 'object' || b === null || typeof b.m !== 'string' || !Array.isArray(b.s) || typeof b.i !== 'number') {
    throw new UsageError('malformed replay token: missing model or steps');
  }
  const steps = b.s.map((x: unknown, n: number) => {
    if (!Array.isArray(x) || typeof x[0] !== 'number' || typeof x[1] !== 'string' || typeof x[2] !== 'string') {
      throw new UsageError(`malformed replay token: step ${n + 1} is not [index, context, step]`);
    }
    return { index: x[0], context: x[1], step: x[2] };
  });
  return {
    model: b.m,
    config: (b.c ?? null) as Plain,
    init: b.i,
    steps,
    ...(typeof b.p === 'string' ? { property: b.p } : {}),
    ...(typeof b.l === 'number' ? { cycleStart: b.l } : {}),
  };
}

export function traceToJson(trace: Trace, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      slubcheck_trace: TRACE_FILE_VERSION,
      model: trace.model,
      config: trace.config,
      init: trace.init,
      property: trace.property ?? null,
      ...(trace.cycleStart !== undefined ? { cycle_start: trace.cycleStart } : {}),
      steps: trace.steps,
      token: encodeToken(trace),
      ...extra,
    },
    null,
    2,
  );
}

export function parseTraceJson(text: string, source = 'trace file'): Trace {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`malformed ${source}: not JSON`);
  }
  if (typeof doc !== 'object' || doc === null) throw new UsageError(`malformed ${source}: not a JSON object`);
  if (doc.slubcheck_trace !== TRACE_FILE_VERSION) {
    throw new UsageError(`malformed ${source}: expected "slubcheck_trace": ${TRACE_FILE_VERSION}`);
  }
  if (typeof doc.model !== 'string' || !Array.isArray(doc.steps)) throw new UsageError(`malformed ${source}: missing model or steps`);
  const steps = doc.steps.map((s: any, n: number) => {
    if (typeof s !== 'object' || s === null || typeof s.index !== 'number' || typeof s.context !== 'string' || typeof s.step !== 'string') {
      throw new UsageError(`malformed ${source}: step ${n + 1} needs index, context and step`);
    }
    return { index: s.index, context: s.context, step: s.step };
  });
  return {
    model: doc.model,
    config: doc.config ?? null,
    init: typeof doc.init === 'number' ? doc.init : 0,
    steps,
    ...(typeof doc.property === 'string' ? { property: doc.property } : {}),
    ...(typeof doc.cycle_start === 'number' ? { cycleStart: doc.cycle_start } : {}),
  };
}

/** A token, or the path of a JSON trace file. */
export function readTraceArgument(arg: string): Trace {
  if (arg.trim().startsWith('sc') && !existsSync(arg)) return decodeToken(arg);
  if (!existsSync(arg)) throw new UsageError(`no such trace file, and not a replay token: ${arg}`);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read trace file ${arg}: ${(e as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith(TOKEN_PREFIX)) return decodeToken(trimmed);
  return parseTraceJson(text, `trace file ${arg}`);
}

/** A replayed path: the states and the actions between them. */
export interface Path<S, A extends Action = Action> {
  readonly states: readonly S[];
  readonly actions: readonly A[];
}

export class ReplayMismatch extends UsageError {}

/**
 * Re-runs a trace step by step. Each recorded action must be enabled at its
 * index and carry the recorded context and step names; any mismatch throws
 * ReplayMismatch naming the step.
 */
export function replay<S, A extends Action>(model: Model<S, A>, trace: Trace): Path<S, A> {
  if (trace.model !== model.id) throw new ReplayMismatch(`the trace is for model ${trace.model}, not ${model.id}`);
  const inits = model.initStates();
  const init = inits[trace.init];
  if (init === undefined) throw new ReplayMismatch(`the trace starts from initial state ${trace.init}, but ${model.id} has ${inits.length}`);
  const states: S[] = [init];
  const actions: A[] = [];
  let s: S = init as S;
  trace.steps.forEach((rec, n) => {
    const enabled = model.actions(s);
    const a = enabled[rec.index];
    if (a === undefined) {
      throw new ReplayMismatch(
        `replay mismatch at step ${n + 1}: action ${rec.index} (${rec.context} ${rec.step}) is not enabled; ${enabled.length} actions are`,
      );
    }
    if (a.context !== rec.context || a.step !== rec.step) {
      throw new ReplayMismatch(
        `replay mismatch at step ${n + 1}: expected ${rec.context} ${rec.step}, the model offers ${a.context} ${a.step} at index ${rec.index}`,
      );
    }
    s = produceChecked(model, s, a);
    states.push(s);
    actions.push(a);
  });
  return { states, actions };
}

/** Builds a trace from a replayed or explored path. */
export function traceOf<A extends Action>(model: Model<any, A>, init: number, indices: readonly number[], actions: readonly A[], property?: string, cycleStart?: number): Trace {
  if (indices.length !== actions.length) throw new ModelError(model.id, 'trace indices and actions differ in length');
  return {
    model: model.id,
    config: model.config,
    init,
    steps: actions.map((a, i) => ({ index: indices[i]!, context: a.context, step: a.step })),
    ...(property !== undefined ? { property } : {}),
    ...(cycleStart !== undefined ? { cycleStart } : {}),
  };
}

/** `npx slubcheck replay <token>`, split into lines of at most `width` columns with shell continuations (paste it into a shell as it is). */
export function replayCommandLines(trace: Trace, width = 80, prefix = 'replay: '): string[] {
  const token = encodeToken(trace);
  const head = `${prefix}npx slubcheck replay `;
  if (head.length + token.length <= width) return [head + token];
  const out = [head + '\\'];
  for (let i = 0; i < token.length; i += width - 1) {
    const piece = token.slice(i, i + width - 1);
    out.push(i + width - 1 < token.length ? piece + '\\' : piece);
  }
  return out;
}

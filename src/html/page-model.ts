// The HTML page's view model: everything the page shows, computed in Node
// from a replayed trace, as plain JSON. The page script only draws it, so
// what the page says is tested here, without a browser: the lanes and step
// text are the terminal table's (stepCells), the changed fields of a step
// are `diff` of the views around it, and the drawing and lock holders come
// from the model's optional `picture` hook, applied to each state's view.
import type { Action, Model, Plain } from '../engine/model.ts';
import { diff, stepCells } from '../engine/render.ts';
import { encodeToken, type Path, type Trace } from '../engine/trace.ts';
import type { Picture } from './picture.ts';

export const PAGE_MODEL_VERSION = 1;

export interface PageStep {
  /** 1-based, as in the terminal table. */
  readonly n: number;
  readonly context: string;
  /** Index of the context's lane in `lanes`. */
  readonly lane: number;
  /** The terminal table's cell: the step name with its choices, then one `  path: before -> after` line per change. */
  readonly cell: readonly string[];
  /** The view paths the step changed (`diff` of the views before and after it), in diff's order. */
  readonly changed: readonly string[];
}

export interface PageViolation {
  /** A property name, or `deadlock` or `livelock`. */
  readonly property: string;
  readonly kind: string;
  readonly description: string | null;
  /** What exactly is wrong in the last state (the property's `explain`). */
  readonly explanation: string | null;
  /** The state it is seen in (0 is the initial state): the last one. */
  readonly step: number;
}

export interface PageModel {
  readonly format: number;
  /** e.g. `17c38c88 [scenario generic]`. */
  readonly title: string;
  readonly model: string;
  readonly config: Plain;
  /** The contexts that took a step, in the model's order: the columns of the terminal table. */
  readonly lanes: readonly string[];
  readonly steps: readonly PageStep[];
  /** The view of every state, from the initial one (index 0) to the last (index = steps.length). */
  readonly states: readonly Plain[];
  /** The model's distinct pictures (consecutive states often look the same), or null when the model draws none. */
  readonly pictures: readonly Picture[] | null;
  /** For every state: the index of its picture in `pictures`. */
  readonly pictureOf: readonly number[] | null;
  /** For every state: the locks each context holds in it (contexts holding none are left out). */
  readonly holding: readonly Readonly<Record<string, readonly string[]>>[];
  readonly violation: PageViolation | null;
  /** For a livelock: the 0-based index of the first step of the repeating cycle. */
  readonly cycleStart: number | null;
  readonly token: string;
  /** The command that reproduces the page's trace. */
  readonly command: string;
}

export interface PageOptions {
  /** The command line that reproduces the trace; `npx slubcheck replay <token>` when absent. */
  readonly command?: string;
}

/** The lanes of the terminal table: contexts that took a step, in the model's order, then any others in order of appearance. */
export function lanesOf(contexts: readonly string[], actions: readonly Action[]): string[] {
  const used = new Set(actions.map((a) => a.context));
  return [...contexts.filter((c) => used.has(c)), ...[...used].filter((c) => !contexts.includes(c))];
}

function describeConfig(config: Plain): string {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return '';
  const parts = Object.entries(config)
    .filter(([, v]) => v !== null && v !== false && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => (v === true ? k : typeof v === 'object' && !Array.isArray(v) ? `${k} (inline)` : `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`));
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

function holdersOf(picture: Picture | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of picture?.locks ?? []) if (l.holder !== null) (out[l.holder] ??= []).push(l.name);
  return out;
}

function violationOf<S>(model: Model<S, any>, trace: Trace, last: S, lastIndex: number): PageViolation | null {
  const name = trace.property;
  if (name === undefined) return null;
  if (name === 'livelock') {
    const from = (trace.cycleStart ?? 0) + 1;
    return { property: name, kind: 'livelock', description: `the steps from ${from} on repeat forever, and no context can finish`, explanation: null, step: lastIndex };
  }
  if (name === 'deadlock') {
    return { property: name, kind: 'deadlock', description: 'no context can take a step and not every context has finished', explanation: null, step: lastIndex };
  }
  const p = model.properties.find((q) => q.name === name);
  return {
    property: name,
    kind: p?.kind ?? 'always',
    description: p?.description ?? null,
    explanation: p?.explain?.(last) ?? null,
    step: lastIndex,
  };
}

/** Builds the page's view model from a trace and its replayed path (`replay(model, trace)`). */
export function buildPageModel<S, A extends Action>(model: Model<S, A>, trace: Trace, path: Path<S, A>, opts: PageOptions = {}): PageModel {
  const view = (s: S): Plain => (model.view ? model.view(s) : (s as Plain));
  const states = path.states.map(view);
  const lanes = lanesOf(model.contexts, path.actions);
  const cells = stepCells(model, path);
  const steps = path.actions.map((a, i) => ({
    n: i + 1,
    context: a.context,
    lane: lanes.indexOf(a.context),
    cell: cells[i]!,
    changed: diff(states[i], states[i + 1]).map((c) => c.path),
  }));
  const drawn = model.picture ? states.map((v) => model.picture!(v)) : null;
  const distinct = drawn ? [...new Set(drawn.map((p) => JSON.stringify(p)))] : null;
  const token = encodeToken(trace);
  const last = path.states.length - 1;
  return {
    format: PAGE_MODEL_VERSION,
    title: `${model.id}${describeConfig(model.config)}`,
    model: model.id,
    config: model.config,
    lanes,
    steps,
    states,
    pictures: distinct ? distinct.map((p) => JSON.parse(p) as Picture) : null,
    pictureOf: drawn && distinct ? drawn.map((p) => distinct.indexOf(JSON.stringify(p))) : null,
    holding: states.map((_v, i) => holdersOf(drawn?.[i] ?? null)),
    violation: violationOf(model, trace, path.states[last]!, last),
    cycleStart: trace.cycleStart ?? null,
    token,
    command: opts.command ?? `npx slubcheck replay ${token}`,
  };
}

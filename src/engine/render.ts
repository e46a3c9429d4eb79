// Rendering a path the way kernel developers write races in email: one
// column per execution context, one row per step in the column of the
// context that took it, and under the step name the fields that it changed
// (diffed on the model's view of the state).
import type { Action, Model, Plain } from './model.ts';
import type { Path } from './trace.ts';

export interface Change {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFlat(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
}

/** The leaf-level differences between two plain values. */
export function diff(before: unknown, after: unknown, path = ''): Change[] {
  if (before === after) return [];
  if (isRecord(before) && isRecord(after)) {
    const out: Change[] = [];
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of keys) out.push(...diff(before[k], after[k], path ? `${path}.${k}` : k));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && !isFlat(before) && !isFlat(after)) {
    const out: Change[] = [];
    before.forEach((b, i) => out.push(...diff(b, after[i], `${path}[${i}]`)));
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}

export function formatValue(v: unknown, max = 60): string {
  let s: string;
  if (v === undefined) s = '-';
  else if (v === null) s = 'null';
  else if (typeof v === 'string') s = v;
  else if (Array.isArray(v)) s = '[' + v.map((x) => formatValue(x, max)).join(', ') + ']';
  else if (isRecord(v)) s = '{' + Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x, max)}`).join(', ') + '}';
  else s = String(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export interface RenderOptions {
  /** Widest a column may be before its lines wrap. */
  readonly maxColumnWidth?: number;
  /** Hide the changed fields, showing only the step names. */
  readonly stepsOnly?: boolean;
}

/** Wraps a line at spaces (or hard, when a word is longer than the column), continuation lines indented. */
function wrap(line: string, width: number, indent: string): string[] {
  if (line.length <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const cont = lead + indent;
  const out: string[] = [];
  let rest = line;
  let first = true;
  while (rest.length > 0) {
    const prefix = first ? '' : cont;
    const w = width - prefix.length;
    if (rest.length <= w) {
      out.push(prefix + rest);
      break;
    }
    let cut = rest.lastIndexOf(' ', w);
    if (cut <= lead.length) cut = w;
    out.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    first = false;
  }
  return out;
}

/** One cell per step: the step name (with its choices) and the changes it made. */
export function stepCells<S, A extends Action>(model: Model<S, A>, path: Path<S, A>, opts: RenderOptions = {}): string[][] {
  const view = (s: S): Plain => (model.view ? model.view(s) : (s as Plain));
  return path.actions.map((a, i) => {
    const choices = Object.entries(a)
      .filter(([k]) => k !== 'context' && k !== 'step')
      .map(([k, v]) => `${k}=${formatValue(v, 30)}`);
    const title = a.step + (choices.length ? ` (${choices.join(', ')})` : '');
    if (opts.stepsOnly) return [title];
    const changes = diff(view(path.states[i]!), view(path.states[i + 1]!));
    return [title, ...changes.map((c) => `  ${c.path}: ${formatValue(c.before)} -> ${formatValue(c.after)}`)];
  });
}

/** The trace as a text table, one column per context that took a step. */
export function renderTable<S, A extends Action>(model: Model<S, A>, path: Path<S, A>, opts: RenderOptions = {}): string {
  const used = new Set(path.actions.map((a) => a.context));
  const columns = [...model.contexts.filter((c) => used.has(c)), ...[...used].filter((c) => !model.contexts.includes(c))];
  const maxW = opts.maxColumnWidth ?? (columns.length <= 1 ? 76 : columns.length === 2 ? 52 : columns.length === 3 ? 40 : 34);
  // A column is as wide as its longest step name (never wrapped), or maxW; the changes wrap inside it.
  const raw = stepCells(model, path, opts);
  const colW = new Map(columns.map((c) => [c, maxW]));
  for (const a of path.actions) colW.set(a.context, Math.max(colW.get(a.context)!, a.step.length));
  const cells = raw.map((lines, i) => lines.flatMap((l) => wrap(l, colW.get(path.actions[i]!.context)!, '    ')));
  const width = new Map(columns.map((c) => [c, c.length]));
  path.actions.forEach((a, i) => {
    for (const l of cells[i]!) width.set(a.context, Math.max(width.get(a.context)!, l.length));
  });
  const num = String(path.actions.length).length + 1;
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - s.length));
  const out: string[] = [];
  out.push(' '.repeat(num + 2) + columns.map((c) => pad(c, width.get(c)!)).join('   ').trimEnd());
  out.push(' '.repeat(num + 2) + columns.map((c) => '-'.repeat(width.get(c)!)).join('   '));
  path.actions.forEach((a, i) => {
    const col = columns.indexOf(a.context);
    cells[i]!.forEach((line, j) => {
      const left = j === 0 ? pad(String(i + 1), num) : ' '.repeat(num);
      const before = columns.slice(0, col).map((c) => ' '.repeat(width.get(c)!) + '   ').join('');
      out.push(`${left}  ${before}${line}`.trimEnd());
    });
  });
  return out.join('\n');
}

/** The trace as a list of {context, step} (what --json prints). */
export function traceSteps<A extends Action>(path: Path<unknown, A>): { context: string; step: string }[] {
  return path.actions.map((a) => ({ context: a.context, step: a.step }));
}

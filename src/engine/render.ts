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

export function formatValue(v: unknown): string {
  if (v === undefined) return '-';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return '[' + v.map((x) => formatValue(x)).join(', ') + ']';
  if (isRecord(v)) return '{' + Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ') + '}';
  return String(v);
}

export interface RenderOptions {
  /** The widest the whole table may be (default 80, the width of an email). */
  readonly width?: number;
  /** Hide the changed fields, showing only the step names. */
  readonly stepsOnly?: boolean;
  /** For a livelock: the index of the first step of the cycle, marked in the table. */
  readonly cycleStart?: number;
}

/**
 * Wraps a line to `width` columns at spaces (or hard, inside a word longer
 * than the column); continuation lines keep the line's own indent plus
 * `indent`. Nothing is cut off.
 */
export function wrap(line: string, width: number, indent = '    '): string[] {
  if (line.length <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const cont = lead + indent.slice(0, Math.max(0, Math.min(indent.length, width - lead.length - 8)));
  const out: string[] = [];
  let rest = line;
  let first = true;
  while (rest.length > 0) {
    const prefix = first ? '' : cont;
    const w = Math.max(8, width - prefix.length);
    if (rest.length <= w) {
      out.push(prefix + rest);
      break;
    }
    let cut = rest.lastIndexOf(' ', w);
    if (cut <= (first ? lead.length : 0)) {
      // No space to break at: break after a '/', ',', '.' or '_' if there is one, else hard.
      const soft = Math.max(rest.lastIndexOf('/', w - 1), rest.lastIndexOf(',', w - 1), rest.lastIndexOf('.', w - 1), rest.lastIndexOf('_', w - 1));
      cut = soft > w / 2 ? soft + 1 : w;
    }
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
      .map(([k, v]) => `${k}=${formatValue(v)}`);
    const title = a.step + (choices.length ? ` (${choices.join(', ')})` : '');
    if (opts.stepsOnly) return [title];
    const changes = diff(view(path.states[i]!), view(path.states[i + 1]!));
    return [title, ...changes.map((c) => `  ${c.path}: ${formatValue(c.before)} -> ${formatValue(c.after)}`)];
  });
}

/**
 * A plain-text table: a header row, a rule, and rows whose cells wrap inside
 * their column so that no line is wider than `width`. Columns listed in
 * `right` are right-aligned. The one table renderer of slubcheck (traces,
 * the demonstration, verify).
 */
export function renderGrid(headers: readonly string[], rows: readonly (readonly string[])[], opts: { width?: number; right?: readonly number[]; gap?: number } = {}): string[] {
  const width = opts.width ?? 80;
  const gap = opts.gap ?? 2;
  const n = headers.length;
  const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...(r[i] ?? '').split('\n').map((l) => l.length)))));
  // Shrink the columns with the most room above their longest word (at most 24) until the table fits.
  const longestWord = headers.map((h, i) => Math.max(...[h, ...rows.map((r) => r[i] ?? '')].flatMap((c) => c.split(/[\s\n]+/)).map((x) => x.length)));
  const floor = natural.map((nat, i) => Math.min(nat, Math.max(8, Math.min(24, longestWord[i]!))));
  const w = natural.slice();
  const total = () => w.reduce((a, b) => a + b, 0) + gap * (n - 1);
  while (total() > width) {
    let pick = -1;
    for (let i = 0; i < n; i++) if (w[i]! > floor[i]! && (pick < 0 || w[i]! - floor[i]! > w[pick]! - floor[pick]!)) pick = i;
    if (pick < 0) break;
    w[pick]!--;
  }
  const pad = (s: string, i: number) => (opts.right?.includes(i) ? s.padStart(w[i]!) : s.padEnd(w[i]!));
  const out: string[] = [];
  const emit = (cells: readonly string[]) => {
    const wrapped = cells.map((c, i) => c.split('\n').flatMap((l) => wrap(l, w[i]!, '  ')));
    const height = Math.max(...wrapped.map((x) => x.length));
    for (let k = 0; k < height; k++) out.push(wrapped.map((x, i) => pad(x[k] ?? '', i)).join(' '.repeat(gap)).trimEnd());
  };
  emit(headers);
  out.push(w.map((x) => '-'.repeat(x)).join(' '.repeat(gap)));
  rows.forEach(emit);
  return out;
}

/** The trace as a text table, one column per context that took a step, at most `width` columns wide. */
export function renderTable<S, A extends Action>(model: Model<S, A>, path: Path<S, A>, opts: RenderOptions = {}): string {
  const used = new Set(path.actions.map((a) => a.context));
  const columns = [...model.contexts.filter((c) => used.has(c)), ...[...used].filter((c) => !model.contexts.includes(c))];
  const width = opts.width ?? 80;
  const num = String(path.actions.length).length + 1;
  const gap = 3;
  const raw = stepCells(model, path, opts);
  // Each column as wide as its widest line needs, shrunk (widest first) until the table fits.
  const need = new Map(columns.map((c) => [c, c.length]));
  path.actions.forEach((a, i) => {
    for (const l of raw[i]!) need.set(a.context, Math.max(need.get(a.context)!, l.length));
  });
  const colW = new Map(need);
  const total = () => num + 2 + [...colW.values()].reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  while (total() > width) {
    let widest = columns[0]!;
    for (const c of columns) if (colW.get(c)! > colW.get(widest)!) widest = c;
    if (colW.get(widest)! <= 8) break;
    colW.set(widest, colW.get(widest)! - 1);
  }
  const cells = raw.map((lines, i) => lines.flatMap((l) => wrap(l, colW.get(path.actions[i]!.context)!, '    ')));
  const padTo = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - s.length));
  const out: string[] = [];
  if (model.describeStart && path.states[0] !== undefined && model.initStates().length > 1) out.push(...wrap(`start: ${model.describeStart(path.states[0])}`, width, '  '), '');
  out.push(' '.repeat(num + 2) + columns.map((c) => padTo(c, colW.get(c)!)).join(' '.repeat(gap)).trimEnd());
  out.push(' '.repeat(num + 2) + columns.map((c) => '-'.repeat(colW.get(c)!)).join(' '.repeat(gap)));
  path.actions.forEach((a, i) => {
    if (i === opts.cycleStart) out.push(' '.repeat(num + 2) + '~~ from here on the steps repeat forever ~~');
    const col = columns.indexOf(a.context);
    cells[i]!.forEach((line, j) => {
      const left = j === 0 ? padTo(String(i + 1), num) : ' '.repeat(num);
      const before = columns.slice(0, col).map((c) => ' '.repeat(colW.get(c)!) + ' '.repeat(gap)).join('');
      out.push(`${left}  ${before}${line}`.trimEnd());
    });
  });
  if (opts.cycleStart !== undefined) out.push(' '.repeat(num + 2) + `~~ back to the state before step ${opts.cycleStart + 1} ~~`);
  return out.join('\n');
}

/** The trace as a list of {context, step} (what --json prints). */
export function traceSteps<A extends Action>(path: Path<unknown, A>): { context: string; step: string }[] {
  return path.actions.map((a) => ({ context: a.context, step: a.step }));
}

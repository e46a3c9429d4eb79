// Runs a list of checks with expected outcomes and prints one line per
// check (its labels, verdict, states, seconds, whether it matched), then the
// shortest counterexample of every violation found. Generic: the rows come
// from the model families (e.g. the SLUB demonstration).
import type { Expected, Plain, Registry } from '../engine/model.ts';
import { asExpected, search, type CheckResult } from '../engine/search.ts';
import { renderGrid, renderTable, wrap } from '../engine/render.ts';
import type { Io } from './main.ts';
import { replayCommandLines } from '../engine/trace.ts';

export interface SuiteRow {
  /** Display columns, in order (e.g. version, scenario, patch, kasan). */
  readonly labels: readonly string[];
  readonly model: string;
  readonly config: Plain;
  /** The expected verdict, and the property when a violation is expected. */
  readonly expect: Pick<Expected, 'result' | 'property'>;
  /** What the row shows, one line (printed above its trace). */
  readonly title: string;
  /** The command that runs this check alone. */
  readonly command: string;
}

export interface SuiteOptions {
  readonly headers: readonly string[];
  /** Print the counterexample traces under the table. */
  readonly traces?: boolean;
  /** The widest the output may be (default 80). */
  readonly width?: number;
}

function verdict(r: CheckResult<any, any>): string {
  if (r.result === 'ok') return r.complete ? 'no violation (complete)' : `no violation (incomplete: ${r.stopReason})`;
  if (r.result === 'deadlock') return `DEADLOCK (${r.trace!.steps.length} steps)`;
  if (r.result === 'livelock') return `LIVELOCK (${r.trace!.steps.length} steps)`;
  return `VIOLATION ${r.property} (${r.trace!.steps.length} steps)`;
}

export function runSuite(registry: Registry, rows: readonly SuiteRow[], io: Io, opts: SuiteOptions): number {
  const results = rows.map((row) => {
    const entry = registry.resolve(row.model);
    if (!entry) throw new Error(`suite row names unknown model ${row.model}`);
    const model = entry.build(row.config);
    const r = search(model);
    const matches = asExpected(row.expect, r) === true;
    return { row, model, r, matches };
  });
  const cells = results.map(({ row, r, matches }) => [
    ...row.labels,
    verdict(r),
    String(r.states),
    r.seconds.toFixed(2),
    matches ? 'as expected' : `UNEXPECTED (expected ${row.expect.result}${row.expect.property ? ' ' + row.expect.property : ''})`,
  ]);
  const headers = [...opts.headers, 'verdict', 'states', 'seconds', 'expected?'];
  const n = opts.headers.length;
  for (const l of renderGrid(headers, cells, { width: opts.width ?? 80, right: [n + 1, n + 2] })) io.out(l);
  const bad = results.filter((x) => !x.matches).length;
  io.out('');
  io.out(bad === 0 ? `all ${results.length} checks as expected` : `${bad} of ${results.length} checks NOT as expected`);
  if (opts.traces) {
    for (const { row, model, r } of results) {
      if (!r.trace || !r.path) continue;
      io.out('');
      io.out(`== ${row.title}`);
      io.out(`   ${row.command}`);
      for (const l of wrap(`${verdict(r)}${r.explanation ? `: ${r.explanation}` : ''}`, opts.width ?? 80, '  ')) io.out(l);
      io.out('');
      io.out(renderTable(model, r.path, { width: opts.width ?? 80 }));
      io.out('');
      for (const l of replayCommandLines(r.trace, opts.width ?? 80)) io.out(l);
    }
  }
  return bad === 0 ? 0 : 1;
}

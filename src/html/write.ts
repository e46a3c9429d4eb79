// `--html FILE` of check, replay and minimize: replays the counterexample
// (whatever produced it, the page is built from a fresh replay of its
// trace, so the page shows exactly what `slubcheck replay <token>` shows)
// and writes the page. Without a counterexample there is nothing to draw:
// no file is written, and one line on stderr says so. A file that cannot be
// written is a usage error.
import { writeFileSync } from 'node:fs';
import type { Model } from '../engine/model.ts';
import { UsageError } from '../engine/errors.ts';
import { replay, type Trace } from '../engine/trace.ts';
import { buildPageModel } from './page-model.ts';
import { renderPage } from './page.ts';

/** The page of a trace: replayed on `model`, then drawn. */
export function htmlPage(model: Model<any, any>, trace: Trace, command?: string): string {
  const path = replay(model, trace);
  return renderPage(buildPageModel(model, trace, path, command !== undefined ? { command } : {}));
}

/**
 * Handles `--html FILE`: writes the page of `trace`, or says on stderr that
 * there is none. Reports what it did in one line on stderr (stdout stays the
 * command's report, or its one JSON object).
 */
export function writeHtmlOption(err: (line: string) => void, file: string | undefined, model: Model<any, any>, trace: Trace | undefined, command?: string): void {
  if (file === undefined) return;
  if (file === '') throw new UsageError('--html needs a file name');
  if (!trace) {
    err(`slubcheck: no counterexample, so --html wrote no page (${file} is left as it was)`);
    return;
  }
  const page = htmlPage(model, trace, command);
  try {
    writeFileSync(file, page);
  } catch (e) {
    throw new UsageError(`cannot write --html ${file}: ${(e as Error).message}`);
  }
  err(`slubcheck: wrote the trace's page to ${file} (${Math.round(Buffer.byteLength(page) / 1024)} kB); open it in a browser`);
}

// Loading a user's TypeScript file (a patch or a scenario) through tsx, with
// no build step: every failure becomes one UsageError line naming the file.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../src/engine/errors.ts';

/** The first 12 hex digits of a file's SHA-256: what reports and replay tokens record of a file. */
export function contentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** How long a user file may take to load (its top-level code) before it is rejected. */
export const LOAD_SECONDS = 10;

/** The first line worth showing of a load error (esbuild reports `file:line:col: ERROR: message`). */
export function firstLine(e: unknown): string {
  const msg = String((e as Error)?.message ?? e);
  const err = msg.split('\n').find((l) => /ERROR: /.test(l));
  return (err ?? msg.split('\n')[0] ?? msg).trim();
}

/** Reads and imports `file` (TypeScript or JavaScript, ESM or CommonJS, from any directory); `kind` names it in errors. */
export async function importUserFile(kind: 'patch' | 'scenario', file: string): Promise<{ mod: unknown; hash: string }> {
  const abs = resolve(file);
  let text: Buffer;
  try {
    if (statSync(abs).isDirectory()) throw new UsageError(`${kind} ${file} is a directory, not a ${kind} file`);
    text = readFileSync(abs);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such ${kind} file: ${file}` : `cannot read ${kind} file ${file}: ${code === 'EACCES' ? 'permission denied' : firstLine(e)}`);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const { tsImport } = await import('tsx/esm/api');
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new UsageError(`${kind} file ${file} did not finish loading within ${LOAD_SECONDS} s`)), LOAD_SECONDS * 1000);
    });
    const mod = await Promise.race([tsImport(pathToFileURL(abs).href, import.meta.url), timeout]);
    return { mod, hash: contentHash(text) };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot load ${kind} ${file}: ${firstLine(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A module's default export; a file compiled as CommonJS arrives as { default: module.exports }. */
export function defaultExport(mod: unknown, looksLikeExport: (x: object) => boolean): unknown {
  const m = mod as { default?: unknown };
  let exp = m && typeof m === 'object' && 'default' in m ? m.default : undefined;
  if (exp && typeof exp === 'object' && 'default' in exp) exp = (exp as { default: unknown }).default;
  else if (exp && typeof exp === 'object' && !looksLikeExport(exp)) exp = undefined;
  return exp;
}

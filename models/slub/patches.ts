// The patches slubcheck knows: the ones shipped in patches/ (ordinary patch
// files, the same shape a user writes), and the files a user loaded with
// `--patch ./file.ts`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../src/engine/errors.ts';
import type { VersionDef } from './versions.ts';
import { findVersion } from './versions.ts';
import { patchFromModule, type Patch } from './patch-api.ts';
import * as haoLi from '../../patches/hao-li-list-lock-barrier.ts';
import * as removeCpuPartial from '../../patches/remove-slub-cpu-partial.ts';
import * as kvfreeBarrier from '../../patches/kvfree-rcu-barrier-on-cache.ts';
import * as brokenRemove from '../../patches/broken-unlocked-remove-partial.ts';
import * as brokenFreeToPcs from '../../patches/broken-free-to-pcs-unlocked.ts';
import * as flushFailedRefill from '../../patches/sheaf-flush-on-failed-refill.ts';
import * as shutdownFlushAgain from '../../patches/shutdown-flush-after-barn-shrink.ts';
import * as shutdownShrinkFirst from '../../patches/shutdown-barn-shrink-first.ts';

export type { Patch };

export const PATCHES: readonly Patch[] = [
  patchFromModule(haoLi, 'built-in'),
  patchFromModule(removeCpuPartial, 'built-in'),
  patchFromModule(kvfreeBarrier, 'built-in'),
  patchFromModule(brokenRemove, 'built-in'),
  patchFromModule(brokenFreeToPcs, 'built-in'),
  patchFromModule(flushFailedRefill, 'built-in'),
  patchFromModule(shutdownFlushAgain, 'built-in'),
  patchFromModule(shutdownShrinkFirst, 'built-in'),
];

/** Patch files loaded this run, by the argument that named them. */
const loaded = new Map<string, Patch>();

/** Does a --patch argument name a file rather than a built-in patch? */
export const isPatchFile = (arg: string): boolean => /[/\\]/.test(arg) || /\.(m?[jt]s)$/.test(arg);

function firstLine(e: unknown): string {
  const msg = String((e as Error)?.message ?? e);
  const err = msg.split('\n').find((l) => /ERROR: /.test(l)); // esbuild: file:line:col: ERROR: message
  return (err ?? msg.split('\n')[0] ?? msg).trim();
}

/** Loads a patch file (TypeScript through tsx, no build step); every failure is one UsageError line. */
export async function loadPatchFile(arg: string): Promise<Patch> {
  const hit = loaded.get(arg);
  if (hit) return hit;
  const abs = resolve(arg);
  try {
    readFileSync(abs);
  } catch {
    throw new UsageError(`no such patch file: ${arg}`);
  }
  let mod: unknown;
  try {
    // tsx's loader for one file: TypeScript or JavaScript, ESM or CommonJS, wherever the file is.
    const { tsImport } = await import('tsx/esm/api');
    mod = await tsImport(pathToFileURL(abs).href, import.meta.url);
  } catch (e) {
    throw new UsageError(`cannot load patch ${arg}: ${firstLine(e)}`);
  }
  const patch = patchFromModule(mod, arg);
  for (const v of patch.appliesTo) if (!findVersion(v)) throw new UsageError(`patch ${arg} applies to unknown version '${v}'`);
  loaded.set(arg, patch);
  return patch;
}

export function findPatch(name: string): Patch | undefined {
  return loaded.get(name) ?? PATCHES.find((p) => p.name === name);
}

export function applyPatches(v: VersionDef, names: readonly string[]): VersionDef {
  let out = v;
  for (const name of names) {
    const p = findPatch(name);
    if (!p) {
      if (isPatchFile(name)) throw new UsageError(`patch file ${name} is not loaded (give it with --patch on the command line)`);
      throw new UsageError(`unknown patch '${name}': the built-in patches are ${PATCHES.map((x) => x.name).join(', ')}, or give a file (./my-fix.ts)`);
    }
    const applies = p.appliesTo.some((a) => findVersion(a)?.id === v.id);
    if (!applies) throw new UsageError(`patch ${name} applies to ${p.appliesTo.join(', ')}, not ${v.id}`);
    out = p.apply(out);
  }
  return out;
}

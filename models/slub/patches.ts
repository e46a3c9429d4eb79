// The patches slubcheck knows: the ones shipped in patches/ (ordinary patch
// files, the same shape a user writes), and the files a user loaded with
// `--patch ./file.ts`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { contentHash, importUserFile } from './load-module.ts';
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
import * as allowRefill from '../../patches/allow-sheaf-refill-nonblocking.ts';
import * as brokenAllowRefill from '../../patches/broken-sheaf-refill-nonblocking-local-lock.ts';
import * as barnEveryNode from '../../patches/barn-on-every-online-node.ts';
import * as brokenBarnEveryNode from '../../patches/broken-barn-on-every-online-node-no-shrink.ts';
import * as brokenRefillAny from '../../patches/broken-refill-any-ignores-trylock.ts';
import * as brokenPutCpuPartial from '../../patches/broken-put-cpu-partial-irqs-on.ts';
import * as brokenRcuBarn from '../../patches/broken-rcu-free-sheaf-barn-unlocked.ts';
import * as brokenNoDeferBarrier from '../../patches/broken-destroy-no-defer-free-barrier.ts';
import * as brokenNolockTrylock from '../../patches/broken-kmalloc-nolock-ignores-trylock.ts';
import * as brokenFlushMain from '../../patches/broken-flush-main-no-recheck.ts';
import * as brokenFreeBulkKasan from '../../patches/broken-free-bulk-ignores-kasan-hook.ts';
import * as brokenReturnSheaf from '../../patches/broken-return-sheaf-overwrites-spare.ts';

export type { Patch };

const BUILT_IN: readonly [unknown, string][] = [
  [haoLi, 'hao-li-list-lock-barrier.ts'],
  [removeCpuPartial, 'remove-slub-cpu-partial.ts'],
  [kvfreeBarrier, 'kvfree-rcu-barrier-on-cache.ts'],
  [brokenRemove, 'broken-unlocked-remove-partial.ts'],
  [brokenFreeToPcs, 'broken-free-to-pcs-unlocked.ts'],
  [flushFailedRefill, 'sheaf-flush-on-failed-refill.ts'],
  [shutdownFlushAgain, 'shutdown-flush-after-barn-shrink.ts'],
  [shutdownShrinkFirst, 'shutdown-barn-shrink-first.ts'],
  [allowRefill, 'allow-sheaf-refill-nonblocking.ts'],
  [brokenAllowRefill, 'broken-sheaf-refill-nonblocking-local-lock.ts'],
  [barnEveryNode, 'barn-on-every-online-node.ts'],
  [brokenBarnEveryNode, 'broken-barn-on-every-online-node-no-shrink.ts'],
  [brokenRefillAny, 'broken-refill-any-ignores-trylock.ts'],
  [brokenPutCpuPartial, 'broken-put-cpu-partial-irqs-on.ts'],
  [brokenRcuBarn, 'broken-rcu-free-sheaf-barn-unlocked.ts'],
  [brokenNoDeferBarrier, 'broken-destroy-no-defer-free-barrier.ts'],
  [brokenNolockTrylock, 'broken-kmalloc-nolock-ignores-trylock.ts'],
  [brokenFlushMain, 'broken-flush-main-no-recheck.ts'],
  [brokenFreeBulkKasan, 'broken-free-bulk-ignores-kasan-hook.ts'],
  [brokenReturnSheaf, 'broken-return-sheaf-overwrites-spare.ts'],
];

const PATCH_DIR = fileURLToPath(new URL('../../patches/', import.meta.url));

export const PATCHES: readonly Patch[] = BUILT_IN.map(([mod, file]) => ({
  ...patchFromModule(mod, 'built-in'),
  hash: contentHash(readFileSync(PATCH_DIR + file)),
}));

/** Patch files loaded this run, by the argument that named them. */
const loaded = new Map<string, Patch>();

/** Does a --patch argument name a file rather than a built-in patch? */
export const isPatchFile = (arg: string): boolean => /[/\\]/.test(arg) || /\.(m?[jt]s)$/.test(arg);


/** A reference to a patch as configurations and replay tokens record it: a built-in name, or `file#sha256=<hash>`. */
const HASH_MARK = '#sha256=';

export function splitPatchRef(ref: string): { file: string; hash?: string } {
  const i = ref.lastIndexOf(HASH_MARK);
  return i < 0 ? { file: ref } : { file: ref.slice(0, i), hash: ref.slice(i + HASH_MARK.length) };
}

/** The reference a configuration records for a --patch argument: a loaded file gets its content hash. */
export function patchRef(arg: string): string {
  if (!isPatchFile(arg)) return arg;
  const { file } = splitPatchRef(arg);
  const p = loaded.get(file);
  return p ? `${file}${HASH_MARK}${p.hash}` : arg;
}

/** Loads a patch file (TypeScript through tsx, no build step); every failure is one UsageError line. */
export async function loadPatchFile(arg: string): Promise<Patch> {
  const { file } = splitPatchRef(arg);
  const hit = loaded.get(file);
  if (hit) return hit;
  const { mod, hash } = await importUserFile('patch', file);
  const patch = { ...patchFromModule(mod, file), hash };
  for (const v of patch.appliesTo) if (!findVersion(v)) throw new UsageError(`patch ${file} applies to unknown version '${v}'`);
  loaded.set(file, patch);
  return patch;
}

/**
 * Makes a patch object usable by name in this process (property tests and
 * other in-process users that build a patch with definePatch instead of
 * loading a file).
 */
export function registerPatch(p: Patch): void {
  if (PATCHES.some((x) => x.name === p.name)) throw new UsageError(`patch ${p.name} is a built-in patch`);
  loaded.set(p.name, p);
}

/** A patch by built-in name or file reference; a file whose content changed since the reference was recorded is an error. */
export function findPatch(ref: string): Patch | undefined {
  const { file, hash } = splitPatchRef(ref);
  const p = loaded.get(file);
  if (p && hash !== undefined && hash !== p.hash) {
    throw new UsageError(`patch file ${file} has changed since this was recorded (sha256 ${hash}, now ${p.hash}): restore it, or check again`);
  }
  return p ?? PATCHES.find((x) => x.name === ref);
}

export function applyPatches(v: VersionDef, names: readonly string[]): VersionDef {
  let out = v;
  const seen = new Set<string>();
  for (const name of names) {
    const key = splitPatchRef(name).file;
    if (seen.has(key)) throw new UsageError(`patch ${key} is given twice`);
    seen.add(key);
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

/**
 * The code a set of patches changes in a version: every step it replaces or
 * adds (`fn/label`), a new entry label, and `feature:<name>` for each version
 * switch it flips (the steps that read the switch change with it).
 */
export function changedCode(v: VersionDef, names: readonly string[]): string[] {
  const p = applyPatches(v, names);
  const out: string[] = [];
  for (const [fn, def] of Object.entries(p.fns)) {
    const old = v.fns[fn];
    if (old === def) continue;
    for (const [pc, st] of Object.entries(def.steps)) if (!old || old.steps[pc] !== st) out.push(`${fn}/${pc}`);
    if (old && old.entry !== def.entry && !out.includes(`${fn}/${def.entry}`)) out.push(`${fn}/${def.entry}`);
  }
  for (const [k, val] of Object.entries(p.features)) if ((v.features as unknown as Record<string, unknown>)[k] !== val) out.push(`feature:${k}`);
  return out;
}

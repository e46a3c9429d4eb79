// Checkpoints of an exhaustive search: everything the search keeps (the
// fingerprint table, the parent links, the frontier, the livelock graph,
// the counters and the witnesses) in one file, so that `--resume` continues
// exactly where the search was and ends with the same counts as a search
// that was never interrupted. Written to FILE.tmp and renamed, so a crash
// while writing leaves the previous checkpoint intact.
//
// Format: the line `slubcheck-checkpoint 1`, a JSON header line (what the
// search was, its counters, and the byte length of each section), then the
// sections' bytes in the header's order (little-endian typed arrays).
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { UsageError } from './errors.ts';
import type { Plain } from './model.ts';

const MAGIC = 'slubcheck-checkpoint 1';

export interface CheckpointHeader {
  readonly model: string;
  readonly config: Plain;
  readonly width: number;
  readonly strategy: 'bfs' | 'dfs';
  readonly symmetry: boolean;
  readonly liveness: boolean;
  readonly states: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly cut: boolean;
  readonly seconds: number;
  readonly witnesses: readonly (readonly [string, number])[];
  readonly note?: string;
}

export type Sections = Record<string, Uint8Array | Uint16Array | Uint32Array | Int32Array>;

export function writeCheckpoint(path: string, header: CheckpointHeader, sections: Sections): void {
  const sizes = Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.byteLength]));
  const tmp = `${path}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new UsageError(`cannot write the checkpoint ${path}: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, `${MAGIC}\n${JSON.stringify({ ...header, sizes })}\n`);
    for (const v of Object.values(sections)) writeSync(fd, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readCheckpoint(path: string): { header: CheckpointHeader; sections: Record<string, ArrayBuffer> } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read the checkpoint ${path}: ${(e as Error).message}`);
  }
  const nl1 = buf.indexOf(10);
  const nl2 = nl1 < 0 ? -1 : buf.indexOf(10, nl1 + 1);
  if (nl1 < 0 || nl2 < 0 || buf.subarray(0, nl1).toString() !== MAGIC) throw new UsageError(`${path} is not a slubcheck checkpoint`);
  let header: CheckpointHeader & { sizes: Record<string, number> };
  try {
    header = JSON.parse(buf.subarray(nl1 + 1, nl2).toString());
  } catch {
    throw new UsageError(`${path}: the checkpoint header is damaged`);
  }
  const sections: Record<string, ArrayBuffer> = {};
  let o = nl2 + 1;
  for (const [k, n] of Object.entries(header.sizes)) {
    if (o + n > buf.length) throw new UsageError(`${path}: the checkpoint is truncated`);
    sections[k] = (buf.buffer as ArrayBuffer).slice(buf.byteOffset + o, buf.byteOffset + o + n);
    o += n;
  }
  if (o !== buf.length) throw new UsageError(`${path}: the checkpoint has trailing bytes`);
  const { sizes: _s, ...rest } = header;
  return { header: rest, sections };
}

// What a portfolio worker does: rebuild the model from its id and
// configuration (loading the patch files the configuration names), then
// serve its shard of runs. Any failure is posted back as an error.
import { asPacked } from '../src/engine/search.ts';
import { serveShard, type ShardJob } from '../src/engine/portfolio.ts';
import type { Plain } from '../src/engine/model.ts';
import { isPatchFile, loadPatchFile, splitPatchRef } from './slub/patches.ts';

export interface ShardData {
  readonly model: string;
  readonly config: Plain;
}

/** The worker script that rebuilds a registry model: for SearchOptions.shardWorker. */
export const shardWorker = (model: string, config: Plain) => ({ url: new URL('./shard-worker.js', import.meta.url), data: { model, config } satisfies ShardData });

export async function serveShardFromConfig(w: { data: ShardData; job: ShardJob }): Promise<void> {
  const { data, job } = w;
  try {
    const patches = (data.config as { patches?: unknown } | null)?.patches;
    if (Array.isArray(patches)) for (const p of patches) if (typeof p === 'string' && isPatchFile(p)) await loadPatchFile(splitPatchRef(p).file);
    // The registry imports this file (for shardWorker): load it only now, in the worker.
    const { registry } = await import('./index.ts');
    const entry = registry.resolve(data.model);
    if (!entry) throw new Error(`unknown model ${data.model}`);
    serveShard(asPacked(entry.build(data.config)), job);
  } catch (e) {
    job.port.postMessage({ error: `could not build the model: ${(e as Error)?.message ?? e}`, kind: 'engine' });
    Atomics.add(job.signal, 0, 1);
    Atomics.notify(job.signal, 0);
  }
}


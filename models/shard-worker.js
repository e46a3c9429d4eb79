// A worker of a random/PCT portfolio (src/engine/portfolio.ts): loads the
// TypeScript sources through tsx, as bin/slubcheck.js does, then serves
// its shard of runs (models/shard.ts). A failure to load is posted back
// to the search, which is waiting for this worker's messages.
import { workerData } from 'node:worker_threads';

try {
  const { register } = await import('tsx/esm/api');
  register();
  const { serveShardFromConfig } = await import('./shard.ts');
  await serveShardFromConfig(workerData);
} catch (e) {
  const { port, signal } = workerData.job;
  port.postMessage({ error: `a portfolio worker could not start: ${e?.message ?? e}`, kind: 'engine' });
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

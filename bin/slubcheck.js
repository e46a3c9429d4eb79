#!/usr/bin/env node
// Entry point. The command runs in a worker thread (its TypeScript sources
// loaded through tsx, no build step) so that this thread stays free to
// handle Ctrl-C: the first one asks the search to stop and print its
// partial statistics (it polls a shared flag), a second one ends the worker
// at once. The worker's heap limit is set here, and the search stops itself
// (`incomplete: memory`) before reaching it, instead of dying in a V8 abort.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { writeSync } from 'node:fs';

/** A line on stderr from this thread (the worker writes its own output straight to the file descriptors). */
const say = (line) => {
  try {
    writeSync(2, line + '\n');
  } catch {
    // stderr is gone: nothing to tell.
  }
};

/** The JavaScript heap of the worker, in MB: room above --max-memory, or 8 GB. */
function heapLimitMb(argv) {
  const i = argv.findIndex((a) => a === '--max-memory' || a.startsWith('--max-memory='));
  const v = i < 0 ? undefined : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  const mb = Number(v);
  return Number.isFinite(mb) && mb > 0 ? Math.max(1024, Math.ceil(mb * 2)) : 8192;
}

if (isMainThread) {
  const argv = process.argv.slice(2);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { argv, flag },
    resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(argv) },
    stdout: true,
    stderr: true,
  });
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    Atomics.store(flag, 0, 1);
    if (interrupts === 1) say('slubcheck: stopping (Ctrl-C again to quit at once)');
    else {
      process.exitCode = 130;
      void worker.terminate();
    }
  });
  let loading;
  worker.on('message', (m) => {
    if (m.exit !== undefined) process.exitCode = m.exit;
    if (m.loading !== undefined) {
      // A patch file whose top-level code never finishes (an endless loop) cannot time itself out.
      loading = setTimeout(() => {
        say(`slubcheck: error: ${m.loading} did not finish loading within ${m.seconds} s`);
        process.exitCode = 2;
        void worker.terminate();
      }, (m.seconds + 2) * 1000);
    }
    if (m.loaded !== undefined) clearTimeout(loading);
  });
  worker.on('error', (e) => {
    const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
    say(oom ? 'slubcheck: stopped: the search ran out of memory before it could stop itself (use --max-memory)' : `slubcheck engine bug: ${String(e?.message ?? e).split('\n')[0]} (please report this)`);
    process.exitCode = 4;
  });
  worker.on('exit', () => {
    clearTimeout(loading);
    process.removeAllListeners('SIGINT');
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../models/cli.ts');
  const flag = workerData.flag;
  const code = await main(workerData.argv, {
    interrupted: () => Atomics.load(flag, 0) === 1,
    onLoading: (file, seconds) => parentPort.postMessage({ loading: file, seconds }),
    onLoaded: (file) => parentPort.postMessage({ loaded: file }),
  });
  parentPort.postMessage({ exit: code });
}

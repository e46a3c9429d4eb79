// A portfolio of random or PCT runs spread over threads. Runs are
// independent (search.ts RandomRunner: run r's choices come from
// rng(seed, r)), so of n threads, thread i makes runs i, i + n, i + 2n, ...:
// this thread is thread 0 and makes its runs while it waits, the n - 1
// workers send each run's record back; this thread merges the records in
// run order (RunMerge),
// so the verdict, the run that found a violation, its trace, the distinct
// states and the witnesses are those of a sequential search with the same
// seed, whatever the number of workers. The first violation in run order
// wins; the other workers are then stopped.
//
// This thread waits synchronously (the search API is synchronous): workers
// post to a MessagePort, bump a shared counter and notify it; this thread
// sleeps on the counter and reads messages with receiveMessageOnPort.
//
// The engine does not know how to build a model in a worker: the caller
// names a worker script (`ShardWorker`) that rebuilds the model from its
// data and calls serveShard().
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { EngineError, ModelError, UsageError } from './errors.ts';
import type { Model } from './model.ts';
import { RandomRunner, type RunRecord, type RunSource } from './search.ts';

/** How to start a worker that serves a shard: a script and the data it rebuilds the model from. */
export interface ShardWorker {
  readonly url: URL;
  readonly data: unknown;
  /** Node options of the worker (e.g. a module loader). */
  readonly execArgv?: readonly string[];
}

/** What a shard worker receives (besides the caller's data). */
export interface ShardJob {
  readonly strategy: 'random' | 'pct';
  readonly seed: number;
  readonly maxSteps: number;
  readonly pctDepth: number;
  readonly runs: number;
  readonly index: number;
  readonly count: number;
  readonly port: MessagePort;
  /** [0]: messages posted (all workers), [1]: 1 when the workers should stop. */
  readonly signal: Int32Array;
}

type ShardMessage = { readonly rec: RunRecord } | { readonly error: string; readonly kind: 'model' | 'usage' | 'engine' } | { readonly done: true };

/** Runs a shard's runs in a worker, posting each record; stops after its first failing run, at the end, or when told. */
export function serveShard(P: Model<Uint32Array, any>, job: ShardJob): void {
  const post = (m: ShardMessage, transfer: ArrayBuffer[] = []) => {
    job.port.postMessage(m, transfer);
    Atomics.add(job.signal, 0, 1);
    Atomics.notify(job.signal, 0);
  };
  try {
    const runner = new RandomRunner(P, job.strategy, job.seed, job.maxSteps, job.pctDepth);
    for (let run = job.index; run < job.runs; run += job.count) {
      if (Atomics.load(job.signal, 1) === 1) break;
      const rec = runner.run(run);
      post({ rec }, [rec.fingerprints.buffer as ArrayBuffer]);
      if (rec.failed) break;
    }
    post({ done: true });
  } catch (e) {
    post({ error: (e as Error)?.message ?? String(e), kind: e instanceof ModelError ? 'model' : e instanceof UsageError ? 'usage' : 'engine' });
  }
}

/** A RunSource that makes runs on `count` threads: this one (with `local`, a runner of its own) and `count - 1` workers. */
export function portfolioSource(worker: ShardWorker, count: number, job: Omit<ShardJob, 'index' | 'count' | 'port' | 'signal'>, modelId: string, local: () => RandomRunner): RunSource {
  return (from, stop, deliver) => {
    if (from !== 0) throw new EngineError('a portfolio starts at run 0');
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const mine = local();
    // This thread's next run; it runs ahead of the merge by at most a few rounds.
    let myNext = 0;
    const ahead = 32 * count;
    const shards = Array.from({ length: count - 1 }, (_v, i) => {
      const index = i + 1;
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(worker.url, {
        workerData: { data: worker.data, job: { ...job, index, count, port: port2, signal } },
        ...(worker.execArgv ? { execArgv: [...worker.execArgv] } : {}),
        transferList: [port2],
      });
      w.unref();
      return { w, port: port1, done: false };
    });
    const pending = new Map<number, RunRecord>();
    let next = 0;
    let seen = 0;
    const finish = (why: string | undefined): string | undefined => {
      Atomics.store(signal, 1, 1);
      for (const s of shards) {
        s.port.close();
        void s.w.terminate();
      }
      return why;
    };
    try {
      for (;;) {
        while (pending.has(next)) {
          const rec = pending.get(next)!;
          pending.delete(next);
          next++;
          if (!deliver(rec)) return finish(undefined);
        }
        if (next >= job.runs) return finish(undefined);
        const why = stop();
        if (why !== undefined) return finish(why);
        let got = false;
        for (const s of shards) {
          for (let m = receiveMessageOnPort(s.port); m; m = receiveMessageOnPort(s.port)) {
            got = true;
            const msg = m.message as ShardMessage;
            if ('rec' in msg) pending.set(msg.rec.run, { ...msg.rec, fingerprints: new Uint32Array(msg.rec.fingerprints) });
            else if ('error' in msg) {
              finish(undefined);
              if (msg.kind === 'model') throw new ModelError(modelId, msg.error);
              if (msg.kind === 'usage') throw new UsageError(msg.error);
              throw new EngineError(`a portfolio worker failed: ${msg.error}`);
            } else s.done = true;
          }
        }
        if (!got && myNext < job.runs && myNext <= next + ahead) {
          const rec = mine.run(myNext);
          pending.set(myNext, rec);
          myNext = rec.failed ? job.runs : myNext + count;
          continue;
        }
        if (!got) {
          if (shards.every((s) => s.done) && !pending.has(next) && next % count !== 0) throw new EngineError(`the portfolio workers finished without run ${next}`);
          const before = Atomics.load(signal, 0);
          if (before === seen) Atomics.wait(signal, 0, before, 100);
          seen = Atomics.load(signal, 0);
        }
      }
    } catch (e) {
      finish(undefined);
      throw e;
    }
  };
}

// The registry of every model slubcheck ships: the toy models and the SLUB
// versions. The CLI receives it from models/cli.ts; the engine in src/
// never imports it.
import type { ModelEntry, Registry } from '../src/engine/model.ts';
import { entry as incrementRace } from './toy/increment-race.ts';
import { peterson, petersonBroken } from './toy/peterson.ts';
import { entry as lockOrder } from './toy/lock-order.ts';
import { entry as tornRead } from './toy/torn-read.ts';
import { slubEntries } from './slub/index.ts';
import { shardWorker } from './shard.ts';

const entries: ModelEntry[] = [...slubEntries, incrementRace, peterson, petersonBroken, lockOrder, tornRead];

export const registry: Registry = {
  entries,
  resolve: (id) => entries.find((e) => e.id === id || e.aliases?.includes(id)),
  shardWorker,
};

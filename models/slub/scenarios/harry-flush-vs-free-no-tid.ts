import type { Scenario } from '../scenario-api.ts';
import HARRY from './harry-flush-vs-free.ts';

export default {
  ...HARRY,
  name: 'harry-flush-vs-free-no-tid',
  summary: 'harry-flush-vs-free with a deliberately broken per-CPU cmpxchg that compares c->freelist but not c->tid',
  brokenNoTid: true,
} satisfies Scenario;

import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE } from './shared.ts';

export default {
  name: 'sheaf-churn',
  summary:
    "sheaves (capacity 1, barn limit 1) start full on cpu0 and in the barn: cpu0's frees overflow to the barn and flush its spare to the slabs, cpu1 takes a sheaf from the barn",
  versions: ['17c38c88', '7.0'],
  cache: { objects: 2, cpu_partial_slabs: 2, min_partial: 1, sheaf_capacity: 1, barn_max: 1 },
  nodes: [{ memory: true }],
  cpus: [{ node: 0 }, { node: 0 }],
  pool: 3,
  slabs: [
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu0/task': [1] }, inSheaf: [{ cpu: 0, sheaf: 'main', objs: [0] }] },
    { node: 0, place: { on: 'none' }, free: [], owners: { 'cpu1/task': [1] }, inSheaf: [{ cpu: 0, sheaf: 'spare', objs: [0] }] },
    { node: 0, place: { on: 'node_partial' }, free: [0], inSheaf: [{ node: 0, sheaf: 'barn', objs: [1] }] },
  ],
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
  ],
} satisfies Scenario;

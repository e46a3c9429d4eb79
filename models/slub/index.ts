// The SLUB versions as entries of the registry: `slubcheck check 17c38c88
// --scenario generic [--patch NAME]`.
import type { ModelEntry, ModelOptions, Plain } from '../../src/engine/model.ts';
import { UsageError } from '../../src/engine/errors.ts';
import { VERSIONS, findVersion } from './versions.ts';
import { SCENARIOS } from './scenarios.ts';
import { PATCHES, changedCode, findPatch, patchRef } from './patches.ts';
import { buildSlubModel, type SlubConfig } from './model.ts';
import { loadedScenario } from './scenario-files.ts';

export const DEFAULT_SCENARIO = 'generic';

function parseConfig(config: Plain, version: string): SlubConfig {
  const c = (config ?? {}) as Partial<Record<keyof SlubConfig, unknown>>;
  if (typeof c !== 'object' || Array.isArray(c)) throw new UsageError('malformed SLUB configuration');
  const patches = c.patches ?? [];
  if (!Array.isArray(patches) || !patches.every((p) => typeof p === 'string')) throw new UsageError('malformed SLUB configuration: patches');
  return {
    version,
    scenario: typeof c.scenario === 'string' ? c.scenario : c.scenario && typeof c.scenario === 'object' ? (c.scenario as unknown as SlubConfig['scenario']) : DEFAULT_SCENARIO,
    patches,
    kasan: c.kasan === true,
  };
}

export const slubEntries: ModelEntry[] = VERSIONS.map((v) => ({
  id: v.id,
  aliases: v.aliases,
  summary: v.summary,
  configurations: SCENARIOS.filter((s) => !s.versions || s.versions.includes(v.id)).map((s) => ({ name: s.name, summary: s.summary, ...(s.exhaustive === false ? { exhaustive: false } : {}), ...(s.large ? { large: true } : {}) })),
  patches: PATCHES.filter((p) => p.appliesTo.some((a) => findVersion(a)?.id === v.id)).map((p) => ({ name: p.name, summary: p.summary })),
  describeSteps: (config) => {
    const model = buildSlubModel(parseConfig(config, v.id));
    return Object.entries(model.info.version.fns).flatMap(([fn, def]) =>
      Object.entries(def.steps).map(([pc, st]) => `${`${fn}/${pc}`.padEnd(48)} ${st.local ? '(private) ' : ''}${st.cite}`),
    );
  },
  describePatch: (name) => {
    const p = findPatch(name);
    return p ? `${p.name} (${p.source === 'built-in' ? 'built-in' : p.source}, sha256 ${p.hash ?? '?'}): ${p.summary}` : name;
  },
  changedCode: (patches) => changedCode(v, patches),
  unreachableReason: (patches, code) => patches.map((n) => findPatch(n)?.unreachable?.[code]).find((r) => r !== undefined),
  describeScenario: (name) => {
    const sc = loadedScenario(name);
    return sc ? `${sc.name}: ${sc.summary}` : SCENARIOS.find((s) => s.name === name)?.summary;
  },
  build: (config) => buildSlubModel(parseConfig(config, v.id)),
  configFromOptions: (o: ModelOptions) => ({
    // A scenario file travels inline (its data), so that a replay token needs no file.
    scenario: (o.scenario !== undefined ? (loadedScenario(o.scenario) as unknown as Plain) : undefined) ?? o.scenario ?? DEFAULT_SCENARIO,
    patches: (o.patches ?? []).map(patchRef),
    kasan: o.kasan === true,
  }),
}));

export const patchList = PATCHES;

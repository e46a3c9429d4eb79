// Running one step of a model, and evaluating properties, with model faults
// turned into ModelError (a bug in the model, not in the engine or the input).
import type { Action, Model, Property } from './model.ts';
import { EngineError, ModelError, UsageError } from './errors.ts';

export function produceChecked<S, A extends Action>(model: Model<S, A>, s: S, a: A): S {
  try {
    return model.next(s, a);
  } catch (e) {
    if (e instanceof ModelError || e instanceof UsageError || e instanceof EngineError) throw e;
    throw new ModelError(model.id, `step ${a.context} ${a.step} threw: ${(e as Error).message ?? e}`, { cause: e });
  }
}

export function actionsChecked<S, A extends Action>(model: Model<S, A>, s: S): readonly A[] {
  try {
    return model.actions(s);
  } catch (e) {
    if (e instanceof ModelError || e instanceof UsageError || e instanceof EngineError) throw e;
    throw new ModelError(model.id, `computing enabled actions threw: ${(e as Error).message ?? e}`, { cause: e });
  }
}

export function holds<S>(model: Model<S, any>, p: Property<S>, s: S): boolean {
  try {
    return p.check(s);
  } catch (e) {
    throw new ModelError(model.id, `property ${p.name} threw: ${(e as Error).message ?? e}`, { cause: e });
  }
}

/** The property groups of a model, split once. */
export interface PropertySets<S> {
  readonly always: readonly Property<S>[];
  readonly sometimes: readonly Property<S>[];
  readonly atEnd: readonly Property<S>[];
}

export function propertySets<S>(model: Model<S, any>): PropertySets<S> {
  const names = new Set<string>();
  for (const p of model.properties) {
    if (names.has(p.name)) throw new ModelError(model.id, `property ${p.name} is defined twice`);
    names.add(p.name);
  }
  return {
    always: model.properties.filter((p) => p.kind === 'always'),
    sometimes: model.properties.filter((p) => p.kind === 'sometimes'),
    atEnd: model.properties.filter((p) => p.kind === 'at_end'),
  };
}

// Three kinds of failure, kept apart (as loom does) so that a user can tell
// whose fault a message is:
// - UsageError: bad input from the user (unknown model, bad flag, malformed
//   token or trace file). The CLI prints one line and exits 2.
// - ModelError: the model broke the model API (a step threw, returned
//   non-plain data, an action was not enabled). A bug in a model.
// - EngineError: an internal invariant of the checker itself failed (a
//   fingerprint collision, a trace that does not reconstruct). A bug in
//   slubcheck.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly modelId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`model error in ${modelId}: ${message}`, options);
  }
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`slubcheck engine bug: ${message}`, options);
  }
}

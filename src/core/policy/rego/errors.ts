import type { RegoErrorCode, RegoLocation } from './api.js';

/**
 * Every error the interpreter raises. `toString()`/`message` follow OPA's format
 * `<file>:<row>: <code>: <message>` (or `<code>: <message>` without a location) so the
 * conformance cases' substring checks hold and policy authors see the same text OPA shows.
 */
export class RegoError extends Error {
  /** Further errors found in the same pass (a parse or compile run reports all it finds). */
  readonly others: RegoError[] = [];

  constructor(
    readonly code: RegoErrorCode,
    readonly detail: string,
    readonly location?: RegoLocation,
  ) {
    super(location ? `${location.file}:${location.row}: ${code}: ${detail}` : `${code}: ${detail}`);
    this.name = 'RegoError';
  }
}

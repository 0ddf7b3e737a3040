import type { RegoErrorCode, RegoLocation } from './api.js';

/**
 * Every error the interpreter raises. `toString()`/`message` follow OPA's format
 * `<file>:<row>: <code>: <message>` (or `<code>: <message>` without a location) so the
 * conformance cases' substring checks hold and policy authors see the same text OPA shows.
 */
export class RegoError extends Error {
  /** Further errors found in the same pass (a parse or compile run reports all it finds). */
  readonly others: RegoError[] = [];
  /**
   * The innermost rule being evaluated when an evaluation error arose (set once, on the way out),
   * so the broker can name the module and rule without quoting any input value.
   */
  rule?: { readonly name: string; readonly file: string; readonly row: number };

  constructor(
    readonly code: RegoErrorCode,
    readonly detail: string,
    readonly location?: RegoLocation,
  ) {
    super(location ? `${location.file}:${location.row}: ${code}: ${detail}` : `${code}: ${detail}`);
    this.name = 'RegoError';
  }
}

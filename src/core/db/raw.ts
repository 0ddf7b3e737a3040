/**
 * Prepared-text SQL for the hot path (creating, granting and auditing a request), below Drizzle's
 * query builder. The builder walks every column and parameter through `is()` checks on each call:
 * ~25 % of the server's CPU per auto-approved request in bench/requests.ts. Here a statement's text
 * is built once per shape (table + set of columns) and cached; values go through the columns' own
 * Drizzle codecs (`mapToDriverValue` / `mapFromDriverValue`), so rows read here are exactly the rows
 * the builder would return. Everything else keeps using Drizzle (docs/adr/0031-hot-path-sql.md).
 *
 * Both drivers run the text through Drizzle's session (`prepareQuery` with no field mapping): the
 * same transaction, pipelining on postgres.js, and named prepared statements on PostgreSQL (Drizzle's
 * builder sends unnamed ones, which the server parses and plans again on every call).
 */
import { type Column, getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client.js';

/** Runs `text` with `$1…` parameters in `exec` (root or transaction); rows as the driver returns them. */
export async function rawRows<T = Record<string, unknown>>(
  exec: Executor,
  text: string,
  params: unknown[],
): Promise<T[]> {
  // A name makes postgres.js use a named prepared statement (parsed and planned once per
  // connection, cached by text) instead of parsing and planning the text on every call.
  const res = (await exec._.session
    .prepareQuery({ sql: text, params }, undefined, 'jitsudo_hot_path', false)
    .execute()) as unknown;
  // postgres.js returns an array-like RowList; PGlite returns { rows }.
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

interface Col {
  key: string;
  name: string;
  column: Column;
}

/**
 * One table's statements by shape. `insert` and `update` return the stored row (RETURNING *), mapped
 * to the Drizzle select type.
 */
export class FastTable<T extends PgTable> {
  readonly #name: string;
  readonly #cols: Col[];
  readonly #byKey: Map<string, Col>;
  readonly #texts = new Map<string, string>();

  constructor(table: T) {
    this.#name = getTableName(table);
    this.#cols = Object.entries(getTableColumns(table)).map(([key, column]) => ({
      key,
      name: column.name,
      column,
    }));
    this.#byKey = new Map(this.#cols.map((c) => [c.key, c]));
  }

  /** Inserts `row` (absent keys take their database defaults) and returns it as stored. */
  async insert(exec: Executor, row: T['$inferInsert']): Promise<T['$inferSelect']> {
    const keys = this.#present(row as Record<string, unknown>);
    const shape = `i:${keys.join(',')}`;
    let text = this.#texts.get(shape);
    if (!text) {
      const names = keys.map((k) => quote(this.#col(k).name)).join(', ');
      const marks = keys.map((_, i) => `$${i + 1}`).join(', ');
      text = `insert into ${quote(this.#name)} (${names}) values (${marks}) returning *`;
      this.#texts.set(shape, text);
    }
    const [r] = await rawRows(exec, text, this.#values(keys, row as Record<string, unknown>));
    return this.#fromDriver(r!);
  }

  /**
   * `update … set <patch>[, <column> = <column> + 1] where <match> returning *`: the row after, or
   * undefined when no row matched. `match` is a conjunction of equalities.
   */
  async update(
    exec: Executor,
    patch: Partial<T['$inferInsert']>,
    match: Partial<T['$inferSelect']>,
    increment?: keyof T['$inferSelect'] & string,
  ): Promise<T['$inferSelect'] | undefined> {
    const setKeys = this.#present(patch as Record<string, unknown>);
    const whereKeys = this.#present(match as Record<string, unknown>);
    const shape = `u:${setKeys.join(',')}|${whereKeys.join(',')}|${increment ?? ''}`;
    let text = this.#texts.get(shape);
    if (!text) {
      const sets = setKeys.map((k, i) => `${quote(this.#col(k).name)} = $${i + 1}`);
      if (increment) {
        const n = quote(this.#col(increment).name);
        sets.push(`${n} = ${n} + 1`);
      }
      const where = whereKeys.map((k, i) => `${quote(this.#col(k).name)} = $${setKeys.length + i + 1}`);
      text = `update ${quote(this.#name)} set ${sets.join(', ')} where ${where.join(' and ')} returning *`;
      this.#texts.set(shape, text);
    }
    const params = [
      ...this.#values(setKeys, patch as Record<string, unknown>),
      ...this.#values(whereKeys, match as Record<string, unknown>),
    ];
    const [r] = await rawRows(exec, text, params);
    return r ? this.#fromDriver(r) : undefined;
  }

  #col(key: string): Col {
    const c = this.#byKey.get(key);
    if (!c) throw new Error(`${this.#name} has no column for key ${key}`);
    return c;
  }

  /** Keys with a value (undefined means "not given", as in Drizzle), in column order. */
  #present(o: Record<string, unknown>): string[] {
    for (const k of Object.keys(o)) this.#col(k); // unknown keys are a programming error
    return this.#cols.filter((c) => o[c.key] !== undefined).map((c) => c.key);
  }

  #values(keys: readonly string[], o: Record<string, unknown>): unknown[] {
    return keys.map((k) => {
      const v = o[k];
      return v === null ? null : this.#col(k).column.mapToDriverValue(v);
    });
  }

  #fromDriver(raw: Record<string, unknown>): T['$inferSelect'] {
    const out: Record<string, unknown> = {};
    for (const c of this.#cols) {
      const v = raw[c.name];
      out[c.key] = v === null || v === undefined ? null : c.column.mapFromDriverValue(v);
    }
    return out as T['$inferSelect'];
  }
}

function quote(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

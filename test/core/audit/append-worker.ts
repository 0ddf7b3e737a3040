/**
 * Child process for the cross-process append test: appends `count` events to the database at `url`
 * (PostgreSQL), each in its own transaction, then prints `done <count>`.
 * Usage: tsx test/core/audit/append-worker.ts <url> <label> <count>
 */
import { appendAudit } from '../../../src/core/audit/append.js';
import { bindAuditMacKey } from '../../../src/core/db/audit-key.js';
import { openPostgres, withTx } from '../../../src/core/db/client.js';
import { TEST_SERVER_KEYS } from '../../helpers/db.js';

const [url, label, count] = process.argv.slice(2);
const opened = openPostgres(url!, 4);
bindAuditMacKey(opened.db, TEST_SERVER_KEYS.auditMacKeys[0]!);
let n = 0;
// Several appends in flight at once from this process too, over a pool of 4 connections.
await Promise.all(
  Array.from({ length: 4 }, async (_, lane) => {
    for (let i = lane; i < Number(count); i += 4) {
      await withTx(opened.db, (tx) =>
        appendAudit(tx, {
          actor: `${label}@example.com`,
          action: 'test.appended',
          outcome: 'success',
          details: { i },
        }),
      );
      n++;
    }
  }),
);
await opened.close();
console.log(`done ${n}`);

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { note } from '../../output.js';

export const auditExportCommand = leaf({
  name: 'export',
  description:
    'Export the whole audit chain as JSON Lines (admin); check it later with `audit verify --file`',
  args: { file: { type: 'string', alias: 'f', description: 'write here instead of stdout' } },
  schema: z.object({ file: z.string().min(1).optional(), ...globalFields }).strict(),
  async run(a) {
    const body = await authedClient(a.server).exportAudit();
    const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
    if (!a.file) {
      await pipeline(source, process.stdout, { end: false });
      return;
    }
    let lines = 0;
    source.on('data', (chunk: Buffer) => {
      for (const b of chunk) if (b === 10) lines++;
    });
    await pipeline(source, createWriteStream(a.file, { mode: 0o600 }));
    note(`Exported ${lines} lines to ${a.file}`);
  },
});

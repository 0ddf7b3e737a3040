/**
 * `COPY … TO STDOUT` on PGlite, read straight off the wire protocol. PGlite's own COPY path writes to
 * its `/dev/blob` device, which keeps one Blob part per row and hands back a Blob that must then be
 * read back asynchronously — for the audit verifier's 10,000-row batches that read-back cost about as
 * much as decoding the text (docs/adr/0035, "Verification cost"). Here PGlite passes the raw protocol
 * bytes to a callback without parsing them; the CopyData payloads are the COPY lines.
 */

/** The PGlite methods this needs (public API; `runExclusive` takes the lock each of its queries takes). */
interface PgliteRaw {
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(
    message: Uint8Array,
    opts: { syncToFs?: boolean; onRawData: (chunk: Uint8Array) => void },
  ): Promise<void>;
}

export function supportsRawCopy(client: unknown): client is PgliteRaw {
  const c = client as Partial<PgliteRaw> | null;
  return typeof c?.runExclusive === 'function' && typeof c.execProtocolRawStream === 'function';
}

/**
 * Runs `copy (<query>) to stdout` and returns its text. Call only inside the caller's PGlite
 * transaction callback (which holds PGlite's transaction lock), so no other statement interleaves;
 * a database error is thrown, and the transaction then rolls back as for any failed query.
 */
export async function pgliteCopyOut(client: PgliteRaw, query: string): Promise<string> {
  const out = new Collector();
  await client.runExclusive(() =>
    client.execProtocolRawStream(simpleQuery(`copy (${query}) to stdout`), {
      syncToFs: false, // a read: nothing to persist
      onRawData: (chunk) => out.add(chunk), // a view into PGlite's memory: copied at once
    }),
  );
  return copyPayload(out.bytes());
}

/** A frontend Query message: 'Q', int32 length, the SQL, NUL. */
function simpleQuery(sql: string): Uint8Array {
  const body = Buffer.from(`${sql}\0`, 'utf8');
  const msg = Buffer.allocUnsafe(5 + body.length);
  msg[0] = 0x51;
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}

/** One growing buffer: the wire bytes are copied once, not once per chunk and again to join them. */
class Collector {
  /** The last output's size: batches of one scan are alike, so the next one rarely has to grow. */
  private static hint = 1 << 16;
  private buf = Buffer.allocUnsafe(Collector.hint);
  private len = 0;

  add(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + chunk.length));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  bytes(): Buffer {
    Collector.hint = Math.min(Math.max(this.len + (this.len >> 3), 1 << 16), 64 << 20);
    return this.buf.subarray(0, this.len);
  }
}

/**
 * The concatenated CopyData ('d') payloads as UTF-8 text; an ErrorResponse ('E') is thrown with its
 * message. Other messages (CopyOutResponse, CopyDone, CommandComplete, ReadyForQuery) carry nothing.
 */
function copyPayload(b: Buffer): string {
  let w = 0;
  let error: string | undefined;
  for (let r = 0; r + 5 <= b.length; ) {
    const type = b[r]!;
    const end = r + 1 + b.readInt32BE(r + 1);
    if (end > b.length || end < r + 5) throw new Error('COPY: truncated protocol message');
    if (type === 0x64) {
      // Compacts in place: the payloads end up contiguous at the front of the buffer.
      b.copyWithin(w, r + 5, end);
      w += end - r - 5;
    } else if (type === 0x45 && error === undefined) error = errorMessage(b, r + 5, end);
    r = end;
  }
  if (error !== undefined) throw new Error(`COPY failed: ${error}`);
  return b.toString('utf8', 0, w);
}

/** The 'M' (message) field of an ErrorResponse: type byte, NUL-terminated string, repeated. */
function errorMessage(b: Buffer, start: number, end: number): string {
  for (let i = start; i < end && b[i] !== 0; ) {
    const z = b.indexOf(0, i + 1);
    if (z < 0 || z >= end) break;
    if (b[i] === 0x4d) return b.toString('utf8', i + 1, z);
    i = z + 1;
  }
  return 'unknown error';
}

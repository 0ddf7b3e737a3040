import type { AuditDeps } from './access.js';
import { createCheckpoint } from './checkpoint.js';

/**
 * Signs a checkpoint every `intervalMs` while the log grows (a no-op when the head has not moved),
 * bounding how many rows a tail truncation could remove unnoticed. Shaped like core's Background.
 */
export function auditCheckpointer(
  deps: AuditDeps & { log?: { warn(obj: object, msg: string): void } },
  intervalMs = 60_000,
): { start(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = createCheckpoint(deps).catch((e: Error) =>
      deps.log?.warn({ err: e.message }, 'audit checkpoint failed; will retry'),
    );
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

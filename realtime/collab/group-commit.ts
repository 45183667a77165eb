import type { Executor } from "../../db/client.ts";
import { appendUpdates, type PendingUpdate } from "../../app/features/documents/persistence.server.ts";

/**
 * Group commit: updates that arrive while a write is in progress are stored
 * together by the next write, in one statement. An idle server writes each
 * update at once; a busy one writes fewer, larger batches instead of queueing
 * one round trip per keystroke. Each caller's promise settles when its own
 * update is stored (or the batch failed).
 */
export class GroupCommit {
  private queue: Array<PendingUpdate & { resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  constructor(private readonly db: Executor) {}

  store(update: PendingUpdate): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...update, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await appendUpdates(this.db, batch);
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.writing = false;
  }
}

import type { NextFunction, Request, Response } from "express";

/**
 * At most `concurrency` page requests are worked on at once; the others wait their turn, first come first
 * served. Without it, every request in flight interleaves its queries with all the others' (the embedded
 * database runs one query at a time): under a burst, all of them finish late together and the slowest
 * time out. In turn, each waits about as long as the queue ahead of it, and a full queue answers 503 at
 * once rather than letting requests pile up.
 */
export class AdmissionQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once admitted; `null` when the queue is full. */
  enter(): Promise<(() => void) | null> {
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line.
      if (next) next();
      else this.active -= 1;
    };
  }
}

const BUSY_PAGE =
  '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Service momentanément surchargé — Tablée</title>' +
  "<h1>Service momentanément surchargé</h1><p>Tablée reçoit beaucoup de demandes en ce moment. Réessayez dans quelques instants.</p></html>";

/** Express middleware: a request is admitted before any work (session, queries, rendering) and leaves when answered. */
export function admission(queue: AdmissionQueue) {
  return (req: Request, res: Response, next: NextFunction) => {
    // An upload would hold its turn for as long as a slow connection takes to send it: uploads are rare, let them through.
    if (req.is("multipart/form-data")) return next();
    void queue.enter().then((release) => {
      if (!release) {
        res.status(503).set("Retry-After", "5").type("text/html; charset=utf-8").send(BUSY_PAGE);
        return;
      }
      res.once("finish", release);
      res.once("close", release);
      // A client that gave up while waiting is not worked on.
      if (req.socket.destroyed) return release();
      next();
    });
  };
}

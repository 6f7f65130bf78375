/**
 * A wake-up signal for polling loops: `wait(ms)` resolves after `ms` or as soon as someone
 * calls `poke()`, whichever is first. A poke that arrives while nobody waits is remembered, so
 * a commit that lands between two loop iterations is never slept through.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  poke(): void {
    if (this.waiter) this.release();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
      this.timer = setTimeout(() => this.release(), ms);
    });
  }

  private release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    this.pending = false;
    waiter?.();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential backoff: attempt 1 waits `initialMs`, each next one `factor` times longer, capped. */
export function backoffDelay(attempt: number, initialMs: number, factor: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * Math.pow(factor, Math.max(0, attempt - 1)));
}

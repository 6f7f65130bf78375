import { Presets, SingleBar } from 'cli-progress';
import type { OpsContext } from './ops-context';

export interface ProgressBar {
  update(done: number, total: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const none: ProgressBar = { update: () => undefined, stop: () => undefined };

/**
 * A cli-progress bar on the terminal (stderr, so stdout stays the command's answer). Without a
 * terminal (captured, piped, a test) there is no bar: the command's summary line says it all.
 * `format` may use cli-progress' placeholders plus {speed} (events/s) and any payload key.
 */
export function progressBar(ctx: OpsContext, format: string, payload: Record<string, string | number> = {}): ProgressBar {
  const stream = ctx.io.progress;
  if (!stream) return none;
  const bar = new SingleBar(
    { format, stream, hideCursor: true, etaBuffer: 50, fps: 8, clearOnComplete: false },
    Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update(done, total, extra = {}) {
      const seconds = (Date.now() - started) / 1000;
      const values = { ...payload, ...extra, speed: seconds > 0 ? Math.round(done / seconds) : 0 };
      if (!running) {
        bar.start(Math.max(total, 1), done, values);
        running = true;
        return;
      }
      bar.setTotal(Math.max(total, done, 1));
      bar.update(done, values);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}


/**
 * Runs `attempt` until it succeeds, waiting longer each time (capped), so an app started before
 * Postgres or Kafka waits for them instead of crash-looping. `onError` reports each failure.
 */
export async function retryForever<T>(
  attempt: () => Promise<T>,
  {
    initialDelayMs = 250,
    maxDelayMs = 5000,
    onError = (_err: unknown, _n: number) => undefined as void,
    stopped = () => false,
  }: { initialDelayMs?: number; maxDelayMs?: number; onError?: (err: unknown, n: number) => void; stopped?: () => boolean } = {},
): Promise<T> {
  let delay = initialDelayMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (stopped()) throw err;
      onError(err, n);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(maxDelayMs, delay * 2);
    }
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

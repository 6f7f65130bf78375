/**
 * An open-loop load: requests at a fixed rate whatever the answers do, each one's latency
 * counted from when it was due (not from when a connection was free), so a stall shows in the
 * percentiles instead of slowing the load down (no coordinated omission). autocannon's
 * `overallRate` does not do this: each connection sends its share of a second back to back and
 * then waits for the next second, so the whole second's requests arrive in a burst.
 *
 * undici's Pool keeps `connections` keep-alive sockets; a request due while all are busy waits
 * in its queue, and that wait is part of its latency.
 */
import { Pool } from 'undici';

export interface OpenLoopOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The body of the i-th request. */
  body: (i: number) => string;
  ratePerSecond: number;
  seconds: number;
  connections: number;
  timeoutMs?: number;
  /** A cheap GET that opens each connection before the schedule starts (default /health). */
  warmPath?: string;
}

export interface OpenLoopResult {
  offeredPerSecond: number;
  seconds: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Per second, of the requests answered with a 2xx. */
  okPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  /** Per second of the schedule: requests due, and the worst latency among them (ms). */
  timeline: { second: number; due: number; maxMs: number }[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const timeline: { second: number; due: number; maxMs: number }[] = [];
  const note = (i: number, ms: number) => {
    const second = Math.floor(i / options.ratePerSecond);
    const slot = (timeline[second] ??= { second, due: 0, maxMs: 0 });
    slot.due++;
    slot.maxMs = Math.max(slot.maxMs, Math.round(ms));
  };
  const statuses: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  // Connections open before the clock starts, as a client that keeps them alive would have them:
  // opening hundreds at the first due request would count the handshakes as the server's latency.
  await Promise.all(
    Array.from({ length: options.connections }, () =>
      pool
        .request({ path: options.warmPath ?? '/health', method: 'GET' })
        .then((res) => res.body.dump())
        .catch(() => undefined),
    ),
  );
  const total = Math.round(options.ratePerSecond * options.seconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();

  const fire = (i: number): void => {
    const due = start + i * intervalMs;
    const p = pool
      .request({
        path: target.pathname + target.search,
        method: options.method,
        headers: options.headers,
        body: options.method === 'POST' ? options.body(i) : undefined,
        headersTimeout: options.timeoutMs ?? 10_000,
        bodyTimeout: options.timeoutMs ?? 10_000,
      })
      .then(async (res) => {
        await res.body.dump();
        const status = res.statusCode;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) {
          ok++;
          const ms = performance.now() - due;
          latencies.push(ms);
          note(i, ms);
        } else non2xx++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  // A 1 ms tick sends whatever has fallen due since the last one.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (sent < due) fire(sent++);
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all([...inFlight]);
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    offeredPerSecond: options.ratePerSecond,
    seconds: round(seconds),
    sent,
    ok,
    non2xx,
    errors,
    okPerSecond: Math.round(ok / options.seconds),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
    statuses,
    timeline: timeline.filter(Boolean),
  };
}

// Which processes a benchmark's stack runs, and waiting until they are idle (Linux /proc).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from '@d06/testing';
import { cpuTicks } from './proc-stats';

const ROOT = path.resolve(__dirname, '../..');

/** The stack's app processes (every instance): node processes whose environment carries its instance id; with the shared broker. */
export function stackPids(instanceId: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const m = /dist\/apps\/([a-z-]+)\/main\.js/.exec(cmd);
      if (!m) continue;
      if (readFileSync(`/proc/${d}/environ`, 'utf8').includes(`D06_INSTANCE_ID=${instanceId}\0`)) (out[m[1]] ??= []).push(Number(d));
    } catch {
      // gone or not ours
    }
  }
  const kafkaPidFile = path.join(ROOT, '.data/kafka/kafka.pid');
  if (existsSync(kafkaPidFile)) out['kafka (shared)'] = [Number(readFileSync(kafkaPidFile, 'utf8').trim())];
  return out;
}

/**
 * Waits until the processes are nearly idle (under 20 % of a core together over a second, or
 * `maxMs` at most) and returns the seconds waited: after an overloaded run the platform drains
 * its backlog (consumers, relays, the sealer) for a while, and the next measured run would share
 * the two cores with it.
 */
export async function settle(pids: Record<string, number[]>, maxMs = 90_000): Promise<number> {
  const started = Date.now();
  const all = Object.values(pids).flat();
  const total = () => all.reduce((sum, p) => sum + (cpuTicks(p) || 0), 0);
  while (Date.now() - started < maxMs) {
    const before = total();
    await sleep(1000);
    if (total() - before < 20) break;
  }
  return Math.round((Date.now() - started) / 1000);
}

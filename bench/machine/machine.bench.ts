/**
 * bench/machine: two facts about this machine that every other benchmark here depends on, measured
 * in the same run so that their figures can be read against them.
 *
 * - `spin`: a fixed single-threaded loop (CPU speed; the same code on every machine).
 * - `wake-up`: the CPU a process spends per message exchanged with another process over loopback
 *   TCP, at rising message rates. The platform is six processes passing small messages (HTTP,
 *   Kafka, Postgres); at low rates every message wakes an idle process, at high rates processes
 *   stay busy and one wake-up serves many messages. On bare metal a wake-up costs microseconds;
 *   on some VMs (a halted vCPU woken by an interrupt) it costs hundreds, and then CPU per request
 *   falls as load rises instead of staying flat. This is what the table shows.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/machine/machine.bench.ts
 *
 * Writes bench/results/machine.json. Not a test: it never fails on figures.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { CLK_TCK, cpuTicks } from '../common/proc-stats';

const ROOT = path.resolve(__dirname, '../..');
const RATES = [50, 200, 1000, 5000];
const say = (m: string) => console.log(`[bench:machine] ${m}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function spin(): number {
  const started = performance.now();
  let x = 0;
  for (let i = 0; i < 3e8; i++) x = (x + i * 7) % 1_000_003;
  if (x < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return Math.round(performance.now() - started);
}

interface WakeUp {
  rate: number | 'burst';
  messages: number;
  /** CPU of the sending process per round trip (user + system), in microseconds */
  cpuMicros: number;
  /** the echoing process's CPU per round trip, in microseconds */
  peerCpuMicros: number;
}

/** The process's CPU time so far, in microseconds. */
const cpuMicrosOf = (pid: number) => cpuTicks(pid) * (1_000_000 / CLK_TCK);

/** Round trips of a 200-byte message to an echoing child process, paced at `rate` per second. */
async function wakeUps(): Promise<WakeUp[]> {
  const child = fork(__filename, ['echo'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve) => child.once('message', (m: number) => resolve(m)));
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.setNoDelay(true);
    const message = Buffer.alloc(200, 1);
    const out: WakeUp[] = [];
    for (const rate of ['burst' as const, ...RATES]) {
      const n = rate === 'burst' ? 5000 : Math.min(rate * 3, 10_000);
      let received = 0;
      const done = new Promise<void>((resolve) => {
        const onData = (d: Buffer) => {
          received += d.length;
          if (received >= n * message.length) {
            socket.off('data', onData);
            resolve();
          }
        };
        socket.on('data', onData);
      });
      const own0 = process.cpuUsage();
      const peer0 = cpuMicrosOf(child.pid as number);
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        socket.write(message);
        if (rate !== 'burst') {
          const due = started + ((i + 1) * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
          else if ((i & 31) === 31) await new Promise<void>((r) => setImmediate(r));
        }
      }
      await done;
      const own = process.cpuUsage(own0);
      out.push({ rate, messages: n, cpuMicros: Math.round((own.user + own.system) / n), peerCpuMicros: Math.round((cpuMicrosOf(child.pid as number) - peer0) / n) });
    }
    socket.destroy();
    return out;
  } finally {
    child.kill();
  }
}

function echo(): void {
  const server = net.createServer((c) => {
    c.setNoDelay(true);
    c.on('data', (d) => c.write(d));
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as net.AddressInfo).port));
}

async function main(): Promise<void> {
  const spinMs = [spin(), spin(), spin()].sort((a, b) => a - b)[1];
  say(`spin: ${spinMs} ms (median of 3)`);
  const wake = await wakeUps();
  const lines = [
    '| messages/s | CPU per round trip, sender (µs) | CPU per round trip, echoing peer (µs) |',
    '| --- | ---: | ---: |',
    ...wake.map((w) => `| ${w.rate} | ${w.cpuMicros} | ${w.peerCpuMicros} |`),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  const burst = wake.find((w) => w.rate === 'burst')?.cpuMicros ?? 1;
  const slowest = Math.max(...wake.map((w) => w.cpuMicros));
  say(`a paced message costs up to ${Math.round(slowest / Math.max(burst, 1))}x the CPU of one in a burst on this machine`);
  const machine = {
    benchmark: 'machine',
    at: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg(),
    spinMs,
    wakeUps: wake,
    markdown: lines.join('\n'),
  };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/machine.json'), `${JSON.stringify(machine, null, 2)}\n`);
  say('wrote bench/results/machine.json');
}

if (process.argv[2] === 'echo') echo();
else
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );

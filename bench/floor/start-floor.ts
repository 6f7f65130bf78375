import { fork } from 'node:child_process';
import path from 'node:path';
import { databaseUrlFor, testKafka, type TestStack } from '@d06/testing';

export type FloorMode = 'verify' | 'notice';

/**
 * Starts the floor of a benchmark (kafka-floor.ts) beside a test stack: its topics under the
 * stack's prefix (removed with the stack's), its tables (notice mode) in `service`'s database.
 * Resolves with the front's URL once both processes are up.
 */
export async function startFloor(stack: TestStack, options: { mode: FloorMode; service: keyof TestStack['databases']; partitions: number }): Promise<{ url: string; pids: { front: number; responder: number }; stop(): void }> {
  const prefix = `${stack.prefix}floor.`;
  const admin = testKafka(stack.infra, `bench-floor-${options.mode}`).admin();
  await admin.connect();
  try {
    const topics = options.mode === 'notice' ? ['requests', 'replies', 'events'] : ['requests', 'replies'];
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((t) => ({ topic: `${prefix}${t}`, numPartitions: options.partitions })) });
  } finally {
    await admin.disconnect();
  }
  const env = {
    ...process.env,
    FLOOR_MODE: options.mode,
    FLOOR_TOPIC_PREFIX: prefix,
    FLOOR_DATABASE_URL: databaseUrlFor(stack.infra.databaseUrl, stack.databases[options.service]),
  };
  const script = path.join(__dirname, 'kafka-floor.ts');
  const responder = fork(script, ['responder'], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const front = fork(script, ['front'], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = () => {
    front.kill('SIGTERM');
    responder.kill('SIGTERM');
  };
  try {
    const ready = (child: typeof front, name: string) =>
      new Promise<number>((resolve, reject) => {
        child.once('message', (m: { port?: number }) => resolve(m.port ?? 0));
        child.once('exit', (code) => reject(new Error(`floor ${name} exited with ${code}`)));
      });
    const [port] = await Promise.all([ready(front, 'front'), ready(responder, 'responder')]);
    return { url: `http://127.0.0.1:${port}/${options.mode}`, pids: { front: front.pid ?? 0, responder: responder.pid ?? 0 }, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

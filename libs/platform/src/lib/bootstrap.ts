import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ConfigError } from './config';
import { PlatformLogger } from './logging';

/** Creates a Nest app with the platform's logger and clean shutdown, listening on host:port. */
export async function startNestApp(
  module: DynamicModule | Type<unknown>,
  { host, port, configure, bodyParser = true }: { host: string; port: number; configure?: (app: INestApplication) => void | Promise<void>; bodyParser?: boolean },
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true, abortOnError: false, bodyParser });
  app.useLogger(app.get(PlatformLogger));
  app.flushLogs();
  // Ctrl-C and SIGTERM close Kafka consumers and pools, so restarts rejoin groups quickly.
  app.enableShutdownHooks();
  await configure?.(app);
  await app.listen(port, host);
  return app;
}

/** main.ts of every app: a config error is one clear message and exit code 78 (EX_CONFIG). */
export function runMain(start: () => Promise<unknown>): void {
  start().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    console.error(err);
    process.exit(1);
  });
}

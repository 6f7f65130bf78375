import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Histogram, Registry } from 'prom-client';
import { GroupCommitter } from '@d06/event-sourcing';
import { APP_CONFIG, CLOCK, ID_GENERATOR, METRICS_REGISTRY, errorMessage, registryHistogram, type Clock, type IdGenerator, type ManagedDataSource } from '@d06/platform';
import type { GatewayConfig } from '../gateway-config';
import { GATEWAY_DATABASE } from '../gateway.tokens';
import { ProblemException, problem } from '../common/problem';
import { requestHash } from './idempotency-key';
import { IdempotencyStore, keyOf, type Claim, type Completion, type StoredOutcome } from './idempotency.store';

/** An HTTP answer as the gateway sends and, for idempotent requests, stores it. */
export type HttpOutcome = StoredOutcome;

export interface IdempotentRequest {
  clientId: string;
  key: string;
  method: string;
  path: string;
  body: unknown;
}

/** How long a request waits for the gateway database before answering 503. */
const DATABASE_WAIT_MS = 3000;
const PURGE_BATCH = 5000;
/** Attempts to claim a key that vanishes between our statements (released or purged meanwhile). */
const CLAIM_ATTEMPTS = 3;

function unavailable(): ProblemException {
  return new ProblemException(problem(503, 'IDEMPOTENCY_STORE_UNAVAILABLE', 'Idempotency keys cannot be checked right now; retry later.'), { 'Retry-After': '5' });
}

/**
 * Idempotency-Key semantics of CONTRACT.md §2 over the gateway's own table: the first request
 * with a key claims it and runs; repeats of the same body within the TTL get its answer again;
 * another body is 422; a repeat while it runs is 409. A 5xx outcome (or an exception, such as a
 * service timeout) releases the key so the client can retry.
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private readonly seconds: Histogram<'step'>;
  /**
   * Claims and outcomes of concurrent requests go to Postgres together: under load the two
   * statements per POST, each a round trip and a commit of its own, were the gateway's largest
   * cost (socket writes to Postgres) and the longest wait of a request outside the services.
   */
  private readonly claims = new GroupCommitter<Claim, boolean>({
    keyOf: (c) => keyOf(c.clientId, c.key),
    sizeOf: () => 1,
    runBatch: async (claims) => (await this.store()).claimMany(claims),
    runOne: async (claim) => (await this.store()).claim(claim),
    maxInFlight: 2,
    maxSize: 500,
  });
  private readonly completions = new GroupCommitter<Completion, boolean>({
    keyOf: (c) => keyOf(c.clientId, c.key),
    sizeOf: () => 1,
    runBatch: async (items) => (await this.store()).completeMany(items),
    runOne: async (item) => (await this.store()).complete(item),
    maxInFlight: 2,
    maxSize: 500,
  });

  constructor(
    @Inject(GATEWAY_DATABASE) private readonly db: ManagedDataSource,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.seconds = registryHistogram(registry, {
      name: 'gateway_idempotency_duration_seconds',
      help: 'Time spent on the Idempotency-Key store, by step (claim, complete)',
      labelNames: ['step'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
  }

  onApplicationBootstrap() {
    void this.db.ready().then(() => {
      if (this.stopped) return;
      void this.purgeExpired();
      this.timer = setInterval(() => void this.purgeExpired(), this.config.idempotencyPurgeIntervalMs);
      this.timer.unref();
    });
  }

  onApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  async run(request: IdempotentRequest, execute: () => Promise<HttpOutcome>): Promise<{ outcome: HttpOutcome; replayed: boolean }> {
    const store = await this.store();
    const hash = requestHash(request.method, request.path, request.body);
    const { clientId, key } = request;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const token = this.ids.next();
      const now = this.clock.now();
      const endClaim = this.seconds.startTimer({ step: 'claim' });
      const claimed = await this.guarded(() =>
        this.claims.submit({
          clientId,
          key,
          requestHash: hash,
          method: request.method,
          path: request.path,
          token,
          now,
          // A request holds its key at most this long; after that a repeat may take it over.
          lockedUntil: new Date(now.getTime() + this.config.rpcTimeoutMs + 30_000),
          expiresAt: new Date(now.getTime() + this.config.idempotencyTtlHours * 3_600_000),
        }),
      ).finally(() => endClaim());
      if (claimed) return { outcome: await this.execute(store, clientId, key, token, execute), replayed: false };

      const record = await this.guarded(() => store.find(clientId, key));
      if (!record) continue;
      if (record.requestHash !== hash) {
        throw new ProblemException(problem(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body or path.'));
      }
      if (record.state === 'in_flight') throw this.inFlight();
      return { outcome: record.outcome, replayed: true };
    }
    throw this.inFlight();
  }

  private inFlight(): ProblemException {
    return new ProblemException(problem(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry shortly.'), { 'Retry-After': '1' });
  }

  private async execute(store: IdempotencyStore, clientId: string, key: string, token: string, execute: () => Promise<HttpOutcome>): Promise<HttpOutcome> {
    let outcome: HttpOutcome;
    try {
      outcome = await execute();
    } catch (err) {
      await store.release(clientId, key, token).catch((e: unknown) => this.logger.warn(`could not release an idempotency key: ${errorMessage(e)}`));
      throw err;
    }
    const endComplete = this.seconds.startTimer({ step: 'complete' });
    try {
      if (outcome.status >= 500) await store.release(clientId, key, token);
      else if (!(await this.completions.submit({ clientId, key, token, outcome, now: this.clock.now() }))) {
        this.logger.warn('an idempotency key was taken over before its request finished; its outcome is not stored');
      }
    } catch (err) {
      // The answer stands; only its replay is lost (the key stays in flight until its lease ends).
      this.logger.warn(`could not store an idempotent outcome: ${errorMessage(err)}`);
    } finally {
      endComplete();
    }
    return outcome;
  }

  private async store(): Promise<IdempotencyStore> {
    if (this.db.status === 'up') return new IdempotencyStore(this.db.dataSource);
    const ds = await Promise.race([this.db.ready(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), DATABASE_WAIT_MS).unref())]);
    if (!ds) throw unavailable();
    return new IdempotencyStore(ds);
  }

  private async guarded<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement();
    } catch (err) {
      this.logger.warn(`idempotency store failed: ${errorMessage(err)}`);
      throw unavailable();
    }
  }

  /** Deletes expired keys in batches; returns how many. */
  async purgeExpired(): Promise<number> {
    let total = 0;
    try {
      const ds = this.db.status === 'up' ? this.db.dataSource : undefined;
      if (!ds) return 0;
      const store = new IdempotencyStore(ds);
      for (;;) {
        const n = await store.purgeExpired(this.clock.now(), PURGE_BATCH);
        total += n;
        if (n < PURGE_BATCH || this.stopped) break;
      }
      if (total > 0) this.logger.log(`purged ${total} expired idempotency keys`);
    } catch (err) {
      this.logger.warn(`purging idempotency keys failed: ${errorMessage(err)}`);
    }
    return total;
  }
}

import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { errorMessage } from './errors';
import { stderrLogger, type Logger } from './logger';
import { LOCK_NAMESPACE } from './sealer';
import { WakeSignal } from './signal';

export interface LeaderElectionOptions {
  dataSource: DataSource;
  /** What is being led; replicas of one service use the same name (default 'event-pipeline'). */
  name?: string;
  onElected: () => Promise<void> | void;
  onDemoted: () => Promise<void> | void;
  /** How often a follower tries to take the lock (default 1000 ms). */
  retryIntervalMs?: number;
  /** How often the leader checks its lock connection is alive (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /** Connection settings for the lock; by default those of the data source. */
  connection?: ClientConfig;
  logger?: Logger;
}

/** pg settings from a TypeORM Postgres data source, for the one connection TypeORM must not pool. */
export function pgConfigOf(dataSource: DataSource): ClientConfig {
  const o = dataSource.options as PostgresConnectionOptions;
  return {
    connectionString: o.url,
    host: o.host,
    port: o.port,
    user: o.username,
    password: o.password,
    database: o.database,
    // TypeORM hands `ssl` to pg unchanged; the types differ only in a TLS callback pg never uses.
    ssl: o.ssl as ClientConfig['ssl'],
    application_name: o.applicationName,
    connectionTimeoutMillis: o.connectTimeoutMS,
    keepAlive: true,
  };
}

/**
 * Leader election on a session-level `pg_try_advisory_lock` held on a dedicated connection
 * (not a pooled one: a pool would hand the lock-holding session to unrelated queries). The lock
 * lives exactly as long as that session: when the leader's process dies, or its connection
 * breaks, Postgres drops the lock and a follower's next attempt takes over. The leader watches
 * its connection (error event + heartbeat) and demotes itself as soon as it is gone.
 */
export class LeaderElection {
  private readonly options: LeaderElectionOptions;
  private readonly name: string;
  private readonly logger: Logger;
  private readonly signal = new WakeSignal();
  private client: Client | undefined;
  private leader = false;
  private broken = false;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    this.options = options;
    this.name = options.name ?? 'event-pipeline';
    this.logger = options.logger ?? stderrLogger;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.signal.poke();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.leader) {
        await this.tryAcquire();
        if (!this.leader) await this.signal.wait(this.options.retryIntervalMs ?? 1000);
        continue;
      }
      await this.signal.wait(this.options.heartbeatIntervalMs ?? 1000);
      if (!this.running) break;
      if (this.broken || !(await this.heartbeat())) {
        await this.demote('lock connection lost');
        // Step back for a while: a replica whose connection just failed is the worse candidate.
        await this.signal.wait(3 * (this.options.retryIntervalMs ?? 1000));
      }
    }
    if (this.leader) await this.demote('stopping', true);
  }

  private async tryAcquire(): Promise<void> {
    const client = new Client(this.options.connection ?? pgConfigOf(this.options.dataSource));
    try {
      client.on('error', (err) => {
        // Only the connection that holds the lock matters; errors of a closed attempt are noise.
        if (client !== this.client) return;
        this.logger.warn('leader lock connection error', { lock: this.name, error: errorMessage(err) });
        this.broken = true;
        this.signal.poke();
      });
      await client.connect();
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
        LOCK_NAMESPACE,
        this.name,
      ]);
      if (!result.rows[0]?.locked) {
        await client.end();
        return;
      }
      this.client = client;
      this.broken = false;
      this.leader = true;
      this.logger.info('elected leader', { lock: this.name });
      await this.options.onElected();
    } catch (err) {
      this.logger.warn('leader election attempt failed', { lock: this.name, error: errorMessage(err) });
      if (this.leader) await this.demote('onElected failed');
      else await client.end().catch(() => undefined);
    }
  }

  private async heartbeat(): Promise<boolean> {
    try {
      await this.client?.query('SELECT 1');
      return true;
    } catch (err) {
      this.logger.warn('leader heartbeat failed', { lock: this.name, error: errorMessage(err) });
      return false;
    }
  }

  private async demote(reason: string, unlock = false): Promise<void> {
    this.leader = false;
    this.logger.info('leaving leadership', { lock: this.name, reason });
    try {
      await this.options.onDemoted();
    } catch (err) {
      this.logger.error('onDemoted failed', { lock: this.name, error: errorMessage(err) });
    }
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (unlock) {
      await client
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, this.name])
        .catch(() => undefined);
    }
    // Ending the session releases the lock in any case; errors here mean it is already gone.
    await client.end().catch(() => undefined);
  }
}

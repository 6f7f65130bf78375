import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { ensureDatabase } from './database';
import { databaseUrl } from './config';
import { errorMessage, retryForever } from './retry';

export type DatabaseStatus = 'connecting' | 'up' | 'down';

export interface ManagedDataSourceOptions {
  serverUrl: string;
  database: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  poolSize: number;
  appName: string;
}

/**
 * The app's own database, created and migrated at start. Connecting happens in the background
 * with retries, so an app started before Postgres reports "down" instead of crash-looping;
 * `ready()` is what request handlers await.
 */
export class ManagedDataSource {
  private ds: DataSource | null = null;
  private state: DatabaseStatus = 'connecting';
  private stopped = false;
  private readonly logger = new Logger('Database');
  private readonly readyPromise: Promise<DataSource>;
  private resolveReady!: (ds: DataSource) => void;

  constructor(private readonly options: ManagedDataSourceOptions) {
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
  }

  get status(): DatabaseStatus {
    return this.state;
  }

  get dataSource(): DataSource {
    if (!this.ds) throw new Error('database not connected yet');
    return this.ds;
  }

  ready(): Promise<DataSource> {
    return this.readyPromise;
  }

  start(): void {
    void retryForever(() => this.connect(), {
      stopped: () => this.stopped,
      onError: (err, n) => {
        this.state = 'down';
        if (n === 1 || n % 10 === 0) this.logger.warn(`database not reachable yet (${errorMessage(err)}); retrying`);
      },
    }).catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { serverUrl, database, migrations, entities, poolSize, appName } = this.options;
    await ensureDatabase(serverUrl, database);
    const options: DataSourceOptions = {
      type: 'postgres',
      url: databaseUrl(serverUrl, database),
      applicationName: appName,
      migrations,
      entities: entities ?? [],
      migrationsRun: true,
      migrationsTransactionMode: 'each',
      synchronize: false,
      logging: ['error'],
      extra: { max: poolSize, connectionTimeoutMillis: 5000 },
    };
    const ds = new DataSource(options);
    await ds.initialize();
    this.ds = ds;
    this.state = 'up';
    this.logger.log(`connected to database ${database}, migrations applied`);
    // The pool reconnects by itself; errors on idle clients must not crash the process.
    const driver = ds.driver as unknown as { master?: { on(e: string, cb: (err: Error) => void): void } };
    driver.master?.on('error', (err) => this.logger.warn(`idle database connection lost: ${err.message}`));
    this.resolveReady(ds);
  }

  /** Round trip to the server, for health checks; updates the status. */
  async probe(timeoutMs = 1000): Promise<DatabaseStatus> {
    if (!this.ds) return this.state;
    try {
      await Promise.race([
        this.ds.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
      ]);
      this.state = 'up';
    } catch {
      this.state = 'down';
    }
    return this.state;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ds?.isInitialized) await this.ds.destroy().catch(() => undefined);
  }
}

import { Faker, base, vi } from '@faker-js/faker';
import { InvalidArgumentError, type Command } from 'commander';
import {
  BIRTH_REGISTRATION_PROVINCE_CODES,
  birthYearCenturyDigit,
  validatePersonalId,
  type Address,
  type CitizenGender,
  type RequestMeta,
} from '@d06/contracts';
import { EventPipeline, EventStore, EVENT_STORE_MIGRATIONS, uuidGenerator, type Logger, type StreamAppend } from '@d06/event-sourcing';
import { citizenDecider, initialCitizenState } from '@d06/identity-domain';
import { IDENTITY_PROJECTIONS, IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import { ManagedDataSource, systemClock, type Clock } from '@d06/platform';
import { listProvinces, listWards, validateAddress, type Ward } from '@d06/reference-data';
import type { OpsContext } from '../ops-context';
import { OpsError } from '../ops-errors';
import { progressBar } from '../progress-bar';

/**
 * `npm run seed -- --citizens N`: a deterministic synthetic population for the identity service,
 * loaded through the same command path as `POST /citizens` (the citizen decider's
 * RegisterCitizen, then the event store's append with the inline read-model projections), not by
 * inserting read-model rows. Appends are batched (`--batch` streams per transaction, a few
 * transactions in flight) so that a million citizens take minutes.
 *
 * Sealing and publishing: the events are committed unsealed, like any append. The command runs
 * the identity pipeline's sealer under the same leader lock as the service: when the identity
 * service is running it holds the lock, seals and publishes them itself, and the seeder only
 * waits; when it is not, the seeder seals them (positions and hash chain), and the service's relay
 * publishes them to Kafka when it next starts. Either way the command returns once every event is
 * sealed (or after `--seal-timeout`, leaving the rest to the service).
 *
 * Re-running is safe: citizens already in the store are skipped, and since the population is a
 * pure function of `--seed`, `--citizens 100000` after `--citizens 10000` adds the 90,000 missing.
 */

// ---------------------------------------------------------------------------------------------
// The population (pure, deterministic for a seed)

export interface SyntheticCitizen {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: CitizenGender;
  permanentAddress: Address;
}

const FIRST_BIRTH_DAY = Date.UTC(1930, 0, 1);
const LAST_BIRTH_DAY = Date.UTC(2024, 11, 31);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Family names by approximate share of the population (the ten most common cover about 90%);
 * the remaining weight draws from faker's Vietnamese list.
 */
const FAMILY_NAMES: readonly { value: string | null; weight: number }[] = [
  { value: 'Nguyễn', weight: 38 },
  { value: 'Trần', weight: 11 },
  { value: 'Lê', weight: 9.5 },
  { value: 'Phạm', weight: 7 },
  { value: 'Hoàng', weight: 4 },
  { value: 'Huỳnh', weight: 2 },
  { value: 'Phan', weight: 4.5 },
  { value: 'Vũ', weight: 3 },
  { value: 'Võ', weight: 2 },
  { value: 'Đặng', weight: 2.1 },
  { value: 'Bùi', weight: 2 },
  { value: 'Đỗ', weight: 1.4 },
  { value: 'Hồ', weight: 1.3 },
  { value: 'Ngô', weight: 1.3 },
  { value: 'Dương', weight: 1 },
  { value: 'Lý', weight: 0.5 },
  { value: null, weight: 9.4 },
];

/** Streets named after the figures most Vietnamese towns name one after. */
const STREETS = [
  'Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Huệ', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Quang Trung', 'Nguyễn Trãi', 'Lê Duẩn',
  'Phan Đình Phùng', 'Hùng Vương', 'Trần Phú', 'Nguyễn Du', 'Điện Biên Phủ', 'Võ Thị Sáu', 'Nguyễn Thị Minh Khai',
  'Lê Thánh Tông', 'Phan Chu Trinh', 'Phan Bội Châu', 'Bà Triệu', 'Ngô Quyền', 'Lạc Long Quân', 'Nguyễn Văn Cừ',
  'Trường Chinh', 'Cách Mạng Tháng Tám', 'Hoàng Diệu', 'Lê Hồng Phong', 'Nguyễn Chí Thanh', 'Tôn Đức Thắng', 'Chu Văn An', 'Yersin',
];

/**
 * Citizens drawn one after another from a seeded faker (Vietnamese locale): the n-th citizen of a
 * seed is always the same, whatever the total asked for. Names are family name + given name
 * (faker's two-syllable Vietnamese given names, or Văn/Thị + one syllable, common among older
 * generations); dates of birth uniform over 1930-2024; personal IDs valid and consistent with
 * them (birth-registration province among the 63, century/sex digit, year digits, six random
 * digits, unique); permanent addresses in a real ward of the 2025 list.
 */
export class SyntheticPopulation {
  private readonly faker: Faker;
  private readonly wards: readonly Ward[];
  private readonly issued = new Set<string>();

  constructor(seed: number) {
    this.faker = new Faker({ locale: [vi, base] });
    this.faker.seed(seed);
    this.wards = listProvinces().flatMap((p) => listWards(p.code));
  }

  next(): SyntheticCitizen {
    const f = this.faker;
    const gender: CitizenGender = f.datatype.boolean() ? 'MALE' : 'FEMALE';
    const born = new Date(FIRST_BIRTH_DAY + f.number.int({ min: 0, max: (LAST_BIRTH_DAY - FIRST_BIRTH_DAY) / DAY_MS }) * DAY_MS);
    const dateOfBirth = born.toISOString().slice(0, 10);
    return {
      personalId: this.personalId(born.getUTCFullYear(), gender),
      fullName: this.fullName(gender, born.getUTCFullYear()),
      dateOfBirth,
      gender,
      permanentAddress: this.address(),
    };
  }

  private fullName(gender: CitizenGender, year: number): string {
    const f = this.faker;
    const family = f.helpers.weightedArrayElement(FAMILY_NAMES) ?? f.person.lastName();
    const given = f.person.firstName(gender === 'MALE' ? 'male' : 'female');
    if (year < 1980 && f.number.float() < 0.4) {
      const last = given.split(' ').pop() ?? given;
      return `${family} ${gender === 'MALE' ? 'Văn' : 'Thị'} ${last}`;
    }
    return `${family} ${given}`;
  }

  private personalId(year: number, gender: CitizenGender): string {
    const f = this.faker;
    const province = f.helpers.arrayElement(BIRTH_REGISTRATION_PROVINCE_CODES).code;
    const head = `${province}${birthYearCenturyDigit(year, gender)}${String(year % 100).padStart(2, '0')}`;
    for (;;) {
      const id = `${head}${String(f.number.int({ min: 0, max: 999_999 })).padStart(6, '0')}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  private address(): Address {
    const f = this.faker;
    const ward = f.helpers.arrayElement(this.wards);
    const detail = ward.name.startsWith('Phường')
      ? `Số ${f.number.int({ min: 1, max: 299 })} đường ${f.helpers.arrayElement(STREETS)}`
      : ward.name.startsWith('Xã')
        ? `Thôn ${f.number.int({ min: 1, max: 15 })}`
        : `Tổ ${f.number.int({ min: 1, max: 30 })}`;
    return { provinceCode: ward.provinceCode, wardCode: ward.code, detail };
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

export interface SeedConfig {
  databaseServerUrl: string;
  /** The identity service's database (IDENTITY_DATABASE, default d06_identity). */
  database: string;
  /** How long to wait for Postgres before giving up. */
  connectTimeoutMs: number;
}

export interface SeedOptions {
  citizens: number;
  /** Citizen streams per append transaction. */
  batchSize: number;
  /** Append transactions in flight at once. */
  concurrency: number;
  seed: number;
  /** How long to wait for the events to be sealed once loaded. */
  sealTimeoutMs: number;
}

export interface SeedProgress {
  loaded(done: number, total: number, eventsPerSecond: number): void;
  sealing(sealed: number, total: number): void;
}

export interface SeedResult {
  /** Citizens appended by this run. */
  registered: number;
  /** Citizens of the population already in the store (an earlier run). */
  skipped: number;
  loadMs: number;
  eventsPerSecond: number;
  /** Events still unsealed when the command stopped waiting (0 normally). */
  unsealed: number;
  sealMs: number;
}

const PIPELINE_LOCK_NAME = 'd06-pipeline-identity';
const SEED_ACTOR = 'ops-seed';

function registrationAppend(citizen: SyntheticCitizen, now: string): StreamAppend {
  const problems = [...validatePersonalId(citizen.personalId, { dateOfBirth: citizen.dateOfBirth, gender: citizen.gender }), ...validateAddress(citizen.permanentAddress, 'permanentAddress')];
  if (problems.length > 0) throw new Error(`synthetic citizen ${citizen.personalId} is invalid: ${JSON.stringify(problems)}`);
  const decision = citizenDecider.decide({ type: 'RegisterCitizen', ...citizen, now }, initialCitizenState);
  if (!decision.ok) throw new Error(`RegisterCitizen ${citizen.personalId} refused: ${decision.error.code} ${decision.error.message}`);
  return { streamId: citizen.personalId, expectedVersion: 'no-stream', events: decision.events };
}

/** Created and migrated like the service does it: the seeder may be the first to use the database. */
async function openIdentityDatabase(config: SeedConfig, poolSize: number): Promise<ManagedDataSource> {
  const managed = new ManagedDataSource({
    serverUrl: config.databaseServerUrl,
    database: config.database,
    migrations: [...EVENT_STORE_MIGRATIONS, ...IDENTITY_READ_MODEL_MIGRATIONS],
    poolSize,
    appName: 'd06-ops-seed',
  });
  managed.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      managed.ready(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new OpsError('DATABASE_UNREACHABLE', `database ${config.database} not reachable within ${config.connectTimeoutMs} ms: is Postgres running, and is DATABASE_URL right?`)),
          config.connectTimeoutMs,
        );
      }),
    ]);
    return managed;
  } catch (err) {
    await managed.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}


/** Loads the population into the identity database; see the file comment. */
export async function seedIdentity(
  config: SeedConfig,
  options: SeedOptions,
  progress: SeedProgress,
  { clock = systemClock, logger }: { clock?: Clock; logger: Logger },
): Promise<SeedResult> {
  const managed = await openIdentityDatabase(config, options.concurrency + 3);
  const ds = managed.dataSource;
  const store = new EventStore({ dataSource: ds, service: 'identity', clock, projections: IDENTITY_PROJECTIONS, logger });
  const pipeline = new EventPipeline({ store, election: { name: PIPELINE_LOCK_NAME }, sealer: { batchSize: 5000 }, logger });
  pipeline.start();
  try {
    const meta: RequestMeta = { correlationId: `seed-${uuidGenerator.next()}`, actor: { clientId: SEED_ACTOR } };
    const population = new SyntheticPopulation(options.seed);
    const started = performance.now();
    let generated = 0;
    let registered = 0;
    let skipped = 0;
    const writeBatch = async (batch: SyntheticCitizen[]) => {
      const ids = batch.map((c) => c.personalId);
      const present: { stream_id: string }[] = await ds.query(
        'SELECT stream_id FROM event_log WHERE stream_id = ANY($1::text[]) AND stream_version = 1',
        [ids],
      );
      const existing = new Set(present.map((r) => r.stream_id));
      const now = clock.now().toISOString();
      const appends = batch.filter((c) => !existing.has(c.personalId)).map((c) => registrationAppend(c, now));
      if (appends.length > 0) await store.appendMany(appends, { meta });
      registered += appends.length;
      skipped += existing.size;
      const seconds = (performance.now() - started) / 1000;
      progress.loaded(registered + skipped, options.citizens, seconds > 0 ? registered / seconds : 0);
    };
    // Generating the next batch overlaps the database work of those in flight.
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    while (generated < options.citizens && failure === undefined) {
      const size = Math.min(options.batchSize, options.citizens - generated);
      const batch = Array.from({ length: size }, () => population.next());
      generated += size;
      const write: Promise<void> = writeBatch(batch).then(
        () => void inFlight.delete(write),
        (err: unknown) => {
          inFlight.delete(write);
          failure ??= err;
        },
      );
      inFlight.add(write);
      if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    const loadMs = performance.now() - started;

    const sealStarted = performance.now();
    const toSeal = await store.unsealedCount();
    let unsealed = toSeal;
    while (unsealed > 0 && performance.now() - sealStarted < options.sealTimeoutMs) {
      progress.sealing(toSeal - unsealed, toSeal);
      await new Promise((resolve) => setTimeout(resolve, 250));
      unsealed = await store.unsealedCount();
    }
    progress.sealing(toSeal - unsealed, toSeal);
    return {
      registered,
      skipped,
      loadMs,
      eventsPerSecond: loadMs > 0 ? registered / (loadMs / 1000) : 0,
      unsealed,
      sealMs: performance.now() - sealStarted,
    };
  } finally {
    await pipeline.stop();
    await managed.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The command

function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}.`);
    return n;
  };
}

/** Progress bars on the operator's terminal (none when the output is captured or piped). */
function barProgress(ctx: OpsContext): SeedProgress & { stop(): void } {
  const load = progressBar(ctx, 'citizens |{bar}| {value}/{total} | {rate} events/s | ETA {eta_formatted}');
  const seal = progressBar(ctx, 'sealing  |{bar}| {value}/{total} events | ETA {eta_formatted}');
  return {
    loaded: (done, total, eventsPerSecond) => load.update(done, total, { rate: Math.round(eventsPerSecond) }),
    sealing(sealed, total) {
      load.stop();
      if (total > 0) seal.update(sealed, total);
    },
    stop() {
      load.stop();
      seal.stop();
    },
  };
}

export function registerSeedCommand(program: Command, ctx: OpsContext): void {
  program
    .command('seed')
    .description('load a deterministic synthetic population into the identity service (through its decider and event store)')
    .option('--citizens <n>', 'how many citizens', positiveInt('--citizens', 100_000_000), 10_000)
    .option('--batch <n>', 'citizen streams per append transaction', positiveInt('--batch', 20_000), 1000)
    .option('--concurrency <n>', 'append transactions in flight', positiveInt('--concurrency', 16), 2)
    .option('--seed <n>', 'the population seed (same seed, same citizens)', positiveInt('--seed'), 6)
    .option('--seal-timeout <seconds>', 'how long to wait for the events to be sealed', positiveInt('--seal-timeout'), 900)
    .action(async (opts: { citizens: number; batch: number; concurrency: number; seed: number; sealTimeout: number }) => {
      const config: SeedConfig = {
        databaseServerUrl: ctx.config.databaseServerUrl,
        database: ctx.config.databases.identity,
        connectTimeoutMs: Math.max(ctx.config.connectTimeoutMs, 30_000),
      };
      const bars = barProgress(ctx);
      let result: SeedResult;
      try {
        result = await seedIdentity(
          config,
          { citizens: opts.citizens, batchSize: opts.batch, concurrency: opts.concurrency, seed: opts.seed, sealTimeoutMs: opts.sealTimeout * 1000 },
          bars,
          { clock: ctx.clock, logger: ctx.logger },
        );
      } finally {
        bars.stop();
      }
      ctx.out(
        `seeded ${result.registered} citizens into ${config.database} in ${(result.loadMs / 1000).toFixed(1)} s ` +
          `(${Math.round(result.eventsPerSecond)} events/s); ${result.skipped} were already there`,
      );
      if (result.unsealed > 0) {
        ctx.out(`${result.unsealed} events are not sealed yet: the identity service's pipeline seals and publishes them when it runs`);
      } else {
        ctx.out(`every event sealed (${(result.sealMs / 1000).toFixed(1)} s after loading)`);
      }
    });
}

/**
 * The baseline of bench/mixed-load: what a team might build instead of the platform. One NestJS
 * process (Express) on one Postgres database through a plain `pg` pool: no gateway, no tokens,
 * no events, no Kafka, no hash chain. It does the same writes as the mixed load, with the same
 * Idempotency-Key table (one insert per request, a repeat returns the stored answer), and a
 * residence approval updates the citizen's address in the same transaction (a monolith needs no
 * propagation). Input checks are minimal on purpose.
 *
 *   BASELINE_DATABASE_URL=postgres://.../db BASELINE_PORT=4100 \
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/baseline/baseline-app.ts
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, HttpException, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool, type PoolClient } from 'pg';

const url = process.env['BASELINE_DATABASE_URL'];
if (!url) {
  console.error('BASELINE_DATABASE_URL is required');
  process.exit(2);
}
const pool = new Pool({ connectionString: url, max: Number(process.env['BASELINE_POOL_SIZE'] ?? 20) });
pool.on('error', (err) => console.error(`baseline pool: ${err.message}`));

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS idempotency_keys (key text PRIMARY KEY, status integer NOT NULL, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS citizens (personal_id text PRIMARY KEY, full_name text NOT NULL, date_of_birth date NOT NULL, gender text NOT NULL,
     status text NOT NULL DEFAULT 'ALIVE', permanent_address jsonb, temporary_address jsonb, version integer NOT NULL DEFAULT 1, updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS dossiers (dossier_id uuid PRIMARY KEY, procedure text NOT NULL, applicant_id text NOT NULL REFERENCES citizens, status text NOT NULL,
     address jsonb, ward_code text, received_at timestamptz NOT NULL DEFAULT now(), decided_at timestamptz, reason text)`,
  `CREATE TABLE IF NOT EXISTS establishments (establishment_id uuid PRIMARY KEY, name text NOT NULL, kind text NOT NULL, ward_code text NOT NULL, address jsonb NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS lodging_notices (notice_id uuid PRIMARY KEY, establishment_id uuid NOT NULL REFERENCES establishments, arrival_at timestamptz NOT NULL,
     room text, guests jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`,
];

type Work = (c: PoolClient) => Promise<{ status: number; body: unknown }>;

/** One transaction: the idempotency key and the write commit together. */
async function idempotent(key: string | undefined, work: Work): Promise<unknown> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    if (key) {
      const claimed = await c.query(`INSERT INTO idempotency_keys (key, status, body) VALUES ($1, 0, 'null') ON CONFLICT DO NOTHING RETURNING key`, [key]);
      if (claimed.rowCount === 0) {
        await c.query('ROLLBACK');
        const { rows } = await pool.query('SELECT status, body FROM idempotency_keys WHERE key = $1', [key]);
        if (rows[0]?.status >= 200 && rows[0]?.status < 300) return rows[0].body;
        throw new HttpException({ title: 'in flight' }, 409);
      }
    }
    const out = await work(c);
    if (out.status >= 300) {
      await c.query('ROLLBACK');
      throw new HttpException(out.body as object, out.status);
    }
    if (key) await c.query('UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1', [key, out.status, JSON.stringify(out.body)]);
    await c.query('COMMIT');
    return out.body;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    if (err instanceof HttpException) throw err;
    const code = (err as { code?: string }).code;
    if (code === '23505') throw new HttpException({ title: 'conflict' }, 409);
    if (code === '23503') throw new HttpException({ title: 'unknown reference' }, 422);
    throw err;
  } finally {
    c.release();
  }
}

const bad = (detail: string) => new HttpException({ title: 'bad request', detail }, 400);
type Addr = { provinceCode?: string; wardCode?: string; detail?: string } | undefined;
function address(a: Addr): Addr {
  if (!a || typeof a.wardCode !== 'string' || !/^\d{5}$/.test(a.wardCode) || typeof a.provinceCode !== 'string') throw bad('address');
  return a;
}

@Controller()
class BaselineController {
  @Post('citizens')
  @HttpCode(201)
  register(@Body() b: { personalId: string; fullName: string; dateOfBirth: string; gender: string; permanentAddress?: Addr }, @Headers('idempotency-key') key?: string) {
    if (!/^\d{12}$/.test(b?.personalId ?? '') || !b.fullName || !b.dateOfBirth) throw bad('citizen');
    return idempotent(key, async (c) => {
      const { rows } = await c.query(
        `INSERT INTO citizens (personal_id, full_name, date_of_birth, gender, permanent_address) VALUES ($1, $2, $3, $4, $5)
         RETURNING personal_id AS "personalId", full_name AS "fullName", status, version`,
        [b.personalId, b.fullName, b.dateOfBirth, b.gender, b.permanentAddress ? JSON.stringify(address(b.permanentAddress)) : null],
      );
      return { status: 201, body: rows[0] };
    });
  }

  @Post('residence/dossiers')
  @HttpCode(201)
  submit(@Body() b: { procedure: string; applicantId: string; address?: Addr }, @Headers('idempotency-key') key?: string) {
    const a = address(b?.address);
    return idempotent(key, async (c) => {
      const known = await c.query(`SELECT status FROM citizens WHERE personal_id = $1`, [b.applicantId]);
      if (known.rows[0]?.status !== 'ALIVE') return { status: 422, body: { title: 'applicant unknown or deceased' } };
      const dossierId = randomUUID();
      await c.query(`INSERT INTO dossiers (dossier_id, procedure, applicant_id, status, address, ward_code) VALUES ($1, $2, $3, 'RECEIVED', $4, $5)`, [
        dossierId, b.procedure, b.applicantId, JSON.stringify(a), a?.wardCode,
      ]);
      return { status: 201, body: { dossierId, procedure: b.procedure, applicantId: b.applicantId, status: 'RECEIVED' } };
    });
  }

  @Post('residence/dossiers/:id/decision')
  @HttpCode(200)
  decide(@Param('id') id: string, @Body() b: { outcome: string; reason?: string }, @Headers('idempotency-key') key?: string) {
    if (b?.outcome !== 'APPROVED' && b?.outcome !== 'REJECTED') throw bad('outcome');
    return idempotent(key, async (c) => {
      const { rows } = await c.query(
        `UPDATE dossiers SET status = $2, decided_at = now(), reason = $3 WHERE dossier_id = $1 AND status = 'RECEIVED' RETURNING applicant_id, address`,
        [id, b.outcome, b.reason ?? null],
      );
      if (rows.length === 0) return { status: 409, body: { title: 'already decided or unknown' } };
      if (b.outcome === 'APPROVED') {
        await c.query(`UPDATE citizens SET permanent_address = $2, version = version + 1, updated_at = now() WHERE personal_id = $1`, [rows[0].applicant_id, rows[0].address]);
      }
      return { status: 200, body: { dossierId: id, status: b.outcome } };
    });
  }

  @Post('lodging/establishments')
  @HttpCode(201)
  establishment(@Body() b: { name: string; kind: string; address: Addr }, @Headers('idempotency-key') key?: string) {
    const a = address(b?.address);
    return idempotent(key, async (c) => {
      const establishmentId = randomUUID();
      await c.query(`INSERT INTO establishments (establishment_id, name, kind, ward_code, address) VALUES ($1, $2, $3, $4, $5)`, [establishmentId, b.name, b.kind, a?.wardCode, JSON.stringify(a)]);
      return { status: 201, body: { establishmentId, name: b.name } };
    });
  }

  @Post('lodging/notices')
  @HttpCode(201)
  notice(@Body() b: { establishmentId: string; arrivalAt: string; room?: string; guests: { personalId?: string }[] }, @Headers('idempotency-key') key?: string) {
    if (!Array.isArray(b?.guests) || b.guests.length < 1 || b.guests.length > 200) throw bad('guests');
    return idempotent(key, async (c) => {
      const ids = b.guests.map((g) => g.personalId).filter((x): x is string => !!x);
      const known = ids.length ? await c.query(`SELECT personal_id FROM citizens WHERE personal_id = ANY($1::text[]) AND status = 'ALIVE'`, [ids]) : { rows: [] };
      const verified = new Set(known.rows.map((r: { personal_id: string }) => r.personal_id));
      const guests = b.guests.map((g) => ({ ...g, verified: g.personalId ? verified.has(g.personalId) : false }));
      const noticeId = randomUUID();
      await c.query(`INSERT INTO lodging_notices (notice_id, establishment_id, arrival_at, room, guests) VALUES ($1, $2, $3, $4, $5)`, [noticeId, b.establishmentId, b.arrivalAt, b.room ?? null, JSON.stringify(guests)]);
      return { status: 201, body: { noticeId, guests } };
    });
  }
}

@Module({ controllers: [BaselineController] })
class BaselineModule {}

async function main(): Promise<void> {
  for (const sql of SCHEMA) await pool.query(sql);
  const app: INestApplication = await NestFactory.create(BaselineModule, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api/v1');
  const port = Number(process.env['BASELINE_PORT'] ?? 4100);
  await app.listen(port, '127.0.0.1');
  console.log(`baseline listening on http://127.0.0.1:${port}/api/v1`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// The baseline of bench/identity: the same yes/no verification as the identity service
// (verify-claim.ts), answered by one process with node:http and pg straight from the identity
// service's `citizens` table: no gateway, no token, no Kafka. The difference to the real path is
// the cost of the architecture. Forked by identity.bench.ts (under @swc-node/register).
import http from 'node:http';
import pg from 'pg';
import { CITIZEN_SQL, isClaim, matches, type CitizenRow } from './verify-claim';

const url = process.env['BASELINE_DATABASE_URL'];
if (!url) {
  console.error('BASELINE_DATABASE_URL is required');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: Number(process.env['BASELINE_POOL_SIZE'] ?? 10) });
pool.on('error', (err) => console.error(`baseline pool: ${err.message}`));

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    let claim: unknown;
    try {
      claim = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'malformed JSON' });
    }
    if (!isClaim(claim)) return send(res, 400, { error: 'personalId' });
    try {
      const { rows } = await pool.query<CitizenRow>(CITIZEN_SQL, [claim.personalId]);
      send(res, 200, { match: matches(claim, rows[0]) });
    } catch (err) {
      send(res, 500, { error: (err as Error).message });
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (process.send) process.send({ port });
  else console.log(`baseline listening on http://127.0.0.1:${port}`);
});

process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));

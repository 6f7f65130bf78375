// The baseline of bench/identity: the same yes/no verification as the identity service
// (exists, ALIVE, every given field agrees, names after NFC + case folding + whitespace
// collapsing), answered by one process with node:http and pg straight from the identity
// service's `citizens` table: no gateway, no token, no Kafka. The difference to the real path is
// the cost of the architecture.
import http from 'node:http';
import pg from 'pg';

const url = process.env.BASELINE_DATABASE_URL;
if (!url) {
  console.error('BASELINE_DATABASE_URL is required');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BASELINE_POOL_SIZE ?? 10) });
pool.on('error', (err) => console.error(`baseline pool: ${err.message}`));

const normalizeName = (name) => name.normalize('NFC').toLowerCase().normalize('NFC').replace(/\s+/gu, ' ').trim();
const SQL = `SELECT status, full_name_normalized, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, gender
               FROM citizens WHERE personal_id = $1`;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    let claim;
    try {
      claim = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'malformed JSON' });
    }
    if (typeof claim?.personalId !== 'string' || !/^\d{12}$/.test(claim.personalId)) return send(res, 400, { error: 'personalId' });
    try {
      const { rows } = await pool.query(SQL, [claim.personalId]);
      const c = rows[0];
      const match =
        c !== undefined &&
        c.status === 'ALIVE' &&
        (claim.fullName === undefined || normalizeName(claim.fullName) === c.full_name_normalized) &&
        (claim.dateOfBirth === undefined || claim.dateOfBirth === c.date_of_birth) &&
        (claim.gender === undefined || claim.gender === c.gender);
      send(res, 200, { match });
    } catch (err) {
      send(res, 500, { error: err.message });
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ port });
  else console.log(`baseline listening on http://127.0.0.1:${port}`);
});

process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));

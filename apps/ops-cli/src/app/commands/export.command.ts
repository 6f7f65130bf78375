import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { GENESIS_HASH, type ServiceName } from '@d06/contracts';
import { ChainVerifier } from '@d06/event-sourcing';
import { parsePosition, parseService } from '../cli-arguments';
import {
  EVIDENCE_FORMAT,
  EvidenceWriter,
  HASHING,
  SIGNATURE_FORMAT,
  statementBytes,
  type DetachedSignature,
  type EvidenceStatement,
} from '../evidence/evidence-document';
import { loadSigningKey, publicKeyPem, signStatement } from '../evidence/signing-key';
import type { OpsContext } from '../ops-context';
import { OpsError, messageOf, refused } from '../ops-errors';
import { progressBar } from '../progress-bar';
import { withServiceDatabase } from '../service-database';

export interface ExportOptions {
  from: number;
  to: number;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export interface ExportReport {
  file: string;
  signatureFile: string;
  publicKeyFile: string;
  statement: EvidenceStatement;
  keySource: string;
}

const READ_BATCH = 2000;

export function evidencePaths(file: string): { signature: string; publicKey: string } {
  return { signature: `${file}.sig`, publicKey: `${file}.pub.pem` };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * `export <service> --from P --to Q [--out FILE]`: the events of positions P..Q exactly as stored
 * (`upcast: false`: the form their hashes cover) with their chain, as FILE; a detached Ed25519
 * signature over the statement naming the chain head as FILE.sig; the public key as
 * FILE.pub.pem. The chain of the range is checked while it is written: a store that no longer
 * verifies is not signed. Written to a temporary file and renamed, so FILE is whole or absent.
 */
export async function exportEvidence(ctx: OpsContext, service: ServiceName, options: ExportOptions): Promise<ExportReport> {
  if (options.to < options.from) throw refused(`--to ${options.to} is before --from ${options.from}`);
  const file = path.resolve(options.out ?? `${service}-events-${options.from}-${options.to}.evidence.json`);
  const paths = evidencePaths(file);
  if (!options.force) {
    for (const f of [file, paths.signature]) if (await exists(f)) throw refused(`${f} exists: pass --force to overwrite it`);
  }
  const config = ctx.config;
  const key = await loadSigningKey(config.signingKeyFile, config.dataDir);
  if (key.generated) ctx.note(`note: generated a new Ed25519 signing key at ${key.source} (set OPS_SIGNING_KEY_FILE to sign with your own)`);

  return withServiceDatabase(ctx, service, 'export', async (db) => {
    const head = await db.store.head();
    if (!head || options.to > head.position) {
      throw refused(`--to ${options.to} is beyond the head of the ${service} store (${head ? `position ${head.position}` : 'empty'})`);
    }
    const [first] = await db.store.readAll(options.from - 1, 1, { upcast: false });
    const [last] = await db.store.readAll(options.to - 1, 1, { upcast: false });
    if (!first || first.position !== options.from || !last || last.position !== options.to) {
      throw new OpsError('CHAIN_BROKEN', `positions ${options.from} or ${options.to} are missing from the ${service} store: run ops verify ${service}`);
    }
    if (options.from === 1 && first.prevHash !== GENESIS_HASH) {
      throw new OpsError('CHAIN_BROKEN', `position 1 of the ${service} store does not start from the genesis hash: run ops verify ${service}`);
    }
    const statement: EvidenceStatement = {
      format: EVIDENCE_FORMAT,
      service,
      source: db.database,
      exportedAt: ctx.clock.now().toISOString(),
      from: options.from,
      to: options.to,
      count: options.to - options.from + 1,
      hashing: HASHING,
      anchor: { position: options.from - 1, hash: first.prevHash },
      head: { position: options.to, hash: last.hash },
      signature: { algorithm: 'Ed25519', keyId: key.keyId },
    };

    const temporary = `${file}.${process.pid}.partial`;
    const handle = await open(temporary, 'w').catch((err: unknown) => {
      throw new OpsError('FILE', `cannot write ${temporary}: ${messageOf(err)}`);
    });
    const bar = progressBar(ctx, `export ${service} |{bar}| {value}/{total} events | {speed} events/s | ETA {eta_formatted}`);
    let done = false;
    try {
      const writer = new EvidenceWriter(async (chunk) => {
        await handle.write(chunk);
      });
      await writer.begin(statement);
      const chain = new ChainVerifier(statement.anchor);
      let after = options.from - 1;
      while (after < options.to) {
        const events = await db.store.readAll(after, Math.min(READ_BATCH, options.to - after), { upcast: false });
        if (events.length === 0) throw new OpsError('CHAIN_BROKEN', `position ${after + 1} is missing from the ${service} store: run ops verify ${service}`);
        for (const event of events) {
          const broken = chain.check(event);
          if (broken) {
            throw new OpsError('CHAIN_BROKEN', `position ${broken.position} of the ${service} store is broken (${broken.reason}): not signing; run ops verify ${service}`);
          }
          await writer.event(event);
        }
        after = events[events.length - 1].position;
        bar.update(after - options.from + 1, statement.count);
      }
      await writer.end();
      await handle.close();
      if (chain.head.hash !== statement.head.hash) throw new OpsError('CHAIN_BROKEN', `the chain does not end at the head hash of position ${options.to}`);
      const signature: DetachedSignature = {
        format: SIGNATURE_FORMAT,
        algorithm: 'Ed25519',
        keyId: key.keyId,
        signature: signStatement(key, statementBytes(statement)),
      };
      await writeFile(paths.signature, `${JSON.stringify(signature, null, 2)}\n`);
      await writeFile(paths.publicKey, publicKeyPem(key.publicKey));
      await rename(temporary, file);
      done = true;
    } finally {
      bar.stop();
      if (!done) {
        await handle.close().catch(() => undefined);
        await rm(temporary, { force: true });
      }
    }
    const report: ExportReport = { file, signatureFile: paths.signature, publicKeyFile: paths.publicKey, statement, keySource: key.source };
    if (options.json) ctx.json(report);
    else {
      ctx.out(`${service}: exported positions ${options.from}..${options.to} (${statement.count} events) to ${file}`);
      ctx.out(`  chain from ${statement.anchor.hash} (position ${statement.anchor.position})`);
      ctx.out(`  head ${statement.head.hash} (position ${statement.head.position})`);
      ctx.out(`  signature ${paths.signature} (Ed25519, key ${key.keyId})`);
      ctx.out(`  public key ${paths.publicKey}; check with: ops check-export ${file} --public-key <PEM obtained separately>`);
    }
    return report;
  });
}

export function registerExportCommand(program: Command, ctx: OpsContext): void {
  program
    .command('export')
    .description("write a range of the service's events with their hash chain to a JSON file, plus a detached Ed25519 signature over the chain head")
    .argument('<service>', 'identity, residence or lodging', parseService)
    .requiredOption('--from <position>', 'first position', parsePosition)
    .requiredOption('--to <position>', 'last position', parsePosition)
    .option('--out <file>', 'the export file (default <service>-events-<from>-<to>.evidence.json); FILE.sig and FILE.pub.pem are written next to it')
    .option('--force', 'overwrite an existing export')
    .option('--json', 'print the result as JSON')
    .action(async (service: ServiceName, options: ExportOptions) => {
      await exportEvidence(ctx, service, options);
    });
}

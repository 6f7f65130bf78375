import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkEvidence, type EvidenceCheck } from '../evidence/evidence-check';
import { readPublicKey } from '../evidence/signing-key';
import type { OpsContext } from '../ops-context';
import { EXIT_FAILED, OpsError, messageOf } from '../ops-errors';
import { evidencePaths } from './export.command';

export interface CheckExportOptions {
  publicKey?: string;
  signature?: string;
  json?: boolean;
}

async function readBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new OpsError('FILE', `cannot read ${what} ${file}: ${messageOf(err)}`);
  }
}

/**
 * `check-export FILE [--public-key PEM]`: verifies an export offline (no database, no Kafka, no
 * code of the services): exact file form, every hash recomputed per CONTRACT.md §3, the links
 * within the range, the head, and the signature. Without --public-key it uses FILE.pub.pem,
 * which only proves the file is consistent with the key shipped next to it: evidence proper is
 * checked against a key obtained separately.
 */
export async function checkExport(ctx: OpsContext, file: string, options: CheckExportOptions): Promise<EvidenceCheck> {
  const paths = evidencePaths(file);
  const bytes = await readBytes(file, 'the export');
  const signature = await readBytes(options.signature ?? paths.signature, 'the signature');
  if (!options.publicKey) ctx.note(`note: using the public key next to the export (${paths.publicKey}); pass --public-key with a key obtained separately for evidence`);
  const publicKey = await readPublicKey(options.publicKey ?? paths.publicKey);
  const result = checkEvidence(bytes, signature, publicKey);
  if (!result.ok) ctx.exitCode = EXIT_FAILED;
  if (options.json) {
    ctx.json(result.ok ? { ok: true, events: result.events, statement: result.statement } : result);
    return result;
  }
  if (result.ok) {
    const s = result.statement;
    ctx.out(`OK: ${s.service} positions ${s.from}..${s.to} (${result.events} events), every hash and link intact`);
    ctx.out(`  head ${s.head.hash}, signed with Ed25519 key ${s.signature.keyId}`);
    ctx.out(`  exported from ${s.source} at ${s.exportedAt}`);
  } else {
    ctx.out(`INVALID: ${result.problem}`);
  }
  return result;
}

export function registerCheckExportCommand(program: Command, ctx: OpsContext): void {
  program
    .command('check-export')
    .description('verify an export offline: every hash (JCS + SHA-256), the links within the range and the signature over the head; exit 0 or exit 1 naming the first problem')
    .argument('<file>', 'the export file')
    .option('--public-key <pem>', 'the signer\'s public key: a PEM file or PEM text (default FILE.pub.pem)')
    .option('--signature <file>', 'the detached signature (default FILE.sig)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: CheckExportOptions) => {
      await checkExport(ctx, file, options);
    });
}

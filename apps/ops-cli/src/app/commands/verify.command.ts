import type { Command } from 'commander';
import type { ServiceName } from '@d06/contracts';
import { type VerifyResult } from '@d06/event-sourcing';
import { parseService } from '../cli-arguments';
import type { OpsContext } from '../ops-context';
import { EXIT_FAILED } from '../ops-errors';
import { progressBar } from '../progress-bar';
import { withServiceDatabase } from '../service-database';

export interface VerifyOptions {
  json?: boolean;
}

export interface VerifyReport {
  service: ServiceName;
  database: string;
  result: VerifyResult;
  /** Committed events still waiting for the sealer: not part of the chain yet. */
  unsealed: number;
}

/**
 * `verify <service>`: the library's verify walks every sealed event in position order,
 * recomputing each hash (CONTRACT.md §3) and checking links and density. Read-only, in batches,
 * so it runs next to the live service; what is sealed while it runs is checked up to where the
 * walk ends.
 */
export async function verifyService(ctx: OpsContext, service: ServiceName, options: VerifyOptions): Promise<VerifyReport> {
  const report = await withServiceDatabase(ctx, service, 'verify', async (db) => {
    const bar = progressBar(ctx, `verify ${service} |{bar}| {value}/{total} events | {speed} events/s | ETA {eta_formatted}`);
    let result: VerifyResult;
    try {
      result = await db.store.verify({ onProgress: ({ checked, total }) => bar.update(checked, total) });
    } finally {
      bar.stop();
    }
    return { service, database: db.database, result, unsealed: await db.store.unsealedCount() };
  });
  const { result } = report;
  if (!result.ok) ctx.exitCode = EXIT_FAILED;
  if (options.json) {
    ctx.json(report);
    return report;
  }
  if (result.ok) {
    if (result.head === null) ctx.out(`${service}: intact; the event store is empty (0 events)`);
    else {
      ctx.out(`${service}: intact; ${result.count} events verified (positions 1..${result.head.position})`);
      ctx.out(`head hash ${result.head.hash}`);
    }
    if (report.unsealed > 0) ctx.out(`${report.unsealed} committed event(s) not sealed yet, so not in the chain yet`);
  } else {
    ctx.out(`${service}: BROKEN at position ${result.position}: ${result.reason}`);
    ctx.out(`${result.count} event(s) before it verified intact`);
  }
  return report;
}

export function registerVerifyCommand(program: Command, ctx: OpsContext): void {
  program
    .command('verify')
    .description("check every hash and link of the service's event store; exit 0 and the count when intact, exit 1 naming the first broken position")
    .argument('<service>', 'identity, residence or lodging', parseService)
    .option('--json', 'print the result as JSON')
    .action(async (service: ServiceName, options: VerifyOptions) => {
      await verifyService(ctx, service, options);
    });
}

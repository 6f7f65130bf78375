import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { statusOfError, type FieldError, type RequestMeta, type RpcError, type ServiceName } from '@d06/contracts';
import type { Histogram, Registry } from 'prom-client';
import { ID_GENERATOR, METRICS_REGISTRY, RPC_CLIENT, registryHistogram, requestIdOf, type IdGenerator, type ResilientRpcClient } from '@d06/platform';
import { IdempotencyService, type HttpOutcome } from '../idempotency/idempotency.service';
import { IDEMPOTENT_REPLAYED_HEADER, readIdempotencyKey } from '../idempotency/idempotency-key';
import { correlationIdOf } from './correlation-id.middleware';
import type { GatewayRequest } from './gateway-request';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';
import { SERVICE_RETRY_AFTER_SECONDS, problemForRequest } from './problem.filter';

/** One request to a service: what to send, and the aggregate id that orders it. */
export interface ServiceCall {
  service: ServiceName;
  type: string;
  payload: unknown;
  /** Kafka message key: requests about one aggregate go to one partition, in order. */
  key?: string;
  /** Reshapes a successful reply body for HTTP (and may add response headers). */
  present?: (body: unknown) => { body: unknown; headers?: Record<string, string> };
}

type Answer = HttpOutcome & { headers?: Record<string, string> };

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function isFieldErrors(value: unknown): value is FieldError[] {
  return Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && typeof e.field === 'string' && typeof e.message === 'string');
}

/**
 * What every domain controller does after validation: send the request to the owning service
 * over Kafka with the caller's correlation id and client id, and answer with the service's
 * status and body (a refusal as problem+json). POSTs go through the Idempotency-Key store.
 */
@Injectable()
export class ServiceForwarder {
  private readonly rpcSeconds: Histogram<'service' | 'type'>;

  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: ResilientRpcClient,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly idempotency: IdempotencyService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.rpcSeconds = registryHistogram(registry, {
      name: 'gateway_rpc_duration_seconds',
      help: 'Time from sending a request to a service over Kafka to its reply (or timeout), by service and request type',
      labelNames: ['service', 'type'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  /** Reads (GET): ask and answer. */
  async query(req: GatewayRequest, res: Response, call: ServiceCall): Promise<void> {
    this.send(res, await this.ask(req, call), false);
  }

  /** Writes (POST): ask once per Idempotency-Key and answer, or replay the first answer. */
  async command(req: GatewayRequest, res: Response, call: ServiceCall): Promise<void> {
    const key = readIdempotencyKey(req);
    if (key === undefined) return this.query(req, res, call);
    const { outcome, replayed } = await this.idempotency.run(
      { clientId: this.clientIdOf(req), key, method: req.method, path: req.originalUrl.split('?')[0], body: req.body },
      () => this.ask(req, call),
    );
    this.send(res, outcome, replayed);
  }

  /** The metadata every service request carries into the events it causes. */
  metaOf(req: GatewayRequest): RequestMeta {
    const clientId = this.clientIdOf(req);
    const key = readIdempotencyKey(req);
    return {
      correlationId: correlationIdOf(req),
      actor: { clientId },
      causationId: this.ids.next(),
      ...(key ? { requestId: requestIdOf(clientId, key) } : {}),
    };
  }

  private clientIdOf(req: GatewayRequest): string {
    // ScopesGuard lets no request without a principal reach a controller.
    if (!req.principal) throw new Error('no principal on an authenticated route');
    return req.principal.clientId;
  }

  private async ask(req: GatewayRequest, call: ServiceCall): Promise<Answer> {
    const end = this.rpcSeconds.startTimer({ service: call.service, type: call.type });
    const reply = await this.rpc.call(call.service, call.type, call.payload, this.metaOf(req), { key: call.key }).finally(() => end());
    if (reply.ok) {
      const status = Number.isInteger(reply.status) && reply.status >= 200 && reply.status < 300 ? reply.status : 200;
      const presented = call.present ? call.present(reply.body) : { body: reply.body };
      return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(presented.body ?? {}), headers: presented.headers };
    }
    return this.refusal(req, reply.error);
  }

  private refusal(req: GatewayRequest, error: RpcError): Answer {
    const mapped = statusOfError(error);
    const status = Number.isInteger(mapped) && mapped >= 400 && mapped <= 599 ? mapped : 422;
    const code = typeof error.code === 'string' && error.code ? error.code.slice(0, 100) : 'ERROR';
    const detail = typeof error.message === 'string' ? error.message.slice(0, 1000) : 'The service refused the request.';
    const errors = isFieldErrors(error.errors) ? error.errors.slice(0, 50) : undefined;
    const body = problemForRequest(problem(status, code, detail, errors), req);
    return { status, contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(body) };
  }

  private send(res: Response, answer: Answer, replayed: boolean): void {
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    if (answer.status === 503) res.setHeader('Retry-After', String(SERVICE_RETRY_AFTER_SECONDS));
    if (replayed) res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    res.status(answer.status).type(answer.contentType).send(answer.body);
  }
}

import { RPC_HEALTH, type RequestMeta, type RpcReply, type RpcRequest, type ServiceName } from '@d06/contracts';
import { ResilientRpcServer, RpcDispatcher } from '@d06/platform';
import { eventually, testInfra, uniqueName } from '@d06/testing';

export interface ReceivedRequest {
  type: string;
  payload: unknown;
  meta: RequestMeta;
}

export type FakeHandler = (payload: unknown, meta: RequestMeta) => Promise<RpcReply> | RpcReply;

export interface FakeService {
  /** Every request received, in order of arrival (health probes excluded). */
  received: ReceivedRequest[];
  /** Answers `type` with `handler` from now on. */
  on(type: string, handler: FakeHandler): void;
  stop(): Promise<void>;
}

/** Records every request and answers it with the handler the test set for its type. */
class FakeDispatcher extends RpcDispatcher {
  readonly received: ReceivedRequest[] = [];
  readonly answers = new Map<string, FakeHandler>();

  constructor(private readonly service: ServiceName) {
    super();
  }

  override async dispatch(raw: unknown): Promise<RpcReply> {
    const request = raw as RpcRequest;
    if (request?.type === RPC_HEALTH) return super.dispatch(raw);
    this.received.push({ type: request.type, payload: request.payload, meta: request.meta });
    const handler = this.answers.get(request.type);
    if (!handler) return { ok: false, error: { code: 'UNKNOWN_RPC_TYPE', message: `fake ${this.service} has no handler for ${request.type}` } };
    return handler(request.payload, request.meta);
  }
}

/**
 * A stand-in for a service on the test's topic prefix: a real Kafka request/reply server (the
 * platform's) whose answers the test chooses, recording what reaches it.
 */
export async function startFakeService(service: ServiceName, topicPrefix: string, handlers: Record<string, FakeHandler> = {}): Promise<FakeService> {
  const infra = testInfra();
  const dispatcher = new FakeDispatcher(service);
  for (const [type, handler] of Object.entries(handlers)) dispatcher.answers.set(type, handler);
  const server = new ResilientRpcServer(
    { service, brokers: infra.kafkaBrokers, topicPrefix, instanceId: uniqueName(`fake_${service}`), concurrency: 4, topicPartitions: 2 },
    dispatcher,
  );
  server.start();
  await eventually(() => server.kafkaStatus === 'up', { timeoutMs: 60_000, intervalMs: 100, what: `fake ${service} service on Kafka` });
  return {
    received: dispatcher.received,
    on: (type, handler) => void dispatcher.answers.set(type, handler),
    stop: () => server.stop(),
  };
}

// Downstream events to Kafka (kafkajs). The producer is idempotent: the broker drops the copies its
// own retries would write, within one producer session. A re-send by the outbox (after a timeout,
// or after a crash: a new process is a new producer) is a new record; consumers de-duplicate on
// the `idempotency-key` header, which carries the outbox message's key.
import type { Producer } from 'kafkajs';
import { definePlugin, ProviderError } from '../../../engine/plugin-api.ts';

// kafkajs (~12 MB resident) is loaded by the first publish, not by every server that has this
// plugin in its catalogue. It is CommonJS without statically detectable named exports under
// Node's ESM loader: the default export holds the classes.
type KafkaJs = typeof import('kafkajs');
let kafkajs: Promise<KafkaJs> | undefined;
const loadKafkajs = () => (kafkajs ??= import('kafkajs').then((m) => (m as unknown as { default: KafkaJs }).default));

interface KafkaConfig {
  brokers: string[];
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Prefix for topic names, e.g. "ekyc." -> ekyc.CLEVERTAP */
  topicPrefix?: string;
  connectionTimeoutMs?: number;
}

/** Only a broker's definite no (authorisation, invalid topic) is permanent; connection trouble is transient. */
function toProviderError(err: unknown, k: KafkaJs | undefined): ProviderError {
  const permanent = k !== undefined && (err instanceof k.KafkaJSSASLAuthenticationError || (err instanceof k.KafkaJSProtocolError && !(err as { retriable?: boolean }).retriable));
  return new ProviderError('kafka', `kafka: ${(err as Error).message}`, { transient: !permanent, vendorCode: (err as { type?: string }).type, cause: err });
}

export default definePlugin<'events', KafkaConfig>({
  kind: 'events',
  name: 'kafka',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['brokers'],
    properties: {
      brokers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^\\s:]+:[0-9]{1,5}$' } },
      clientId: { type: 'string' },
      ssl: { type: 'boolean' },
      sasl: {
        type: 'object',
        additionalProperties: false,
        required: ['mechanism', 'username', 'password'],
        properties: { mechanism: { enum: ['plain', 'scram-sha-256', 'scram-sha-512'] }, username: { type: 'string' }, password: { type: 'string' } },
      },
      topicPrefix: { type: 'string' },
      connectionTimeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config) {
    let k: KafkaJs | undefined;
    let producer: Producer | undefined;
    let connecting: Promise<Producer> | undefined;
    const ready = () =>
      (connecting ??= (async () => {
        k ??= await loadKafkajs();
        const kafka = new k.Kafka({
          clientId: config.clientId ?? 'rulepath',
          brokers: config.brokers,
          ssl: config.ssl,
          sasl: config.sasl as never,
          connectionTimeout: config.connectionTimeoutMs ?? 3000,
          retry: { retries: 0 }, // connecting: retries belong to the outbox, which backs off and keeps the message
        });
        // A few retries of the producer's own (de-duplicated by the broker) before the outbox takes
        // over. kafkajs's idempotent default is endless: a send outliving its outbox lease would be
        // claimed and published again beside it.
        const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5, maxRetryTime: 5000 } });
        await p.connect();
        producer = p;
        return p;
      })().catch((err: unknown) => {
        connecting = undefined;
        throw err;
      }));
    return {
      async publish(message) {
        try {
          const p = await ready();
          const [meta] = await p.send({
            topic: `${config.topicPrefix ?? ''}${message.topic}`,
            acks: -1,
            messages: [{ key: message.key, value: JSON.stringify({ type: message.type, payload: message.payload }), headers: { 'idempotency-key': message.idempotencyKey, type: message.type } }],
          });
          return { providerMessageId: `${meta?.topicName}/${meta?.partition}/${meta?.baseOffset ?? meta?.offset}` };
        } catch (err) {
          throw toProviderError(err, k);
        }
      },
      async close() {
        await producer?.disconnect();
      },
    };
  },
});

// Issue 6: a NATS JetStream stream whose server is SIGKILLed at random moments while a
// producer publishes retail events: the table ends with every event exactly once.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe } from 'vitest';
import { brokerUrl } from '../ingest/streams/sources/collector.js';
import { itSurvivesKills, type Topic } from './stream-crash-harness.js';

const url = brokerUrl('nats');

async function natsStream(name: string, server: string): Promise<Topic> {
  const stream = name.toUpperCase();
  const connection = await connect({ servers: server });
  const manager = await jetstreamManager(connection);
  await manager.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const js = jetstream(connection);
  let published = 0;
  return {
    source: { kind: 'nats', servers: [server], stream },
    async publish(events) {
      for (let i = 0; i < events.length; i += 500) {
        // A message id: JetStream drops a retried publish, so a doubled row is the stream's.
        await Promise.all(
          events
            .slice(i, i + 500)
            .map((e) => js.publish(`${stream}.sales`, e, { msgID: `${name}-${published++}` })),
        );
      }
    },
    async close() {
      await manager.streams.delete(stream).catch(() => undefined);
      await connection.close();
    },
  };
}

describe('a NATS JetStream stream whose server is killed again and again', () => {
  itSurvivesKills('lands every published event exactly once', {
    prefix: 'crash_nats',
    url,
    topic: natsStream,
    seed: 60_603,
    exactlyOnce: true,
  });
});

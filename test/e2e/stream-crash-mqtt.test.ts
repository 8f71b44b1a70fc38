// Issue 6: an MQTT stream (QoS 1, persistent session: at least once) whose server is
// SIGKILLed at random moments while a device publishes retail events: nothing is lost.
import mqtt from 'mqtt';
import { describe, it } from 'vitest';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';
import { crashWhilePublishing, expectSurvived, type Topic } from './stream-crash-harness.js';

const url = brokerUrl('mqtt');
const PER_MESSAGE = 100;

async function mqttTopic(name: string, server: string): Promise<Topic> {
  const client = await mqtt.connectAsync(server, { protocolVersion: 5 });
  return {
    // A session of its own: a persistent session of an earlier run keeps its subscription.
    source: { kind: 'mqtt', url: server, topic: `${name}/#`, clientId: name },
    async publish(events) {
      const messages: string[] = [];
      for (let i = 0; i < events.length; i += PER_MESSAGE) {
        messages.push(`[${events.slice(i, i + PER_MESSAGE).join(',')}]`);
      }
      await Promise.all(messages.map((m) => client.publishAsync(`${name}/sales`, m, { qos: 1 })));
    },
    close: () => client.endAsync(),
  };
}

describe('an MQTT stream whose server is killed again and again', () => {
  it.skipIf(url === undefined)(
    'loses no published event',
    async () => {
      const name = uniqueName('crash_mqtt').toLowerCase();
      const topic = await mqttTopic(name, url!);
      try {
        const run = await crashWhilePublishing({
          name,
          topic,
          days: 20,
          kills: 20,
          seed: 60_604,
          upMs: [200, 2_500],
          exactlyOnce: false,
          // The broker keeps messages only for a session that has subscribed.
          settleMs: 3_000,
        });
        // At least once: every event is there.
        expectSurvived(run, 20, false);
      } finally {
        await topic.close();
      }
    },
    540_000,
  );
});

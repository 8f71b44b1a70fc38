// Issue 6: an MQTT stream (QoS 1, persistent session: at least once) whose server is
// SIGKILLed at random moments while a device publishes retail events: nothing is lost.
import mqtt from 'mqtt';
import { describe } from 'vitest';
import { brokerUrl } from '../ingest/streams/sources/collector.js';
import { itSurvivesKills, type Topic } from './stream-crash-harness.js';

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
  itSurvivesKills('loses no published event (at least once)', {
    prefix: 'crash_mqtt',
    url,
    topic: mqttTopic,
    seed: 60_604,
    exactlyOnce: false,
    // The broker keeps messages only for a session that has subscribed.
    settleMs: 3_000,
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MqttSource, openWriteAheadLog } from '../../../../src/ingest/streams/index.js';
import type { WriteAheadLog } from '../../../../src/ingest/streams/index.js';
import { brokerUrl, collector, uniqueName, waitFor } from './collector.js';

const url = brokerUrl('mqtt');

describe.skipIf(!url)('MqttSource on a real broker', () => {
  let publisher: MqttClient;
  let dir: string;
  let log: WriteAheadLog;

  beforeAll(async () => {
    publisher = await mqtt.connectAsync(url!, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await publisher.endAsync();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakeward-mqtt-source-'));
    log = await openWriteAheadLog(dir, { quotaBytes: 64 * 1024 * 1024 });
  });
  afterEach(async () => {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function publish(topic: string, bodies: object[]): Promise<void> {
    for (const body of bodies)
      await publisher.publishAsync(topic, JSON.stringify(body), { qos: 1 });
  }
  const source = (topic: string, clientId: string, dedupKey?: string): MqttSource =>
    new MqttSource(
      { url: url!, topic: `${topic}/#`, clientId, ...(dedupKey ? { dedupKey } : {}) },
      log,
    );
  const numbers = (values: string[]): number[] =>
    values.map((v) => (JSON.parse(v) as { n: number }).n).sort((a, b) => a - b);

  it('writes QoS 1 messages to the log and delivers them; a message sent while it is away arrives after restart', async () => {
    const topic = uniqueName('lw');
    const clientId = uniqueName('lakeward-test');
    const got = collector();
    const one = source(topic, clientId);
    await one.start({}, got.deliver, got.onError);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the first connect subscribes
    await publish(`${topic}/a`, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await waitFor('3 messages', () => got.records.length >= 3);
    expect(log.lastSequence()).toBe('3');
    expect(got.records.map((r) => [r.partition, r.offset])).toEqual([
      ['wal', '1'],
      ['wal', '2'],
      ['wal', '3'],
    ]);
    await one.acknowledge(got.positions());
    await one.close();

    // Published while no subscriber is connected: the persistent session keeps it.
    await publish(`${topic}/b`, [{ n: 4 }, { n: 5 }]);
    const later = collector();
    const two = source(topic, clientId);
    await two.start(got.positions(), later.deliver, later.onError);
    await waitFor('2 messages', () => later.records.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await two.close();
    expect(numbers(later.values())).toEqual([4, 5]);
    expect(got.errors.concat(later.errors)).toEqual([]);
  });

  it('drops repeats of the same dedup key', async () => {
    const topic = uniqueName('lw');
    const got = collector();
    const one = source(topic, uniqueName('lakeward-test'), 'id');
    await one.start({}, got.deliver, got.onError);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the first connect subscribes
    await publish(topic + '/x', [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
      { id: 'a', n: 1 },
      { id: 'c', n: 3 },
      { id: 'b', n: 2 },
    ]);
    await waitFor('3 messages', () => got.records.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await one.close();
    expect(numbers(got.values())).toEqual([1, 2, 3]);
    expect(log.lastSequence()).toBe('3');
  });

  it('drops a repeated array of records, keyed by the ids of all its items', async () => {
    const topic = uniqueName('lw');
    const got = collector();
    const one = source(topic, uniqueName('lakeward-test'), 'id');
    await one.start({}, got.deliver, got.onError);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the first connect subscribes
    const first = [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ];
    const second = [
      { id: 'a', n: 1 },
      { id: 'c', n: 3 },
    ];
    await publish(`${topic}/x`, [first, first, second]);
    await waitFor('2 messages', () => got.records.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await one.close();
    expect(got.values().map((v) => JSON.parse(v) as unknown)).toEqual([first, second]);
  });
});

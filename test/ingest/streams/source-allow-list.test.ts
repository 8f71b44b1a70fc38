import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../../src/app.js';
import { CONFIG_FILE, loadConfig } from '../../../src/config/index.js';
import type { StreamRequest } from '../../../src/ingest/index.js';
import type { StreamDefinition, StreamSourceConfig } from '../../../src/ingest/streams/contract.js';
import { SourceAllowList } from '../../../src/ingest/streams/source-allow-list.js';
import { buildServer } from '../../../src/server/index.js';
import { hostStreams } from '../../../src/server/stream-host.js';
import { governedHome, type GovernedHome } from '../../catalog/governed-home.js';
import { kafkaTopic, type BrokerTopic } from '../../e2e/broker-topics.js';
import { until } from '../../e2e/hosted-streams.js';
import { allowSources, testBrokerSources } from '../../services/allowed-sources.js';
import { brokerUrl, uniqueName } from './sources/collector.js';

const kafka = (...brokers: string[]): StreamSourceConfig => ({
  kind: 'kafka',
  brokers,
  topic: 't',
});
const nats = (...servers: string[]): StreamSourceConfig => ({ kind: 'nats', servers, stream: 'S' });
const mqtt = (url: string): StreamSourceConfig => ({ kind: 'mqtt', url, topic: 't' });

describe('streams.allowedSources in lakeward.yaml', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakeward-allowed-sources-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (yaml: string) => {
    writeFileSync(join(dir, CONFIG_FILE), yaml, 'utf8');
    return loadConfig({ home: dir, env: {} });
  };

  it('allows no broker by default', () => {
    expect(loadConfig({ home: dir, env: {} }).streams.allowedSources).toEqual([]);
  });

  it('keeps good entries as written', () => {
    const entries = [
      'kafka://10.0.0.5:9092',
      'NATS://Nats.Internal:4222',
      'mqtt://[::1]:1883',
      'mqtts://*.iot.example.com:8883',
    ];
    expect(load(`streams:\n  allowedSources: ${JSON.stringify(entries)}\n`).streams).toEqual({
      allowedSources: entries,
    });
  });

  it.each([
    ['10.0.0.5:9092', /"10\.0\.0\.5:9092" is not a broker URL/],
    ['kafka://broker', /needs a port \(e\.g\. kafka:\/\/broker\.internal:9092\)/],
    ['mqtt://broker', /needs a port \(e\.g\. mqtt:\/\/broker\.internal:1883\)/],
    ['http://broker:80', /unknown scheme "http": use kafka, nats, mqtt, mqtts/],
    ['tls://nats:4222', /write NATS servers as nats:\/\/host:port/],
    ['kafka://user@broker:9092', /only scheme:\/\/host:port, without user, path or query/],
    ['kafka://broker:9092/topic', /only scheme:\/\/host:port/],
    ['kafka://broker:70000', /port outside 1-65535/],
    ['kafka://*:9092', /wildcard other than a first label/],
    ['kafka://a.*.internal:9092', /wildcard other than a first label/],
    ['kafka://*.0.0.1:9092', /wildcard over something that is not a DNS name/],
    ['kafka://bro_ker:9092', /does not name a host/],
  ])('refuses the entry %s, saying why', (entry, why) => {
    let error: unknown;
    try {
      load(`streams:\n  allowedSources: ["kafka://ok:9092", ${JSON.stringify(entry)}]\n`);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(why) });
    expect((error as Error).message).toContain('streams.allowedSources.1');
  });
});

describe('SourceAllowList: which brokers an entry allows', () => {
  const list = new SourceAllowList([
    'kafka://Broker-1.Internal:9092',
    'kafka://10.0.0.5:9092',
    'nats://nats.internal:4222',
    'mqtt://mqtt.internal:1883',
    'mqtts://*.iot.example.com:8883',
  ]);

  it.each<[string, StreamSourceConfig, string[]]>([
    ['an HTTP stream', { kind: 'http' }, []],
    ['hosts in any case', kafka('BROKER-1.internal:9092', '10.0.0.5:9092'), []],
    [
      'one broker of several',
      kafka('broker-1.internal:9092', 'broker-2.internal:9092'),
      ['kafka://broker-2.internal:9092'],
    ],
    ['another port', kafka('10.0.0.5:9093'), ['kafka://10.0.0.5:9093']],
    ['the same host under another protocol', nats('10.0.0.5:9092'), ['nats://10.0.0.5:9092']],
    [
      'NATS as nats://, tls:// or bare',
      nats('nats://nats.internal:4222', 'tls://NATS.internal:4222', 'nats.internal:4222'),
      [],
    ],
    ['MQTT on its default port', mqtt('mqtt://mqtt.internal'), []],
    ['MQTT with a user and a path', mqtt('mqtt://sensor:secret@mqtt.internal:1883/x'), []],
    ['mqtts for an mqtt entry', mqtt('mqtts://mqtt.internal:1883'), ['mqtts://mqtt.internal:1883']],
    ['a host under a wildcard', mqtt('mqtts://a.b.iot.example.com'), []],
    [
      'the wildcard suffix itself',
      mqtt('mqtts://iot.example.com:8883'),
      ['mqtts://iot.example.com:8883'],
    ],
    [
      'a host that only ends like it',
      mqtt('mqtts://eviliot.example.com:8883'),
      ['mqtts://eviliot.example.com:8883'],
    ],
  ])('%s', (_what, source, refused) => {
    expect(list.notAllowed(source).entries).toEqual(refused);
  });

  it.each([
    // url.parse (mqtt.js) connects to mqtt.internal, new URL to evil.com: read as neither.
    [
      'a URL the parsers disagree on',
      'mqtt://mqtt.internal\\@evil.com:1883',
      'mqtt://…@evil.com:1883',
    ],
    ['a percent-encoded host', 'mqtt://%6dqtt.internal:1883', 'mqtt://%6dqtt.internal:1883'],
    ['two users', 'mqtt://a@b@mqtt.internal:1883', 'mqtt://…@mqtt.internal:1883'],
  ])('refuses %s, which no entry can allow', (_what, url, shown) => {
    expect(list.notAllowed(mqtt(url))).toEqual({ entries: [], unreadable: [shown] });
  });

  it('never shows the password of a URL it cannot read', () => {
    const url = 'mqtt://sensor:s3cret@mqtt.internal\\@evil.com:1883';
    const error = (() => {
      try {
        list.require(
          { name: 'temps', source: mqtt(url) } as StreamDefinition,
          { refuse: (e) => e },
          'request',
        );
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error?.message).toContain('"mqtt://…@evil.com:1883" (not a plain host:port)');
    expect(`${error?.message} ${JSON.stringify(error)}`).not.toContain('s3cret');
  });

  it('allows nothing but HTTP when empty', () => {
    const none = new SourceAllowList([]);
    expect(none.notAllowed({ kind: 'http' })).toEqual({ entries: [], unreadable: [] });
    expect(none.notAllowed(kafka('localhost:9092', 'LOCALHOST:9092')).entries).toEqual([
      'kafka://localhost:9092',
    ]);
  });
});

describe('creating and resuming broker streams', () => {
  let home: GovernedHome;
  beforeEach(async () => {
    home = await governedHome();
  });
  afterEach(async () => {
    await home.close();
  });

  const request = (source: StreamRequest['source']): StreamRequest => ({
    name: 'clicks',
    table: 'bronze.web.clicks',
    source,
  });

  it.each<[string, StreamRequest['source'], string]>([
    [
      'Kafka',
      { kind: 'kafka', brokers: ['10.1.2.3:9092'], topic: 'clicks' },
      'kafka://10.1.2.3:9092',
    ],
    [
      'NATS',
      { kind: 'nats', servers: ['tls://Nats.Internal:4222'], stream: 'S' },
      'nats://nats.internal:4222',
    ],
    ['MQTT', { kind: 'mqtt', url: 'mqtt://10.1.2.3', topic: 't' }, 'mqtt://10.1.2.3:1883'],
  ])(
    'refuses a %s stream by default, naming the broker and the fix',
    async (_kind, source, entry) => {
      const error = await home.services.streams
        .create(home.admin, request(source))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        kind: 'forbidden',
        code: 'STREAM_SOURCE_NOT_ALLOWED',
        message: `Stream "clicks" may not connect to ${entry}: not in streams.allowedSources (allowed: none).`,
        hint: `Only an admin can allow a broker: add it to lakeward.yaml of the server and restart it: streams: { allowedSources: ["${entry}"] }.`,
      });
      expect(await home.services.streams.list(home.admin)).toEqual([]);
      expect((await home.events('admin', 'stream.create')).at(-1)).toMatchObject({
        decision: 'deny',
        reason: 'STREAM_SOURCE_NOT_ALLOWED',
      });
    },
  );

  it('creates HTTP streams with no entry at all', async () => {
    const created = await home.services.streams.create(home.admin, request({ kind: 'http' }));
    expect(created.state).toBe('running');
  });

  it('refuses to resume a stream whose broker an admin has since removed', async () => {
    const source = { kind: 'kafka', brokers: ['10.1.2.3:9092'], topic: 'clicks' };
    allowSources(home.dir, ['kafka://10.1.2.3:9092']);
    const allowed = await createServices(loadConfig({ home: home.dir, env: {} }));
    try {
      await allowed.streams.create(home.admin, request(source));
      await allowed.streams.pause(home.admin, 'clicks');
    } finally {
      await allowed.close();
    }
    // home.services was opened with the list before the entry: as after a restart without it.
    await expect(home.services.streams.resume(home.admin, 'clicks')).rejects.toMatchObject({
      code: 'STREAM_SOURCE_NOT_ALLOWED',
      message: expect.stringContaining('kafka://10.1.2.3:9092'),
    });
    expect((await home.services.streams.get(home.admin, 'clicks')).state).toBe('paused');
    // Pausing and deleting need no entry.
    await home.services.streams.delete(home.admin, 'clicks');
  });
});

const KAFKA = brokerUrl('kafka');

describe.skipIf(!KAFKA)('a Kafka stream whose broker is removed from lakeward.yaml', () => {
  let dir: string;
  let token: string;
  let server: { app: FastifyInstance; services: Services } | undefined;
  let topic: BrokerTopic;
  const TABLE = 'bronze.web.clicks';

  /** The server started on the home's lakeward.yaml, as `lakeward serve` does. */
  const serve = async (): Promise<void> => {
    const services = await createServices(
      loadConfig({ home: dir, env: {}, overrides: { logLevel: 'silent' } }),
    );
    const app = await buildServer(services);
    hostStreams(app, services, { pollMs: 200, statusEveryMs: 200 });
    await app.ready();
    server = { app, services };
  };
  const stop = async (): Promise<void> => {
    await server?.app.close();
    await server?.services.close();
    server = undefined;
  };
  const api = (
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> =>
    server!.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload }),
    });
  const count = async (): Promise<number> => {
    const answer = await api('POST', '/query', { sql: `SELECT count(*) FROM ${TABLE}` });
    if (answer.statusCode === 404) return 0;
    return Number(answer.json<{ rows: unknown[][] }>().rows[0]![0]);
  };
  const clicks = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => JSON.stringify({ id: from + i }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakeward-allowed-kafka-'));
    token = (await initHome({ home: dir, overrides: { logLevel: 'silent' } })).adminToken!.token;
    topic = await kafkaTopic(KAFKA!, uniqueName('lw_allow').toLowerCase(), 1);
  }, 60_000);
  afterAll(async () => {
    await stop();
    await topic?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs while allowed, does not start once removed (saying why), and resumes once allowed again', async () => {
    allowSources(dir, testBrokerSources());
    await serve();
    await topic.publish(clicks(0, 5));
    const created = await api('POST', '/streams', {
      name: 'clicks',
      table: TABLE,
      source: topic.source,
      batch: { maxIntervalMs: 200 },
    });
    expect(created.statusCode, created.body).toBe(201);
    await until('5 clicks', count, (n) => n === 5, 30_000);

    // An admin removes the entry and restarts the server.
    await stop();
    allowSources(dir, []);
    await serve();
    await topic.publish(clicks(5, 10));
    const failed = await until(
      'the stream to fail',
      async () =>
        (await api('GET', '/streams/clicks')).json<{ state: string; error: string | null }>(),
      (s) => s.state === 'failed',
      15_000,
    );
    expect(failed.error).toContain(
      `may not connect to kafka://${KAFKA!.split(',')[0]}: not in streams.allowedSources (allowed: none)`,
    );
    expect(failed.error).toContain('lakeward streams resume clicks');
    const resumed = await api('POST', '/streams/clicks/resume');
    expect(resumed.statusCode).toBe(403);
    expect(resumed.json<{ error: { code: string } }>().error.code).toBe(
      'STREAM_SOURCE_NOT_ALLOWED',
    );
    // HTTP streams do not need an entry, now as before.
    const http = await api('POST', '/streams', {
      name: 'pos',
      table: 'bronze.pos.sales',
      source: { kind: 'http' },
    });
    expect(http.statusCode, http.body).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await count()).toBe(5);

    // Allowed again: the failed stream waits for a resume, then reads on from where it was.
    await stop();
    allowSources(dir, testBrokerSources());
    await serve();
    expect((await api('GET', '/streams/clicks')).json<{ state: string }>().state).toBe('failed');
    expect((await api('POST', '/streams/clicks/resume')).statusCode).toBe(200);
    await until('10 clicks', count, (n) => n === 10, 30_000);
  }, 120_000);
});

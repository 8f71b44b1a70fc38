import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/governance/index.js';
import type { StreamRequest } from '../../../src/ingest/index.js';
import { governedHome, type GovernedHome } from '../../catalog/governed-home.js';

const http: StreamRequest = {
  name: 'pos_sales',
  table: 'bronze.pos.sales',
  source: { kind: 'http' },
};
const POS = { kind: 'namespace' as const, path: ['bronze', 'pos'] };

describe('Streams: definitions, validation and who may do what', () => {
  let home: GovernedHome;

  beforeEach(async () => {
    // The brokers of the Kafka stream below: lakeward.yaml must allow a stream's brokers.
    home = await governedHome({
      streams: { allowedSources: ['kafka://127.0.0.1:19092', 'kafka://kafka-2:9092'] },
    });
  });
  afterEach(async () => {
    await home.close();
  });

  it('fills in the defaults a user expects', async () => {
    const created = await home.services.streams.create(home.admin, http);
    expect(created).toMatchObject({
      name: 'pos_sales',
      table: 'bronze.pos.sales',
      deadLetterTable: 'bronze.pos.sales__dead_letter',
      state: 'running',
      runAs: 'admin',
      status: null,
    });
    expect(created.definition).toMatchObject({
      format: 'json',
      batch: { maxRecords: 100_000, maxBytes: 64 * 1024 ** 2, maxIntervalMs: 1000 },
      drift: 'evolve',
      maxRecordBytes: 1024 ** 2,
      memoryLimitBytes: 256 * 1024 ** 2,
      logQuotaBytes: 1024 ** 3,
      sourceSystem: 'pos',
    });
    const kafka = await home.services.streams.create(home.admin, {
      name: 'clicks',
      table: 'bronze.web.clicks',
      source: { kind: 'kafka', brokers: ['127.0.0.1:19092', 'kafka-2:9092'], topic: 'clicks' },
    });
    expect(kafka.definition.source).toEqual({
      kind: 'kafka',
      brokers: ['127.0.0.1:19092', 'kafka-2:9092'],
      topic: 'clicks',
      groupId: 'lakeward-clicks',
    });
    await expect(home.services.streams.create(home.admin, http)).rejects.toMatchObject({
      code: 'STREAM_ALREADY_EXISTS',
    });
  });

  const bad: [string, Partial<StreamRequest>, string, RegExp][] = [
    ['a name with capitals', { name: 'PosSales' }, 'INVALID_STREAM_NAME', /lower-case/],
    ['a table outside bronze', { table: 'silver.pos.sales' }, 'WRONG_LAYER', /bronze/],
    [
      'a table without a source level',
      { table: 'bronze.sales' },
      'INVALID_STREAM_OPTION',
      /bronze\.<source>/,
    ],
    [
      'an unknown source',
      { source: { kind: 'ftp' } },
      'INVALID_STREAM_OPTION',
      /http, kafka, nats, mqtt/,
    ],
    [
      'kafka without brokers',
      { source: { kind: 'kafka', topic: 't' } },
      'INVALID_STREAM_SOURCE',
      /--brokers/,
    ],
    [
      'a broker without a port',
      { source: { kind: 'kafka', brokers: ['kafka'], topic: 't' } },
      'INVALID_STREAM_OPTION',
      /host:port/,
    ],
    [
      'kafka without a topic',
      { source: { kind: 'kafka', brokers: ['k:9092'] } },
      'INVALID_STREAM_SOURCE',
      /--topic/,
    ],
    [
      'a bad topic name',
      { source: { kind: 'kafka', brokers: ['k:9092'], topic: 'a b' } },
      'INVALID_STREAM_OPTION',
      /letters, digits/,
    ],
    [
      'nats without servers',
      { source: { kind: 'nats', stream: 'S' } },
      'INVALID_STREAM_SOURCE',
      /--servers/,
    ],
    [
      'nats without a stream',
      { source: { kind: 'nats', servers: ['nats://n:4222'] } },
      'INVALID_STREAM_SOURCE',
      /--nats-stream/,
    ],
    [
      'an http URL for mqtt',
      { source: { kind: 'mqtt', url: 'http://m:1883', topic: 't' } },
      'INVALID_STREAM_OPTION',
      /mqtt:\/\//,
    ],
    ['an unknown format', { format: 'xml' }, 'INVALID_STREAM_OPTION', /json, ndjson/],
    [
      'an unknown drift policy',
      { drift: 'ignore' },
      'INVALID_STREAM_OPTION',
      /evolve, dead-letter, fail/,
    ],
    ['zero records per batch', { batch: { maxRecords: 0 } }, 'INVALID_STREAM_OPTION', /100000/],
    [
      'an unknown column type',
      { columns: [{ name: 'a', type: 'varchar' }] },
      'INVALID_STREAM_OPTION',
      /long/,
    ],
    [
      'the table as its own dead letter',
      { deadLetterTable: 'bronze.pos.sales' },
      'INVALID_STREAM_OPTION',
      /__dead_letter/,
    ],
  ];
  it.each(bad)('refuses %s with a message and a hint', async (_what, change, code, hint) => {
    const error = await home.services.streams
      .create(home.admin, { ...http, ...change })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code, hint: expect.stringMatching(hint) });
    expect((await home.services.streams.list(home.admin)).map((s) => s.name)).toEqual([]);
  });

  describe('authorization', () => {
    let erin: Caller;
    let dave: Caller;

    beforeEach(async () => {
      erin = await home.user('erin');
      dave = await home.user('dave');
    });

    it('needs CREATE_TABLE on the namespace for a new table, INSERT for an existing one', async () => {
      await home.services.governed.createNamespace(home.admin, ['bronze', 'pos']);
      await expect(home.services.streams.create(erin, http)).rejects.toMatchObject({
        code: expect.stringMatching(/PERMISSION_DENIED|NOT_FOUND/),
      });
      await home.grant(['USAGE', 'CREATE_TABLE'], POS, erin);
      expect((await home.services.streams.create(erin, http)).runAs).toBe('erin');

      await home.services.governed.createTable(
        home.admin,
        { namespace: ['bronze', 'pos'], name: 'returns' },
        { columns: [{ name: 'id', type: 'long' }] },
      );
      const returns = { ...http, name: 'pos_returns', table: 'bronze.pos.returns' };
      await expect(home.services.streams.create(erin, returns)).rejects.toMatchObject({
        code: expect.stringMatching(/PERMISSION_DENIED|NOT_FOUND/),
      });
      await home.grant(['INSERT'], { kind: 'table', path: ['bronze', 'pos', 'returns'] }, erin);
      expect((await home.services.streams.create(erin, returns)).state).toBe('running');
      const denied = await home.events('erin', 'stream.create');
      expect(denied.map((e) => e.decision)).toEqual(['deny', 'allow', 'deny', 'allow']);
    });

    it('lists only streams whose table the caller may see, and hides the others entirely', async () => {
      await home.services.streams.create(home.admin, http);
      expect(await home.services.streams.list(dave)).toEqual([]);
      await expect(home.services.streams.get(dave, 'pos_sales')).rejects.toMatchObject({
        code: 'STREAM_NOT_FOUND',
      });
      await expect(home.services.streams.pause(dave, 'pos_sales')).rejects.toMatchObject({
        code: 'STREAM_NOT_FOUND',
      });
      await home.services.governed.createNamespace(home.admin, ['bronze', 'pos']);
      await home.grant(['USAGE', 'DESCRIBE'], POS, dave);
      expect((await home.services.streams.list(dave)).map((s) => s.name)).toEqual(['pos_sales']);
      // Seeing is not managing.
      await expect(home.services.streams.delete(dave, 'pos_sales')).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
    });

    it('refuses pushes without INSERT before anything is written', async () => {
      await home.services.streams.create(home.admin, http);
      const body = Buffer.from('{"a":1}');
      await expect(
        home.services.streams.push(dave, 'pos_sales', body, 'application/json'),
      ).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
      await home.services.governed.createNamespace(home.admin, ['bronze', 'pos']);
      await home.grant(['USAGE', 'DESCRIBE'], POS, dave);
      await expect(
        home.services.streams.push(dave, 'pos_sales', body, 'application/json'),
      ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      // Allowed, but this process runs no streams (the CLI): the server takes pushes.
      await home.grant(['CREATE_TABLE'], POS, dave);
      await expect(
        home.services.streams.push(dave, 'pos_sales', body, 'application/json'),
      ).rejects.toMatchObject({ code: 'STREAM_NOT_SERVED' });
      const events = await home.events('dave', 'stream.push');
      expect(events.map((e) => e.decision)).toEqual(['deny', 'deny', 'error']);
      expect(JSON.stringify(events)).not.toContain('"a":1');
    });
  });
});

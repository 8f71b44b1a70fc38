// Broker streams run only against brokers lakeward.yaml allows (streams.allowedSources): the
// homes the streaming tests make allow the test brokers of this run, from the same
// LAKEWARD_TEST_* variables brokerUrls() reads.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CONFIG_FILE } from '../../src/config/index.js';
import { brokerUrls } from './broker-control.js';

/** streams.allowedSources entries for the brokers of this run (none when none is set). */
export function testBrokerSources(): string[] {
  const { kafka, nats, mqtt } = brokerUrls();
  return [
    ...(kafka ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== '')
      .map((broker) => `kafka://${broker}`),
    ...(nats === undefined ? [] : [nats.includes('://') ? nats : `nats://${nats}`]),
    ...(mqtt === undefined ? [] : [mqtt]),
  ];
}

/** Sets streams.allowedSources in the home's lakeward.yaml, as an admin would. */
export function allowSources(home: string, entries: readonly string[]): void {
  const file = join(home, CONFIG_FILE);
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  const streams = (config.streams ?? {}) as Record<string, unknown>;
  config.streams = { ...streams, allowedSources: [...entries] };
  writeFileSync(file, stringify(config), 'utf8');
}

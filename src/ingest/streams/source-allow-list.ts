import type { AccessCheck } from '../../catalog/index.js';
import { parseAllowedSource } from '../../config/index.js';
import type { AllowedSource, AllowedSourceScheme } from '../../config/index.js';
import { PermissionDenied } from '../../errors/index.js';
import type { StreamDefinition, StreamSourceConfig } from './contract.js';

/** A broker a stream's source would connect to, as an allow-list entry writes it. */
export interface BrokerAddress {
  scheme: AllowedSourceScheme;
  host: string;
  port: number;
  /** The entry that allows it, e.g. kafka://10.0.0.5:9092. */
  entry: string;
}

/** What the MQTT client uses when the URL has no port. */
const MQTT_PORTS = { mqtt: 1883, mqtts: 8883 } as const;

/**
 * `streams.allowedSources`: the brokers streams may connect to. Without it anyone who may
 * create a stream could make the server connect to any host:port of its networks (and read
 * the refusals as a port scan). Checked when a stream is created, resumed and started, so
 * an entry an admin removed stops the streams that used it at their next start.
 */
export class SourceAllowList {
  readonly #allowed: AllowedSource[];

  constructor(private readonly configured: readonly string[]) {
    // The config schema refused bad entries; one that slips through allows nothing.
    this.#allowed = configured.flatMap((entry) => {
      const parsed = parseAllowedSource(entry);
      return parsed.ok ? [parsed.source] : [];
    });
  }

  /**
   * The brokers of the source that no entry allows, as the entries that would allow them
   * (`unreadable`: addresses not plain enough to check, which no entry can allow).
   */
  notAllowed(source: StreamSourceConfig): { entries: string[]; unreadable: string[] } {
    const entries = new Set<string>();
    const unreadable = new Set<string>();
    for (const { raw, address } of brokersOf(source)) {
      if (address === undefined) unreadable.add(raw);
      else if (!this.#allowed.some((allowed) => allows(allowed, address)))
        entries.add(address.entry);
    }
    return { entries: [...entries], unreadable: [...unreadable] };
  }

  /** Refuses (audited as a denial) a stream whose source reaches a broker not allowed. */
  require(
    definition: StreamDefinition,
    check: Pick<AccessCheck, 'refuse'>,
    when: 'request' | 'start',
  ): void {
    const { entries, unreadable } = this.notAllowed(definition.source);
    if (entries.length === 0 && unreadable.length === 0) return;
    const { name } = definition;
    const allowed = this.configured.length === 0 ? 'none' : this.configured.join(', ');
    const shown = [
      ...entries,
      ...unreadable.map((raw) => `${JSON.stringify(raw)} (not a plain host:port)`),
    ];
    const list = JSON.stringify([...this.configured, ...entries]);
    const resume = when === 'start' ? `, then lakeward streams resume ${name}` : '';
    const hint =
      entries.length === 0
        ? `Give the broker as host:port (Kafka, NATS) or mqtt://host:port (MQTT).`
        : `Only an admin can allow a broker: add ${entries.length === 1 ? 'it' : 'them'} to lakeward.yaml of the server and restart it: streams: { allowedSources: ${list} }${resume}.`;
    const what = `Stream "${name}" may not connect to ${shown.join(', ')}: not in streams.allowedSources (allowed: ${allowed}).`;
    throw check.refuse(
      new PermissionDenied(
        'STREAM_SOURCE_NOT_ALLOWED',
        when === 'request'
          ? what
          : `${what} It stays stopped until an admin allows it and it is resumed (lakeward streams resume ${name}).`,
        { hint, details: { notAllowed: shown, allowedSources: [...this.configured] } },
      ),
    );
  }
}

/** The brokers the source connects to first; `address` undefined for one that cannot be read. */
export function brokersOf(
  source: StreamSourceConfig,
): { raw: string; address: BrokerAddress | undefined }[] {
  switch (source.kind) {
    case 'http':
      return [];
    case 'kafka':
      return source.brokers.map((raw) => ({ raw, address: hostPort('kafka', raw) }));
    case 'nats':
      // nats.js takes host:port, nats:// and tls:// (TLS required) for the same listener.
      return source.servers.map((raw) => ({
        raw,
        address: hostPort('nats', raw.replace(/^(nats|tls):\/\//, '')),
      }));
    case 'mqtt':
      // A URL may carry a password: it is never shown.
      return [{ raw: source.url.replace(/\/\/[^/?#]*@/, '//…@'), address: mqttBroker(source.url) }];
  }
}

/** A DNS name or an [IPv6] address, as the request validator and the clients read them. */
const HOST = String.raw`[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\]`;
const HOST_PORT = new RegExp(`^(${HOST}):(\\d{1,5})$`);
const MQTT_URL = new RegExp(
  `^(mqtts?)://(?:[^/?#@]*@)?(${HOST})(?::(\\d{1,5}))?(?:[/?#].*)?$`,
  'i',
);

function hostPort(scheme: AllowedSourceScheme, text: string): BrokerAddress | undefined {
  const match = HOST_PORT.exec(text.trim());
  if (match === null) return undefined;
  return address(scheme, match[1]!, Number(match[2]));
}

/**
 * Read by a strict pattern rather than `new URL`: mqtt.js parses with the legacy
 * url.parse, and the two disagree on odd URLs (a backslash before "@"), which would let a
 * URL look allowed here and connect elsewhere. Anything the pattern does not read is refused.
 */
function mqttBroker(url: string): BrokerAddress | undefined {
  if (/[\\\s]/.test(url)) return undefined;
  const match = MQTT_URL.exec(url);
  if (match === null) return undefined;
  const scheme = match[1]!.toLowerCase() as keyof typeof MQTT_PORTS;
  return address(scheme, match[2]!, match[3] === undefined ? MQTT_PORTS[scheme] : Number(match[3]));
}

function address(scheme: AllowedSourceScheme, host: string, port: number): BrokerAddress {
  const lower = host.toLowerCase();
  return { scheme, host: lower, port, entry: `${scheme}://${lower}:${port}` };
}

function allows(allowed: AllowedSource, broker: BrokerAddress): boolean {
  if (allowed.scheme !== broker.scheme || allowed.port !== broker.port) return false;
  if (!allowed.host.startsWith('*.')) return allowed.host === broker.host;
  const suffix = allowed.host.slice(1);
  return broker.host.endsWith(suffix) && broker.host.length > suffix.length;
}

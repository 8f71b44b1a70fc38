/**
 * One entry of `streams.allowedSources`: a broker that streams may connect to, written
 * `kafka://host:port`, `nats://host:port`, `mqtt://host:port` or `mqtts://host:port`.
 * `*.suffix` as the host allows every host below that DNS suffix (not the suffix itself).
 */
export interface AllowedSource {
  scheme: AllowedSourceScheme;
  /** Lower case; `*.example.internal` for a wildcard. */
  host: string;
  port: number;
}

export const ALLOWED_SOURCE_SCHEMES = ['kafka', 'nats', 'mqtt', 'mqtts'] as const;
export type AllowedSourceScheme = (typeof ALLOWED_SOURCE_SCHEMES)[number];

/** The port each protocol's client uses when a URL has none: only for the examples we give. */
const USUAL_PORT: Record<AllowedSourceScheme, number> = {
  kafka: 9092,
  nats: 4222,
  mqtt: 1883,
  mqtts: 8883,
};

export type ParsedAllowedSource =
  { ok: true; source: AllowedSource } | { ok: false; problem: string };

const LABELS = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/**
 * The entry parsed, or why it is not one. Strict on purpose: only scheme://host:port, so
 * an entry always allows exactly what it looks like it allows.
 */
export function parseAllowedSource(entry: string): ParsedAllowedSource {
  const problem = (why: string): ParsedAllowedSource => ({
    ok: false,
    problem: `"${entry}" ${why}`,
  });
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(entry.trim());
  if (match === null) {
    return problem(
      'is not a broker URL: write kafka://host:port, nats://host:port, mqtt://host:port or mqtts://host:port',
    );
  }
  const scheme = match[1]!.toLowerCase();
  if (scheme === 'tls' || scheme === 'nats+tls') {
    return problem(
      'uses tls://: write NATS servers as nats://host:port, which also allows tls://host:port',
    );
  }
  if (!(ALLOWED_SOURCE_SCHEMES as readonly string[]).includes(scheme)) {
    return problem(`has an unknown scheme "${scheme}": use ${ALLOWED_SOURCE_SCHEMES.join(', ')}`);
  }
  const known = scheme as AllowedSourceScheme;
  const example = `${known}://broker.internal:${USUAL_PORT[known]}`;
  const address = /^(\[[^\]]*\]|[^:/?#@[\]]*)(?::(\d+))?$/.exec(match[2]!);
  if (address === null) {
    return problem(
      `must be only scheme://host:port, without user, path or query (e.g. ${example})`,
    );
  }
  const host = address[1]!.toLowerCase();
  if (address[2] === undefined) return problem(`needs a port (e.g. ${example})`);
  const port = Number(address[2]);
  if (port < 1 || port > 65535) return problem('has a port outside 1-65535');
  const hostProblem = problemOfHost(host);
  if (hostProblem !== undefined) return problem(hostProblem);
  return { ok: true, source: { scheme: known, host, port } };
}

function problemOfHost(host: string): string | undefined {
  if (IPV6.test(host)) return undefined;
  if (host.startsWith('*.')) {
    const suffix = host.slice(2);
    // A suffix of digits would read as an address range, which this is not.
    if (LABELS.test(suffix) && /[a-z]/.test(suffix.split('.').pop()!)) return undefined;
    return 'has a wildcard over something that is not a DNS name (e.g. *.broker.internal)';
  }
  if (host.includes('*')) {
    return 'has a wildcard other than a first label "*." (e.g. kafka://*.broker.internal:9092)';
  }
  if (LABELS.test(host)) return undefined;
  return 'does not name a host (letters, digits, "-" and "." or an [IPv6] address)';
}

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Unavailable } from '../errors/index.js';
import type { StreamLease } from '../metastore/index.js';

/** The position key of the write-ahead log of the home that first ran a stream. */
const PLAIN_LOG_PARTITION = 'wal';

/** This server process among those sharing the metastore: host name, process id, a random part. */
export function newHolderId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/**
 * The holder id of a process of this host that no longer runs (a server killed and started
 * again here): its leases may be taken at once instead of after they expire. Undefined
 * for a live process, this one, or a process of another host (whose liveness is unknown).
 */
export function goneHolder(holderId: string): string | undefined {
  const [host, pid] = holderId.split('/');
  const number = Number(pid);
  if (host !== hostname() || !Number.isInteger(number) || number <= 0) return undefined;
  if (number === process.pid) return undefined;
  try {
    process.kill(number, 0);
    return undefined;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? holderId : undefined;
  }
}

/**
 * Where this server takes requests, as other servers should be told (pushes for the
 * streams it runs go there): the address it listens on; a wildcard address is named by
 * the host name. Null before it listens (or when it only takes injected requests).
 */
export function listeningUrl(app: FastifyInstance): string | null {
  // A unix socket (a string) is no address for other servers.
  const addresses = app.addresses().filter((a): a is AddressInfo => typeof a !== 'string');
  const address = addresses.find((a) => a.family === 'IPv4') ?? addresses[0];
  if (address === undefined) return null;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard
    ? hostname()
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * The home's id, made once and kept in `<home>/streams/home-id`: the write-ahead logs of
 * two homes that ran the same stream count their own sequences, so their positions in
 * the table need keys of their own.
 */
export async function homeLogId(home: string): Promise<string> {
  const file = join(home, 'streams', 'home-id');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined && existing.trim() !== '') return existing.trim();
  const id = randomBytes(6).toString('hex');
  await mkdir(join(home, 'streams'), { recursive: true });
  // 'wx': a second process making it at the same moment keeps the first one's id.
  await writeFile(file, `${id}\n`, { flag: 'wx' }).catch(async (err: unknown) => {
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
  });
  return (await readFile(file, 'utf8')).trim();
}

/** The position key of this home's log for a stream whose plain key belongs to `walHome`. */
export function logPartition(homeId: string, walHome: string | undefined): string {
  return walHome === undefined || walHome === homeId
    ? PLAIN_LOG_PARTITION
    : `${PLAIN_LOG_PARTITION}@${homeId}`;
}

/**
 * A push to a server that does not run the stream: its records would land in a log this
 * server does not commit, so it is refused (503 with Retry-After) and the client is told
 * where the stream runs.
 */
export function runElsewhere(
  name: string,
  lease: StreamLease | undefined,
  ttlMs: number,
  now: number,
): Unavailable {
  const where = lease === undefined ? undefined : (lease.holder.url ?? lease.holder.id);
  const retryAfterSeconds =
    lease === undefined
      ? 1
      : Math.max(1, Math.ceil(Math.min(lease.expiresAt.getTime() - now, ttlMs / 3) / 1000));
  return new Unavailable(
    'STREAM_RUN_ELSEWHERE',
    where === undefined
      ? `Stream "${name}" is being taken over by a server right now; this one does not take its records yet.`
      : `Stream "${name}" runs on another server (${where}); this server does not take its records.`,
    {
      hint:
        where === undefined
          ? `Retry in ${retryAfterSeconds} s.`
          : `Push to ${where} (the server that runs the stream), or through a load balancer that routes each stream to the server running it; if that server went away another takes the stream over within seconds, so retry after ${retryAfterSeconds} s.`,
      details: {
        retryAfterSeconds,
        ...(lease === undefined ? {} : { holder: lease.holder.id, url: lease.holder.url }),
      },
    },
  );
}

import { totalmem } from 'node:os';
import { z } from 'zod';
import { parseAllowedSource } from './allowed-source.js';

/**
 * Half the machine's memory per query session: a 2 GB cap made DuckDB's hash tables
 * for distinct counts and medians 13 % slower than unlimited DuckDB on 5 M rows,
 * while its own default (80 %) leaves nothing for a second query or the server.
 */
function defaultQueryMemory(): string {
  const half = Math.floor(totalmem() / 2 / 1024 ** 2);
  return `${Math.max(1024, half)}MB`;
}

/** A DuckDB-style size: "512MB", "2GB", "1.5GiB". */
const size = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as "512MB" or "2GB"');

export const configSchema = z
  .object({
    /** The folder that holds lakeward.yaml, the embedded metastore and (by default) the warehouse. */
    home: z.string().min(1),
    /** Where table data lives: file:///abs/path, memory://name (tests) or s3://bucket/prefix. */
    warehouse: z.string().min(1),
    /** sqlite:/abs/path.db (embedded) or postgres://user:pass@host:port/db. */
    metastore: z.string().min(1),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        maxUploadBytes: z
          .number()
          .int()
          .positive()
          .default(10 * 1024 ** 3),
        /** How other servers and clients reach this one (shown as a stream's holder). */
        advertisedUrl: z
          .string()
          .regex(/^https?:\/\/[^\s/]+/, 'an http(s) URL, e.g. http://lakeward-a.internal:8080')
          .optional(),
      })
      .strict()
      .prefault({}),
    query: z
      .object({
        timeoutMs: z.number().int().positive().default(300_000),
        memoryLimit: size.default(defaultQueryMemory()),
        threads: z.number().int().positive().optional(),
        /** Rows a JSON answer may hold; CSV/NDJSON/Parquet outputs stream without limit. */
        maxResultRows: z.number().int().positive().default(100_000),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        memoryLimit: size.default('512MB'),
        targetFileSizeBytes: z
          .number()
          .int()
          .positive()
          .default(256 * 1024 ** 2),
      })
      .strict()
      .prefault({}),
    /** Background rewriting of small data files (streams make many) into larger ones, per partition. */
    compaction: z
      .object({
        /** Compact tables with ingest_type=streaming or compaction.enabled=true (a table's compaction.enabled=false opts out). */
        enabled: z.boolean().default(true),
        intervalMs: z.number().int().positive().default(60_000),
        /** A partition is compacted once it has at least this many small files. */
        minFiles: z.number().int().min(2).default(8),
        targetFileSizeBytes: z
          .number()
          .int()
          .positive()
          .default(128 * 1024 ** 2),
        /** Files smaller than this are small. */
        smallFileBytes: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 ** 2),
        /** Plans (and rewrites) tried when a commit conflicts with another writer. */
        maxAttempts: z.number().int().min(1).default(4),
      })
      .strict()
      .prefault({}),
    /**
     * Background expiry of old snapshots of streaming tables (ingest_type=streaming, or
     * snapshot-expiry.enabled=true): a commit a second is 86,400 snapshots a day otherwise.
     * A table's history.expire.* properties win over these defaults.
     */
    snapshotExpiry: z
      .object({
        enabled: z.boolean().default(true),
        intervalMs: z
          .number()
          .int()
          .positive()
          .default(5 * 60_000),
        /** Snapshots older than this are removed (history.expire.max-snapshot-age-ms). */
        maxSnapshotAgeMs: z
          .number()
          .int()
          .min(0)
          .default(60 * 60_000),
        /** The current snapshot and its newest ancestors, this many, always stay (history.expire.min-snapshots-to-keep). */
        minSnapshotsToKeep: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    commit: z
      .object({
        maxRetries: z.number().int().min(0).default(10),
        retryBaseDelayMs: z.number().int().min(0).default(5),
      })
      .strict()
      .prefault({}),
    governance: z
      .object({
        /**
         * Key of MASK_HASH (HMAC-SHA-256), so hashed values join across tables but cannot
         * be reversed by hashing guesses; lakeward init writes a random one to
         * <home>/secrets/mask-hash.key when this is not set. Servers sharing a metastore
         * must share the key.
         */
        maskHashKey: z.string().min(16).optional(),
        /** How often a server looks for policy changes made by another process (ms). */
        policyRefreshMs: z.number().int().min(0).default(1000),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** Events older than this are removed (the chain stays verifiable from an anchor). */
        retentionDays: z.number().int().positive().default(400),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** Single sign-on: JWTs from this OpenID Connect issuer are accepted as bearer tokens. */
        oidc: z
          .object({
            issuer: z.string().min(1),
            /** The `aud` the tokens must carry. */
            audience: z.string().min(1),
            /** JWKS: an https/http URL or a local file path (exactly one of the two). */
            jwksUrl: z.string().url().optional(),
            jwksFile: z.string().min(1).optional(),
            /** Claim holding the Lakeward principal name. */
            usernameClaim: z.string().min(1).default('preferred_username'),
            /** Claim holding group names (an array of strings); each names a Lakeward group. */
            groupsClaim: z.string().min(1).default('groups'),
            /** Create a user principal on first sign-in; otherwise unknown users are refused. */
            autoCreateUsers: z.boolean().default(true),
          })
          .strict()
          .refine((o) => (o.jwksUrl === undefined) !== (o.jwksFile === undefined), {
            message: 'set exactly one of auth.oidc.jwksUrl and auth.oidc.jwksFile',
          })
          .optional(),
      })
      .strict()
      .prefault({}),
    catalog: z
      .object({
        /**
         * Folders outside the warehouse whose raw files may be registered as external
         * tables and crawled (file:///absolute/folder). Nothing outside them and the
         * warehouse is ever read; only this file, not an API call, can add one.
         */
        externalLocations: z.array(z.string().min(1)).default([]),
        /** Detect sensitive data after a load that creates a table or adds columns. */
        classifyOnIngest: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    streams: z
      .object({
        /**
         * The brokers streams may connect to (kafka://host:port, nats://host:port,
         * mqtt://host:port, mqtts://host:port; *.suffix for every host under a DNS suffix).
         * Empty: no broker stream may be created or started, only HTTP streams. Only this
         * file, not an API call, can add one: a stream must not reach into any network.
         */
        allowedSources: z
          .array(
            z.string().superRefine((entry, ctx) => {
              const parsed = parseAllowedSource(entry);
              if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
            }),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
    lineage: z
      .object({
        /** OpenLineage run events of our jobs: POSTed to url and/or appended to file as NDJSON. */
        openLineage: z
          .object({
            url: z.string().url().optional(),
            file: z.string().min(1).optional(),
            /** The namespace of our jobs and tables in the events. */
            namespace: z.string().min(1).default('lakeward'),
            /** Tries per event before giving up (the job never fails for it). */
            retries: z.number().int().min(0).default(3),
            timeoutMs: z.number().int().positive().default(5000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .strict();

export type LakewardConfig = Readonly<z.infer<typeof configSchema>>;

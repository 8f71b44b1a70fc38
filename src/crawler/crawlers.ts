import type { AccessCheck, AccessGate, ExternalLocations } from '../catalog/index.js';
import { namespaceSecurable, requireRawFileRegistration } from '../catalog/index.js';
import type { Session } from '../engine/index.js';
import { Conflict, InvalidInput, NotFound } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type { CrawlerRecord, Metastore } from '../metastore/index.js';
import type { CrawlerInput, CrawlerPatch, CrawlerView, CrawlRunView } from './contract.js';
import { crawl } from './crawl.js';
import { runViewOf, viewOf } from './crawler-views.js';
import {
  checkCrawlerName,
  definitionOf,
  nextRunAfter,
  patchedDefinition,
} from './crawler-definition.js';
import type { CrawlerCatalog, Deprecate } from './registration.js';

export interface CrawlersDeps {
  metastore: Pick<Metastore, 'crawlers' | 'principals'>;
  gate: AccessGate;
  catalog: CrawlerCatalog;
  locations: ExternalLocations;
  openSession: () => Promise<Session>;
  /** Sets certification to deprecated when a table's folder is gone (metadata service). */
  deprecate?: Deprecate;
  /** A run older than this is taken as abandoned by a process that stopped. */
  staleRunMs?: number;
}

const SIX_HOURS_MS = 6 * 60 * 60 * 1000;
const DEFAULT_RUNS_SHOWN = 20;

/**
 * Crawlers as callers use them: an owner (the creator) and admins see and change a
 * crawler; others are told it does not exist. Creating one needs an admin (it reads raw
 * files unfiltered) with CREATE_TABLE on its namespace; every run, manual or scheduled, registers tables as the owner, governed
 * and audited like the owner's own calls. Each use case is audited once.
 */
export class Crawlers {
  readonly #deps: CrawlersDeps;

  constructor(deps: CrawlersDeps) {
    this.#deps = deps;
  }

  create(caller: Caller, input: CrawlerInput): Promise<CrawlerView> {
    return this.#deps.gate.run(caller, 'crawler.create', resource(input.name), async (check) => {
      checkCrawlerName(input.name);
      // It runs as its owner, registering what it finds as the owner's tables.
      await requireRawFileRegistration(check);
      const definition = definitionOf(input);
      definition.targets = await this.#checkTargets(definition.targets);
      await this.#requireNamespace(caller, check, definition.namespace);
      const created = await this.#deps.metastore.crawlers.create({
        ...definition,
        name: input.name,
        owner: caller.principal.name,
        nextRunAt: nextRun(definition.schedule),
      });
      return viewOf(created);
    });
  }

  list(caller: Caller): Promise<CrawlerView[]> {
    return this.#deps.gate.run(caller, 'crawler.list', undefined, async () => {
      const all = await this.#deps.metastore.crawlers.list();
      return all.filter((c) => mayManage(caller, c)).map(viewOf);
    });
  }

  get(caller: Caller, name: string): Promise<CrawlerView> {
    return this.#deps.gate.run(caller, 'crawler.describe', resource(name), async (check) =>
      viewOf(await this.#managed(caller, check, name)),
    );
  }

  update(caller: Caller, name: string, patch: CrawlerPatch): Promise<CrawlerView> {
    return this.#deps.gate.run(caller, 'crawler.update', resource(name), async (check) => {
      const current = await this.#managed(caller, check, name);
      const definition = patchedDefinition(current, patch);
      if (patch.targets !== undefined) {
        await requireRawFileRegistration(check);
        definition.targets = await this.#checkTargets(definition.targets);
      }
      if (patch.namespace !== undefined) {
        await this.#requireNamespace(caller, check, definition.namespace);
      }
      const scheduleChanged = patch.schedule !== undefined && patch.schedule !== current.schedule;
      const updated = await this.#deps.metastore.crawlers.update(name, {
        ...definition,
        ...(scheduleChanged ? { nextRunAt: nextRun(definition.schedule) } : {}),
      });
      return viewOf(updated);
    });
  }

  /** Deletes the crawler and its run history; the tables it registered stay. */
  delete(caller: Caller, name: string): Promise<void> {
    return this.#deps.gate.run(caller, 'crawler.delete', resource(name), async (check) => {
      await this.#managed(caller, check, name);
      await this.#deps.metastore.crawlers.delete(name);
    });
  }

  /** Runs the crawler now, as its owner, and returns the finished run. */
  run(caller: Caller, name: string): Promise<CrawlRunView> {
    return this.#deps.gate.run(caller, 'crawler.run', resource(name), async (check) => {
      const crawler = await this.#managed(caller, check, name);
      return this.#run(crawler, 'manual', caller.context);
    });
  }

  /** A scheduled run: as the owner, from inside the server. */
  async runScheduled(name: string): Promise<CrawlRunView> {
    const crawler = await this.#deps.metastore.crawlers.get(name);
    if (crawler === undefined) throw crawlerNotFound(name);
    const owner = await this.#owner(crawler);
    const context = { channel: 'internal' as const, requestId: `crawler-schedule-${name}` };
    return this.#deps.gate.run(
      { principal: owner.principal, context },
      'crawler.run',
      resource(name),
      () => this.#run(crawler, 'schedule', context),
    );
  }

  runs(caller: Caller, name: string, limit = DEFAULT_RUNS_SHOWN): Promise<CrawlRunView[]> {
    return this.#deps.gate.run(caller, 'crawler.runs', resource(name), async (check) => {
      await this.#managed(caller, check, name);
      return (await this.#deps.metastore.crawlers.listRuns(name, limit)).map(runViewOf);
    });
  }

  /** Crawlers whose scheduled time has come, for the scheduler. */
  due(now: Date): Promise<CrawlerRecord[]> {
    return this.#deps.metastore.crawlers.due(now);
  }

  /**
   * Takes a due crawler's run for this process and moves its next run past `now`, so a
   * schedule missed while the server was down runs once, not once per missed time.
   */
  claim(crawler: CrawlerRecord, now: Date): Promise<boolean> {
    if (crawler.nextRunAt === null) return Promise.resolve(false);
    const next = crawler.schedule === null ? null : nextRunAfter(crawler.schedule, now);
    return this.#deps.metastore.crawlers.claimSchedule(crawler.name, crawler.nextRunAt, next);
  }

  async #run(
    crawler: CrawlerRecord,
    trigger: 'manual' | 'schedule',
    context: Caller['context'],
  ): Promise<CrawlRunView> {
    const { crawlers } = this.#deps.metastore;
    const owner = await this.#owner(crawler);
    const staleBefore = new Date(Date.now() - (this.#deps.staleRunMs ?? SIX_HOURS_MS));
    const run = await crawlers.startRun(crawler.name, { trigger, runAs: owner.name, staleBefore });
    if (run === undefined) {
      throw new Conflict(
        'CRAWLER_ALREADY_RUNNING',
        `The crawler "${crawler.name}" is already running.`,
        {
          hint: `Wait for the run under way to finish (lakeward crawlers runs ${crawler.name}), then run it again.`,
        },
      );
    }
    const runAs: Caller = { principal: owner.principal, context };
    try {
      await this.#ensureNamespace(runAs, crawler.namespace);
      const seen =
        crawler.recrawl === 'new_folders'
          ? await crawlers.seenFolders(crawler.name)
          : new Set<string>();
      const registration = {
        catalog: this.#deps.catalog,
        crawler,
        runAs,
        crawledAt: run.startedAt.toISOString(),
      };
      const { report, folders } = await crawl(this.#deps, registration, seen);
      await crawlers.addSeenFolders(crawler.name, folders);
      return runViewOf(
        await crawlers.finishRun(run.id, { status: 'succeeded', error: null, report }),
      );
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return runViewOf(await crawlers.finishRun(run.id, { status: 'failed', error, report: null }));
    }
  }

  /** The crawler if the caller may manage it; otherwise the same error as a missing one. */
  async #managed(caller: Caller, check: AccessCheck, name: string): Promise<CrawlerRecord> {
    const crawler = await this.#deps.metastore.crawlers.get(name);
    if (crawler === undefined) throw crawlerNotFound(name);
    if (!mayManage(caller, crawler)) throw check.refuse(crawlerNotFound(name));
    return crawler;
  }

  async #owner(crawler: CrawlerRecord) {
    const record = await this.#deps.metastore.principals.getByName(crawler.owner);
    if (record === undefined) {
      throw new NotFound(
        'CRAWLER_OWNER_NOT_FOUND',
        `The owner of crawler "${crawler.name}", ${crawler.owner}, no longer exists.`,
        {
          hint: 'Delete the crawler and create it again as a principal who exists; it runs as its owner.',
        },
      );
    }
    const principal = {
      id: record.id,
      name: record.name,
      kind: record.kind,
      isAdmin: record.isAdmin,
      authMethod: 'local' as const,
    };
    return { name: record.name, principal };
  }

  /** s3:// and other schemes are refused; a folder must lie inside an external location. */
  async #checkTargets(targets: string[]): Promise<string[]> {
    const checked: string[] = [];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !target.startsWith('file://')) {
        const scheme = target.slice(0, target.indexOf(':'));
        throw new InvalidInput(
          'CRAWLER_TARGET_NOT_SUPPORTED',
          `${scheme}:// crawler targets are not yet supported (${target}).`,
          {
            hint: 'Crawl a local folder (file:///srv/landing/…) inside catalog.externalLocations.',
          },
        );
      }
      checked.push((await this.#deps.locations.check(target)).uri);
    }
    return [...new Set(checked)];
  }

  /** The namespace, created when missing (if the caller may), and CREATE_TABLE on it. */
  async #requireNamespace(caller: Caller, check: AccessCheck, namespace: string[]): Promise<void> {
    await this.#ensureNamespace(caller, namespace);
    await check.require('CREATE_TABLE', namespaceSecurable(namespace));
  }

  async #ensureNamespace(caller: Caller, namespace: string[]): Promise<void> {
    try {
      await this.#deps.catalog.describeNamespace(caller, namespace);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      await this.#deps.catalog.createNamespace(caller, namespace);
    }
  }
}

function mayManage(caller: Caller, crawler: CrawlerRecord): boolean {
  return caller.principal.isAdmin || caller.principal.name === crawler.owner;
}

function resource(name: string): string {
  return `crawler:${name}`;
}

function nextRun(schedule: string | null): Date | null {
  return schedule === null ? null : nextRunAfter(schedule, new Date());
}

function crawlerNotFound(name: string): NotFound {
  return new NotFound('CRAWLER_NOT_FOUND', `No crawler is named "${name}".`, {
    hint: 'List crawlers with `lakeward crawlers list` to see which exist.',
  });
}

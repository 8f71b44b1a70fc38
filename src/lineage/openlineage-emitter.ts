import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OpenLineageRunEvent } from './openlineage-event.js';

export interface EmitterOptions {
  url?: string | undefined;
  file?: string | undefined;
  retries: number;
  timeoutMs: number;
  /** Told when an event could not be delivered; the job goes on regardless. */
  onFailure?: (err: unknown, event: OpenLineageRunEvent) => void;
}

/**
 * Sends run events to an OpenLineage endpoint (POST JSON, retried with back-off) and/or
 * appends them to an NDJSON file. A lineage backend that is down must never fail a job,
 * so emit() never throws: failures go to onFailure.
 */
export class OpenLineageEmitter {
  constructor(private readonly options: EmitterOptions) {}

  get enabled(): boolean {
    return this.options.url !== undefined || this.options.file !== undefined;
  }

  async emit(event: OpenLineageRunEvent): Promise<void> {
    const report = (err: unknown) => (this.options.onFailure ?? warn)(err, event);
    const { url, file } = this.options;
    if (file !== undefined) {
      await mkdir(dirname(file), { recursive: true })
        .then(() => appendFile(file, `${JSON.stringify(event)}\n`, 'utf8'))
        .catch(report);
    }
    if (url !== undefined) await this.#post(url, event).catch(report);
  }

  async #post(url: string, event: OpenLineageRunEvent): Promise<void> {
    const body = JSON.stringify(event);
    let last: unknown;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (response.ok) return;
        last = new Error(`${url} answered ${response.status}`);
        // A 4xx other than 429 will not get better by sending the same event again.
        if (response.status < 500 && response.status !== 429) break;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
}

function warn(err: unknown, event: OpenLineageRunEvent): void {
  const reason = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `${JSON.stringify({ level: 'warn', msg: 'an OpenLineage event was not delivered', job: event.job.name, runId: event.run.runId, eventType: event.eventType, reason })}\n`,
  );
}

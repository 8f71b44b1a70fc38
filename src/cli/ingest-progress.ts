import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { IngestProgress } from '../ingest/index.js';

/**
 * A progress bar on stderr for multi-file loads, only when a person is watching
 * (stderr is a terminal), so pipes and logs stay clean.
 */
export class IngestProgressBar {
  #bar: SingleBar | undefined;
  readonly #enabled: boolean;

  constructor(stderr: NodeJS.WritableStream) {
    this.#enabled = (stderr as { isTTY?: boolean }).isTTY === true;
    if (this.#enabled) {
      this.#bar = new SingleBar(
        {
          stream: stderr,
          format: ' {bar} {value}/{total} files | {rows} rows | {phase} {file}',
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      );
    }
  }

  update(event: IngestProgress): void {
    const bar = this.#bar;
    if (!bar || event.filesTotal < 2) return;
    const payload = {
      rows: event.rows,
      phase: event.phase,
      file: event.file ? basename(event.file) : '',
    };
    if (bar.getTotal() !== event.filesTotal) bar.start(event.filesTotal, event.filesDone, payload);
    else bar.update(event.filesDone, payload);
  }

  stop(): void {
    this.#bar?.stop();
  }
}

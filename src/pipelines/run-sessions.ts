import { openSessionHost } from '../engine/index.js';
import type { Session, SessionHost, SessionOptions } from '../engine/index.js';

/** How long the shared instance stays open after the last run ended. */
const IDLE_MS = 30_000;

/**
 * The trusted sessions of job runs, all on one DuckDB instance kept open while runs
 * come: creating an instance for each run was a tenth of a small incremental run. The
 * instance closes once no run has used it for a while (and never keeps the process up).
 */
export class RunSessions {
  #host: Promise<SessionHost> | undefined;
  #active = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SessionOptions) {}

  async open(): Promise<Session> {
    clearTimeout(this.#timer);
    this.#active++;
    try {
      this.#host ??= openSessionHost(this.options);
      const session = await (await this.#host).open();
      return {
        run: (sql) => session.run(sql),
        all: (sql) => session.all(sql),
        describe: (sql) => session.describe(sql),
        interrupt: () => session.interrupt(),
        close: () => this.#release(session),
      };
    } catch (err) {
      this.#active--;
      this.#host = undefined;
      throw err;
    }
  }

  #release(session: Session): void {
    session.close();
    this.#active--;
    if (this.#active > 0) return;
    this.#timer = setTimeout(() => this.close(), IDLE_MS).unref();
  }

  /** Closes the instance (sessions still open fail from then on). */
  close(): void {
    clearTimeout(this.#timer);
    const host = this.#host;
    this.#host = undefined;
    void host?.then((h) => h.close()).catch(() => undefined);
  }
}

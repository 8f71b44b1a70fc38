import type { CatalogChange } from './contract.js';

type Listener = (change: CatalogChange) => Promise<void>;

/**
 * Changes published after they are committed, for whatever keeps a view of the catalog
 * (the search index). Listeners run in order and are awaited, so a caller that sees its
 * change done also finds it in search; a listener's failure is reported to onError, never
 * to the caller, because the change itself has already been committed.
 */
export class CatalogChanges {
  readonly #listeners: Listener[] = [];

  constructor(private readonly onError: (err: unknown, change: CatalogChange) => void) {}

  subscribe(listener: Listener): void {
    this.#listeners.push(listener);
  }

  async publish(change: CatalogChange): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        await listener(change);
      } catch (err) {
        this.onError(err, change);
      }
    }
  }
}

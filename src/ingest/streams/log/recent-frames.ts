import { decodeFrame } from './frame.js';
import type { FrameSpan } from './segments.js';

/** Recent frames kept decoded so the committer, reading right behind producers, seldom touches disk. */
export class RecentFrames {
  private spans: FrameSpan[] = [];
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  /** Keeps the frame just written (decoded from the exact bytes on disk), dropping the oldest past the budget. */
  remember(span: FrameSpan, written: Buffer): void {
    const read = decodeFrame(written, 0);
    if (!read.ok) return;
    span.cached = read.frame;
    this.spans.push(span);
    this.bytes += span.length;
    while (this.bytes > this.budgetBytes) {
      const oldest = this.spans.shift();
      if (oldest === undefined) break;
      oldest.cached = undefined;
      this.bytes -= oldest.length;
    }
  }

  /** Drops released frames: nobody reads them again. */
  forget(released: FrameSpan[]): void {
    for (const span of released) span.cached = undefined;
    this.spans = this.spans.filter((s) => s.cached !== undefined);
    this.bytes = this.spans.reduce((sum, s) => sum + s.length, 0);
  }
}

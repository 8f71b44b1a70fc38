import type { StreamDefinition, StreamSource } from './contract.js';
import type { StreamCommitter } from './stream-runner.js';
import { openStreamSource } from './sources/open-stream-source.js';
import type { StreamSourceDeps } from './sources/open-stream-source.js';
import { StreamWriter } from './writer/stream-writer.js';
import type { StreamWriterDeps } from './writer/stream-writer.js';

/** The writer and source of one running stream, made fresh each time it starts. */
export interface StreamParts {
  openWriter(stream: { id: string; definition: StreamDefinition; owner: string }): StreamCommitter;
  openSource(definition: StreamDefinition, deps: StreamSourceDeps): StreamSource;
}

export function streamParts(deps: StreamWriterDeps): StreamParts {
  return {
    openWriter: (stream) => new StreamWriter(deps, stream),
    openSource: openStreamSource,
  };
}

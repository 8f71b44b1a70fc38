/** What a source logs through (the server's pino logger fits); never record contents. */
export interface SourceLogger {
  info(message: string): void;
  warn(message: string): void;
}

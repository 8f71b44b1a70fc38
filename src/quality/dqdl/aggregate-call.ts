/** `sum(quantity)` → its function and argument; Glue's AggregateMatch form. */
export function aggregateCall(text: string): { fn: string; arg: string } | null {
  const match = /^\s*(sum|avg|count|min|max)\s*\(\s*([^()]*?)\s*\)\s*$/i.exec(text);
  return match === null ? null : { fn: match[1]!.toLowerCase(), arg: match[2]! };
}

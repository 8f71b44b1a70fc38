// Appends to a write-ahead log in a loop, printing each acknowledged entry, until killed.
import { openWriteAheadLog } from '../../../../src/ingest/streams/index.js';

const [dir = '', tag = 'run'] = process.argv.slice(2);
const log = await openWriteAheadLog(dir, {
  quotaBytes: 1024 * 1024 * 1024,
  segmentBytes: 256 * 1024,
});
console.log(`open ${log.lastSequence()}`);
let n = 0;
// Several appends in flight at once, so kills land inside group commits too.
async function producer(id: number): Promise<void> {
  for (;;) {
    const i = n++;
    const count = 1 + (i % 9);
    const values = Array.from({ length: count }, (_, r) =>
      JSON.stringify({ tag, i, r, p: id, pad: 'y'.repeat(i % 300) }),
    );
    const done = await log.append({
      records: values.map((v) => Buffer.from(v)),
      key: `${tag}-${i}`,
    });
    console.log(`ack ${done.firstSequence} ${done.lastSequence} ${tag} ${i}`);
  }
}
await Promise.all([0, 1, 2, 3].map(producer));

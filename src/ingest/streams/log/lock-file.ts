import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { logErrors } from './log-errors.js';

const LOCK_NAME = 'lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the folder's lock: a file holding our pid, created with link() so it appears
 * complete or not at all (an O_EXCL create could be seen empty before the pid is
 * written). A lock left by a dead process is taken over.
 */
export async function takeLock(dir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, LOCK_NAME);
  const temp = path.join(dir, `.lock.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temp, String(process.pid));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, lockPath);
        return async () => {
          await unlink(lockPath).catch(() => undefined);
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder))
        throw logErrors.locked(dir, holder);
      // Stale: its process is gone. Remove it and race for it again through link().
      await unlink(lockPath).catch(() => undefined);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

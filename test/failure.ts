import { expect } from 'vitest';
import { LakewardError } from '../src/errors/index.js';

/** The error a call fails with, which must be one of ours (what users see). */
export async function failure(promise: Promise<unknown>): Promise<LakewardError> {
  const err = await promise.then(
    () => new Error('expected the call to fail, but it succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LakewardError);
  return err as LakewardError;
}

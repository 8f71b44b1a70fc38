import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;

const KEY_LENGTH = 32;

export interface SecretHash {
  hash: string;
  salt: string;
}

export async function hashSecret(secret: string): Promise<SecretHash> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, KEY_LENGTH);
  return { hash: key.toString('hex'), salt: salt.toString('hex') };
}

/** Constant-time comparison so the stored hash cannot be guessed byte by byte. */
export async function secretMatches(secret: string, stored: SecretHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = await scryptAsync(secret, Buffer.from(stored.salt, 'hex'), expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

import { isIP } from 'node:net';

/**
 * An IPv4 or IPv6 address (IPv6 may carry a %zone), without a port or prefix length.
 * Octets above 255 or with leading zeros are not IPv4.
 */
export function isIpAddress(value: string): boolean {
  return isIP(value.trim()) !== 0;
}

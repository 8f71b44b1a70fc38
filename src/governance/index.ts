export type * from './contract.js';
export { TokenAuthenticator } from './token-authenticator.js';
export type { TokenAuthenticatorOptions } from './token-authenticator.js';

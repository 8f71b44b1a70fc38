export { configSchema } from './schema.js';
export type { LakewardConfig } from './schema.js';
export {
  loadConfig,
  parseConfig,
  resolveHome,
  defaultsFor,
  CONFIG_FILE,
  DEFAULT_HOME,
  debugEnabled,
  tokenFromEnv,
} from './load.js';
export type { LoadOptions } from './load.js';
export { ALLOWED_SOURCE_SCHEMES, parseAllowedSource } from './allowed-source.js';
export type { AllowedSource, AllowedSourceScheme, ParsedAllowedSource } from './allowed-source.js';

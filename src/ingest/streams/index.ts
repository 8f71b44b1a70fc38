export type * from './contract.js';
export {
  DRIFT_POLICIES,
  STREAM_BRONZE_COLUMNS,
  STREAM_FORMATS,
  STREAM_SOURCE_KINDS,
  STREAM_STATES,
  STREAM_SUMMARY_KEYS,
} from './contract.js';

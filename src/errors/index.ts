export { ErrorKind } from './catalogue.js';
export {
  LakewardError,
  InvalidInput,
  NotFound,
  AlreadyExists,
  Conflict,
  PermissionDenied,
  Unauthenticated,
  Unavailable,
  TooLarge,
  Busy,
  QueryTimeout,
  Cancelled,
  InternalError,
  asLakewardError,
} from './lakeward-error.js';
export type { ErrorDetails } from './lakeward-error.js';

export { buildServer, startServer } from './build-server.js';
export { HTTP_STATUS } from './error-mapper.js';
export { explainAccess } from './access-explanation.js';
export type { AccessExplanationDeps } from './access-explanation.js';

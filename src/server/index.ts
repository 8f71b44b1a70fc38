export { buildServer, startServer } from './build-server.js';
export { HTTP_STATUS } from './error-mapper.js';

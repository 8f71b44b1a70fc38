export type { ObjectStore, ObjectInfo } from './object-store.js';

export type { ObjectStore, ObjectInfo } from './object-store.js';
export { openObjectStore } from './open-object-store.js';
export type { ObjectStoreOptions } from './open-object-store.js';
export { FileObjectStore } from './file-object-store.js';
export { MemoryObjectStore } from './memory-object-store.js';
export { makeFolders, syncDirectory, writeAtomically } from './atomic-file.js';

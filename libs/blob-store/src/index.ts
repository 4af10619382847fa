export * from './blob-store.port';
export { SizeLimit } from './size-limit';
export { FilesystemBlobStore } from './fs/filesystem-blob-store';
export * from './blob-keys';

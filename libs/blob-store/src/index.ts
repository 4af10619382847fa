export * from './blob-store.port';
export { SizeLimit } from './size-limit';
export { FilesystemBlobStore } from './fs/filesystem-blob-store';
export * from './blob-keys';
export { S3BlobStore, type S3BlobStoreOptions } from './s3/s3-blob-store';

// The port and its helpers. Adapters live behind `@support-desk/blob-store/fs`
// and `/s3` so only processes on S3 load the AWS SDK.
export * from './blob-store.port';
export { SizeLimit } from './size-limit';
export * from './blob-keys';

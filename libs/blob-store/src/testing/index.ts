export { blobStoreContract, randomStream, type BlobStoreFactory } from './blob-store.contract';

export { filesPlugin } from './files.plugin';
export type { FilesDeps } from './files-deps';
export { detectImageType } from './image-type';

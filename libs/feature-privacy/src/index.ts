export { erasureRoutes, type ErasureRouteDeps } from './erasure.routes';
export { exportRoute, type ExportRouteDeps } from './export.route';
export { eraseUser, type EraseUserDeps, type EraseUserResult } from './erase-user';
export { ErasureWorker, type ErasureWorkerOptions, type ErasureLog, type SubjectKeyEraser } from './erasure-worker';
export { readModelStep, blobsStep, zendeskStep, type ErasureStepHandler, type StepOutcome, type ZendeskRequesterEraser } from './erasure-steps';
export { erasureDecider, decideErasure, evolveErasure, type ErasureState, type ErasureCommand } from './erasure.decider';
export { loadErasure } from './erasure-stream';
export { runRetention, startRetentionJob, isPastRetention, type RetentionJob, type RetentionRun } from './retention';
export { buildUserExport, userExportZip, zipPathOf } from './user-export';

import fastifyMultipart from '@fastify/multipart';
import { registerUserRateLimits } from '@support-desk/service-kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { downloadImageRoute } from './download-image.route';
import { downloadSupportFileRoute } from './download-support-file.route';
import type { FilesDeps } from './files-deps';
import { uploadImageRoute } from './upload-image.route';
import { uploadSupportFileRoute } from './upload-support-file.route';

/** Everything file-service serves, as one plugin (own multipart scope). */
export function filesPlugin(deps: FilesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(fastifyMultipart, { throwFileSizeLimit: true });
    await registerUserRateLimits(app);
    await app.register(uploadImageRoute(deps));
    await app.register(uploadSupportFileRoute(deps));
    await app.register(downloadSupportFileRoute(deps));
    await app.register(downloadImageRoute(deps));
  };
}

// Request bodies are JSON in UTF-8, nothing else: fastify's own parser list already refuses
// other media types (415); this also refuses a JSON body that declares another charset, which
// the parser would otherwise read as UTF-8 regardless.

import type { FastifyInstance } from 'fastify';
import type { ApiError } from './http-errors.ts';

export function installContentTypeCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const type = request.headers['content-type'];
    if (type === undefined) return;
    const charset = /;\s*charset=("?)([^";]*)\1/i.exec(type)?.[2]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      const body: ApiError = { error: 'HMI_BAD_REQUEST', message: `charset ${charset.slice(0, 40)} is not accepted; send UTF-8 JSON` };
      return reply.code(415).send(body);
    }
  });
}

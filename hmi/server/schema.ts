// GET /api/schema/line: the published JSON Schema of line files (physics/line.schema.json), so
// editors and tools validate a line file against the same schema the server loads it with.

import type { FastifyInstance } from 'fastify';
import { lineSchema } from '../../core/config/line-file.ts';

/** Register GET /api/schema/line. The schema is read once, at registration. */
export function schemaRoutes(app: FastifyInstance): void {
  const schema = lineSchema();
  app.get('/api/schema/line', async (_request, reply) => reply.type('application/schema+json').send(schema));
}

// GET /api/kpi: the live run's production KPIs (core/kpi/live-kpi.ts) — per station and for the
// line, OEE with its ISO 22400-2 factors, throughput, good/reject, kWh per good item, state
// shares and the bottleneck — over the run so far and the last complete window (viewer).
// GET /api/kpi/csv: the run-so-far figures as CSV (core/kpi/kpi-csv.ts), for a spreadsheet.

import type { FastifyInstance } from 'fastify';
import { kpiCsv } from '../../core/kpi/kpi-csv.ts';
import type { LiveKpi, LiveKpis } from '../../core/kpi/live-kpi.ts';

/** Register GET /api/kpi and GET /api/kpi/csv. */
export function kpiRoutes(app: FastifyInstance, kpi: LiveKpi): void {
  app.get('/api/kpi', async (): Promise<LiveKpis> => {
    kpi.sample(); // the figures as of now, not as of the last timer tick
    return kpi.report();
  });
  app.get('/api/kpi/csv', async (_request, reply) => {
    kpi.sample();
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="kpi.csv"');
    return kpiCsv([{ report: kpi.report().run }]);
  });
}

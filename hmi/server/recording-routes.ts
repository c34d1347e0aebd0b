// The recordings API (viewer role and above, read only): list the recordings folder, one
// recording's catalog and layout, the state at a time (msgpack ValuesFrame, the live wire
// format, exact; or JSON), decimated series for trends, and CSV export of a range. Reader
// errors keep their meaning: unknown recording 404, bad query 400, corrupt data 500.

import { Readable } from 'node:stream';
import { encode } from '@msgpack/msgpack';
import type { FastifyInstance } from 'fastify';
import { TwinloopError, isTwinloopError } from '../../core/errors.ts';
import { exportCsv } from '../../core/recording/csv-export.ts';
import type { RecordingLibrary } from '../../core/recording/library.ts';
import type { RecordedSignal } from '../../core/recording/format.ts';
import type { Recording, RecordingSummary } from '../../core/recording/reader.ts';
import type { CatalogEntry, ValuesFrame } from '../protocol.ts';

/** GET /api/recordings/:id */
export interface RecordingDetail extends RecordingSummary {
  signalList: CatalogEntry[];
  layout: readonly unknown[];
  dt: number | null;
  rateHz: number | null;
  source: string | null;
}

/** GET /api/recordings/:id/frame (JSON): non-finite values and -0 as strings, so nothing is lost silently. */
export interface FrameJson {
  t: number;
  time: number;
  tick: number;
  values: (number | string)[];
  quality: number[];
}

/** GET /api/recordings/:id/series: one array per signal, null where a value is not finite. */
export interface SeriesJson {
  from: number;
  to: number;
  t: number[];
  series: { name: string; values: (number | null)[] }[];
}

/** ValuesFrame plus the recording time of the frame. */
export type RecordedValuesFrame = ValuesFrame & { rt: number };

const MAX_SERIES_POINTS = 20_000;
const MAX_SERIES_SIGNALS = 500;
const NUM = '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 128 } }, required: ['id'] } as const;

function toCatalog(signals: readonly RecordedSignal[]): CatalogEntry[] {
  return signals.map((s, id) => ({ id, name: s.name, type: s.type, kind: s.kind, unit: s.unit }));
}

/** Reader errors as HMI errors (the error handler maps HMI codes to 400/404). */
function asHttp(err: unknown): unknown {
  if (isTwinloopError(err, 'REC_NOT_FOUND')) return new TwinloopError('HMI_NOT_FOUND', err.message, { cause: err });
  if (isTwinloopError(err, 'REC_QUERY')) return new TwinloopError('HMI_BAD_REQUEST', err.message, { cause: err });
  return err;
}

function signalIds(rec: Recording, list: string | undefined): number[] {
  if (list === undefined || list === '') return rec.signals.map((_s, i) => i);
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length > MAX_SERIES_SIGNALS) throw new TwinloopError('HMI_BAD_REQUEST', `at most ${MAX_SERIES_SIGNALS} signals per request, got ${names.length}`);
  return names.map((n) => rec.signalId(n));
}

function jsonNumber(v: number): number | string {
  return Number.isFinite(v) && !Object.is(v, -0) ? v : String(Object.is(v, -0) ? '-0' : v);
}

export function recordingRoutes(app: FastifyInstance, library: RecordingLibrary): void {
  app.addHook('onClose', async () => library.close());

  app.get('/api/recordings', async () => ({ recordings: library.list() }));

  app.get<{ Params: { id: string } }>('/api/recordings/:id', { schema: { params: idParams } }, async (request) => {
    try {
      const rec = library.get(request.params.id);
      const meta = rec.meta;
      const body: RecordingDetail = {
        ...rec.summary(),
        signalList: toCatalog(rec.signals),
        layout: Array.isArray(meta.layout) ? meta.layout : [],
        dt: typeof meta.dt === 'number' ? meta.dt : null,
        rateHz: typeof meta.rateHz === 'number' ? meta.rateHz : null,
        source: typeof meta.source === 'string' ? meta.source : null,
      };
      return body;
    } catch (err) {
      throw asHttp(err);
    }
  });

  app.get<{ Params: { id: string }; Querystring: { t: string; format?: 'json' | 'msgpack' } }>(
    '/api/recordings/:id/frame',
    {
      schema: {
        params: idParams,
        querystring: { type: 'object', properties: { t: { type: 'string', pattern: NUM, maxLength: 40 }, format: { type: 'string', enum: ['json', 'msgpack'] } }, required: ['t'], additionalProperties: false },
      },
    },
    async (request, reply) => {
      let rec: Recording;
      try {
        rec = library.get(request.params.id);
      } catch (err) {
        throw asHttp(err);
      }
      const f = rec.frameAt(Number(request.query.t));
      if (f === undefined) throw new TwinloopError('HMI_NOT_FOUND', `recording ${rec.id} has no frames yet`);
      const format = request.query.format ?? (/application\/(x-)?msgpack/.test(request.headers.accept ?? '') ? 'msgpack' : 'json');
      if (format === 'msgpack') {
        const n = f.values.length;
        const ids = new Uint32Array(n);
        for (let i = 0; i < n; i++) ids[i] = i;
        const frame: RecordedValuesFrame = {
          t: 'values',
          key: true,
          tick: f.tick,
          time: f.time,
          rt: f.t,
          ids: new Uint8Array(ids.buffer),
          values: new Uint8Array(f.values.buffer, f.values.byteOffset, n * 8),
          quality: f.quality,
        };
        return reply.type('application/msgpack').send(Buffer.from(encode(frame)));
      }
      const body: FrameJson = { t: f.t, time: f.time, tick: f.tick, values: Array.from(f.values, jsonNumber), quality: Array.from(f.quality) };
      return body;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { signals?: string; from?: string; to?: string; max?: string } }>(
    '/api/recordings/:id/series',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          properties: { signals: { type: 'string', maxLength: 32_000 }, from: { type: 'string', pattern: NUM }, to: { type: 'string', pattern: NUM }, max: { type: 'string', pattern: '^[0-9]{1,6}$' } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      try {
        const rec = library.get(request.params.id);
        const ids = signalIds(rec, request.query.signals);
        const from = request.query.from !== undefined ? Number(request.query.from) : rec.from;
        const to = request.query.to !== undefined ? Number(request.query.to) : rec.to;
        const max = Math.min(MAX_SERIES_POINTS, Math.max(1, Number(request.query.max ?? 1000)));
        if (Number.isNaN(from) || Number.isNaN(to)) return { from, to, t: [], series: ids.map((id) => ({ name: rec.signals[id]!.name, values: [] })) };
        const s = rec.series(ids, from, to, max);
        const body: SeriesJson = {
          from,
          to,
          t: Array.from(s.t),
          series: ids.map((id, j) => ({ name: rec.signals[id]!.name, values: Array.from(s.values[j]!, (v) => (Number.isFinite(v) ? v : null)) })),
        };
        return body;
      } catch (err) {
        throw asHttp(err);
      }
    },
  );

  app.get<{ Params: { id: string }; Querystring: { signals?: string; from?: string; to?: string; quality?: 'true' | 'false' } }>(
    '/api/recordings/:id/csv',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          properties: { signals: { type: 'string', maxLength: 32_000 }, from: { type: 'string', pattern: NUM }, to: { type: 'string', pattern: NUM }, quality: { type: 'string', enum: ['true', 'false'] } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      // Its own reader: a long export must not share a position with scrubbing requests.
      let rec: Recording | undefined;
      try {
        rec = library.openDetached(request.params.id);
        const q = request.query;
        const signals = q.signals !== undefined && q.signals !== '' ? q.signals.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
        const chunks = exportCsv(rec, {
          ...(q.from !== undefined ? { from: Number(q.from) } : {}),
          ...(q.to !== undefined ? { to: Number(q.to) } : {}),
          ...(signals !== undefined ? { signals } : {}),
          quality: q.quality === 'true',
        });
        const stream = Readable.from(chunks);
        const opened = rec;
        stream.once('close', () => opened.close());
        const name = `${rec.id}_${q.from ?? 'start'}-${q.to ?? 'end'}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(stream);
      } catch (err) {
        rec?.close();
        throw asHttp(err);
      }
    },
  );
}

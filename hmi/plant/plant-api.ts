// GET /api/plant of the plant overview: what the page and scripts read. Shared by the server
// (hmi/plant/plant-server.ts) and the page (hmi/plant/plant-page.ts).

export type MetricValue = string | number | boolean;

export interface PlantLine {
  readonly group: string;
  readonly node: string;
  readonly online: boolean;
  readonly line: string;
  readonly devices: number;
  readonly metrics: Readonly<Record<string, MetricValue>>;
  /** ISO 8601 time of the last message from the line's edge node ('' when never). */
  readonly lastSeen: string;
}

export interface PlantView {
  /** The broker link of the overview itself. */
  readonly broker: { readonly url: string; readonly connected: boolean };
  readonly hostId: string;
  readonly lines: readonly PlantLine[];
}

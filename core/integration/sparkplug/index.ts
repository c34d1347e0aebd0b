// The Sparkplug B edge node of `twinloop start`: settings from the command line
// (`--sparkplug URL --group G --node N [--host-id H]`) over the plant file's `sparkplug:` block,
// resolved before the run starts (a bad setting refuses the start), then started on the run.

import { dirname, isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../../config/config-error.ts';
import { loadPlantFile } from '../../config/plant-file.ts';
import { TwinloopError } from '../../errors.ts';
import type { SignalTable } from '../../signals.ts';
import { SparkplugEdgeNode } from './edge-node.ts';
import type { StatusMetric } from './payloads.ts';
import { checkDeadbands, sparkplugSettings, type SparkplugArgs, type SparkplugSettings } from './settings.ts';

export { SparkplugEdgeNode, type EdgeNodeStats, type EdgeState } from './edge-node.ts';
export { statusMetrics, STATUS_NAMES, type StatusSources } from './status-metrics.ts';
export type { StatusMetric } from './payloads.ts';
export { takeSparkplugArgs, sparkplugSettings, type SparkplugArgs, type SparkplugBlock, type SparkplugSettings } from './settings.ts';

const COMMAND_LINE = 'command line';

/** Resolved settings and where they came from (for error messages naming the file). */
export interface SparkplugPlan {
  readonly settings: SparkplugSettings;
  readonly source: string;
}

/**
 * The edge node a start asks for, or undefined. A plant file's `store.dir` is relative to it.
 * @throws ConfigError CFG_INVALID naming the field (`plant.yaml: sparkplug.group: is required`)
 */
export function planSparkplug(args: SparkplugArgs, plantPath: string | undefined, dataDir: string): SparkplugPlan | undefined {
  const block = plantPath !== undefined ? loadPlantFile(plantPath).sparkplug : undefined;
  const source = block !== undefined && plantPath !== undefined ? plantPath : COMMAND_LINE;
  const dir = block?.store?.dir;
  const withDir = dir !== undefined && !isAbsolute(dir) && plantPath !== undefined ? { ...block, store: { ...block!.store, dir: resolve(dirname(plantPath), dir) } } : block;
  try {
    const settings = sparkplugSettings(args, withDir, dataDir, source);
    return settings === undefined ? undefined : { settings, source };
  } catch (err) {
    // Options given on the command line are not a file's: said as such, not as "the line file".
    if (err instanceof ConfigError && source === COMMAND_LINE) throw new TwinloopError('CFG_INVALID', err.issues.map((i) => `${i.path}: ${i.message}`).join('; '), { cause: err });
    throw err;
  }
}

/**
 * Start the edge node on a run's table (it connects in the background).
 * @throws ConfigError CFG_INVALID for a deadband on an unknown signal or a bool
 * @throws TwinloopError SPB_STORE when the store-and-forward folder cannot be opened
 */
export function startSparkplug(run: { readonly table: SignalTable; readonly lineName: string }, plan: SparkplugPlan, logger: Logger, status?: () => readonly StatusMetric[]): SparkplugEdgeNode {
  checkDeadbands(plan.settings, run.table.defs, plan.source);
  const node = new SparkplugEdgeNode({ table: run.table, lineName: run.lineName, settings: plan.settings, logger, ...(status !== undefined ? { status } : {}) });
  logger.info({ url: plan.settings.url, group: plan.settings.group, node: plan.settings.node, host: plan.settings.hostId ?? null, metrics: node.catalog.size }, 'sparkplug: edge node started');
  return node;
}


// The model gate of a live run (`twinloop start --plant P`): only a shadow run compares the model
// with the line, so only a shadow plant with a line file gets a gate; other runs raise no
// deviation conditions and carry no model status.

import { loadPlantFile } from '../config/plant-file.ts';
import { isShadowPlant } from '../shadow/shadow-run.ts';
import { ModelGate } from './model-gate.ts';

/** The gate for this plant file, or undefined when it is not a shadow plant. @throws ConfigError, TwinloopError MODEL_FILE */
export function gateForPlant(plantPath: string, dataDir: string): ModelGate | undefined {
  const plant = loadPlantFile(plantPath);
  if (!isShadowPlant(plant) || plant.line === undefined) return undefined;
  return new ModelGate({ dataDir, line: plant.line, plant: plantPath });
}

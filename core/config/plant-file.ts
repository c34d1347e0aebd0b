// Loading a plant file: the controllers twinloop couples to and their tag maps. YAML -> JSON
// Schema (core/config/plant.schema.json, published) -> cross-checks the schema cannot express
// (duplicate names and addresses, two outputs driving one actuator, scaling that divides by
// zero, options of another protocol). Every problem is reported at once, with its line.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SchemaObject } from 'ajv';
import type { SignalType } from '../signals.ts';
import type { TagDirection } from '../../plc-adapters/adapter.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { SchemaValidator, formatPath } from './schema-validator.ts';
import { parseYaml, readYaml, type YamlSource } from './yaml-document.ts';
import type { MaintenanceRule, ShadowSection } from '../shadow/rules.ts';
import { checkShadowRaw, checkSoftLineRaw, normaliseMaintenance, normaliseShadow, normaliseSoftLineFaults, type RawMaintenanceRule, type RawShadow, type RawSoftLine, type SoftLine } from '../shadow/shadow-config.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';
import { absoluteSpec } from '../../plc-adapters/sim/program-source.ts';
import type { ModbusControllerOptions } from '../../plc-adapters/modbus/modbus-config.ts';
import { parseModbusAddress } from '../../plc-adapters/modbus/modbus-address.ts';
import type { SparkplugBlock } from '../integration/sparkplug/settings.ts';
import type { OpcuaServerBlock } from '../integration/opcua-server/settings.ts';

export const PLANT_SCHEMA_URL = new URL('./plant.schema.json', import.meta.url);

export type PlantProtocol = 'sim' | 'opcua' | 'ads' | 's7' | 'modbus';

/** Linear scaling, always normalised to gain/offset: model = raw * gain + offset. */
export interface TagScale {
  readonly gain: number;
  readonly offset: number;
}

export interface PlantTag {
  readonly signal: string;
  readonly address: string;
  readonly direction: TagDirection;
  readonly type: SignalType;
  readonly plcType?: string;
  readonly scale: TagScale;
  /** Model units; 0 = every change is written. */
  readonly deadband: number;
}

export interface OpcuaOptions {
  readonly securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly securityPolicy?: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
  readonly username?: string;
  readonly password?: string;
  /** Absolute (resolved against the plant file's folder). */
  readonly certificateFolder?: string;
  readonly readMode: 'subscription' | 'poll' | 'auto';
  /** Absolute; the server's certificate when it answers no GetEndpoints without security. */
  readonly serverCertificate?: string;
  readonly connectTimeoutMs?: number;
}

export interface AdsOptions {
  readonly targetAmsNetId?: string;
  readonly targetAdsPort: number;
  readonly localAmsNetId?: string;
  readonly localAdsPort?: number;
  readonly routerAddress?: string;
  readonly routerTcpPort?: number;
  readonly direct?: boolean;
  readonly notifications?: boolean;
}

export interface S7Options {
  readonly rack: number;
  readonly slot: number;
  readonly port: number;
  readonly blockWrites: boolean;
}

export interface PlantController {
  readonly name: string;
  readonly protocol: PlantProtocol;
  readonly endpoint?: string;
  readonly cycleMs: number;
  readonly readOnly: boolean;
  readonly refreshMs: number;
  readonly program?: string;
  readonly softPlc?: { readonly program: string; readonly port?: number; readonly cycleMs?: number };
  readonly opcua?: OpcuaOptions;
  readonly ads?: AdsOptions;
  readonly s7?: S7Options;
  /** Modbus TCP options (unit id, orders, timeouts), as given. */
  readonly modbus?: ModbusControllerOptions;
  readonly tags: readonly PlantTag[];
  /** virtual (default) or shadow (read-only by construction; readOnly is then true). */
  readonly mode: 'virtual' | 'shadow';
  /** Test rig: a "real line" stand-in started behind the controller's protocol (shadow mode). */
  readonly softLine?: SoftLine;
}

export interface PlantFile {
  readonly name?: string;
  readonly description?: string;
  /** Absolute path of the line file, when the plant file names one. */
  readonly line?: string;
  readonly controllers: readonly PlantController[];
  /** Compare, re-sync and communication rules of shadow mode (defaults when absent). */
  readonly shadow?: ShadowSection;
  readonly maintenance?: readonly MaintenanceRule[];
  /** MQTT Sparkplug B edge node (core/integration/sparkplug), as given; defaults applied there. */
  readonly sparkplug?: SparkplugBlock;
  /** The twin's OPC UA server (core/integration/opcua-server), as given; defaults applied there. */
  readonly opcuaServer?: OpcuaServerBlock;
  /** How the physics clock waits and publishes (core/engine/pacing.ts); the command line wins. */
  readonly engine?: EngineBlock;
}

/** The plant file's `engine:` block. */
export interface EngineBlock {
  readonly pacing?: 'precise' | 'economy';
  readonly publishMs?: number;
}

let validator: SchemaValidator | undefined;

export function plantSchema(): SchemaObject {
  return JSON.parse(readFileSync(PLANT_SCHEMA_URL, 'utf8')) as SchemaObject;
}

function plantValidator(): SchemaValidator {
  validator ??= new SchemaValidator(plantSchema());
  return validator;
}

// The file as the schema admits it (before defaults and normalisation).
interface RawScale {
  gain?: number;
  offset?: number;
  raw?: [number, number];
  eng?: [number, number];
}
interface RawTag {
  signal: string;
  address: string;
  direction: TagDirection;
  type: SignalType;
  plcType?: string;
  scale?: RawScale;
  deadband?: number;
}
interface RawController {
  name: string;
  protocol: PlantProtocol;
  endpoint?: string;
  cycleMs?: number;
  readOnly?: boolean;
  refreshMs?: number;
  program?: string;
  softPlc?: { program: string; port?: number; cycleMs?: number };
  opcua?: Partial<OpcuaOptions>;
  ads?: Partial<AdsOptions>;
  s7?: Partial<S7Options>;
  modbus?: ModbusControllerOptions;
  tags: RawTag[];
  mode?: 'virtual' | 'shadow';
  softLine?: RawSoftLine;
}
interface RawPlant {
  name?: string;
  description?: string;
  line?: string;
  controllers: RawController[];
  mode?: 'virtual' | 'shadow';
  shadow?: RawShadow;
  maintenance?: RawMaintenanceRule[];
  sparkplug?: SparkplugBlock;
  opcuaServer?: OpcuaServerBlock;
  engine?: EngineBlock;
}

const OPTION_BLOCKS = ['opcua', 'ads', 's7', 'modbus'] as const;

/** Problems the schema cannot see, as (path segments, message). */
function crossCheck(plant: RawPlant): { segs: (string | number)[]; message: string }[] {
  const out: { segs: (string | number)[]; message: string }[] = [];
  const names = new Map<string, number>();
  const drivenBy = new Map<string, string>();
  plant.controllers.forEach((c, ci) => {
    const at = (...rest: (string | number)[]) => ['controllers', ci, ...rest];
    const first = names.get(c.name);
    if (first !== undefined) out.push({ segs: at('name'), message: `controller ${c.name} is defined twice (first at controllers[${first}])` });
    else names.set(c.name, ci);
    for (const block of OPTION_BLOCKS) {
      if (c[block] !== undefined && block !== c.protocol) out.push({ segs: at(block), message: `${block} options on a ${c.protocol} controller` });
    }
    const mode = c.opcua?.securityMode ?? 'None';
    if (c.protocol === 'opcua' && mode !== 'None' && !c.opcua?.certificateFolder) {
      out.push({ segs: at('opcua', 'securityMode'), message: `securityMode ${mode} needs opcua.certificateFolder (where the server's certificate is trusted)` });
    }
    if (c.protocol === 'opcua' && mode !== 'None' && c.opcua?.securityPolicy === 'None') {
      out.push({ segs: at('opcua', 'securityPolicy'), message: `securityPolicy None cannot ${mode === 'Sign' ? 'sign' : 'sign and encrypt'}; use Basic256Sha256 or an Aes policy` });
    }
    if (c.opcua?.password !== undefined && c.opcua.username === undefined) {
      out.push({ segs: at('opcua', 'password'), message: 'a password needs a username' });
    }
    const addresses = new Map<string, number>();
    c.tags.forEach((t, ti) => {
      const tag = (...rest: (string | number)[]) => at('tags', ti, ...rest);
      const key = `${t.direction} ${t.address}`;
      const dup = addresses.get(key);
      if (dup !== undefined) out.push({ segs: tag('address'), message: `${t.direction} tag ${t.address} is mapped twice in controller ${c.name} (first at tags[${dup}])` });
      else addresses.set(key, ti);
      if (t.direction === 'read') {
        const other = drivenBy.get(t.signal);
        if (other) out.push({ segs: tag('signal'), message: `actuator ${t.signal} is already driven by ${other}` });
        else drivenBy.set(t.signal, `${c.name} ${t.address}`);
      }
      const s = t.scale;
      if (s) {
        if (t.type === 'bool') out.push({ segs: tag('scale'), message: 'a bool tag cannot be scaled' });
        const hasGain = s.gain !== undefined || s.offset !== undefined;
        const hasRange = s.raw !== undefined || s.eng !== undefined;
        if (hasGain && hasRange) out.push({ segs: tag('scale'), message: 'give either gain/offset or raw/eng, not both' });
        else if (hasRange && (s.raw === undefined || s.eng === undefined)) out.push({ segs: tag('scale', s.raw ? 'eng' : 'raw'), message: 'is required with ' + (s.raw ? 'raw' : 'eng') });
        else if (hasRange && s.raw![0] === s.raw![1]) out.push({ segs: tag('scale', 'raw'), message: `raw range is empty (${s.raw![0]}..${s.raw![1]})` });
        else if (hasRange && s.eng![0] === s.eng![1]) out.push({ segs: tag('scale', 'eng'), message: `eng range is empty (${s.eng![0]}..${s.eng![1]})` });
        else if (hasGain && s.gain === undefined) out.push({ segs: tag('scale', 'gain'), message: 'is required with offset' });
        else if (hasGain && s.gain === 0) out.push({ segs: tag('scale', 'gain'), message: 'must not be 0 (a written value would divide by zero)' });
        else if (!hasGain && !hasRange) out.push({ segs: tag('scale'), message: 'give gain/offset or raw/eng' });
      }
      if (t.deadband !== undefined && t.type === 'bool' && t.deadband > 0) out.push({ segs: tag('deadband'), message: 'a bool tag has no deadband' });
      if (c.protocol === 'modbus') {
        const order = { wordOrder: c.modbus?.wordOrder ?? 'big', byteOrder: c.modbus?.byteOrder ?? 'big' } as const;
        const a = parseModbusAddress(t.address, t.type, t.plcType, order);
        if (typeof a === 'string') out.push({ segs: tag('address'), message: `Modbus tag ${t.address} (signal ${t.signal}) of the plant file: ${a}` });
        else if (t.direction === 'write' && (a.table === 'di' || a.table === 'ir')) out.push({ segs: tag('address'), message: `Modbus tag ${t.address} (signal ${t.signal}) of the plant file: ${a.table === 'di' ? 'discrete inputs' : 'input registers'} are read-only; a write tag needs a coil or a holding register` });
      }
    });
    // Shadow mode has no write path: a write tag there is a contradiction, not a no-op.
    const shadow = (c.mode ?? plant.mode) === 'shadow';
    if (c.readOnly || shadow) {
      const w = c.tags.findIndex((t) => t.direction === 'write');
      if (w >= 0) out.push({ segs: at('tags', w, 'direction'), message: `controller ${c.name} is ${shadow ? 'in shadow mode (read-only)' : 'readOnly (shadow mode)'}: write tags are not allowed; a measured sensor is a read tag` });
    }
    if (c.softLine && !shadow) out.push({ segs: at('softLine'), message: `softLine is the shadow-mode test rig; controller ${c.name} is not in shadow mode` });
    if (c.softLine && c.softPlc) out.push({ segs: at('softLine'), message: 'give either softPlc or softLine, not both' });
    if (c.softLine) out.push(...checkSoftLineRaw(c.softLine, at()));
  });
  out.push(...checkShadowRaw(plant.shadow, plant.maintenance));
  return out;
}

function scaleOf(s: RawScale | undefined): TagScale {
  if (!s) return { gain: 1, offset: 0 };
  if (s.raw && s.eng) {
    const gain = (s.eng[1] - s.eng[0]) / (s.raw[1] - s.raw[0]);
    return { gain, offset: s.eng[0] - s.raw[0] * gain };
  }
  return { gain: s.gain ?? 1, offset: s.offset ?? 0 };
}

function normalise(raw: RawPlant, baseDir: string): PlantFile {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    ...(raw.line !== undefined ? { line: abs(raw.line) } : {}),
    controllers: raw.controllers.map((c) => ({
      name: c.name,
      protocol: c.protocol,
      ...(c.endpoint !== undefined ? { endpoint: c.endpoint } : {}),
      cycleMs: c.cycleMs ?? 10,
      readOnly: (c.readOnly ?? false) || (c.mode ?? raw.mode) === 'shadow',
      mode: c.mode ?? raw.mode ?? 'virtual',
      ...(c.softLine !== undefined ? { softLine: { ...c.softLine, line: abs(c.softLine.line), program: absoluteSpec(c.softLine.program ?? DEFAULT_PROGRAM, baseDir), faults: normaliseSoftLineFaults(c.softLine.faults) } } : {}),
      refreshMs: c.refreshMs ?? 1000,
      // Program paths (ST files, folders) are relative to the plant file.
      ...(c.program !== undefined ? { program: absoluteSpec(c.program, baseDir) } : {}),
      ...(c.softPlc !== undefined ? { softPlc: { ...c.softPlc, program: absoluteSpec(c.softPlc.program, baseDir) } } : {}),
      ...(c.protocol === 'opcua'
        ? {
            opcua: {
              ...c.opcua,
              securityMode: c.opcua?.securityMode ?? 'None',
              // auto: the cycle as sampling and publishing interval, polling when the server is slower (issue 24).
              readMode: c.opcua?.readMode ?? 'auto',
              ...(c.opcua?.certificateFolder !== undefined ? { certificateFolder: abs(c.opcua.certificateFolder) } : {}),
              ...(c.opcua?.serverCertificate !== undefined ? { serverCertificate: abs(c.opcua.serverCertificate) } : {}),
            },
          }
        : {}),
      ...(c.protocol === 'ads' ? { ads: { ...c.ads, targetAdsPort: c.ads?.targetAdsPort ?? 851 } } : {}),
      ...(c.protocol === 'modbus' ? { modbus: { ...c.modbus } } : {}),
      ...(c.protocol === 's7' ? { s7: { rack: c.s7?.rack ?? 0, slot: c.s7?.slot ?? 1, port: c.s7?.port ?? 102, blockWrites: c.s7?.blockWrites ?? false } } : {}),
      tags: c.tags.map((t) => ({
        signal: t.signal,
        address: t.address,
        direction: t.direction,
        type: t.type,
        ...(t.plcType !== undefined ? { plcType: t.plcType } : {}),
        scale: scaleOf(t.scale),
        deadband: t.deadband ?? 0,
      })),
    })),
    ...(raw.shadow !== undefined || raw.controllers.some((c) => (c.mode ?? raw.mode) === 'shadow') ? { shadow: normaliseShadow(raw.shadow ?? {}) } : {}),
    ...(raw.maintenance !== undefined ? { maintenance: normaliseMaintenance(raw.maintenance) } : {}),
    ...(raw.sparkplug !== undefined ? { sparkplug: raw.sparkplug } : {}),
    ...(raw.opcuaServer !== undefined ? { opcuaServer: raw.opcuaServer } : {}),
    ...(raw.engine !== undefined ? { engine: raw.engine } : {}),
  };
}

/** Validate an already parsed source; returns the typed, normalised plant. @throws ConfigError */
export function validatePlant(src: YamlSource, baseDir: string): PlantFile {
  plantValidator().assert(src);
  const raw = src.data as RawPlant;
  const issues: ConfigIssue[] = crossCheck(raw).map(({ segs, message }) => {
    const line = src.lineOf(segs);
    return { file: src.file, path: formatPath(segs), ...(line !== undefined ? { line } : {}), message };
  });
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  return normalise(raw, baseDir);
}

/** Read, parse and validate a plant file. @throws ConfigError CFG_READ | CFG_INVALID */
export function loadPlantFile(file: string): PlantFile {
  return validatePlant(readYaml(file), dirname(resolve(file)));
}

/** The same from text (tests, API uploads); relative paths resolve against `baseDir`. */
export function parsePlantFile(file: string, text: string, baseDir = process.cwd()): PlantFile {
  return validatePlant(parseYaml(file, text), baseDir);
}

/**
 * Tags whose signal is not in the run's catalog (the lead's engine calls this once the line is
 * loaded), and read tags (controller -> twin) onto a signal the model itself writes (`modelKind`:
 * the line model's kind of a signal, undefined for a controller-only one): the model would
 * overwrite the controller's value, or, for a drive at steady state, keep it. Same issue format
 * as the schema errors.
 */
export function checkPlantSignals(file: string, plant: PlantFile, known: (signal: string) => boolean, modelKind: (signal: string) => string | undefined = () => undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  plant.controllers.forEach((c, ci) =>
    c.tags.forEach((t, ti) => {
      const path = `controllers[${ci}].tags[${ti}].signal`;
      if (!known(t.signal)) issues.push({ file, path, message: `unknown signal ${JSON.stringify(t.signal)}` });
      else if (t.direction === 'read') {
        const kind = modelKind(t.signal);
        if (kind !== undefined && kind !== 'actuator') issues.push({ file, path, message: `read tags drive the model's actuators; ${t.signal} is a model ${kind} (the model writes it): map it as a write tag` });
      }
    }),
  );
  return issues;
}

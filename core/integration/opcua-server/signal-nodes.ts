// The signal table as OPC UA nodes: a folder per component (the name before the first dot), a
// variable per signal `ns=1;s=<signal>` (Boolean / Int32 / Double), real signals with a unit as
// an AnalogItemType when the plant file gives their range (EURange is mandatory there), else a
// BaseDataVariable with an EngineeringUnits property. In shadow mode each compared signal (a
// model signal with its `<signal>.measured` twin) gets Model, Measured and Deviation under
// Deviations/. Values are plain cached values fed by the sampler (sampler.ts), never getters:
// a getter makes node-opcua call it for every Read of every node.
// Only actuators are writable, and only when the run is virtual: the write hook decides.

import { AccessRestrictionsFlag, DataType, PermissionFlag, WellKnownRoles, type Namespace, type UAObject, type UAVariable } from 'node-opcua';
import type { SignalDef, SignalTable, SignalType } from '../../signals.ts';
import { measuredName } from '../../shadow/rules.ts';
import { euInformation } from './units.ts';

export const DATA_TYPE: Readonly<Record<SignalType, DataType>> = { bool: DataType.Boolean, int: DataType.Int32, real: DataType.Double };
const TYPE_NAME: Readonly<Record<SignalType, string>> = { bool: 'Boolean', int: 'Int32', real: 'Double' };

const ALL_ROLES = [
  WellKnownRoles.Anonymous,
  WellKnownRoles.AuthenticatedUser,
  WellKnownRoles.Observer,
  WellKnownRoles.Operator,
  WellKnownRoles.Engineer,
  WellKnownRoles.Supervisor,
  WellKnownRoles.ConfigureAdmin,
  WellKnownRoles.SecurityAdmin,
];
const READ = PermissionFlag.Browse | PermissionFlag.Read | PermissionFlag.ReadRolePermissions;
// Explicit permissions on every node: without them node-opcua looks the namespace defaults up by
// name for every node of every Read. Write is granted to every session here on purpose: the
// write hook checks the role itself (the store's role now), refuses with the audit record the
// HMI writes, and node-opcua's own check would refuse before anything could be recorded.
export const RO_PERMISSIONS = ALL_ROLES.map((roleId) => ({ roleId, permissions: READ }));
const RW_PERMISSIONS = ALL_ROLES.map((roleId) => ({ roleId, permissions: roleId === WellKnownRoles.Anonymous ? READ : READ | PermissionFlag.Write }));

/** A compared signal in shadow mode: its ids and its three variables. */
export interface DeviationPair {
  readonly model: number;
  readonly measured: number;
  readonly type: SignalType;
  readonly modelNode: UAVariable;
  readonly measuredNode: UAVariable;
  readonly deviationNode: UAVariable;
}

export interface SignalNodes {
  /** Index = signal id. */
  readonly variables: readonly UAVariable[];
  readonly pairs: readonly DeviationPair[];
}

export interface SignalNodeOptions {
  /** Actuators accept writes (virtual mode); false exposes nothing writable. */
  readonly writable: boolean;
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  /** Installed on each writable variable in place of node-opcua's write path. */
  readonly hookWrite: (variable: UAVariable, id: number) => void;
}

/** Component of a signal: the part before the first dot (`m1.run` -> `m1`). */
export function componentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function initial(type: SignalType): { dataType: DataType; value: boolean | number } {
  return { dataType: DATA_TYPE[type], value: type === 'bool' ? false : 0 };
}

export function addSignalNodes(ns: Namespace, parent: UAObject, table: SignalTable, opts: SignalNodeOptions): SignalNodes {
  const folders = new Map<string, UAObject>();
  const folderOf = (component: string): UAObject => {
    let f = folders.get(component);
    if (f === undefined) {
      f = ns.addFolder(parent, { browseName: component, nodeId: `s=component:${component}` });
      folders.set(component, f);
    }
    return f;
  };
  const variables: UAVariable[] = new Array(table.size);
  for (let id = 0; id < table.size; id++) {
    const d = table.defs[id]!;
    const writable = opts.writable && d.kind === 'actuator';
    variables[id] = addVariable(ns, folderOf(componentOf(d.name)), d, `s=${d.name}`, d.name.slice(componentOf(d.name).length + 1) || d.name, writable, opts.ranges[d.name]);
    if (writable) opts.hookWrite(variables[id]!, id);
  }
  const pairs: DeviationPair[] = [];
  let deviations: UAObject | undefined;
  for (let id = 0; id < table.size; id++) {
    const d = table.defs[id]!;
    if (!table.has(measuredName(d.name))) continue;
    const measured = table.id(measuredName(d.name));
    deviations ??= ns.addFolder(parent, { browseName: 'Deviations', nodeId: 's=Deviations', description: 'Shadow mode: per compared signal, the model value, the measured value and measured - model (bool: they differ)' });
    const obj = ns.addObject({ componentOf: deviations, browseName: d.name, nodeId: `s=deviation:${d.name}` });
    const devType: SignalType = d.type === 'bool' ? 'bool' : 'real';
    pairs.push({
      model: id,
      measured,
      type: d.type,
      modelNode: addVariable(ns, obj, d, `s=deviation:${d.name}.Model`, 'Model', false, undefined),
      measuredNode: addVariable(ns, obj, { ...d, name: measuredName(d.name) }, `s=deviation:${d.name}.Measured`, 'Measured', false, undefined),
      deviationNode: addVariable(ns, obj, { ...d, type: devType }, `s=deviation:${d.name}.Deviation`, 'Deviation', false, undefined),
    });
  }
  return { variables, pairs };
}

function addVariable(ns: Namespace, parent: UAObject, d: SignalDef, nodeId: string, browseName: string, writable: boolean, range: readonly [number, number] | undefined): UAVariable {
  const access = writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead';
  const common = {
    componentOf: parent,
    nodeId,
    browseName,
    ...(d.description !== undefined ? { description: d.description } : {}),
    dataType: TYPE_NAME[d.type],
    accessLevel: access,
    userAccessLevel: access,
    // 0: values change only by setValueFromSource, so a monitored item that asks for 0 is
    // served by exception (node-opcua listens for the change) instead of a timer per item.
    minimumSamplingInterval: 0,
    accessRestrictions: AccessRestrictionsFlag.None,
    rolePermissions: writable ? RW_PERMISSIONS : RO_PERMISSIONS,
  } as const;
  if (d.type === 'real' && d.unit !== '' && range !== undefined) {
    return ns.addAnalogDataItem({ ...common, engineeringUnits: euInformation(d.unit), engineeringUnitsRange: { low: range[0], high: range[1] }, value: { value: initial(d.type) } }) as unknown as UAVariable;
  }
  const v = ns.addVariable({ ...common, value: initial(d.type) });
  if (d.unit !== '') {
    ns.addVariable({ propertyOf: v, browseName: 'EngineeringUnits', dataType: 'EUInformation', value: { dataType: DataType.ExtensionObject, value: euInformation(d.unit) }, accessRestrictions: AccessRestrictionsFlag.None, rolePermissions: RO_PERMISSIONS });
  }
  return v;
}

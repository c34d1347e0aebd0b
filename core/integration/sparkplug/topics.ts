// Sparkplug B 3.0 topic names: spBv1.0/<group>/<type>/<edge node>[/<device>], and the primary
// host application's STATE topic spBv1.0/STATE/<host id>. Built once per session, never per sample.

export const NAMESPACE = 'spBv1.0';

export type NodeMessage = 'NBIRTH' | 'NDATA' | 'NDEATH' | 'NCMD';
export type DeviceMessage = 'DBIRTH' | 'DDATA' | 'DDEATH' | 'DCMD';

export function nodeTopic(group: string, type: NodeMessage, node: string): string {
  return `${NAMESPACE}/${group}/${type}/${node}`;
}

export function deviceTopic(group: string, type: DeviceMessage, node: string, device: string): string {
  return `${NAMESPACE}/${group}/${type}/${node}/${device}`;
}

export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** A device id from a component name: topic levels may not hold `/`, `+` or `#`. */
export function topicSafe(id: string): string {
  return id.replace(/[/+#]/g, '_');
}

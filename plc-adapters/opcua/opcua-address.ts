// A tag address as the plant file writes it: a NodeId (`ns=3;s=Line.M1.Run`), optionally with
// an index range that names one array element (`ns=3;s=Arr[2]`, `ns=3;s=Matrix[1,0]`). Parsed
// once at prepare, so a cycle parses nothing.

/** A tag address split into its node and, for an array element, its OPC UA index range. */
export interface TagAddress {
  /** The address with the index suffix removed (`ns=3;s=Arr`). */
  readonly node: string;
  /** OPC UA NumericRange text (`2`, `1,0`), or undefined for a whole (scalar) node. */
  readonly indexRange: string | undefined;
}

// `[i]` or `[i,j,...]` at the very end: single elements only (a range `2:4` is several values).
const INDEX_SUFFIX = /^(.*)\[(\d+(?:,\d+)*)\]$/;

/**
 * Split `ns=3;s=Arr[2]` into node `ns=3;s=Arr` and index range `2`. A server may also have a
 * node literally named `Arr[2]` (Siemens names array elements so): the adapter tries the whole
 * address first and reads it as an element of `Arr` only when the server does not know it.
 */
export function splitIndex(address: string): TagAddress | undefined {
  const m = INDEX_SUFFIX.exec(address);
  return m ? { node: m[1]!, indexRange: m[2]! } : undefined;
}

// Engineering units of twinloop's signals as OPC UA EUInformation (UNECE codes, Part 8 §5.6.3).
// Units the table does not know keep their symbol as display name with unitId -1, which Part 8
// reserves for "no UNECE code".

import { makeEUInformation, standardUnits, type EUInformation } from 'node-opcua';

const KNOWN: Readonly<Record<string, EUInformation>> = {
  m: standardUnits.metre,
  mm: standardUnits.millimetre,
  'm/s': standardUnits.metre_per_second,
  's': standardUnits.second,
  ms: standardUnits.millisecond,
  A: standardUnits.ampere,
  V: standardUnits.volt,
  W: standardUnits.watt,
  kW: standardUnits.kilowatt,
  Hz: standardUnits.hertz,
  '°C': standardUnits.degree_celsius,
  K: standardUnits.kelvin,
  '%': standardUnits.percent,
  bar: standardUnits.bar,
  kPa: standardUnits.kilopascal,
  Pa: standardUnits.pascal,
  kg: standardUnits.kilogram,
  N: standardUnits.newton,
  J: standardUnits.joule,
  rpm: standardUnits.revolutions_per_minute,
  'm³': standardUnits.cubic_metre,
  'm³/h': standardUnits.cubic_metre_per_hour,
  'm³/min': standardUnits.cubic_meter_per_minute,
  '°': standardUnits.degree,
};

const cache = new Map<string, EUInformation>();

/** The EUInformation of a unit symbol (one object per symbol, shared by all its variables). */
export function euInformation(unit: string): EUInformation {
  const known = KNOWN[unit];
  if (known !== undefined) return known;
  const eu = cache.get(unit);
  if (eu === undefined) {
    const made = makeEUInformation('', unit, unit);
    made.unitId = -1;
    cache.set(unit, made);
    return made;
  }
  return eu;
}

// Writes the type and value elements of PLCopen TC6 XML (ppx:dataType, ppx:value) as ST text:
// `<array><dimension lower="1" upper="3"/><baseType><REAL/></baseType></array>` becomes
// `ARRAY[1..3] OF REAL`, `<arrayValue>` a `[...]` initializer, `<structValue>` a `(a := ...)`
// one. Element names and attributes follow the TC6 v2.01 schema (groups elementaryTypes,
// derivedTypes, extended; complexType value).

import { childNamed, childrenNamed, plainText, type XmlDocument, type XmlElement } from './located-xml.ts';

/** Reports an element the importer cannot write as ST (it becomes an ST_IMPORT_UNSUPPORTED error). */
export type Unsupported = (el: XmlElement, message: string) => void;

/** The single content element of a holder (`<type>`, `<baseType>`, `<initialValue>`, ...). */
export function contentOf(holder: XmlElement): XmlElement | undefined {
  return holder.children.find((c) => c.local !== 'addData' && c.local !== 'documentation');
}

// The schema's elementary types are BOOL ... TOD and ANY_*; vendors add more (LTIME, CHAR,
// WCHAR, LDATE, ...), always as an upper-case element. Any such name is an elementary type.
const ELEMENTARY = /^[A-Z][A-Z0-9_]*$/;

/** ST text of the type inside `holder`, e.g. `STRING[20]`, `TON`, `ARRAY[0..9] OF INT`. */
export function typeText(holder: XmlElement, unsupported: Unsupported): string {
  const t = contentOf(holder);
  if (t === undefined) {
    unsupported(holder, `<${holder.local}> holds no type`);
    return '?';
  }
  switch (t.local) {
    case 'string':
    case 'wstring': {
      const base = t.local.toUpperCase();
      return t.attrs['length'] ? `${base}[${t.attrs['length']}]` : base;
    }
    case 'derived':
      return t.attrs['name'] ?? '?';
    case 'array': {
      const dims = childrenNamed(t, 'dimension').map((d) => `${d.attrs['lower']}..${d.attrs['upper']}`);
      return `ARRAY[${dims.join(', ')}] OF ${baseTypeText(t, unsupported)}`;
    }
    case 'enum': {
      const base = childNamed(t, 'baseType');
      const values = enumValues(t).join(', ');
      return base === undefined ? `(${values})` : `(${values}) ${typeText(base, unsupported)}`;
    }
    case 'subrangeSigned':
    case 'subrangeUnsigned': {
      const range = childNamed(t, 'range');
      return `${baseTypeText(t, unsupported)} (${range?.attrs['lower']}..${range?.attrs['upper']})`;
    }
    case 'pointer':
      return `POINTER TO ${baseTypeText(t, unsupported)}`;
    case 'struct':
      // ST has no anonymous structure in a variable declaration: declare it as a data type.
      unsupported(t, 'an anonymous STRUCT in a variable declaration has no ST form (declare it as a data type and use its name)');
      return '?';
    default:
      if (ELEMENTARY.test(t.local)) return t.local;
      unsupported(t, `unknown type element <${t.name}>`);
      return t.local;
  }
}

function baseTypeText(t: XmlElement, unsupported: Unsupported): string {
  const base = childNamed(t, 'baseType');
  if (base === undefined) {
    unsupported(t, `<${t.local}> has no <baseType>`);
    return '?';
  }
  return typeText(base, unsupported);
}

/** `Name` or `Name := 3` for each `<values><value name= value=/>` of an `<enum>`. */
export function enumValues(enumEl: XmlElement): string[] {
  const values = childNamed(enumEl, 'values');
  if (values === undefined) return [];
  return childrenNamed(values, 'value').map((v) => (v.attrs['value'] !== undefined ? `${v.attrs['name']} := ${v.attrs['value']}` : `${v.attrs['name']}`));
}

/** ST initializer inside `holder` (`<initialValue>` or a nested `<value>`); null when it holds none. */
export function valueText(holder: XmlElement): string | null {
  const v = contentOf(holder);
  if (v === undefined) return null;
  switch (v.local) {
    case 'simpleValue':
      return v.attrs['value'] ?? null;
    case 'arrayValue': {
      const items = childrenNamed(v, 'value').map((item) => {
        const inner = valueText(item) ?? '';
        const rep = item.attrs['repetitionValue'];
        return rep !== undefined && rep !== '1' ? `${rep}(${inner})` : inner;
      });
      return `[${items.join(', ')}]`;
    }
    case 'structValue': {
      const fields = childrenNamed(v, 'value').flatMap((f) => {
        const inner = valueText(f);
        return inner === null ? [] : [`${f.attrs['member']} := ${inner}`];
      });
      return `(${fields.join(', ')})`;
    }
    default:
      return null;
  }
}

/** ` (* text *)` from an element's `<documentation>`, or '' (the text is kept beside the declaration it documents). */
export function docComment(doc: XmlDocument, el: XmlElement): string {
  const documentation = childNamed(el, 'documentation');
  if (documentation === undefined) return '';
  const text = plainText(doc, documentation).replaceAll('*)', '* )').replaceAll('(*', '( *');
  return text === '' ? '' : ` (* ${text} *)`;
}

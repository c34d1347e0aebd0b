// The path parameter of routes that address a numbered record (an alarm, an injected fault, a
// scenario run): decimal digits only, so a path can name nothing but such a record.

export const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9]{1,9}$' } },
  additionalProperties: false,
} as const;

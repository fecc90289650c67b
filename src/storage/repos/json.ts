/** Parses a stored JSON object (an event's data). */
export function parseObject(text: string, what: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what}: stored JSON is not an object`);
  }
  return value as Record<string, unknown>;
}

/** Parses a stored JSON object whose values are all strings (metadata, settings, credentials). */
export function parseStringRecord(text: string, what: string): Record<string, string> {
  const value = parseObject(text, what);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new TypeError(`${what}: stored value of "${key}" is not a string`);
  }
  return value as Record<string, string>;
}

/** Parses a stored JSON array of strings (a webhook endpoint's enabled events). */
export function parseStringArray(text: string, what: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new TypeError(`${what}: stored JSON is not an array`);
  for (const [index, v] of value.entries()) {
    if (typeof v !== 'string') throw new TypeError(`${what}: stored item ${index} is not a string`);
  }
  return value as string[];
}

/** Parses a stored JSON object whose values are all strings (metadata, settings, credentials). */
export function parseStringRecord(text: string, what: string): Record<string, string> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what}: stored JSON is not an object`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new TypeError(`${what}: stored value of "${key}" is not a string`);
  }
  return value as Record<string, string>;
}

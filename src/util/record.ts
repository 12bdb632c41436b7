/** A plain object (a YAML mapping, a JSON object): not null, not a list. A neutral module every layer may import. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value a rule guarantees before the model is built (an external database's host, the Kea URL
 * of an enabled kea-sync, a referenced secret's definition). The model never defaults one: if it is
 * missing, a rule let an invalid site through, and that is a bug.
 */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} is missing, but the rules passed the site`);
  return value;
}

/**
 * The service catalog and the schema describe the same services: a service added to the schema
 * cannot be validated and then silently ignored by the model (the type check catches a missing
 * catalog entry; this test catches the start order and what each entry says).
 */
import { describe, expect, it } from 'vitest';
import { siteSchema } from '../../src/generated/site-schema.js';
import { SERVICES } from '../../src/model/catalog.js';

type Node = { properties?: Record<string, Node>; description?: string; $ref?: string };
const services = (siteSchema as Node).properties!['services']!.properties!;

describe('the service catalog', () => {
  it('holds every service of the schema exactly once, in start order', () => {
    const ids = SERVICES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(services).sort());
    // Start order: each service after every service it needs.
    for (const [i, s] of SERVICES.entries()) for (const dep of s.after) expect(ids.indexOf(dep), `${s.id} after ${dep}`).toBeLessThan(i);
  });

  it.each(SERVICES.map((s) => [s.id, s] as const))('%s: pool, database and default state agree with the schema', (id, info) => {
    const node = services[id]!;
    expect('database' in node.properties!, 'schema has services.<id>.database').toBe(info.pool !== undefined);
    expect(info.dbSchema !== undefined).toBe(info.pool !== undefined);
    expect(node.properties!['enabled']!.description).toContain(info.optional ? 'Default false' : 'Default true');
    if (info.port !== undefined) expect(node.description).toContain(`port ${info.port}`);
  });
});

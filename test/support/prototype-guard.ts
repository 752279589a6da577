// After every test: nothing a definition, a template or a request body did may have changed
// Object.prototype (prototype pollution would show up here in whichever test caused it).
import { afterEach, expect } from 'vitest';

const baseline = Object.getOwnPropertyNames(Object.prototype).sort();

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline);
  for (const key of ['polluted', 'isAdmin', 'role']) expect((Object.prototype as Record<string, unknown>)[key]).toBeUndefined();
});

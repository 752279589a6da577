// Computed fields: declared arithmetic, tiered slabs and lookups over a record's fields — evaluated
// as data, checked at load with paths.
import { describe, expect, it } from 'vitest';
import { applyComputed, evaluate, type Expression } from '../../engine/records/computed-fields.ts';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';

// PM Surya Ghar style subsidy: Rs 30,000 per kW up to 2 kW, Rs 18,000 for the third, at most Rs 78,000.
const SUBSIDY: Expression = { tiers: { of: { field: 'capacityKw' }, rows: [{ upTo: 2, rate: 30000 }, { upTo: 3, rate: 18000 }, { rate: 0 }], max: 78000 } };

describe('evaluating expressions', () => {
  it('computes arithmetic, sums over lines, rounding half away from zero', () => {
    const quote = { lines: [{ qty: 6, unitPrice: 14999.5 }, { qty: 1, unitPrice: 52000 }], gstRate: 0.138 };
    const subtotal: Expression = { sum: { over: 'lines', of: { mul: [{ item: 'qty' }, { item: 'unitPrice' }] } } };
    expect(evaluate(subtotal, quote)).toBe(141997);
    expect(evaluate({ round: [{ mul: [subtotal, { field: 'gstRate' }] }, 2] }, quote)).toBe(19595.59);
    expect(evaluate({ round: [1.005, 2] }, {})).toBe(1.01);
    expect(evaluate({ round: [-2.5, 0] }, {})).toBe(-3);
    expect(evaluate({ sub: [10, { div: [9, 3] }] }, {})).toBe(7);
    expect(evaluate({ min: [{ max: [3, 8] }, 5] }, {})).toBe(5);
  });

  it('computes progressive slabs with a cap, and first-match lookups', () => {
    expect([1, 2, 2.5, 3, 10].map((capacityKw) => evaluate(SUBSIDY, { capacityKw }))).toEqual([30000, 60000, 69000, 78000, 78000]);
    const rate: Expression = { lookup: { of: { field: 'kw' }, rows: [{ upTo: 3, value: 0.05 }, { upTo: 10, value: 0.08 }, { value: 0.12 }] } };
    expect([0, 3, 3.1, 10, 500].map((kw) => evaluate(rate, { kw }))).toEqual([0.05, 0.05, 0.08, 0.08, 0.12]);
  });

  it('gives null for a missing or non-numeric input and for a division by zero, never NaN; never reads a prototype', () => {
    expect(evaluate({ add: [{ field: 'a' }, 1] }, {})).toBeNull();
    expect(evaluate({ add: [{ field: 'a' }, 1] }, { a: '5' })).toBeNull();
    expect(evaluate({ div: [1, 0] }, {})).toBeNull();
    expect(evaluate({ sum: { over: 'lines', of: { item: 'qty' } } }, { lines: [{ qty: 1 }, { qty: 'x' }] })).toBeNull();
    expect(evaluate({ sum: { over: 'lines', of: { item: 'qty' } } }, {})).toBe(0);
    expect(evaluate({ field: 'toString.length' }, {})).toBeNull();
    const data: Record<string, unknown> = { capacityKw: 2.5, subsidy: 1 };
    // Written in any order (jsonb keeps none): each is computed after what it reads.
    applyComputed({ net: { sub: [100000, { field: 'subsidy' }] }, subsidy: SUBSIDY }, data);
    expect(data).toEqual({ capacityKw: 2.5, subsidy: 69000, net: 31000 });
    const missing: Record<string, unknown> = { subsidy: 5 };
    applyComputed({ subsidy: SUBSIDY }, missing);
    expect(missing).toEqual({});
  });
});

describe('checking computed fields at load', () => {
  const app = { file: 'q/app.yaml', content: { kind: 'app', id: 'q', name: 'Q', roles: { admin: { permissions: { quote: { read: true, create: true } } } } } };
  const entity = (computed: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
    file: 'q/quote.entity.yaml',
    content: { kind: 'entity', name: 'quote', fields: { capacityKw: { type: 'number' }, lines: { type: 'array', items: { type: 'object' } }, subsidy: { type: 'number' }, total: { type: 'number' }, note: { type: 'string' }, ...fields }, computed },
  });
  const problems = (computed: Record<string, unknown>) => compileAppFiles([app, entity(computed)]).problems.map((p) => `${p.path} ${p.message}`);

  it('accepts a valid declaration', () => {
    expect(problems({ subsidy: SUBSIDY, total: { sub: [{ sum: { over: 'lines', of: { item: 'qty' } } }, { field: 'subsidy' }] } })).toEqual([]);
  });

  it('names each problem at its path', () => {
    expect(problems({ note: 1 })).toEqual(['$.computed.note "note" must be a number or integer field to be computed']);
    expect(problems({ nothing: 1 })).toEqual(['$.computed.nothing "nothing" is not a field of entity "quote"']);
    expect(problems({ total: { add: [{ field: 'ghost' }, 1] } })).toEqual(['$.computed.total.add[0].field "ghost" is not a field of entity "quote"']);
    expect(problems({ total: { field: 'total' } })).toEqual(['$.computed.total.field "total" cannot be computed from itself']);
    expect(problems({ total: { field: 'subsidy' }, subsidy: { field: 'total' } })).toEqual(['$.computed Computed fields compute each other in a circle (total, subsidy): one of them must come from the others']);
    expect(problems({ total: { item: 'qty' } })).toEqual(['$.computed.total.item "item" is the current item of a "sum": use it inside one']);
    expect(problems({ total: { sum: { over: 'note', of: 1 } } })).toEqual(['$.computed.total.sum.over "note" is not an array field of entity "quote"']);
    expect(problems({ total: { tiers: { of: 1, rows: [{ rate: 1 }, { upTo: 2, rate: 2 }] } } })).toEqual(['$.computed.total.tiers.rows[0] Only the last row may leave out "upTo"']);
    expect(problems({ total: { lookup: { of: 1, rows: [{ upTo: 5, value: 1 }, { upTo: 2, value: 2 }] } } })).toEqual(['$.computed.total.lookup.rows[1].upTo Rows go up: each "upTo" is above the one before']);
    expect(problems({ total: { field: '__proto__' } })).toEqual(['$.computed.total.field "__proto__" is not a plain field path']);
    // Not an expression at all: the schema says so.
    expect(problems({ total: { eval: 'process.exit()' } }).length).toBeGreaterThan(0);
  });
});

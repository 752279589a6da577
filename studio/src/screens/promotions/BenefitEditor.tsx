// The benefit: what a promotion gives (percent off with an optional cap, a flat amount off, buy X
// get Y free, a fixed price a unit), over the whole cart or one product group. Only the keys of the
// chosen type are kept, so switching type never leaves a stray key the engine would refuse.
import { Select, TextInput } from '../../ui/Field.tsx';
import type { Rec } from './use-ruleset.ts';

export type BenefitValue = Record<string, unknown> & { type?: string };

const TYPES = [
  { value: 'percentOff', label: 'Percent off' },
  { value: 'flatOff', label: 'Flat amount off' },
  { value: 'buyXGetY', label: 'Buy X, get Y free' },
  { value: 'fixedPrice', label: 'Fixed price a unit' },
];
const KEYS: Record<string, string[]> = { percentOff: ['value', 'cap'], flatOff: ['value'], buyXGetY: ['buy', 'get', 'cap'], fixedPrice: ['value', 'cap'] };

export function BenefitEditor({ value, onChange, productGroups, groupCode, readOnly }: { value: BenefitValue | null; onChange(b: BenefitValue): void; productGroups: Rec[]; groupCode: string; readOnly?: boolean }) {
  const b: BenefitValue = value ?? { type: 'percentOff' };
  const type = b.type ?? 'percentOff';
  const num = (k: string, label: string, hint?: string, optional = false) => (
    <TextInput
      label={label}
      hint={hint}
      type="number"
      min={0}
      step="any"
      disabled={readOnly}
      value={typeof b[k] === 'number' ? String(b[k]) : ''}
      placeholder={optional ? 'none' : undefined}
      onChange={(e) => {
        const next = { ...b };
        if (e.target.value === '') delete next[k];
        else next[k] = Number(e.target.value);
        onChange(next);
      }}
    />
  );
  return (
    <div className="benefit">
      <div className="inline-fields">
        <Select
          label="Benefit"
          value={type}
          disabled={readOnly}
          options={TYPES}
          onChange={(e) => {
            const t = e.target.value;
            const next: BenefitValue = { type: t };
            for (const k of KEYS[t] ?? []) if (b[k] !== undefined) next[k] = b[k];
            if (b.productGroup !== undefined) next.productGroup = b.productGroup;
            onChange(next);
          }}
        />
        {type === 'percentOff' ? num('value', 'Percent', 'Above 0, at most 100') : null}
        {type === 'flatOff' ? num('value', 'Amount off (₹)') : null}
        {type === 'fixedPrice' ? num('value', 'Price a unit (₹)') : null}
        {type === 'buyXGetY' ? (
          <>
            {num('buy', 'Buy (units)')}
            {num('get', 'Get free (units)', 'The cheapest units are free')}
          </>
        ) : null}
        {KEYS[type]?.includes('cap') ? num('cap', 'Cap (₹)', 'Optional: at most this much off', true) : null}
        <Select
          label="Applies to"
          value={typeof b.productGroup === 'string' ? b.productGroup : ''}
          disabled={readOnly}
          options={[{ value: '', label: 'The whole cart' }, ...productGroups.map((g) => ({ value: String(g[groupCode]), label: `${String(g[groupCode])} — ${String(g.name ?? '')}` }))]}
          onChange={(e) => {
            const next = { ...b };
            if (e.target.value) next.productGroup = e.target.value;
            else delete next.productGroup;
            onChange(next);
          }}
        />
      </div>
    </div>
  );
}

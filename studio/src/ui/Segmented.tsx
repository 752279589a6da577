import { Button } from './Button.tsx';

/** One choice among a few, as pressed/unpressed buttons in a labelled group (a filter, a mode). */
export function Segmented<T extends string>({ label, value, options, onChange, className }: { label: string; value: T; options: readonly { value: T; label: string }[]; onChange: (value: T) => void; className?: string }) {
  return (
    <div className={`segmented ${className ?? ''}`} role="group" aria-label={label}>
      {options.map((o) => (
        <Button key={o.value} aria-pressed={value === o.value} onClick={() => onChange(o.value)}>
          {o.label}
        </Button>
      ))}
    </div>
  );
}

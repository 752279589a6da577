// A text field that suggests template variables after "{{": the list follows what is typed, Up and
// Down move through it, Enter or Tab inserts the variable with its closing braces, Escape closes it.
// The field stays a plain text box to assistive technology (a textarea may not be a combobox), with
// the list tied to it (listbox, active option through aria-activedescendant) and a polite line that
// says how many variables are offered and which keys pick one.
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Variable } from './template-usage.ts';

interface Props {
  label: string;
  hint?: string;
  value: string;
  onChange(value: string): void;
  variables: Variable[];
  multiline?: boolean;
  rows?: number;
  invalid?: boolean;
  onSave?(): void;
}

/** The "{{partial" right before the caret, if the caret is inside an unclosed mustache. */
function openMustache(text: string, caret: number): { start: number; typed: string } | undefined {
  const m = /\{\{\s*([\w.@-]*)$/.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { start: caret - m[0].length, typed: m[1] ?? '' };
}

export function VariableField({ label, hint, value, onChange, variables, multiline, rows = 5, invalid, onSave }: Props) {
  const id = useId();
  const listId = `${id}-vars`;
  const hintId = `${id}-hint`;
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [open, setOpen] = useState<{ start: number; typed: string }>();
  const [active, setActive] = useState(0);

  const matches = useMemo(() => {
    if (!open) return [];
    const q = open.typed.toLowerCase();
    const starts = variables.filter((v) => v.path.toLowerCase().startsWith(q));
    const contains = variables.filter((v) => !v.path.toLowerCase().startsWith(q) && v.path.toLowerCase().includes(q));
    return [...starts, ...contains].slice(0, 12);
  }, [open, variables]);
  const shown = open && matches.length ? matches : [];

  const follow = (text: string, caret: number) => {
    const next = openMustache(text, caret);
    setOpen(next);
    if (next?.typed !== open?.typed) setActive(0);
  };

  const insert = (v: Variable) => {
    const el = ref.current;
    if (!el || !open) return;
    const caret = el.selectionStart ?? value.length;
    const after = value.slice(caret);
    const closes = /^\s*\}\}/.test(after);
    const text = `${value.slice(0, open.start)}{{${v.path}${closes ? '' : '}}'}${after}`;
    const at = open.start + 2 + v.path.length + (closes ? after.indexOf('}}') + 2 : 2);
    onChange(text);
    setOpen(undefined);
    // After React has put the new value in, the caret goes after the inserted variable.
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(at, at);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 's' && onSave) {
      e.preventDefault();
      onSave();
      return;
    }
    if (!shown.length) return;
    if (e.key === 'ArrowDown') setActive((a) => (a + 1) % shown.length);
    else if (e.key === 'ArrowUp') setActive((a) => (a - 1 + shown.length) % shown.length);
    else if (e.key === 'Enter' || e.key === 'Tab') insert(shown[active] ?? shown[0]!);
    else if (e.key === 'Escape') setOpen(undefined);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const common = {
    id,
    ref,
    value,
    spellCheck: false,
    autoComplete: 'off',
    'aria-autocomplete': 'list' as const,
    'aria-controls': listId,
    'aria-activedescendant': shown.length ? `${listId}-${active}` : undefined,
    'aria-describedby': hintId,
    'aria-invalid': invalid || undefined,
    onKeyDown,
    onBlur: () => setTimeout(() => setOpen(undefined), 150),
    onClick: (e: { currentTarget: HTMLTextAreaElement | HTMLInputElement }) => follow(e.currentTarget.value, e.currentTarget.selectionStart ?? 0),
  };

  return (
    <div className={`field var-field ${invalid ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="var-anchor">
        {multiline ? (
          <textarea {...common} rows={rows} onChange={(e) => { onChange(e.target.value); follow(e.target.value, e.target.selectionStart); }} />
        ) : (
          <input {...common} type="text" onChange={(e) => { onChange(e.target.value); follow(e.target.value, e.target.selectionStart ?? e.target.value.length); }} />
        )}
        <ul id={listId} role="listbox" aria-label={`Variables for ${label}`} className="var-list" hidden={!shown.length}>
          {shown.map((v, i) => (
            <li
              key={v.path}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(v);
              }}
            >
              <code>{v.path}</code> <span className="muted">{v.hint}</span>
            </li>
          ))}
        </ul>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {shown.length ? `${shown.length} variable${shown.length === 1 ? '' : 's'} offered: Up and Down to choose, Enter to insert, Escape to close.` : ''}
      </p>
      <p id={hintId} className="field-hint">
        {hint ?? 'Type {{ for the variables this template can use.'}
      </p>
    </div>
  );
}

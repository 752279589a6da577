// The workflow of the promotions' entity, as the screens show it: the state field, the states with
// their labels, and a badge per state (the word is the meaning; the tone repeats it).
import { createElement } from 'react';
import { useStudio } from '../../studio-context.tsx';
import { Badge, type Tone } from '../../ui/Badge.tsx';

interface WorkflowDef {
  entity: string;
  field?: string;
  initial: string;
  states: Record<string, { label?: string; final?: boolean }>;
}

// Tones by the usual meaning of a state's name; an unknown state is neutral.
const TONES: Record<string, Tone> = { active: 'good', scheduled: 'info', paused: 'warn', draft: 'neutral', archived: 'neutral' };

export function useLifecycle(entity: string) {
  const studio = useStudio();
  const wf = studio.definitionsOf<WorkflowDef>('workflow').find((w) => w.content.entity === entity)?.content;
  const field = wf?.field ?? 'status';
  const states = Object.entries(wf?.states ?? {}).map(([name, s]) => ({ name, label: s.label ?? name, final: Boolean(s.final) }));
  const label = (state: unknown) => states.find((s) => s.name === state)?.label ?? String(state ?? '—');
  return {
    field,
    states,
    initial: wf?.initial,
    label,
    badge: (state: unknown) => createElement(Badge, { tone: TONES[String(state)] ?? 'neutral', children: label(state) }),
  };
}

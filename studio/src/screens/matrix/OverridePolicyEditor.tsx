// The override policy: which roles may move a record anywhere the matrix does not allow, and whether
// they must say why. It is the escape hatch the warnings mention ("only an override can …").
import type { DefinitionProblem } from '../../types.ts';
import { Select } from '../../ui/Field.tsx';
import type { OverridePolicy } from './workflow-model.ts';

interface Props {
  policy: OverridePolicy | undefined;
  roles: { id: string; label: string }[];
  problems: DefinitionProblem[];
  editable: boolean;
  onChange(policy: OverridePolicy | undefined): void;
}

export function OverridePolicyEditor({ policy, roles, problems, editable, onChange }: Props) {
  const chosen = policy?.roles ?? [];
  const toggle = (role: string, on: boolean) => {
    const next = on ? [...chosen, role] : chosen.filter((r) => r !== role);
    // No role left: no override at all (the schema wants at least one role).
    onChange(next.length ? { ...policy, roles: next, remarks: policy?.remarks ?? 'required' } : undefined);
  };
  return (
    <div className="stack">
      <p className="muted">{chosen.length ? 'These roles may move a record to any state, even where the matrix has no move.' : 'No override: records move only as the matrix allows.'}</p>
      <fieldset className="cell-roles-field" disabled={!editable}>
        <legend>Roles that may override</legend>
        {roles.map((r) => (
          <label key={r.id} className="check">
            <input type="checkbox" checked={chosen.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
            <span>
              {r.label} <span className="muted">({r.id})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <Select
        label="Remarks on an override"
        disabled={!editable || !chosen.length}
        value={policy?.remarks ?? 'required'}
        onChange={(e) => policy && onChange({ ...policy, remarks: e.target.value as 'required' | 'optional' })}
        options={[
          { value: 'required', label: 'Required: the person must say why' },
          { value: 'optional', label: 'Optional' },
        ]}
      />
      {problems.length ? (
        <ul className="problems" aria-label="Problems with the override policy">
          {problems.map((p, i) => (
            <li key={i} className={p.severity === 'warning' ? 'problem-warning' : 'problem-error'}>
              <strong>{p.severity === 'warning' ? 'Warning' : 'Error'}:</strong> {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

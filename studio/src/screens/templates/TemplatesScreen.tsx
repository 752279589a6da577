// Message templates: edit the subject, text and HTML with the variables the template can use offered
// as you type, save into the change set (the engine lints the template and every place that sends
// it, and its answer is shown inline), and see it rendered by the engine with a real record.
import { useEffect, useMemo, useState } from 'react';
import { describeError } from '../../api.ts';
import { href } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import type { DefinitionProblem } from '../../types.ts';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Changes } from '../../ui/Changes.tsx';
import { Empty, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { ErrorBox, Problems } from '../../ui/Problems.tsx';
import type { ScreenProps } from '../screen-registry.ts';
import { TemplatePreview } from './TemplatePreview.tsx';
import { describeUse, usesOf, variablesFor } from './template-usage.ts';
import { VariableField } from './VariableField.tsx';
import './templates.css';

interface TemplateContent {
  kind: 'template';
  name: string;
  channel: 'sms' | 'email';
  locale?: string;
  subject?: string;
  body: string;
  html?: string;
  [key: string]: unknown;
}

export default function TemplatesScreen({ rest }: ScreenProps) {
  const studio = useStudio();
  const templates = studio.definitionsOf<TemplateContent>('template');
  const current = templates.find((t) => t.name === rest[0]) ?? templates[0];
  return (
    <>
      <ScreenHeader title="Templates" subtitle="The SMS and email messages the app sends. Edits go into the change set and reach customers only when it is published." />
      <div className="templates-layout">
        <nav className="panel template-list" aria-label="Templates">
          <ul>
            {templates.map((t) => (
              <li key={t.name}>
                <a href={href(studio.app.id, 'templates', t.name)} aria-current={t.name === current?.name ? 'page' : undefined}>
                  <span className="template-name" title={t.name}>{t.name}</span>
                  <span className="template-channel">{t.content.channel === 'email' ? 'EMAIL' : 'SMS'}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {current ? <TemplateEditor key={current.name} name={current.name} saved={current.content} /> : <Empty>This app has no templates.</Empty>}
      </div>
    </>
  );
}

/** The problems the engine reports about this template: in its own file, or where it is sent from. */
function problemsOf(problems: DefinitionProblem[], name: string): DefinitionProblem[] {
  return problems.filter((p) => p.file.endsWith(`/${name}.template.yaml`) || p.file === `${name}.template.yaml` || p.message.includes(`Template "${name}"`));
}

function TemplateEditor({ name, saved }: { name: string; saved: TemplateContent }) {
  const studio = useStudio();
  const { changeSet, putDefinition, notify, app } = studio;
  const [subject, setSubject] = useState(saved.subject ?? '');
  const [body, setBody] = useState(saved.body);
  const [html, setHtml] = useState(saved.html ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  // When another screen or tab changes the saved template, follow it unless there are local edits.
  const [base, setBase] = useState(saved);
  useEffect(() => {
    if (saved === base) return;
    const untouched = subject === (base.subject ?? '') && body === base.body && html === (base.html ?? '');
    setBase(saved);
    if (untouched) {
      setSubject(saved.subject ?? '');
      setBody(saved.body);
      setHtml(saved.html ?? '');
    }
  }, [saved, base, subject, body, html]);

  const uses = useMemo(() => usesOf(studio, name), [studio, name]);
  const variables = useMemo(() => variablesFor(studio, uses), [studio, uses]);
  const isEmail = saved.channel === 'email';
  const dirty = subject !== (saved.subject ?? '') || body !== saved.body || html !== (saved.html ?? '');
  const item = changeSet?.definitions.find((d) => d.kind === 'template' && d.name === name);
  const problems = item || changeSet ? problemsOf(changeSet?.problems ?? [], name) : [];
  // A field is marked when a problem is at its path in the template's file, or names a variable the
  // field reads (an unknown variable is reported where the template is sent from).
  const errorsAt = (key: string, text: string) =>
    problems.some((p) => {
      if (p.severity === 'warning') return false;
      if (p.file.endsWith(`${name}.template.yaml`)) return p.path === `$.${key}`;
      const variable = /"\{\{([^}]+)\}\}"/.exec(p.message)?.[1];
      return variable !== undefined && text.replace(/\s+/g, '').includes(`{{${variable}}}`);
    });

  const save = async () => {
    if (!studio.managesDefinitions) return;
    setBusy(true);
    setError(undefined);
    try {
      const content: TemplateContent = { ...saved, body };
      if (isEmail) content.subject = subject;
      if (isEmail && html.trim()) content.html = html;
      else delete content.html;
      const cs = await putDefinition('template', name, content, `Edit template ${name}`);
      const found = problemsOf(cs.problems, name);
      const errors = found.filter((p) => p.severity !== 'warning').length;
      notify(errors ? `Saved to “${cs.title}” with ${errors} problem${errors === 1 ? '' : 's'}` : `Saved to “${cs.title}”: no problems`, errors ? 'error' : 'success');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="template-editor">
      <Panel
        title={
          <>
            <code>{name}</code> <Badge tone={isEmail ? 'info' : 'neutral'}>{isEmail ? 'Email' : 'SMS'}</Badge> {dirty ? <Badge tone="warn">Unsaved edits</Badge> : item ? <Badge tone="info">In the change set</Badge> : null}
          </>
        }
        actions={
          <Button variant="primary" busy={busy} disabled={!dirty && !busy} onClick={() => void save()} title="Ctrl+S">
            Save to change set
          </Button>
        }
      >
        <p className="muted uses">{uses.length ? <>Used as {uses.map(describeUse).join('; ')}.</> : 'Not sent from anywhere yet.'}</p>
        {isEmail ? <VariableField label="Subject" value={subject} onChange={setSubject} variables={variables} invalid={errorsAt('subject', subject)} onSave={() => void save()} /> : null}
        <VariableField label={isEmail ? 'Text' : 'Message'} value={body} onChange={setBody} variables={variables} multiline rows={isEmail ? 5 : 4} invalid={errorsAt('body', body)} onSave={() => void save()} hint={isEmail ? undefined : `${body.length} characters before variables are filled in. Type {{ for variables.`} />
        {isEmail ? <VariableField label="HTML (optional)" value={html} onChange={setHtml} variables={variables} multiline rows={7} invalid={errorsAt('html', html)} onSave={() => void save()} hint="Shown by mail apps that display HTML; scripts never run. Type {{ for variables." /> : null}
        {error ? <ErrorBox {...error} /> : null}
        <section aria-labelledby={`lint-${name}`} className="lint" aria-live="polite">
          <h3 id={`lint-${name}`}>Check</h3>
          {changeSet ? (
            <Problems problems={problems} empty={item ? 'No problems with this template in the change set.' : 'No problems. Save to check your edits.'} />
          ) : (
            <p className="muted">Saving opens a change set and checks the template where it is sent from.</p>
          )}
        </section>
        {item ? (
          <section className="lint">
            <h3>What the change set changes here</h3>
            <Changes changes={item.changes} empty="Same as the live release." />
            <p>
              <a href={href(app.id, 'changes', changeSet!.id)}>Review and publish the change set →</a>
            </p>
          </section>
        ) : null}
      </Panel>
      <Panel title="Preview">
        <TemplatePreview name={name} uses={uses} version={item?.checksum ?? item?.updatedAt ?? 'live'} blocked={problems.some((p) => p.severity !== 'warning')} />
      </Panel>
    </div>
  );
}

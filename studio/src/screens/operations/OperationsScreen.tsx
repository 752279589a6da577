// Operations: CSV imports (start one, watch it, read and download its error report) and the outbox
// (what is waiting, sent, or dead, with retry). Which of the two a role sees follows the app's own
// definitions (imports list their roles; a role's `operations.outbox`); the server checks again.
import { href, navigate } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Empty, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import type { ScreenProps } from '../screen-registry.ts';
import { ImportForm, type ImportDefinition } from './ImportForm.tsx';
import { ImportJobView } from './ImportJobView.tsx';
import { OutboxPanel } from './OutboxPanel.tsx';
import './operations.css';

type Roles = Record<string, { operations?: { outbox?: boolean } }>;

export default function OperationsScreen({ rest }: ScreenProps) {
  const studio = useStudio();
  const { app, live, session } = studio;
  const role = session.user.role;
  const appDef = live?.definitions.find((d) => d.kind === 'app')?.content as { roles?: Roles } | undefined;
  const outbox = appDef?.roles?.[role]?.operations?.outbox === true;
  const imports = studio.definitionsOf<ImportDefinition & { roles?: string[] }>('import').filter((d) => d.content.roles?.includes(role)).map((d) => d.content);
  const label = (name: string) => imports.find((i) => i.name === name)?.label ?? name;

  const tabs = [...(imports.length ? [{ id: 'imports', label: 'CSV imports' }] : []), ...(outbox ? [{ id: 'outbox', label: 'Outbox' }] : [])];
  const tab = tabs.find((t) => t.id === rest[0]) ?? tabs[0];
  return (
    <>
      <ScreenHeader title="Operations" subtitle={`${app.name}: bulk changes from CSV files, and the messages the app sends.`} />
      {tabs.length > 1 ? (
        <nav className="subnav" aria-label="Operations">
          {tabs.map((t) => (
            <a key={t.id} href={href(app.id, 'operations', t.id)} aria-current={t.id === tab?.id ? 'page' : undefined}>
              {t.label}
            </a>
          ))}
        </nav>
      ) : null}
      {!tab ? (
        <Empty>Your role runs no imports and does not manage the outbox in {app.name}.</Empty>
      ) : tab.id === 'imports' ? (
        <>
          <Panel title="Import a CSV file">
            <ImportForm imports={imports} />
          </Panel>
          {rest[1] ? (
            <>
              <ImportJobView key={rest[1]} id={rest[1]} label={label} />
              <p>
                <a href={href(app.id, 'operations', 'imports')}>Start another import</a>
              </p>
            </>
          ) : null}
        </>
      ) : (
        <OutboxPanel status={rest[1] === 'pending' || rest[1] === 'sent' ? rest[1] : 'dead'} onStatus={(s) => navigate(href(app.id, 'operations', 'outbox', s))} />
      )}
    </>
  );
}

// A message template rendered with given data: what a business admin sees before a template goes
// live. Templates are strict (compile-template.ts): a variable the data lacks is a refusal naming it.
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { TemplateSimulation } from '../registry/definition-types.ts';

export interface TemplateAnswer {
  kind: 'template';
  template: string;
  channel: 'sms' | 'email';
  subject?: string;
  text: string;
  html?: string;
}

export function simulateTemplate(app: CompiledApp, req: TemplateSimulation): TemplateAnswer {
  const template = app.templates.get(req.template);
  if (!template) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.template', message: `Template "${req.template}" is not defined in this app` }] });
  let out: ReturnType<typeof template.render>;
  try {
    out = template.render(req.data ?? {});
  } catch (err) {
    // Handlebars says which variable is missing ("record" not defined in [object Object]).
    const why = (err as Error).message.split('\n')[0]!;
    throw new AppError('VALIDATION_FAILED', `Template "${template.name}" could not be rendered with this data`, { details: [{ path: '$.data', message: why }] });
  }
  return {
    kind: 'template',
    template: template.name,
    channel: template.channel,
    ...(out.subject !== undefined ? { subject: out.subject } : {}),
    text: out.text,
    ...(out.html !== undefined ? { html: out.html } : {}),
  };
}

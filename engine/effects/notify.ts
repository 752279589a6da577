// `notify`: a message from a template to a recipient, through the app's provider chain for the
// template's channel. It becomes an outbox row written with the change, delivered after commit.
import type { OutboxRow } from '../notify/outbox-row.ts';
import { checkExpression, checkVariable, CONTEXT_ROOTS } from './check-expression.ts';
import type { EffectModule } from './effect-module.ts';
import { resolveValue } from './resolve-value.ts';

export interface NotifyEffect {
  template: string;
  to: string;
}

export const notify: EffectModule<NotifyEffect> = {
  schema: 'common.schema.json#/definitions/effect/properties/notify',
  places: ['onCreate', 'transition', 'workflow'],
  phase: 'after',
  check(body, at) {
    const template = at.templates.get(body.template);
    // A template that does not exist is reported by the workflow's analysis (engine/lifecycle/analyze-workflow.ts).
    if (!template) return;
    checkExpression(body.to, `${at.path}.notify.to`, at);
    // Knowable at load time: a variable the template reads that this workflow cannot provide.
    for (const v of template.variables) checkVariable(v, `${at.path}.notify.template`, at, [...CONTEXT_ROOTS, 'app'], (p, m) => at.add(p, `Template "${body.template}": ${m}`));
  },
  plan(body, ctx, { app, recordId, key, index }) {
    const template = app.templates.get(body.template)!;
    const to = resolveValue(body.to, ctx);
    // "email when the profile has one": a notify to an absent address is not a message.
    if (typeof to !== 'string' || to === '') return { skipped: { message: 'notify skipped: no recipient', detail: { template: template.name } } };
    const base = { app: app.id, channel: template.channel, recordId, template: template.name, recipient: to, idempotencyKey: `${key}:${index}:${template.channel}` } as const;
    let row: OutboxRow;
    try {
      const out = template.render(ctx);
      const payload = template.channel === 'sms' ? { to, body: out.text } : { to, subject: out.subject, text: out.text, html: out.html };
      row = { ...base, payload };
    } catch (err) {
      // Stored dead rather than thrown: the change stands, and an admin sees why its message did not.
      row = { ...base, payload: { to }, renderError: `Template "${template.name}" could not be rendered: ${(err as Error).message}` };
    }
    return { outbox: [row] };
  },
};

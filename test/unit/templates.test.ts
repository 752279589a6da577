import { describe, expect, it } from 'vitest';
import { compileTemplate, type TemplateDef } from '../../engine/notify/compile-template.ts';

const sms = (body: unknown): TemplateDef => ({ kind: 'template', name: 't', channel: 'sms', body: body as string });
const problemsOf = (def: TemplateDef) => compileTemplate(def, 't.yaml').problems.map((p) => `${p.path}: ${p.message}`);

// Object.prototype is checked after every test by test/support/prototype-guard.ts.

describe('message templates', () => {
  it('renders variables and lists the paths it reads', () => {
    const { template } = compileTemplate(sms('Hi {{record.name}}, your OTP is {{otp.code}} ({{#if record.city}}{{record.city}}{{/if}})'), 't.yaml');
    expect(template!.render({ record: { name: 'Ravi & Co', city: 'Pune' }, otp: { code: '1234' } }).text).toBe('Hi Ravi & Co, your OTP is 1234 (Pune)');
    expect([...template!.variables].sort()).toEqual(['otp.code', 'record.city', 'record.name']);
  });

  it('escapes HTML in the html part of an email, not in its text part', () => {
    const { template } = compileTemplate({ kind: 'template', name: 'e', channel: 'email', subject: 'For {{record.name}}', body: 'Hi {{record.name}}', html: '<p>Hi {{record.name}}</p>' }, 'e.yaml');
    const out = template!.render({ record: { name: '<script>x</script>' } });
    expect(out.html).toBe('<p>Hi &lt;script&gt;x&lt;/script&gt;</p>');
    expect(out.text).toBe('Hi <script>x</script>');
    expect(out.subject).toBe('For <script>x</script>');
  });

  it('is strict: a missing variable is an error at render time, not an empty string', () => {
    const { template } = compileTemplate(sms('Code {{otp.code}}'), 't.yaml');
    expect(() => template!.render({ otp: {} })).toThrow(/"code" not defined/);
  });

  it('refuses {{constructor.constructor}} and friends', () => {
    expect(problemsOf(sms('{{constructor.constructor}}'))).toEqual(['$.body: "body" may not use "constructor"']);
    expect(problemsOf(sms('{{record.__proto__.polluted}}'))).toEqual(['$.body: "body" may not use "__proto__"']);
    expect(problemsOf(sms('{{#with __proto__}}{{polluted}}{{/with}}'))).toEqual(['$.body: "body" may not use "__proto__"']);
    expect(problemsOf(sms('{{#each record}}{{this.constructor}}{{/each}}'))).toEqual(['$.body: "body" may not use "constructor"']);
  });

  it('refuses helpers that are not built in (lookup, log, custom ones)', () => {
    expect(problemsOf(sms('{{lookup record "constructor"}}'))).toEqual(['$.body: "body" uses "lookup", which is not a known helper (if, unless, each, with)']);
    expect(problemsOf(sms('{{log "x"}}'))).toHaveLength(1);
    expect(problemsOf(sms('{{#evil}}x{{/evil}}'))).toHaveLength(1);
  });

  it('refuses a non-string template and an unparsable one', () => {
    expect(problemsOf(sms({ toString: 'x' }))).toEqual(['$.body: A template must be a string']);
    expect(problemsOf(sms('{{#if}}'))[0]).toMatch(/^\$.body: "body" is not a valid template/);
  });

  it('refuses paths through inherited members such as toString and hasOwnProperty', () => {
    expect(problemsOf(sms('{{record.toString}}'))).toEqual(['$.body: "body" may not use "toString"']);
    expect(problemsOf(sms('{{record.hasOwnProperty}}'))).toEqual(['$.body: "body" may not use "hasOwnProperty"']);
  });
});

// How an outbox row of each channel reaches the app's providers: the channel names the provider
// kind and the call. A new channel is one line here (and its kind in the provider-kind table).
import type { EmailMessage, EventMessage, SendResult, SmsMessage } from '../plugin-api.ts';
import type { AppProviders } from '../providers/app-providers.ts';
import type { Attempt } from '../providers/provider-chain.ts';
import type { OutboxChannel } from './outbox-row.ts';

type Send = (providers: AppProviders, message: object) => Promise<Attempt<SendResult>>;

export const OUTBOX_CHANNELS = {
  sms: (p, m) => p.sms.run((sms) => sms.send(m as SmsMessage)),
  email: (p, m) => p.email.run((email) => email.send(m as EmailMessage)),
  event: (p, m) => p.events.run((events) => events.publish(m as EventMessage)),
} satisfies Record<OutboxChannel, Send>;

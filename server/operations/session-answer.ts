import { ref } from './schemas/schema-ref.ts';
import { envelope } from './schemas/envelope.ts';

/** Tokens in the body (mobile), or in httpOnly cookies with only the user in the body (X-Client-Type: web). */
export const sessionAnswer = () => ({ status: 200, schema: envelope({ oneOf: [ref('SessionTokens'), ref('CookieSession')] }) });

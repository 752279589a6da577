/** Who is asking: taken from a verified access token, never from the request body. */
export interface Actor {
  id: string;
  app: string;
  role: string;
  email?: string;
  phone?: string;
  /** Scope values from the user's profile, e.g. { storeId: 'S001', storeIds: ['P001', 'S001'] }. */
  attributes?: Readonly<Record<string, string | readonly string[]>>;
  /** A public caller's record session: the one record its token opens (auth/record-session.ts). */
  session?: { entity: string; record: string; epoch?: number };
}

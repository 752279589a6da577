/** Who is asking: taken from a verified access token, never from the request body. */
export interface Actor {
  id: string;
  app: string;
  role: string;
  email?: string;
  phone?: string;
}

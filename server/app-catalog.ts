// GET /v1/apps: the apps this server serves and how their users sign in — what a client (the Studio)
// needs before anyone has signed in. Public: names and sign-in methods only, nothing about data.
import type { Request, Response } from 'express';
import type { Engine } from '../engine/index.ts';

export function appCatalog(engine: Engine) {
  return (_req: Request, res: Response) => {
    const registry = engine.registry();
    const apps = [...registry.apps.values()]
      .map((app) => ({
        id: app.id,
        name: app.name,
        basePath: app.basePath,
        release: registry.releases?.get(app.id) ?? null,
        signIn: { password: app.passwordLogin, otp: Boolean(app.definition.auth?.otp) },
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    res.json({ success: true, data: apps });
  };
}

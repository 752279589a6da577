import { Router, type Request, type Response } from 'express';
import type { Engine, Operation } from '../../engine/index.ts';
import { OPERATIONS, send, type OperationCall } from './operations.ts';
import { authenticate } from '../middleware/authenticate.ts';

/** The REST engine every app gets: /v1/apps/{app}/... (DESIGN.md, API surface). */
export function genericRoutes(engine: Engine): Router {
  const router = Router();
  const route = (operation: Operation) => async (req: Request, res: Response) => {
    const p = req.params as Record<string, string | undefined>;
    const call: OperationCall = { app: p.app!, entity: p.entity, id: p.id, event: p.event, params: p };
    send(res, await OPERATIONS[operation](engine, req, call, res));
  };
  router.post('/v1/apps/:app/auth/login', route('auth.login'));
  router.post('/v1/apps/:app/auth/otp/request', route('auth.otpRequest'));
  router.post('/v1/apps/:app/auth/otp/verify', route('auth.otpVerify'));
  router.post('/v1/apps/:app/auth/refresh', route('auth.refresh'));
  router.post('/v1/apps/:app/auth/logout', route('auth.logout'));
  router.post('/v1/apps/:app/records/:entity', route('records.create'));
  router.get('/v1/apps/:app/records/:entity', route('records.list'));
  router.get('/v1/apps/:app/records/:entity/:id', route('records.get'));
  router.patch('/v1/apps/:app/records/:entity/:id', route('records.patch'));
  router.delete('/v1/apps/:app/records/:entity/:id', route('records.delete'));
  router.get('/v1/apps/:app/records/:entity/:id/timeline', route('records.timeline'));
  router.post('/v1/apps/:app/records/:entity/:id/events/:event', route('records.event'));
  // Record OTPs (a customer verifying at a promotion): the policy says which records and roles.
  router.post('/v1/apps/:app/records/:entity/:id/otp/:policy/request', route('otp.request'));
  router.post('/v1/apps/:app/records/:entity/:id/otp/:policy/verify', route('otp.verify'));
  router.post('/v1/apps/:app/rules/:ruleset/evaluate', route('rules.evaluate'));
  router.get('/v1/apps/:app/imports/:import/upload-url', route('imports.uploadUrl'));
  router.post('/v1/apps/:app/imports/:import/register', route('imports.register'));
  router.get('/v1/apps/:app/import-jobs/:id', route('imports.status'));
  router.get('/v1/apps/:app/import-jobs/:id/errors', route('imports.errors'));

  // Operations: the dead letter of the outbox (roles with operations.outbox).
  router.get('/v1/apps/:app/outbox', async (req, res) => {
    const actor = await authenticate(engine, req, String(req.params.app));
    res.json({ success: true, data: await engine.outboxAdmin.list(String(req.params.app), actor, req.query as Record<string, unknown>) });
  });
  router.post('/v1/apps/:app/outbox/:id/retry', async (req, res) => {
    const actor = await authenticate(engine, req, String(req.params.app));
    res.json({ success: true, message: 'Queued for another attempt', data: await engine.outboxAdmin.retry(String(req.params.app), actor, String(req.params.id)) });
  });
  return router;
}

// The Studio (studio/, built into studio/dist) at /studio: static files, every other /studio path
// answered with its index.html. The page may load only what this server serves — a strict CSP says
// so to the browser — and the API it calls is the public one every client uses.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { PROJECT_ROOT } from '../engine/support/project-root.ts';

export const STUDIO_DIST = path.join(PROJECT_ROOT, 'studio', 'dist');

/** Only this origin: scripts, styles (the diagram sets inline styles), images, API calls. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export function studioRoutes(dist = STUDIO_DIST): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/studio/'));
  router.use('/studio', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  // Hashed assets never change: cached for a year; index.html always asked again.
  router.use('/studio/assets', express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  router.get(['/studio', '/studio/*rest'], (_req, res) => {
    const index = path.join(dist, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('Rulepath Studio is not built: run npm run studio:build (npm install builds it).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target2, all) => {
  for (var name in all)
    __defProp(target2, name, { get: all[name], enumerable: true });
};

// engine/support/project-root.ts
import { existsSync } from "node:fs";
import path from "node:path";
function findRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}
var PROJECT_ROOT;
var init_project_root = __esm({
  "engine/support/project-root.ts"() {
    "use strict";
    PROJECT_ROOT = findRoot(import.meta.dirname);
  }
});

// engine/errors/error-catalog.ts
var ERROR_CATALOG;
var init_error_catalog = __esm({
  "engine/errors/error-catalog.ts"() {
    "use strict";
    ERROR_CATALOG = {
      BAD_REQUEST: { status: 400, message: "The request is malformed" },
      VALIDATION_FAILED: { status: 400, message: "The request body is not valid" },
      UNAUTHENTICATED: { status: 401, message: "Authentication required" },
      INVALID_CREDENTIALS: { status: 401, message: "Invalid email or password" },
      OTP_INVALID: { status: 401, message: "The code is not correct" },
      OTP_EXPIRED: { status: 401, message: "The code has expired; ask for a new one" },
      OTP_USED: { status: 401, message: "The code has already been used" },
      FORBIDDEN: { status: 403, message: "You are not allowed to do this" },
      NOT_FOUND: { status: 404, message: "Not found" },
      APP_NOT_FOUND: { status: 404, message: "Unknown app" },
      ENTITY_NOT_FOUND: { status: 404, message: "Unknown entity" },
      EVENT_NOT_FOUND: { status: 404, message: "Unknown event" },
      RECORD_NOT_FOUND: { status: 404, message: "Record not found" },
      ROUTE_NOT_FOUND: { status: 404, message: "No such route" },
      METHOD_NOT_ALLOWED: { status: 405, message: "This path does not take this method" },
      DUPLICATE: { status: 409, message: "A record with this value already exists" },
      DUPLICATE_REQUEST: { status: 409, message: "This request was already processed" },
      LIMIT_REACHED: { status: 409, message: "No more records may be in this state at once" },
      CONFLICT: { status: 409, message: "The record was changed by someone else; try again" },
      STAGE_NOT_REACHED: { status: 409, message: "The journey has not reached this step yet" },
      DUPLICATE_IN_WINDOW: { status: 400, message: "Already registered recently" },
      VERSION_MISMATCH: { status: 412, message: "The record has changed since you read it" },
      PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large" },
      UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Send the body as application/json" },
      INVALID_TRANSITION: { status: 422, message: "Invalid status transition" },
      FIELD_LOCKED: { status: 422, message: "This field can no longer be changed" },
      IDEMPOTENCY_MISMATCH: { status: 422, message: "This request id was already used with a different body" },
      LOCKED: { status: 423, message: "Locked after too many wrong codes; try again later" },
      RATE_LIMITED: { status: 429, message: "Too many requests; try again later" },
      RULE_INVALID: { status: 422, message: "The rule is not valid" },
      PROMOTION_NOT_APPLICABLE: { status: 422, message: "The promotion does not apply to this cart" },
      REMARKS_REQUIRED: { status: 422, message: "Remarks are required for an override" },
      INTERNAL: { status: 500, message: "Internal error" },
      UNAVAILABLE: { status: 503, message: "A service the server depends on is unavailable" },
      DOCUMENT_RENDER_FAILED: { status: 503, message: "The document could not be rendered or stored; nothing was saved, try again" }
    };
  }
});

// engine/errors/app-error.ts
function isAppError(err) {
  return err instanceof AppError;
}
var AppError;
var init_app_error = __esm({
  "engine/errors/app-error.ts"() {
    "use strict";
    init_error_catalog();
    AppError = class extends Error {
      code;
      status;
      details;
      /** Extra body fields a route may return with the error (e.g. the existing record on a 409). */
      data;
      /** A code an app definition chose for this case (e.g. BE_REG_DUPLICATE); clients see it instead of `code`. */
      publicCode;
      constructor(code, message, options = {}) {
        super(message ?? ERROR_CATALOG[code].message, { cause: options.cause });
        this.name = "AppError";
        this.code = code;
        this.status = ERROR_CATALOG[code].status;
        this.details = options.details;
        this.data = options.data;
        this.publicCode = options.publicCode;
      }
    };
  }
});

// engine/auth/access-tokens.ts
import { jwtVerify, SignJWT, errors as joseErrors } from "jose";
function readAttributes(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return void 0;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[k] = v;
  }
  return Object.freeze(out);
}
function createAccessTokens(secret2, clock, revoked) {
  const nowSeconds = () => Math.floor(clock().getTime() / 1e3);
  const verified = /* @__PURE__ */ new Map();
  const unlessRevoked = async (actor, session) => {
    if (await revoked(session)) throw new AppError("UNAUTHENTICATED", "The session has ended; sign in again");
    return actor;
  };
  return {
    async issue(actor, minutes3, session) {
      const now = nowSeconds();
      const accessToken = await new SignJWT({ app: actor.app, role: actor.role, email: actor.email, phone: actor.phone, attrs: actor.attributes, sid: session }).setProtectedHeader({ alg: ALGORITHM, typ: "JWT" }).setSubject(actor.id).setIssuer(TOKEN_ISSUER).setAudience(actor.app).setIssuedAt(now).setExpirationTime(now + minutes3 * 60).sign(secret2);
      return { accessToken, expiresIn: minutes3 * 60 };
    },
    async issueFor(app, purpose, subject, claims, seconds) {
      const now = nowSeconds();
      const token = await new SignJWT({ ...claims, purpose }).setProtectedHeader({ alg: ALGORITHM, typ: "JWT" }).setSubject(subject).setIssuer(TOKEN_ISSUER).setAudience(`${app}:${purpose}`).setIssuedAt(now).setExpirationTime(now + seconds).sign(secret2);
      return { token, expiresAt: new Date((now + seconds) * 1e3) };
    },
    async verifyFor(token, app, purpose, messages) {
      try {
        const { payload } = await jwtVerify(token, secret2, { algorithms: [ALGORITHM], issuer: TOKEN_ISSUER, audience: `${app}:${purpose}`, currentDate: clock(), requiredClaims: ["sub", "exp"] });
        if (payload.purpose !== purpose) throw new Error(`not a ${purpose} token`);
        return payload;
      } catch (err) {
        throw new AppError("UNAUTHENTICATED", err instanceof joseErrors.JWTExpired ? messages.expired : messages.invalid, { cause: err });
      }
    },
    async issueProof(app, subject, claims, minutes3) {
      const { token } = await this.issueFor(app, "proof", subject, claims, minutes3 * 60);
      return { token, expiresIn: minutes3 * 60 };
    },
    verifyProof(token, app) {
      return this.verifyFor(token, app, "proof", { expired: "The verification has expired; verify again", invalid: "The verification token is not valid" });
    },
    async verify(token, app) {
      const hit = verified.get(token);
      if (hit && hit.app === app && nowSeconds() < hit.exp) return unlessRevoked(hit.actor, hit.session);
      let actor;
      let session;
      try {
        const { payload } = await jwtVerify(token, secret2, {
          algorithms: [ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: app,
          currentDate: clock(),
          requiredClaims: ["sub", "exp", "iat"]
        });
        if (payload.app !== app || typeof payload.role !== "string" || typeof payload.sub !== "string") {
          throw new AppError("UNAUTHENTICATED", "The token is not valid for this app");
        }
        actor = Object.freeze({
          id: payload.sub,
          app,
          role: payload.role,
          email: typeof payload.email === "string" ? payload.email : void 0,
          phone: typeof payload.phone === "string" ? payload.phone : void 0,
          attributes: readAttributes(payload.attrs)
        });
        session = { sid: typeof payload.sid === "string" ? payload.sid : void 0, sub: payload.sub, iat: payload.iat };
        if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value);
        verified.set(token, { app, actor, exp: payload.exp, session });
      } catch (err) {
        if (err instanceof AppError) throw err;
        const message = err instanceof joseErrors.JWTExpired ? "The token has expired" : "The token is not valid";
        throw new AppError("UNAUTHENTICATED", message, { cause: err });
      }
      return unlessRevoked(actor, session);
    }
  };
}
var TOKEN_ISSUER, ALGORITHM, CACHE_LIMIT;
var init_access_tokens = __esm({
  "engine/auth/access-tokens.ts"() {
    "use strict";
    init_app_error();
    TOKEN_ISSUER = "rulepath";
    ALGORITHM = "HS256";
    CACHE_LIMIT = 1e4;
  }
});

// engine/auth/session-denylist.ts
function createSessionDenylist(db, clock, logger) {
  const sessions = /* @__PURE__ */ new Map();
  const users = /* @__PURE__ */ new Map();
  let horizon = "0";
  let readAt = 0;
  let stale = true;
  let prunedAt = 0;
  let reading;
  const due = (now) => stale || now < readAt || now - readAt >= REREAD_MS;
  async function read() {
    const now = clock().getTime();
    stale = false;
    readAt = now;
    try {
      const { rows } = await db.sql.query(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon, r.id, r.kind, r.revoked_at, r.expires_at
           FROM (SELECT 1) AS one
           LEFT JOIN revoked_sessions r ON r.txid >= $1::bigint AND r.expires_at > $2`,
        [horizon, new Date(now)]
      );
      for (const row of rows) {
        if (row.id === null) continue;
        const expires = row.expires_at.getTime();
        if (row.kind === "session") sessions.set(row.id, expires);
        else if (row.kind === "user") {
          const revokedAt = row.revoked_at.getTime();
          const known = users.get(row.id);
          if (!known || known.revokedAt < revokedAt) users.set(row.id, { revokedAt, expires });
        }
      }
      horizon = rows[0].horizon;
      if (now - prunedAt >= PRUNE_MS) prune(now);
    } catch (err) {
      stale = true;
      logger.error({ err }, "could not read the revoked sessions");
      throw new AppError("UNAVAILABLE", "Cannot check the session now; try again", { cause: err });
    }
  }
  function prune(now) {
    prunedAt = now;
    for (const [id, expires] of sessions) if (expires <= now) sessions.delete(id);
    for (const [id, user2] of users) if (user2.expires <= now) users.delete(id);
  }
  return {
    async isRevoked(token) {
      while (due(clock().getTime())) {
        await (reading ??= read().finally(() => {
          reading = void 0;
        }));
      }
      if (token.sid !== void 0 && sessions.has(token.sid)) return true;
      const user2 = users.get(token.sub);
      return user2 !== void 0 && token.iat <= Math.floor(user2.revokedAt / 1e3);
    },
    reread() {
      stale = true;
    },
    async purge() {
      const { rowCount } = await db.sql.query("DELETE FROM revoked_sessions WHERE expires_at <= $1", [clock()]);
      return rowCount ?? 0;
    }
  };
}
var REREAD_MS, PRUNE_MS;
var init_session_denylist = __esm({
  "engine/auth/session-denylist.ts"() {
    "use strict";
    init_app_error();
    REREAD_MS = 2e3;
    PRUNE_MS = 6e4;
  }
});

// engine/auth/passwords.ts
import bcrypt from "bcryptjs";
function hashPassword(password) {
  return bcrypt.hash(password, COST);
}
function verifyPassword(password, hash) {
  return bcrypt.compare(password, hash ?? noSuchUserHash()).then((ok2) => ok2 && Boolean(hash));
}
var COST, dummyHash, noSuchUserHash;
var init_passwords = __esm({
  "engine/auth/passwords.ts"() {
    "use strict";
    COST = 10;
    noSuchUserHash = () => dummyHash ??= bcrypt.hashSync("rulepath-no-such-user", COST);
  }
});

// engine/auth/demo-users.ts
async function seedDemoUsers(db, app) {
  const demo = app.definition.demoUsers ?? [];
  if (!demo.length || await db.user.count({ where: { app: app.id } }) > 0) return 0;
  for (const u of demo) {
    await db.user.create({
      data: {
        app: app.id,
        email: u.email?.toLowerCase(),
        phone: u.phone,
        role: u.role,
        displayName: u.displayName,
        attributes: u.attributes ?? {},
        passwordHash: u.password ? await hashPassword(u.password) : null
      }
    });
  }
  return demo.length;
}
var init_demo_users = __esm({
  "engine/auth/demo-users.ts"() {
    "use strict";
    init_passwords();
  }
});

// engine/records/demo-values.ts
var DEMO_REF, DEMO_USER, DEMO_TODAY;
var init_demo_values = __esm({
  "engine/records/demo-values.ts"() {
    "use strict";
    DEMO_REF = /^\{\{\s*ref\.([a-z][a-z0-9_-]*)\s*\}\}$/;
    DEMO_USER = /^\{\{\s*user\.([^\s{}]+)\s*\}\}$/;
    DEMO_TODAY = /^\{\{\s*today\s*(?:([+-])\s*(\d{1,4}))?\s*\}\}$/;
  }
});

// engine/records/seed-demo-data.ts
import { Readable } from "node:stream";
function resolve(value, now, refs, userId) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, now, refs, userId));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, now, refs, userId)]));
  if (typeof value !== "string") return value;
  const today = DEMO_TODAY.exec(value);
  if (today) return new Date(now.getTime() + (today[2] ? Number(today[2]) * (today[1] === "-" ? -1 : 1) : 0) * 864e5).toISOString().slice(0, 10);
  const ref2 = DEMO_REF.exec(value)?.[1];
  if (ref2 !== void 0) return refs.get(ref2);
  const email = DEMO_USER.exec(value)?.[1];
  return email !== void 0 ? userId(email) : value;
}
async function seedDemoData(db, app, services, now) {
  const records = app.demoData.flatMap((d) => d.records);
  if (!records.length) return 0;
  const refs = /* @__PURE__ */ new Map();
  const entityOf = (r) => r.update !== void 0 ? refs.get(r.update).entity : r.entity;
  const entities = [...new Set(records.filter((r) => r.entity).map((r) => r.entity))];
  if (await db.record.count({ where: { app: app.id, entity: { in: entities } } }) > 0) return 0;
  const users = await db.user.findMany({ where: { app: app.id, active: true }, orderBy: { createdAt: "asc" } });
  const actorOf2 = (u) => ({ id: u.id, app: app.id, role: u.role, email: u.email ?? void 0, phone: u.phone ?? void 0, attributes: u.attributes });
  const named = (email) => {
    const u = users.find((x) => x.email === email);
    if (!u) throw new AppError("FORBIDDEN", `No demo user ${email}`);
    return actorOf2(u);
  };
  const actorFor2 = (entity, email) => {
    if (email) return named(email);
    const u = users.find((x) => app.roles[x.role]?.permissions?.[entity]?.create);
    if (!u) throw new AppError("FORBIDDEN", `No demo user may create ${entity} records`);
    return actorOf2(u);
  };
  const resolvedValue = (value) => resolve(value, now, new Map([...refs].map(([k, v]) => [k, v.id])), (email) => named(email).id);
  for (const r of records) {
    if (r.find) {
      const value = resolvedValue(r.find.value);
      const found = await db.record.findFirst({ where: { app: app.id, entity: r.find.entity, deletedAt: null, data: { path: [r.find.field], equals: value } }, select: { id: true } });
      if (!found) throw new AppError("NOT_FOUND", `Demo data: no ${r.find.entity} with ${r.find.field} = ${JSON.stringify(value)}`);
      refs.set(r.ref, { entity: r.find.entity, id: found.id });
      continue;
    }
    const entity = entityOf(r);
    const actor = actorFor2(entity, r.as);
    const target2 = { app: app.id, entity };
    const data = resolvedValue(r.data ?? {});
    let id;
    if (r.update !== void 0) {
      id = refs.get(r.update).id;
      if (Object.keys(data).length) await services.records.patch(target2, actor, id, data);
    } else {
      id = (await services.records.create(target2, actor, data)).data.id;
      if (r.ref !== void 0) refs.set(r.ref, { entity, id });
    }
    for (const raw3 of r.events ?? []) {
      const ev = typeof raw3 === "string" ? { event: raw3 } : raw3;
      const input = ev.input ? resolvedValue(ev.input) : void 0;
      await services.transitions.fire(target2, ev.as ? named(ev.as) : actor, id, ev.event, input ? { input } : {});
    }
    for (const file of r.files ?? []) {
      const content = await services.demoFile(file.fileName, `${entity} ${id}`, now);
      const uploaded = await services.files.upload(target2, actor, id, file.slot, { fileName: file.fileName, content: Readable.from([content]), label: file.label });
      if (file.review) await services.files.review(target2, named(file.review.as), id, file.slot, uploaded.id, { status: file.review.status, ...file.review.note ? { note: file.review.note } : {} });
    }
  }
  return records.filter((r) => r.entity !== void 0).length;
}
var init_seed_demo_data = __esm({
  "engine/records/seed-demo-data.ts"() {
    "use strict";
    init_app_error();
    init_demo_values();
  }
});

// engine/support/ajv-problems.ts
function pointerToPath(pointer) {
  if (!pointer) return "$";
  return "$" + pointer.split("/").slice(1).map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~")).map((seg) => /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$-]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`).join("");
}
function ajvProblems(errors) {
  if (!errors) return [];
  const out = /* @__PURE__ */ new Map();
  const hasDeeper = (p) => errors.some((e) => e.instancePath.startsWith(p + "/") && e.keyword !== "oneOf");
  for (const err of errors) {
    if ((err.keyword === "oneOf" || err.keyword === "if") && hasDeeper(err.instancePath)) continue;
    if (err.keyword === "if" && errors.some((e) => e !== err && e.keyword !== "if" && e.instancePath === err.instancePath)) continue;
    let pointer = err.instancePath;
    let message;
    const p = err.params;
    switch (err.keyword) {
      case "additionalProperties":
        pointer = `${pointer}/${String(p.additionalProperty)}`;
        message = `Unknown property "${String(p.additionalProperty)}" is not allowed`;
        break;
      case "required":
        pointer = `${pointer}/${String(p.missingProperty)}`;
        message = `"${String(p.missingProperty)}" is required`;
        break;
      case "enum":
        message = `Must be one of: ${p.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
        break;
      case "const":
        message = `Must be ${JSON.stringify(p.allowedValue)}`;
        break;
      case "type":
        message = `Must be of type ${String(p.type)}`;
        break;
      case "format":
        message = `Must be a valid ${String(p.format)}`;
        break;
      case "propertyNames":
        message = `Property name "${String(p.propertyName)}" is not allowed`;
        break;
      case "oneOf":
        message = "Does not match any allowed form";
        break;
      default:
        message = (err.message ?? "Is not valid").replace(/^must/, "Must");
    }
    const path17 = pointerToPath(pointer);
    if (!out.has(path17 + message)) out.set(path17 + message, { path: path17, message });
  }
  return [...out.values()].filter((d, _i, all) => !(d.message.startsWith("Must match pattern") && all.some((o) => o.path === d.path && o.message.startsWith("Property name"))));
}
var init_ajv_problems = __esm({
  "engine/support/ajv-problems.ts"() {
    "use strict";
  }
});

// engine/support/field-formats.ts
import addFormats from "ajv-formats";
function addFieldFormats(ajv4) {
  addFormats(ajv4, ["email", "date", "date-time", "uuid", "uri"]);
  ajv4.addFormat("phone", /^[0-9]{10}$/);
  ajv4.addFormat("pincode", /^[1-9][0-9]{5}$/);
  ajv4.addFormat("mobile-in", /^[6-9][0-9]{9}$/);
  ajv4.addFormat("alphanumeric", /^[A-Za-z0-9]+$/);
  ajv4.addFormat("code", /^[A-Za-z][A-Za-z0-9_]{0,39}$/);
  ajv4.addFormat("pan", /^[A-Z]{5}[0-9]{4}[A-Z]$/);
  return ajv4;
}
var init_field_formats = __esm({
  "engine/support/field-formats.ts"() {
    "use strict";
  }
});

// engine/support/validate-body.ts
import { Ajv } from "ajv";
function bodyValidator(schema2) {
  let validate;
  return (body) => {
    validate ??= ajv.compile(schema2);
    assertValid(validate, body);
    return body;
  };
}
function assertValid(validate, value, prefix2 = "") {
  if (validate(value)) return;
  const details = ajvProblems(validate.errors).map((d) => ({ path: prefix2 ? d.path.replace(/^\$/, prefix2) : d.path, message: d.message }));
  throw new AppError("VALIDATION_FAILED", void 0, { details });
}
function compileSchema(schema2) {
  return ajv.compile(schema2);
}
var ajv;
var init_validate_body = __esm({
  "engine/support/validate-body.ts"() {
    "use strict";
    init_app_error();
    init_ajv_problems();
    init_field_formats();
    ajv = addFieldFormats(new Ajv({ allErrors: true, strict: true }));
  }
});

// engine/auth/login-service.ts
import { randomUUID } from "node:crypto";
function actorOf(app, user2) {
  return { id: user2.id, app, role: user2.role, email: user2.email ?? void 0, phone: user2.phone ?? void 0, attributes: user2.attributes ?? {} };
}
async function login(db, tokens, app, body) {
  if (!app.passwordLogin) throw new AppError("NOT_FOUND", "Password login is not enabled for this app");
  const { email, password } = validateLogin(body);
  const user2 = await db.user.findUnique({ where: { app_email: { app: app.id, email: email.toLowerCase() } } });
  const ok2 = await verifyPassword(password, user2?.passwordHash);
  if (!user2 || !ok2 || !user2.active || !(user2.role in app.roles)) throw new AppError("INVALID_CREDENTIALS");
  const { accessToken, expiresIn } = await tokens.issue(actorOf(app.id, user2), app.accessTokenMinutes, randomUUID());
  return { accessToken, tokenType: "Bearer", expiresIn, user: { id: user2.id, email: user2.email, role: user2.role, displayName: user2.displayName } };
}
var LOGIN_BODY_SCHEMA, validateLogin;
var init_login_service = __esm({
  "engine/auth/login-service.ts"() {
    "use strict";
    init_app_error();
    init_validate_body();
    init_passwords();
    LOGIN_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["email", "password"],
      properties: {
        email: { type: "string", format: "email", maxLength: 254 },
        password: { type: "string", minLength: 1, maxLength: 200 }
      }
    };
    validateLogin = bodyValidator(LOGIN_BODY_SCHEMA);
  }
});

// engine/support/load-secret.ts
import { randomBytes } from "node:crypto";
import { existsSync as existsSync2, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path3 from "node:path";
function loadSecret(options) {
  const fromEnv = options.env;
  if (fromEnv !== void 0 && fromEnv !== "") {
    if (Buffer.byteLength(fromEnv) < 32) throw new Error(`${options.envName} must be at least 32 bytes`);
    return new TextEncoder().encode(fromEnv);
  }
  if (options.production) throw new Error(`${options.envName} is required in production`);
  const file = path3.join(options.dataDir, options.name);
  if (!existsSync2(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 384, flag: "wx" });
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
  }
  return new TextEncoder().encode(readFileSync(file, "utf8").trim());
}
var init_load_secret = __esm({
  "engine/support/load-secret.ts"() {
    "use strict";
  }
});

// engine/auth/system-role.ts
var SYSTEM_ROLE;
var init_system_role = __esm({
  "engine/auth/system-role.ts"() {
    "use strict";
    SYSTEM_ROLE = "system";
  }
});

// engine/workflow/normalize-transitions.ts
function normalizeTransitions(wf) {
  const out = [];
  (wf.transitions ?? []).forEach((t, i) => {
    const froms = Array.isArray(t.from) ? t.from : [t.from];
    for (const from of froms) {
      out.push({ event: t.event, from, to: t.to, roles: [...t.roles], when: t.when, effects: t.effects ?? [], requiresStage: t.requiresStage, limit: t.limit, otp: t.otp, source: `$.transitions[${i}]` });
    }
  });
  for (const [from, row] of Object.entries(wf.matrix ?? {})) {
    for (const [to, cell] of Object.entries(row)) {
      const source = `$.matrix.${from}.${to}`;
      if (Array.isArray(cell)) out.push({ event: to, from, to, roles: [...cell], effects: [], source });
      else out.push({ event: cell.event ?? to, from, to, roles: [...cell.roles], when: cell.when, effects: cell.effects ?? [], source });
    }
  }
  return out;
}
var init_normalize_transitions = __esm({
  "engine/workflow/normalize-transitions.ts"() {
    "use strict";
  }
});

// engine/registry/operation-needs.ts
var RECORD, OPERATION_NEEDS, OPERATIONS;
var init_operation_needs = __esm({
  "engine/registry/operation-needs.ts"() {
    "use strict";
    RECORD = { entity: true, optional: ["public"] };
    OPERATION_NEEDS = {
      "auth.login": {},
      "auth.otpRequest": {},
      "auth.otpVerify": {},
      "auth.refresh": {},
      "auth.logout": {},
      "records.create": { ...RECORD, optional: ["public", "response"] },
      "records.list": RECORD,
      "records.get": { ...RECORD, id: true },
      // A seed PATCH may name the new state under its own field (PATCH /transactions/{id} { status }).
      "records.patch": { ...RECORD, id: true, optional: ["public", "targetField"] },
      "records.delete": { ...RECORD, id: true },
      "records.timeline": { ...RECORD, id: true },
      // The document field: {field} in the alias path, or fixed by `targetField` (GET /quotations/{id}/pdf).
      "records.document": { ...RECORD, id: true, optional: ["public", "targetField"] },
      "records.event": { ...RECORD, workflow: true, id: true, event: true, optional: ["public", "idFrom", "response"] },
      "records.moveTo": { ...RECORD, workflow: true, id: true, targetField: true },
      "otp.request": { ...RECORD, id: true, policy: true },
      "otp.verify": { ...RECORD, id: true, policy: true },
      "rules.evaluate": { ruleset: true },
      "rules.backtest": { ruleset: true },
      "rules.lint": { ruleset: true },
      "rules.groups": { ruleset: true },
      "imports.uploadUrl": { pathParam: ["entity", "import"] },
      "imports.register": { pathParam: ["entity", "import"] },
      "imports.status": { pathParam: ["id"] },
      "imports.errors": { pathParam: ["id"] },
      "outbox.list": {},
      "outbox.retry": { pathParam: ["id"] },
      "records.sync": {},
      "users.list": {},
      "users.create": {},
      "users.get": { pathParam: ["id"] },
      "users.update": { pathParam: ["id"] },
      "users.deactivate": { pathParam: ["id"] },
      "registrations.otp": {},
      "registrations.create": {},
      "registrations.list": {},
      "registrations.approve": { pathParam: ["id"] },
      "registrations.reject": { pathParam: ["id"] },
      "changes.open": {},
      "changes.list": {},
      "changes.get": { pathParam: ["id"] },
      "changes.put": { pathParam: ["id"] },
      "changes.remove": { pathParam: ["id"] },
      "changes.approve": { pathParam: ["id"] },
      "changes.requestChanges": { pathParam: ["id"] },
      "changes.publish": { pathParam: ["id"] },
      "changes.discard": { pathParam: ["id"] },
      "changes.simulate": { pathParam: ["id"] },
      "changes.tests": { pathParam: ["id"] },
      "releases.list": {},
      "releases.get": { pathParam: ["number"] },
      "releases.diff": { pathParam: ["number"] },
      "releases.rollback": { pathParam: ["number"] },
      "releases.migrate": { pathParam: ["number"] },
      "apps.simulate": {},
      "apps.tests": {},
      "files.uploadUrl": { ...RECORD, id: true, slot: true },
      "files.complete": { ...RECORD, id: true, slot: true },
      "files.upload": { ...RECORD, id: true, slot: true },
      "files.list": { ...RECORD, id: true, optional: ["public", "slot"] },
      "files.get": { ...RECORD, id: true, slot: true, pathParam: ["fileId"] },
      "files.review": { ...RECORD, id: true, slot: true, pathParam: ["fileId"] },
      "files.remove": { ...RECORD, id: true, slot: true, pathParam: ["fileId"] }
    };
    OPERATIONS = Object.keys(OPERATION_NEEDS);
  }
});

// engine/registry/check-app.ts
function fitsType(type, value) {
  if (type === "integer") return Number.isInteger(value);
  return type === typeof value;
}
function checkApp(defs) {
  const problems = [];
  const { app } = defs;
  const roles = new Set(Object.keys(app.definition.roles));
  const entities = defs.named("entity");
  const workflows = defs.named("workflow");
  const otpPolicies = defs.named("otp");
  const rulesets = defs.named("rules");
  const add = (file, path17, message) => problems.push({ file, path: path17, message });
  if (roles.has(SYSTEM_ROLE)) add(app.file, `$.roles.${SYSTEM_ROLE}`, `"${SYSTEM_ROLE}" is the scheduler's own role; give the role another name`);
  for (const [role, def] of Object.entries(app.definition.roles)) {
    for (const [entityName, perm] of Object.entries(def.permissions ?? {})) {
      const path17 = `$.roles.${role}.permissions.${entityName}`;
      const entity = entities.get(entityName);
      if (!entity) {
        if (!defs.malformed.has(`entity:${entityName}`)) add(app.file, path17, `Entity "${entityName}" is not defined in this app`);
        continue;
      }
      if (perm.scope && !(perm.scope.field in entity.definition.fields)) {
        add(app.file, `${path17}.scope.field`, `Entity "${entityName}" has no field "${perm.scope.field}"`);
      }
      const via = perm.scope?.orVia;
      if (via) {
        const viaEntity = entities.get(via.entity);
        if (!viaEntity) defs.malformed.has(`entity:${via.entity}`) || add(app.file, `${path17}.scope.orVia.entity`, `Entity "${via.entity}" is not defined in this app`);
        else {
          if (!(via.field in viaEntity.definition.fields)) add(app.file, `${path17}.scope.orVia.field`, `Entity "${via.entity}" has no field "${via.field}"`);
          const key2 = via.key ?? perm.scope.field;
          if (!(key2 in viaEntity.definition.fields)) add(app.file, `${path17}.scope.orVia${via.key ? ".key" : ""}`, `Entity "${via.entity}" has no field "${key2}" to take the derived values from${via.key ? "" : ' (name it in "key")'}`);
        }
      }
      if (Array.isArray(perm.update)) perm.update.forEach((f, i) => f in entity.definition.fields || add(app.file, `${path17}.update[${i}]`, `Entity "${entityName}" has no field "${f}"`));
      (perm.hide ?? []).forEach((f, i) => {
        if (!(f in entity.definition.fields)) add(app.file, `${path17}.hide[${i}]`, `Entity "${entityName}" has no field "${f}"`);
        else if (Array.isArray(perm.update) && perm.update.includes(f)) add(app.file, `${path17}.hide[${i}]`, `Role "${role}" may not both change "${f}" (update) and never see it (hide)`);
        else if (perm.create && (entity.definition.required ?? []).includes(f) && perm.scope?.field !== f && !(f in (perm.fixed ?? {}))) {
          add(app.file, `${path17}.hide[${i}]`, `Role "${role}" creates ${entityName} records but could never send the required field "${f}" it may not see`);
        }
      });
      for (const [f, value] of Object.entries(perm.fixed ?? {})) {
        const field = entity.definition.fields[f];
        if (!field) add(app.file, `${path17}.fixed.${f}`, `Entity "${entityName}" has no field "${f}"`);
        else if (field.enum && !field.enum.includes(value)) add(app.file, `${path17}.fixed.${f}`, `${JSON.stringify(value)} is not one of the values of "${f}" (${field.enum.map((v) => JSON.stringify(v)).join(", ")})`);
        else if (!fitsType(field.type, value)) add(app.file, `${path17}.fixed.${f}`, `${JSON.stringify(value)} is not a value of "${f}" (type ${field.type})`);
      }
      if (perm.transition && !entity.definition.workflow) {
        add(app.file, `${path17}.transition`, `Entity "${entityName}" has no workflow to transition`);
      }
    }
  }
  (app.definition.demoUsers ?? []).forEach((u, i) => roles.has(u.role) || add(app.file, `$.demoUsers[${i}].role`, `Role "${u.role}" is not declared by the app`));
  (app.definition.sync?.entities ?? []).forEach((e, i) => entities.has(e) || defs.malformed.has(`entity:${e}`) || add(app.file, `$.sync.entities[${i}]`, `Entity "${e}" is not defined in this app`));
  const seenRoutes = /* @__PURE__ */ new Set();
  (app.definition.routes ?? []).forEach((route, i) => {
    const path17 = `$.routes[${i}]`;
    const key2 = `${route.method} ${route.path.replace(/\{[^}]+\}/g, "{}")}`;
    if (seenRoutes.has(key2)) add(app.file, path17, `Route ${route.method} ${route.path} is declared twice`);
    seenRoutes.add(key2);
    const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const needs = OPERATION_NEEDS[route.operation];
    if (!needs) return add(app.file, `${path17}.operation`, `Unknown operation "${route.operation}"`);
    const optional = new Set(needs.optional ?? []);
    for (const option of ["idFrom", "response", "public"]) {
      if (route[option] !== void 0 && !optional.has(option)) add(app.file, `${path17}.${option}`, `Operation ${route.operation} does not use "${option}"`);
    }
    if (route.public && !Object.values(app.definition.roles).some((r) => r.public)) add(app.file, `${path17}.public`, "The app has no public role to serve this route to callers who have not signed in");
    if (route.targetField !== void 0 && !needs.targetField && !optional.has("targetField")) add(app.file, `${path17}.targetField`, `Operation ${route.operation} does not use "targetField"`);
    if (needs.ruleset && !route.ruleset) add(app.file, `${path17}.ruleset`, `${route.operation} needs a "ruleset"`);
    if (needs.pathParam && !needs.pathParam.some((p) => params.includes(p))) add(app.file, `${path17}.path`, `Operation ${route.operation} needs {${needs.pathParam.join("} or {")}} in its path`);
    if (!needs.entity) return;
    const entity = route.entity ? entities.get(route.entity) : void 0;
    if (!route.entity) return add(app.file, `${path17}.entity`, `Operation ${route.operation} needs an "entity"`);
    if (!entity) return defs.malformed.has(`entity:${route.entity}`) || add(app.file, `${path17}.entity`, `Entity "${route.entity}" is not defined in this app`);
    if (needs.id && !params.includes("id") && !route.idFrom) add(app.file, `${path17}.path`, `Operation ${route.operation} needs an {id} in its path`);
    if (needs.policy && !route.policy) add(app.file, `${path17}.policy`, `${route.operation} needs a "policy"`);
    if (needs.targetField && !route.targetField) add(app.file, `${path17}.targetField`, `${route.operation} needs a "targetField" naming the body field with the target state`);
    const slots = entity.definition.files ?? {};
    if (route.slot !== void 0 && !needs.slot && !optional.has("slot")) add(app.file, `${path17}.slot`, `Operation ${route.operation} does not use "slot"`);
    else if (route.slot !== void 0 && !Object.hasOwn(slots, route.slot)) add(app.file, `${path17}.slot`, `Entity "${route.entity}" has no file slot "${route.slot}"`);
    if (needs.slot && route.slot === void 0 && !params.includes("slot")) add(app.file, `${path17}.slot`, `${route.operation} needs a "slot" (or {slot} in its path)`);
    if (needs.workflow && !entity.definition.workflow) add(app.file, `${path17}.operation`, `Entity "${route.entity}" has no workflow`);
    if (needs.event) {
      const wf = entity.definition.workflow ? workflows.get(entity.definition.workflow) : void 0;
      if (!route.event) add(app.file, `${path17}.event`, `${route.operation} needs an "event"`);
      else if (wf && !normalizeTransitions(wf.definition).some((t) => t.event === route.event)) {
        add(app.file, `${path17}.event`, `Workflow "${wf.definition.name}" has no event "${route.event}"`);
      }
    }
  });
  (app.definition.routes ?? []).forEach((r, i) => {
    if (r.ruleset && !rulesets.has(r.ruleset)) add(app.file, `$.routes[${i}].ruleset`, `Ruleset "${r.ruleset}" is not defined in this app`);
  });
  const loginPolicy = app.definition.auth?.otp?.policy;
  if (loginPolicy && !otpPolicies.has(loginPolicy)) add(app.file, "$.auth.otp.policy", `OTP policy "${loginPolicy}" is not defined in this app`);
  (app.definition.routes ?? []).forEach((r, i) => {
    const policy = r.policy ? otpPolicies.get(r.policy)?.definition : void 0;
    if (r.policy && !policy) add(app.file, `$.routes[${i}].policy`, `OTP policy "${r.policy}" is not defined in this app`);
    else if (policy && !policy.record) add(app.file, `$.routes[${i}].policy`, `OTP policy "${r.policy}" has no "record": it is not a record OTP`);
    else if (policy && r.entity && policy.record.entity !== r.entity) add(app.file, `$.routes[${i}].entity`, `OTP policy "${r.policy}" is about "${policy.record.entity}", not "${r.entity}"`);
  });
  return problems;
}
var init_check_app = __esm({
  "engine/registry/check-app.ts"() {
    "use strict";
    init_system_role();
    init_normalize_transitions();
    init_operation_needs();
  }
});

// engine/providers/provider-kinds.ts
function isProviderKind(name) {
  return Object.hasOwn(PROVIDER_KINDS, name);
}
var PROVIDER_KINDS, providerKinds;
var init_provider_kinds = __esm({
  "engine/providers/provider-kinds.ts"() {
    "use strict";
    PROVIDER_KINDS = {
      sms: { chain: true, fallback: "console" },
      email: { chain: true, fallback: "console" },
      events: { chain: true, fallback: "console" },
      blob: { chain: false, fallback: "fs" }
    };
    providerKinds = Object.keys(PROVIDER_KINDS);
  }
});

// engine/providers/check-providers.ts
function checkProviders(file, app) {
  const problems = [];
  for (const [kind, refs] of Object.entries(app.providers ?? {})) {
    const path17 = `$.providers.${kind}`;
    if (!isProviderKind(kind)) problems.push({ file, path: path17, message: `"${kind}" is not a provider kind (${providerKinds.join(", ")})` });
    else if (PROVIDER_KINDS[kind].chain && !Array.isArray(refs)) problems.push({ file, path: path17, message: `${kind} providers are a list, tried in order` });
    else if (!PROVIDER_KINDS[kind].chain && Array.isArray(refs)) problems.push({ file, path: path17, message: `An app has one ${kind} provider` });
  }
  return problems;
}
var init_check_providers = __esm({
  "engine/providers/check-providers.ts"() {
    "use strict";
    init_provider_kinds();
  }
});

// engine/auth/privileged-role.ts
var isPrivilegedRole;
var init_privileged_role = __esm({
  "engine/auth/privileged-role.ts"() {
    "use strict";
    isPrivilegedRole = (r) => Boolean(r?.operations?.users || r?.definitions?.edit || r?.definitions?.publish || r?.definitions?.approve);
  }
});

// engine/support/storable-text.ts
function storableJson(value) {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value === null || typeof value !== "object") return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableJson(v)]));
}
var UNSTORABLE, UNSTORABLE_ALL, UNSTORABLE_TEXT_MESSAGE, isStorableText, storableText;
var init_storable_text = __esm({
  "engine/support/storable-text.ts"() {
    "use strict";
    UNSTORABLE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");
    UNSTORABLE_TEXT_MESSAGE = "Text may not contain NUL characters or unpaired surrogates";
    isStorableText = (s) => !UNSTORABLE.test(s);
    storableText = (s) => s.replace(UNSTORABLE_ALL, "\uFFFD");
  }
});

// engine/audit/audit-log.ts
async function appendAudit(tx, entry) {
  await tx.auditEntry.create({
    data: {
      app: storableText(entry.app),
      entity: text(entry.entity),
      recordId: entry.recordId,
      action: storableText(entry.action),
      outcome: entry.outcome ?? "accepted",
      actorId: text(entry.actor?.id),
      role: text(entry.actor?.role),
      before: json(entry.before),
      after: json(entry.after),
      detail: json(entry.detail),
      at: entry.at
    }
  });
}
var json, text;
var init_audit_log = __esm({
  "engine/audit/audit-log.ts"() {
    "use strict";
    init_storable_text();
    json = (v) => v === void 0 ? void 0 : storableJson(v);
    text = (v) => v === void 0 ? void 0 : storableText(v);
  }
});

// engine/notify/outbox-store.ts
import { randomUUID as randomUUID2 } from "node:crypto";
function outboxInsertData(rows, now) {
  return rows.map((r) => ({
    id: randomUUID2(),
    app: r.app,
    channel: r.channel,
    recordId: r.recordId,
    template: r.template,
    recipient: r.recipient,
    payload: r.payload,
    idempotencyKey: r.idempotencyKey,
    status: r.renderError ? "dead" : "pending",
    lastError: r.renderError,
    nextAttemptAt: now,
    createdAt: now
  }));
}
function outboxRecordset(rows, now) {
  return JSON.stringify(outboxInsertData(rows, now).map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), nextAttemptAt: r.nextAttemptAt.toISOString() })));
}
async function claimDue(db, now, limit, leaseMs) {
  const { rows } = await db.sql.query({
    name: "rulepath-outbox-claim",
    text: `UPDATE outbox_messages SET locked_until = $1::timestamptz + ($3 || ' milliseconds')::interval, attempts = attempts + 1
           WHERE id IN (
             SELECT id FROM outbox_messages
             WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, app, channel, payload, idempotency_key, attempts, max_attempts`,
    values: [now, limit, String(leaseMs)]
  });
  return rows.map((r) => ({ id: r.id, app: r.app, channel: r.channel, payload: r.payload, idempotencyKey: r.idempotency_key, attempts: r.attempts, maxAttempts: r.max_attempts }));
}
async function markSent(db, sent) {
  await db.sql.query({
    name: "rulepath-outbox-sent",
    text: `UPDATE outbox_messages SET status = 'sent', provider = $2, provider_message_id = $3, sent_at = $4, locked_until = NULL, last_error = NULL WHERE id = $1`,
    values: [sent.id, sent.provider, sent.providerMessageId, sent.sentAt]
  });
}
async function markRetry(db, id, nextAttemptAt, error) {
  await db.sql.query({
    name: "rulepath-outbox-retry",
    text: `UPDATE outbox_messages SET next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1`,
    values: [id, nextAttemptAt, error.slice(0, 2e3)]
  });
}
async function markDead(db, id, error) {
  await db.sql.query({
    name: "rulepath-outbox-dead",
    text: `UPDATE outbox_messages SET status = 'dead', locked_until = NULL, last_error = $2 WHERE id = $1`,
    values: [id, error.slice(0, 2e3)]
  });
}
var init_outbox_store = __esm({
  "engine/notify/outbox-store.ts"() {
    "use strict";
  }
});

// engine/registry/resolve-target.ts
function resolveApp(registry, appId) {
  const app = registry.apps.get(appId);
  if (!app) throw new AppError("APP_NOT_FOUND", `Unknown app "${appId}"`);
  return app;
}
function resolveEntity(app, name) {
  const entity = app.entities.get(name);
  if (!entity) throw new AppError("ENTITY_NOT_FOUND", `App "${app.id}" has no entity "${name}"`);
  return entity;
}
function parseIfMatch(header) {
  if (header === void 0 || header === "") return void 0;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw new AppError("BAD_REQUEST", 'If-Match must be the record version, e.g. If-Match: "3"', { details: [{ path: "$.headers.if-match", message: "Not a version number" }] });
  return Number(m[1]);
}
var init_resolve_target = __esm({
  "engine/registry/resolve-target.ts"() {
    "use strict";
    init_app_error();
  }
});

// engine/support/database-errors.ts
function isUniqueViolation(err) {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = e.code;
    if (code === "P2002" || code === "23505") return true;
    const original = e.meta?.driverAdapterError?.cause;
    if (original?.originalCode === "23505" || original?.kind === "UniqueConstraintViolation") return true;
    e = e.cause;
  }
  return false;
}
var init_database_errors = __esm({
  "engine/support/database-errors.ts"() {
    "use strict";
  }
});

// engine/support/uuid.ts
var UUID_RE;
var init_uuid = __esm({
  "engine/support/uuid.ts"() {
    "use strict";
    UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  }
});

// engine/auth/user-view.ts
var userView;
var init_user_view = __esm({
  "engine/auth/user-view.ts"() {
    "use strict";
    userView = (u) => ({
      id: u.id,
      email: u.email,
      phone: u.phone,
      role: u.role,
      displayName: u.displayName,
      attributes: u.attributes ?? {},
      active: u.active,
      /** pending (self-registered, awaiting approval) -> active | rejected; active <-> deactivated. */
      status: u.status,
      /** Why a registration was rejected. */
      statusReason: u.statusReason,
      hasPassword: u.passwordHash !== null,
      createdAt: u.createdAt.toISOString()
    });
  }
});

// engine/auth/user-registration.ts
import { randomUUID as randomUUID3 } from "node:crypto";
function fieldsValidator(reg) {
  let v = fieldValidators.get(reg);
  if (!v) {
    const properties = Object.fromEntries(Object.entries(reg.fields ?? {}).map(([name, f]) => [name, Object.fromEntries(Object.entries(f).filter(([k]) => !ANNOTATIONS.has(k)))]));
    fieldValidators.set(reg, v = compileSchema({ type: "object", additionalProperties: false, properties, required: reg.required ?? [] }));
  }
  return v;
}
function registrationOf(app) {
  const reg = app.definition.registration;
  if (!reg) throw new AppError("NOT_FOUND", `App "${app.id}" does not take registrations`);
  return reg;
}
function createUserRegistration(ctx, otp) {
  const { db } = ctx;
  async function assertUnderHourlyCap(tx, app, reg, what, now) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`registration:${app.id}:${what}`}, 0))`;
    const since = new Date(now.getTime() - 36e5);
    const cap = reg.perHour ?? DEFAULT_REGISTRATIONS_PER_HOUR;
    const n = what === "codes" ? await tx.otpChallenge.count({ where: { app: app.id, policy: reg.otp, subject: { startsWith: "registration:" }, createdAt: { gt: since } } }) : await tx.user.count({ where: { app: app.id, status: "pending", createdAt: { gt: since } } });
    if (n >= cap) throw new AppError("RATE_LIMITED", `This app takes at most ${cap} registration ${what} an hour; try again later`, { data: { retryAfterSeconds: 3600 } });
  }
  function assertApprover(app, actor) {
    const reg = registrationOf(app);
    if (!reg.approval.by.includes(actor.role)) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not decide registrations in "${app.id}"`);
    return reg;
  }
  async function findRegistration(app, id) {
    const u = UUID_RE.test(id) ? await db.user.findFirst({ where: { id, app: app.id } }) : null;
    if (!u || u.status !== "pending" && u.status !== "rejected" && !await wasRegistered(app.id, id)) throw new AppError("NOT_FOUND", `No registration "${id}" in "${app.id}"`);
    return u;
  }
  const wasRegistered = async (app, id) => await db.auditEntry.count({ where: { app, recordId: id, action: "registration.create" } }) > 0;
  async function decide(app, actor, id, to, detail, reason) {
    const reg = assertApprover(app, actor);
    const before = await findRegistration(app, id);
    if (before.status !== "pending") throw new AppError("CONFLICT", `This registration was already ${before.status === "rejected" ? "rejected" : "approved"}`);
    if (to === "active" && (!reg.roles.includes(before.role) || !(before.role in app.roles))) {
      throw new AppError("CONFLICT", `Role "${before.role}" can no longer be registered for in "${app.id}"; reject the registration`);
    }
    const now = ctx.clock();
    const messages = [];
    const template = to === "active" && reg.approval.notify ? app.templates.get(reg.approval.notify) : void 0;
    const after2 = await db.$transaction(async (tx) => {
      const { count: count2 } = await tx.user.updateMany({ where: { id, status: "pending" }, data: { status: to, active: to === "active", statusReason: reason ?? null } });
      if (!count2) throw new AppError("CONFLICT", "This registration was decided meanwhile");
      const u = await tx.user.findUnique({ where: { id } });
      await appendAudit(tx, { app: app.id, entity: "_users", recordId: id, action: to === "active" ? "registration.approve" : "registration.reject", actor, before: { status: before.status }, after: { status: u.status, role: u.role, ...reason ? { reason } : {} }, detail, at: now });
      const to_ = template ? template.channel === "sms" ? u.phone : u.email : null;
      if (template && to_) {
        const out = template.render({
          user: { displayName: u.displayName ?? "", role: u.role, roleLabel: app.roles[u.role]?.label ?? u.role, phone: u.phone ?? "", email: u.email ?? "" },
          app: { id: app.id, name: app.name }
        });
        messages.push({
          app: app.id,
          channel: template.channel,
          recordId: null,
          template: template.name,
          recipient: to_,
          payload: template.channel === "sms" ? { to: to_, body: out.text } : { to: to_, subject: out.subject, text: out.text, html: out.html },
          idempotencyKey: `${app.id}:registration:${id}:approved:${template.channel}`
        });
        await tx.outboxMessage.createMany({ data: outboxInsertData(messages, now) });
      }
      return u;
    });
    if (messages.length) ctx.outboxWritten();
    return userView(after2);
  }
  return {
    /** A code to the phone a registrant gives, under its own subject (it can never sign anyone in). */
    async requestCode(appId, body) {
      const app = resolveApp(ctx.registry(), appId);
      const reg = registrationOf(app);
      if (!reg.otp) throw new AppError("NOT_FOUND", `Registrations to "${app.id}" do not prove a phone with a code`);
      const { phone } = validateOtpRequest(body ?? {});
      const now = ctx.clock();
      const issued = await db.$transaction(async (tx) => {
        await assertUnderHourlyCap(tx, app, reg, "codes", now);
        return otp.issueIn(tx, app, reg.otp, registrationSubject(phone), { sms: phone });
      });
      ctx.outboxWritten();
      return issued;
    },
    /** A pending user, or — for a taken email or phone — the same answer and only an audit entry. */
    async register(appId, body) {
      const app = resolveApp(ctx.registry(), appId);
      const reg = registrationOf(app);
      const fields = validateRegistration(body ?? {});
      if (!reg.roles.includes(fields.role)) {
        throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.role", message: `One of the roles you may register for: ${reg.roles.join(", ")}` }] });
      }
      assertValid(fieldsValidator(reg), fields.attributes ?? {}, "$.attributes");
      if (reg.otp) {
        const missing = ["phone", "otpId", "code"].filter((k) => fields[k] === void 0);
        if (missing.length) throw new AppError("VALIDATION_FAILED", void 0, { details: missing.map((k) => ({ path: `$.${k}`, message: k === "phone" ? "The phone the code was sent to" : "The code sent to your phone (POST .../registrations/otp) proves it" })) });
      } else if (!fields.email && !fields.phone) {
        throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$", message: "An email or a phone, to sign in with" }] });
      }
      const passwordHash = fields.password ? await hashPassword(fields.password) : null;
      const email = fields.email?.toLowerCase() ?? null;
      const phone = fields.phone ?? null;
      const now = ctx.clock();
      const id = randomUUID3();
      const registrant = { id, app: app.id, role: "registrant" };
      const createPending = async (tx) => {
        await assertUnderHourlyCap(tx, app, reg, "registrations", now);
        const taken = await tx.user.findFirst({ where: { app: app.id, OR: [...email ? [{ email }] : [], ...phone ? [{ phone }] : []] }, select: { id: true } });
        if (taken) {
          await appendAudit(tx, { app: app.id, entity: "_users", recordId: taken.id, action: "registration.create", outcome: "refused", actor: registrant, detail: { role: fields.role, reason: "email or phone taken" }, at: now });
          return;
        }
        const u = await tx.user.create({
          data: { id, app: app.id, email, phone, role: fields.role, displayName: fields.displayName, attributes: fields.attributes ?? {}, passwordHash, active: false, status: "pending", createdAt: now }
        });
        const view3 = userView(u);
        await appendAudit(tx, { app: app.id, entity: "_users", recordId: id, action: "registration.create", actor: registrant, after: { email: view3.email, phone: view3.phone, role: view3.role, displayName: view3.displayName, attributes: view3.attributes, status: view3.status, proven: reg.otp ? "phone" : null }, at: now });
      };
      try {
        if (reg.otp) {
          await otp.verify(app, reg.otp, fields.otpId, fields.code, async (tx, subject) => {
            if (subject !== registrationSubject(phone)) throw new AppError("OTP_INVALID", "The code was sent to another phone");
            await createPending(tx);
          });
        } else {
          await db.$transaction(createPending);
        }
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      return { status: "pending" };
    },
    /** Registrations awaiting a decision (or the rejected ones), oldest first. */
    async list(appId, actor, query) {
      const app = resolveApp(ctx.registry(), appId);
      assertApprover(app, actor);
      const status = query.status ?? "pending";
      if (status !== "pending" && status !== "rejected") throw new AppError("BAD_REQUEST", void 0, { details: [{ path: "$.query.status", message: "pending or rejected" }] });
      const rows = await db.user.findMany({ where: { app: app.id, status }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 500 });
      return rows.map(userView);
    },
    async approve(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      const { remarks } = validateApprove(body ?? {});
      return decide(app, actor, id, "active", remarks ? { remarks } : {});
    },
    async reject(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      const { reason } = validateReject(body ?? {});
      return decide(app, actor, id, "rejected", {}, reason);
    }
  };
}
var DEFAULT_REGISTRATIONS_PER_HOUR, REGISTRATION_OTP_SCHEMA, REGISTRATION_SCHEMA, APPROVE_SCHEMA, REJECT_SCHEMA, validateOtpRequest, validateRegistration, validateApprove, validateReject, REGISTRATION_MESSAGE_VARIABLES, registrationSubject, ANNOTATIONS, fieldValidators;
var init_user_registration = __esm({
  "engine/auth/user-registration.ts"() {
    "use strict";
    init_audit_log();
    init_app_error();
    init_outbox_store();
    init_resolve_target();
    init_database_errors();
    init_uuid();
    init_validate_body();
    init_passwords();
    init_user_view();
    DEFAULT_REGISTRATIONS_PER_HOUR = 100;
    REGISTRATION_OTP_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["phone"],
      properties: { phone: { type: "string", format: "phone" } }
    };
    REGISTRATION_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["role", "displayName"],
      properties: {
        role: { type: "string", minLength: 1, maxLength: 100, description: "One of the roles the app lets people register for" },
        displayName: { type: "string", minLength: 1, maxLength: 200 },
        phone: { type: "string", format: "phone", description: "Required when the app proves phones with a code" },
        email: { type: "string", format: "email", maxLength: 200 },
        password: { type: "string", minLength: 8, maxLength: 200, description: "Stored as a bcrypt hash, never answered" },
        attributes: { type: "object", description: "The profile fields the app asks (registration.fields)" },
        otpId: { type: "string", format: "uuid", description: "The code sent by POST .../registrations/otp" },
        code: { type: "string", pattern: "^[0-9]{4,10}$" }
      }
    };
    APPROVE_SCHEMA = {
      type: "object",
      additionalProperties: false,
      properties: { remarks: { type: "string", minLength: 1, maxLength: 500 } }
    };
    REJECT_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["reason"],
      properties: { reason: { type: "string", minLength: 1, maxLength: 500, description: "Kept with the user and in the audit log" } }
    };
    validateOtpRequest = bodyValidator(REGISTRATION_OTP_SCHEMA);
    validateRegistration = bodyValidator(REGISTRATION_SCHEMA);
    validateApprove = bodyValidator(APPROVE_SCHEMA);
    validateReject = bodyValidator(REJECT_SCHEMA);
    REGISTRATION_MESSAGE_VARIABLES = ["user.displayName", "user.role", "user.roleLabel", "user.phone", "user.email", "app.id", "app.name"];
    registrationSubject = (phone) => `registration:${phone}`;
    ANNOTATIONS = /* @__PURE__ */ new Set(["label", "errorCode", "immutable", "editableIn"]);
    fieldValidators = /* @__PURE__ */ new WeakMap();
  }
});

// engine/auth/check-registration.ts
function checkRegistration(file, app, otpPolicies, templates) {
  const reg = app.registration;
  if (!reg) return [];
  const problems = [];
  const add = (path17, message) => problems.push({ file, path: `$.registration${path17}`, message });
  const declared = (role) => Object.hasOwn(app.roles, role);
  reg.approval.by.forEach((role, i) => {
    if (!declared(role)) add(`.approval.by[${i}]`, `Role "${role}" is not declared by the app`);
    else if (app.roles[role].public) add(`.approval.by[${i}]`, `Role "${role}" is the public role: callers who have not signed in cannot decide registrations`);
  });
  reg.roles.forEach((role, i) => {
    const at = `.roles[${i}]`;
    if (!declared(role)) return add(at, `Role "${role}" is not declared by the app`);
    const r = app.roles[role];
    if (r.public) add(at, `Role "${role}" is the public role: it needs no account`);
    else if (isPrivilegedRole(r)) add(at, `Role "${role}" manages users or definitions: its users are added by the install's operator, never registered`);
    else if (reg.approval.by.includes(role)) add(at, `Role "${role}" decides registrations: an account that approves accounts is never self-registered`);
  });
  if (reg.otp) {
    const policy = otpPolicies.get(reg.otp);
    if (!policy) add(".otp", `OTP policy "${reg.otp}" is not defined in this app`);
    else if (policy.record) add(".otp", `OTP policy "${reg.otp}" is a record OTP; a registration proves a phone with an account's policy`);
    else if (!policy.channels.includes("sms")) add(".otp", `OTP policy "${reg.otp}" sends no SMS: it cannot prove a phone`);
  }
  if (reg.approval.notify) {
    const t = templates.get(reg.approval.notify);
    if (!t) add(".approval.notify", `Template "${reg.approval.notify}" is not defined in this app`);
    else {
      const allowed = new Set(REGISTRATION_MESSAGE_VARIABLES);
      for (const v of t.variables) if (!allowed.has(v)) add(".approval.notify", `Template "${reg.approval.notify}" reads "{{${v}}}", which an approval message does not have (${REGISTRATION_MESSAGE_VARIABLES.join(", ")})`);
    }
  }
  const scoped = new Set(Object.values(app.roles).flatMap((r) => Object.values(r.permissions ?? {}).flatMap((p) => p.scope?.actor.startsWith("attributes.") ? [p.scope.actor.slice("attributes.".length)] : [])));
  for (const [name, field] of Object.entries(reg.fields ?? {})) {
    if (scoped.has(name)) add(`.fields.${name}`, `"${name}" is an attribute a role's scope reads: a registrant may not choose their own scope`);
    if (field.type !== "string") add(`.fields.${name}.type`, "Registration fields are text (they are kept as the user's attributes)");
  }
  (reg.required ?? []).forEach((f, i) => f in (reg.fields ?? {}) || add(`.required[${i}]`, `"${f}" is not one of the registration's fields`));
  return problems;
}
var init_check_registration = __esm({
  "engine/auth/check-registration.ts"() {
    "use strict";
    init_privileged_role();
    init_user_registration();
  }
});

// engine/registry/definitions-by-name.ts
function definitionsByName(app, kind) {
  return new Map([...app.named(kind)].map(([name, d]) => [name, d.definition]));
}
var init_definitions_by_name = __esm({
  "engine/registry/definitions-by-name.ts"() {
    "use strict";
  }
});

// engine/notify/compile-template.ts
import Handlebars from "handlebars";
function inspect(source, where) {
  const variables = /* @__PURE__ */ new Set();
  const problems = [];
  let ast;
  try {
    ast = env.parse(source);
  } catch (err) {
    return { variables: [], problems: [`${where} is not a valid template: ${err.message.split("\n")[0]}`] };
  }
  const visit2 = (node, blockDepth) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((n2) => visit2(n2, blockDepth));
    const n = node;
    if (n.type === "PathExpression") {
      const parts = n.parts;
      const bad = parts.find((p) => FORBIDDEN.has(p));
      if (bad) problems.push(`${where} may not use "${bad}"`);
      else if (blockDepth === 0 && n.depth === 0 && !n.data && parts.length) variables.add(parts.join("."));
      return;
    }
    if (n.type === "BlockStatement" || n.type === "MustacheStatement" || n.type === "SubExpression") {
      const path17 = n.path;
      const params = n.params ?? [];
      const isHelperCall = params.length > 0 || n.type === "BlockStatement" || n.hash !== void 0;
      if (isHelperCall && path17.type === "PathExpression") {
        const name = path17.parts.join(".");
        if (!(name in KNOWN_HELPERS)) problems.push(`${where} uses "${name}", which is not a known helper (if, unless, each, with)`);
      } else visit2(path17, blockDepth);
      visit2(params, blockDepth);
      visit2(n.hash, blockDepth);
      const inner = n.type === "BlockStatement" && ["each", "with"].includes((path17.parts ?? []).join(".")) ? blockDepth + 1 : blockDepth;
      visit2(n.program, inner);
      visit2(n.inverse, blockDepth);
      return;
    }
    for (const [key2, value] of Object.entries(n)) if (key2 !== "loc") visit2(value, blockDepth);
  };
  visit2(ast, 0);
  return { variables: [...variables], problems };
}
function compileTemplate(def, file) {
  const parts = [["subject", def.subject], ["body", def.body], ["html", def.html]];
  const problems = [];
  const variables = /* @__PURE__ */ new Set();
  for (const [key2, source] of parts) {
    if (source === void 0) continue;
    if (typeof source !== "string") {
      problems.push({ file, path: `$.${key2}`, message: "A template must be a string" });
      continue;
    }
    const found = inspect(source, `"${key2}"`);
    found.variables.forEach((v) => variables.add(v));
    problems.push(...found.problems.map((message) => ({ file, path: `$.${key2}`, message })));
  }
  if (problems.length) return { problems };
  const options = (escape2) => ({ strict: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: !escape2, assumeObjects: true });
  const subject = def.subject !== void 0 ? env.compile(def.subject, options(false)) : void 0;
  const body = env.compile(def.body, options(false));
  const html = def.html !== void 0 ? env.compile(def.html, options(true)) : void 0;
  const runtime4 = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };
  return {
    problems: [],
    template: {
      name: def.name,
      channel: def.channel,
      locale: def.locale ?? "en",
      variables: [...variables],
      render(context) {
        return { subject: subject?.(context, runtime4), text: body(context, runtime4), html: html?.(context, runtime4) };
      }
    }
  };
}
var KNOWN_HELPERS, FORBIDDEN, env;
var init_compile_template = __esm({
  "engine/notify/compile-template.ts"() {
    "use strict";
    KNOWN_HELPERS = { if: true, unless: true, each: true, with: true };
    FORBIDDEN = /* @__PURE__ */ new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);
    env = Handlebars.create();
  }
});

// engine/registry/kinds/template.ts
function compiledTemplate({ file, definition }) {
  let result = compiled.get(definition);
  if (!result) compiled.set(definition, result = compileTemplate(definition, file));
  return result;
}
function templatesOf(app) {
  return new Map([...app.named("template")].map(([name, t]) => [name, compiledTemplate(t).template]));
}
var compiled, templateKind;
var init_template = __esm({
  "engine/registry/kinds/template.ts"() {
    "use strict";
    init_compile_template();
    compiled = /* @__PURE__ */ new WeakMap();
    templateKind = {
      kind: "template",
      schemaFile: "template.schema.json",
      names: { noun: "template" },
      read: (t) => compiledTemplate(t).problems,
      compile: (_own, app) => ({ templates: templatesOf(app) })
    };
  }
});

// engine/registry/kinds/app.ts
var appKind;
var init_app = __esm({
  "engine/registry/kinds/app.ts"() {
    "use strict";
    init_check_app();
    init_check_providers();
    init_check_registration();
    init_definitions_by_name();
    init_template();
    appKind = {
      kind: "app",
      schemaFile: "app.schema.json",
      check: (_own, app) => [
        ...checkApp(app),
        ...checkProviders(app.app.file, app.app.definition),
        ...checkRegistration(app.app.file, app.app.definition, definitionsByName(app, "otp"), templatesOf(app))
      ],
      compile(_own, { app: { definition: appDef } }) {
        return {
          id: appDef.id,
          name: appDef.name,
          basePath: appDef.basePath ?? `/${appDef.id}`,
          roles: appDef.roles,
          routes: appDef.routes ?? [],
          accessTokenMinutes: appDef.auth?.accessTokenMinutes ?? 60,
          passwordLogin: appDef.auth?.password ?? true,
          definition: appDef
        };
      }
    };
  }
});

// engine/registry/kinds/demo.ts
function* stringsIn(value, at) {
  if (typeof value === "string") yield [value, at];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, `${at}[${i}]`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* stringsIn(v, `${at}.${k}`);
}
var demoKind;
var init_demo = __esm({
  "engine/registry/kinds/demo.ts"() {
    "use strict";
    init_normalize_transitions();
    init_definitions_by_name();
    init_demo_values();
    demoKind = {
      kind: "demo",
      schemaFile: "demo.schema.json",
      check(own, app) {
        const problems = [];
        const entities = definitionsByName(app, "entity");
        const workflows = definitionsByName(app, "workflow");
        const users = new Set((app.app?.definition.demoUsers ?? []).map((u) => u.email).filter(Boolean));
        for (const { file: f, definition: d } of own) {
          const refs = /* @__PURE__ */ new Map();
          const add = (path17, message) => problems.push({ file: f, path: path17, message });
          const warn = (path17, message) => problems.push({ file: f, path: path17, message, severity: "warning" });
          const user2 = (email, path17) => email === void 0 || users.has(email) || warn(path17, `"${email}" is not a demo user of this app`);
          d.records.forEach((r, i) => {
            const at = `$.records[${i}]`;
            for (const [text3, path17] of stringsIn(r.data ?? {}, `${at}.data`)) {
              const ref2 = DEMO_REF.exec(text3)?.[1];
              if (ref2 !== void 0 && !refs.has(ref2)) add(path17, `"${ref2}" is not the ref of an earlier demo record`);
              const email = DEMO_USER.exec(text3)?.[1];
              if (email !== void 0) user2(email, path17);
            }
            if (r.find) {
              const found = entities.get(r.find.entity);
              if (!found) {
                if (app.malformed.has(`entity:${r.find.entity}`)) return void refs.set(r.ref, r.find.entity);
                return warn(`${at}.find.entity`, `Entity "${r.find.entity}" is not defined in this app`);
              }
              if (!Object.hasOwn(found.fields, r.find.field)) warn(`${at}.find.field`, `"${r.find.field}" is not a field of entity "${found.name}"`);
              const ref2 = typeof r.find.value === "string" ? DEMO_REF.exec(r.find.value)?.[1] : void 0;
              if (ref2 !== void 0 && !refs.has(ref2)) add(`${at}.find.value`, `"${ref2}" is not the ref of an earlier demo record`);
              if (refs.has(r.ref)) add(`${at}.ref`, `The ref "${r.ref}" is given twice`);
              refs.set(r.ref, found.name);
              return;
            }
            const entityName = r.update !== void 0 ? refs.get(r.update) : r.entity;
            if (r.update !== void 0 && entityName === void 0) return add(`${at}.update`, `"${r.update}" is not the ref of an earlier demo record`);
            const e = entities.get(entityName);
            if (!e) {
              if (!app.malformed.has(`entity:${entityName}`)) return warn(`${at}.entity`, `Entity "${entityName}" is not defined in this app`);
              if (r.ref !== void 0) refs.set(r.ref, entityName);
              return;
            }
            if (r.ref !== void 0) {
              if (refs.has(r.ref)) add(`${at}.ref`, `The ref "${r.ref}" is given twice`);
              refs.set(r.ref, e.name);
            }
            user2(r.as, `${at}.as`);
            const wf = e.workflow ? workflows.get(e.workflow) : void 0;
            (r.events ?? []).forEach((raw3, j) => {
              const ev = typeof raw3 === "string" ? raw3 : raw3.event;
              if (!(wf ? normalizeTransitions(wf) : []).some((t) => t.event === ev)) warn(`${at}.events[${j}]`, `Event "${ev}" is not an event of entity "${e.name}"`);
              if (typeof raw3 !== "string") user2(raw3.as, `${at}.events[${j}].as`);
            });
            (r.files ?? []).forEach((file, j) => {
              const slot = Object.hasOwn(e.files ?? {}, file.slot) ? e.files[file.slot] : void 0;
              if (!slot) return warn(`${at}.files[${j}].slot`, `Entity "${e.name}" has no file slot "${file.slot}"`);
              if (file.review) {
                if (!(slot.review?.states ?? []).includes(file.review.status)) warn(`${at}.files[${j}].review.status`, `"${file.review.status}" is not a review status of slot "${file.slot}"`);
                user2(file.review.as, `${at}.files[${j}].review.as`);
              }
            });
          });
        }
        return problems;
      },
      compile: (own) => ({ demoData: own.map((d) => d.definition) })
    };
  }
});

// engine/support/object-path.ts
function parsePath(path17) {
  const trimmed = path17.startsWith("$.") ? path17.slice(2) : path17 === "$" ? "" : path17;
  if (trimmed === "") return [];
  const parts = trimmed.split(".");
  for (const part of parts) {
    if (part === "" || FORBIDDEN2.has(part)) throw new Error(`Unsupported path segment in "${path17}"`);
  }
  return parts;
}
function isValidPath(path17) {
  try {
    parsePath(path17);
    return /^(\$\.)?[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(path17) || path17 === "$";
  } catch {
    return false;
  }
}
function getPath(value, path17) {
  const parts = typeof path17 === "string" ? parsePath(path17) : path17;
  let current2 = value;
  for (const part of parts) {
    if (current2 === null || typeof current2 !== "object") return void 0;
    if (!Object.prototype.hasOwnProperty.call(current2, part)) return void 0;
    current2 = current2[part];
  }
  return current2;
}
var FORBIDDEN2;
var init_object_path = __esm({
  "engine/support/object-path.ts"() {
    "use strict";
    FORBIDDEN2 = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
  }
});

// engine/documents/compile-document.ts
function documentTexts(def) {
  const texts = [["$.title", def.title], ["$.header", def.header], ["$.footer", def.footer]];
  def.sections.forEach((s, i) => {
    if ("paragraph" in s) texts.push([`$.sections[${i}].paragraph`, s.paragraph]);
    if ("heading" in s) texts.push([`$.sections[${i}].heading`, s.heading]);
  });
  return texts.filter((t) => typeof t[1] === "string");
}
function compileDocument(def, file) {
  const texts = /* @__PURE__ */ new Map();
  const problems = [];
  for (const [path17, source] of documentTexts(def)) {
    const compiled2 = compileTemplate({ kind: "template", name: `${def.name}${path17.slice(1)}`, channel: "sms", body: source }, file);
    problems.push(...compiled2.problems.map((p) => ({ ...p, path: path17, message: p.message.replace(/^"body"/, "This text") })));
    if (compiled2.template) texts.set(path17, compiled2.template);
  }
  if (problems.length) return { problems };
  return { problems, document: { name: def.name, entity: def.entity, definition: def, texts } };
}
var init_compile_document = __esm({
  "engine/documents/compile-document.ts"() {
    "use strict";
    init_compile_template();
  }
});

// engine/documents/check-document.ts
function fitsFormat(field, format) {
  if (!format || format === "text") return field.type !== "object" && field.type !== "array";
  if (NUMERIC.includes(format)) return field.type === "number" || field.type === "integer";
  return field.type === "string" && (field.format === "date" || field.format === "date-time");
}
function checkDocument(file, def, entity) {
  const problems = [];
  const add = (path17, message) => problems.push({ file, path: path17, message });
  const fields = entity?.definition.fields;
  const fieldOf = (name) => {
    if (fields && Object.hasOwn(fields, name)) return fields[name];
    if (SYSTEM_FIELDS.includes(name) || name === entity?.stateField) return "system";
    return void 0;
  };
  const checkPath = (ref2, at, format) => {
    const parts = ref2.split(".");
    const root = parts[0] ?? "";
    if (!isValidPath(ref2) || !DOCUMENT_ROOTS.includes(root)) return add(at, `"${ref2}" must be a plain path under ${DOCUMENT_ROOTS.join(", ")}`);
    if (root === "app" && parts.length > 1 && !APP_FIELDS.includes(parts[1])) return add(at, `"${ref2}": the app has only ${APP_FIELDS.join(" and ")}`);
    if (root === "now" && parts.length > 1) return add(at, `"${ref2}": now is a time, with no fields`);
    if (root !== "record" || !entity || parts.length < 2) return;
    const field = fieldOf(parts[1]);
    if (!field) return add(at, `"${ref2}": entity "${entity.definition.name}" has no field "${parts[1]}"`);
    if (field !== "system" && parts.length === 2 && format !== void 0 && !fitsFormat(field, format)) {
      add(at, `"${ref2}" is a ${field.format ?? field.type} field: it cannot be printed as ${format}`);
    }
  };
  const compiled2 = compileDocument(def, file);
  problems.push(...compiled2.problems);
  for (const [path17, text3] of compiled2.document?.texts ?? []) for (const v of text3.variables) checkPath(v, path17);
  def.sections.forEach((section, i) => {
    const at = `$.sections[${i}]`;
    if ("fields" in section) section.fields.forEach((f, j) => checkPath(f.value, `${at}.fields[${j}].value`, f.format));
    if ("totals" in section) section.totals.forEach((f, j) => checkPath(f.value, `${at}.totals[${j}].value`, f.format));
    if ("table" in section) {
      const { rows, columns } = section.table;
      let items;
      if (!isValidPath(rows) || rows.includes(".")) add(`${at}.table.rows`, `"${rows}" must name an array field of the record`);
      else if (fields) {
        const field = fields[rows];
        if (!field || !Object.hasOwn(fields, rows)) add(`${at}.table.rows`, `Entity "${entity.definition.name}" has no field "${rows}"`);
        else if (field.type !== "array") add(`${at}.table.rows`, `"${rows}" is a ${field.type} field: a table needs an array field`);
        else items = field.items?.properties;
      }
      columns.forEach((c, j) => {
        const path17 = `${at}.table.columns[${j}].value`;
        if (!isValidPath(c.value) || c.value.startsWith("$")) return add(path17, `"${c.value}" must be a plain path inside one row`);
        const head = c.value.split(".")[0];
        if (items && !Object.hasOwn(items, head)) return add(path17, `The items of "${rows}" have no property "${head}"`);
        const prop = items?.[head];
        if (prop && !c.value.includes(".") && c.format !== void 0 && !fitsFormat(prop, c.format)) add(path17, `"${c.value}" is a ${prop.format ?? prop.type} property: it cannot be printed as ${c.format}`);
      });
    }
  });
  return problems;
}
var DOCUMENT_ROOTS, APP_FIELDS, SYSTEM_FIELDS, NUMERIC;
var init_check_document = __esm({
  "engine/documents/check-document.ts"() {
    "use strict";
    init_object_path();
    init_compile_document();
    DOCUMENT_ROOTS = ["record", "app", "now"];
    APP_FIELDS = ["id", "name"];
    SYSTEM_FIELDS = ["id", "version", "createdBy", "createdAt", "updatedAt"];
    NUMERIC = ["money", "number", "integer", "percent"];
  }
});

// engine/registry/kinds/document.ts
var documentKind;
var init_document = __esm({
  "engine/registry/kinds/document.ts"() {
    "use strict";
    init_check_document();
    init_compile_document();
    documentKind = {
      kind: "document",
      schemaFile: "document.schema.json",
      names: { noun: "document" },
      check(own, app) {
        const entities = app.named("entity");
        const workflows = app.named("workflow");
        return own.flatMap(({ file, definition }) => {
          if (definition.entity === void 0) return checkDocument(file, definition, void 0);
          const entity = entities.get(definition.entity)?.definition;
          if (!entity) {
            if (app.malformed.has(`entity:${definition.entity}`)) return [];
            return [{ file, path: "$.entity", message: `Entity "${definition.entity}" is not defined in this app` }];
          }
          const stateField = entity.workflow ? workflows.get(entity.workflow)?.definition.field ?? "status" : void 0;
          return checkDocument(file, definition, { definition: entity, stateField });
        });
      },
      compile: (_own, app) => ({ documents: new Map([...app.named("document")].map(([name, { file, definition }]) => [name, compileDocument(definition, file).document])) })
    };
  }
});

// engine/conditions/operators.ts
import { Operator } from "json-rules-engine";
function addCustomOperators(engine) {
  engine.addOperator(new Operator("containsAny", OPERATORS.containsAny.fn, isList));
  engine.addOperator(new Operator("containsAll", OPERATORS.containsAll.fn, isList));
  for (const name of ["before", "onOrBefore", "after", "onOrAfter"]) engine.addOperator(new Operator(name, OPERATORS[name].fn, isText));
}
var isNumberish, isList, asList, isText, dates, OPERATORS, OPERATOR_NAMES;
var init_operators = __esm({
  "engine/conditions/operators.ts"() {
    "use strict";
    isNumberish = (v) => Number.parseFloat(v).toString() !== "NaN";
    isList = Array.isArray;
    asList = (v) => Array.isArray(v) ? v : [];
    isText = (v) => typeof v === "string";
    dates = (cmp) => (a, b) => typeof b === "string" && cmp(a, b);
    OPERATORS = Object.freeze({
      equal: { fn: (a, b) => a === b, valueKind: "scalar" },
      notEqual: { fn: (a, b) => a !== b, valueKind: "scalar" },
      in: { fn: (a, b) => asList(b).indexOf(a) > -1, valueKind: "list" },
      notIn: { fn: (a, b) => asList(b).indexOf(a) === -1, valueKind: "list" },
      contains: { fn: (a, b) => a.indexOf(b) > -1, factCheck: isList, valueKind: "scalar" },
      doesNotContain: { fn: (a, b) => a.indexOf(b) === -1, factCheck: isList, valueKind: "scalar" },
      lessThan: { fn: (a, b) => a < b, factCheck: isNumberish, valueKind: "number" },
      lessThanInclusive: { fn: (a, b) => a <= b, factCheck: isNumberish, valueKind: "number" },
      greaterThan: { fn: (a, b) => a > b, factCheck: isNumberish, valueKind: "number" },
      greaterThanInclusive: { fn: (a, b) => a >= b, factCheck: isNumberish, valueKind: "number" },
      containsAny: { fn: (a, b) => asList(b).some((x) => a.includes(x)), factCheck: isList, valueKind: "list" },
      containsAll: { fn: (a, b) => asList(b).every((x) => a.includes(x)), factCheck: isList, valueKind: "list" },
      before: { fn: dates((a, b) => a < b), factCheck: isText, valueKind: "date" },
      onOrBefore: { fn: dates((a, b) => a <= b), factCheck: isText, valueKind: "date" },
      after: { fn: dates((a, b) => a > b), factCheck: isText, valueKind: "date" },
      onOrAfter: { fn: dates((a, b) => a >= b), factCheck: isText, valueKind: "date" }
    });
    OPERATOR_NAMES = Object.keys(OPERATORS);
  }
});

// engine/conditions/check-condition.ts
function factSetCatalog(set2) {
  return {
    facts: Object.keys(set2),
    typeOf(fact, path17) {
      const paths = set2[fact];
      const key2 = path17.join(".");
      return Object.hasOwn(paths, key2) ? paths[key2] : { problem: `Fact "${fact}" has no "${key2}"; known: ${Object.keys(paths).join(", ")}` };
    }
  };
}
function checkCondition(condition, catalog, at = "$") {
  const problems = [];
  const add = (path17, message) => void problems.push({ path: path17, message });
  const readType = (fact, p, where) => {
    if (typeof fact !== "string" || !catalog.facts.includes(fact)) return add(`${where}.fact`, `Unknown fact "${String(fact)}"; known: ${catalog.facts.join(", ")}`), void 0;
    if (p === void 0 && catalog.wholeFacts) return "any";
    if (typeof p !== "string" || !isValidPath(p)) return add(`${where}.path`, "Give a plain dotted path such as $.total"), void 0;
    const type = catalog.typeOf(fact, parsePath(p));
    if (typeof type === "object") return add(`${where}.path`, type.problem), void 0;
    return type;
  };
  const visit2 = (c, path17, depth) => {
    if (depth > 8) return add(path17, "Conditions may nest at most 8 levels");
    if (!c || typeof c !== "object" || Array.isArray(c)) return add(path17, "A condition is an object with all, any, not, or fact/operator/value");
    const o = c;
    const keys = Object.keys(o);
    for (const group of ["all", "any"]) {
      if (group in o) {
        if (keys.length !== 1) add(path17, `"${group}" stands alone in its object`);
        const list3 = o[group];
        if (!Array.isArray(list3) || list3.length === 0) return add(`${path17}.${group}`, `"${group}" needs a non-empty list of conditions`);
        return list3.forEach((x, i) => visit2(x, `${path17}.${group}[${i}]`, depth + 1));
      }
    }
    if ("not" in o) {
      if (keys.length !== 1) add(path17, '"not" stands alone in its object');
      return visit2(o.not, `${path17}.not`, depth + 1);
    }
    const extra = keys.filter((k) => !["fact", "path", "operator", "value"].includes(k));
    if (extra.length) add(path17, `Unknown ${extra.map((k) => `"${k}"`).join(", ")} in a comparison`);
    const type = readType(o.fact, o.path, path17);
    if (!type) return;
    const op = typeof o.operator === "string" && Object.hasOwn(OPERATORS, o.operator) ? OPERATORS[o.operator] : void 0;
    if (!op) return add(`${path17}.operator`, `Unknown operator "${String(o.operator)}"`);
    const operator = o.operator;
    const key2 = typeof o.path === "string" ? parsePath(o.path).join(".") : String(o.fact);
    if (LIST_OPERATORS.has(operator) && type !== "string[]" && type !== "any") return add(`${path17}.operator`, `"${operator}" needs a list fact; "${key2}" is a ${type}`);
    const v = o.value;
    if (isFactValue(v)) {
      if (!catalog.factValues || Object.keys(v).some((k) => k !== "fact" && k !== "path")) return add(`${path17}.value`, `A fact reference is { fact: ${catalog.facts.join(" | ")}, path }`);
      readType(v.fact, v.path, `${path17}.value`);
      return;
    }
    const numbers = type === "number" || type === "any";
    if (op.valueKind === "number" && (typeof v !== "number" || !numbers)) add(`${path17}.value`, `"${operator}" compares numbers`);
    if (op.valueKind === "list" && (!Array.isArray(v) || !v.every(SCALAR) || v.length > 1e4)) add(`${path17}.value`, "Give a list of plain values");
    if (op.valueKind === "date" && (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v) || !(type === "string" || type === "any"))) add(`${path17}.value`, `"${operator}" compares ISO dates such as "2026-12-01"`);
    if (op.valueKind === "scalar" && !SCALAR(v)) add(`${path17}.value`, "Give a plain value (text, number, true/false or null)");
  };
  visit2(condition, at, 0);
  return problems;
}
var SCALAR, LIST_OPERATORS, isFactValue;
var init_check_condition = __esm({
  "engine/conditions/check-condition.ts"() {
    "use strict";
    init_object_path();
    init_operators();
    SCALAR = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
    LIST_OPERATORS = /* @__PURE__ */ new Set(["contains", "doesNotContain", "containsAny", "containsAll"]);
    isFactValue = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && "fact" in v;
  }
});

// engine/conditions/check-guard-condition.ts
function fieldType(field, nested) {
  if (nested || !field) return "any";
  if (field.type === "integer" || field.type === "number") return "number";
  if (field.type === "string" || field.type === "boolean") return field.type;
  const items = field.items;
  return field.type === "array" && items?.type === "string" ? "string[]" : "any";
}
function guardFacts(entity, wf) {
  const stateField = wf.field ?? "status";
  return {
    facts: ["record", "input", "actor", "now"],
    factValues: true,
    wholeFacts: true,
    typeOf(fact, [first, ...rest]) {
      if (first === void 0) return "any";
      const nested = rest.length > 0;
      switch (fact) {
        case "record":
          if (!entity) return "any";
          if (first === "id" || first === stateField) return nested ? { problem: `"${first}" is text` } : "string";
          if (first === "version") return nested ? { problem: '"version" is a number' } : "number";
          return first in entity.fields ? fieldType(entity.fields[first], nested) : { problem: `Entity "${entity.name}" has no field "${first}"` };
        case "input":
          return first in (wf.input ?? {}) ? fieldType(wf.input[first], nested) : { problem: `Workflow input has no field "${first}"` };
        case "now":
          return NOW_FIELDS.includes(first) && !nested ? "string" : { problem: '"now" has "date" (YYYY-MM-DD) and "iso"' };
        default:
          return ACTOR_FIELDS.includes(first) && !nested ? "string" : { problem: `The actor has no "${first}" (id, email, phone, role)` };
      }
    }
  };
}
function checkGuardCondition(file, path17, c, entity, wf, add) {
  for (const problem of checkCondition(c, guardFacts(entity, wf), path17)) add(file, problem.path, problem.message);
}
var ACTOR_FIELDS, NOW_FIELDS;
var init_check_guard_condition = __esm({
  "engine/conditions/check-guard-condition.ts"() {
    "use strict";
    init_check_condition();
    ACTOR_FIELDS = ["id", "email", "phone", "role"];
    NOW_FIELDS = ["date", "iso"];
  }
});

// engine/records/sortable-system-fields.ts
var SORTABLE_SYSTEM_FIELDS;
var init_sortable_system_fields = __esm({
  "engine/records/sortable-system-fields.ts"() {
    "use strict";
    SORTABLE_SYSTEM_FIELDS = ["createdAt", "updatedAt"];
  }
});

// engine/records/computed-fields.ts
function roundTo(x, digits) {
  const f = 10 ** digits;
  return Math.sign(x) * Math.round(Math.abs(x) * f + Number.EPSILON * f) / f;
}
function evaluate(e, record2, item) {
  if (typeof e === "number") return e;
  const all = (xs) => {
    const values = xs.map((x) => evaluate(x, record2, item));
    return values.some((v) => v === null) ? null : values;
  };
  switch (operatorOf(e)) {
    case "field":
      return num(getPath(record2, e.field));
    case "item":
      return item ? num(getPath(item, e.item)) : null;
    case "add": {
      const v = all(e.add);
      return v && v.reduce((a, b) => a + b, 0);
    }
    case "mul": {
      const v = all(e.mul);
      return v && v.reduce((a, b) => a * b, 1);
    }
    case "sub": {
      const v = all(e.sub);
      return v && v[0] - v[1];
    }
    case "div": {
      const v = all(e.div);
      return v && v[1] !== 0 ? v[0] / v[1] : null;
    }
    case "min": {
      const v = all(e.min);
      return v && Math.min(...v);
    }
    case "max": {
      const v = all(e.max);
      return v && Math.max(...v);
    }
    case "round": {
      const [x, digits] = e.round;
      const v = evaluate(x, record2, item);
      return v === null ? null : roundTo(v, digits);
    }
    case "sum": {
      const { over, of } = e.sum;
      const items = getPath(record2, over);
      if (!Array.isArray(items)) return items === void 0 || items === null ? 0 : null;
      let total = 0;
      for (const it of items) {
        const v = it !== null && typeof it === "object" && !Array.isArray(it) ? evaluate(of, record2, it) : null;
        if (v === null) return null;
        total += v;
      }
      return total;
    }
    case "tiers": {
      const { of, rows, max } = e.tiers;
      const x = evaluate(of, record2, item);
      if (x === null) return null;
      let total = 0;
      let floor = 0;
      for (const row of rows) {
        const ceiling = row.upTo ?? Infinity;
        if (x > floor) total += (Math.min(x, ceiling) - floor) * row.rate;
        floor = ceiling;
      }
      return max === void 0 ? total : Math.min(total, max);
    }
    case "lookup": {
      const { of, rows } = e.lookup;
      const x = evaluate(of, record2, item);
      if (x === null) return null;
      return rows.find((r) => r.upTo === void 0 || x <= r.upTo)?.value ?? null;
    }
    default:
      return null;
  }
}
function fieldsRead(e) {
  if (typeof e === "number") return [];
  const op = operatorOf(e);
  const args = e[op];
  if (op === "field") return [String(args).replace(/^\$\./, "").split(".")[0]];
  if (op === "item") return [];
  if (op === "sum") return [args.over, ...fieldsRead(args.of)];
  if (op === "tiers" || op === "lookup") return fieldsRead(args.of);
  if (op === "round") return fieldsRead(args[0]);
  return args.flatMap(fieldsRead);
}
function computeOrder(computed) {
  const order = [];
  const state = /* @__PURE__ */ new Map();
  const visit2 = (field) => {
    if (state.get(field) === "done") return true;
    if (state.get(field) === "visiting") return false;
    state.set(field, "visiting");
    for (const dep of fieldsRead(computed[field])) if (Object.hasOwn(computed, dep) && !visit2(dep)) return false;
    state.set(field, "done");
    order.push(field);
    return true;
  };
  for (const field of Object.keys(computed).sort()) if (!visit2(field)) return void 0;
  return order;
}
function applyComputed(computed, data) {
  if (!computed) return;
  let order = orders.get(computed);
  if (!order) orders.set(computed, order = computeOrder(computed) ?? []);
  for (const field of order) {
    const expression = computed[field];
    const value = evaluate(expression, data);
    if (value === null) delete data[field];
    else data[field] = Number(value.toPrecision(15));
  }
}
var operatorOf, num, orders;
var init_computed_fields = __esm({
  "engine/records/computed-fields.ts"() {
    "use strict";
    init_object_path();
    operatorOf = (e) => Object.keys(e)[0];
    num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
    orders = /* @__PURE__ */ new WeakMap();
  }
});

// engine/records/check-computed.ts
function checkComputed(file, e, add) {
  const computed = Object.keys(e.computed ?? {});
  if (computed.length && !computeOrder(e.computed) && !computed.some((t) => fieldsRead(e.computed[t]).includes(t))) {
    add(file, "$.computed", `Computed fields compute each other in a circle (${computed.join(", ")}): one of them must come from the others`);
  }
  computed.forEach((target2) => {
    const at = `$.computed.${target2}`;
    const schema2 = e.fields[target2];
    if (!schema2) add(file, at, `"${target2}" is not a field of entity "${e.name}"`);
    else if (schema2.type !== "number" && schema2.type !== "integer") add(file, at, `"${target2}" must be a number or integer field to be computed`);
    const walk2 = (x, path17, inSum) => {
      if (typeof x === "number") return;
      const op = operatorOf(x);
      const args = x[op];
      if (op === "field" || op === "item") {
        const name = args;
        if (!isValidPath(name)) return add(file, `${path17}.${op}`, `"${name}" is not a plain field path`);
        const top = name.replace(/^\$\./, "").split(".")[0];
        if (op === "item" && !inSum) add(file, `${path17}.item`, '"item" is the current item of a "sum": use it inside one');
        if (op === "field" && !(top in e.fields)) add(file, `${path17}.field`, `"${top}" is not a field of entity "${e.name}"`);
        if (op === "field" && top === target2) add(file, `${path17}.field`, `"${target2}" cannot be computed from itself`);
        return;
      }
      if (op === "sum") {
        const { over, of } = args;
        if (e.fields[over]?.type !== "array") add(file, `${path17}.sum.over`, `"${over}" is not an array field of entity "${e.name}"`);
        return walk2(of, `${path17}.sum.of`, true);
      }
      if (op === "tiers" || op === "lookup") {
        const { of, rows } = args;
        rows.forEach((r, i) => {
          if (r.upTo === void 0 && i < rows.length - 1) add(file, `${path17}.${op}.rows[${i}]`, 'Only the last row may leave out "upTo"');
          if (i > 0 && r.upTo !== void 0 && rows[i - 1].upTo !== void 0 && r.upTo <= rows[i - 1].upTo) add(file, `${path17}.${op}.rows[${i}].upTo`, 'Rows go up: each "upTo" is above the one before');
        });
        return walk2(of, `${path17}.${op}.of`, inSum);
      }
      if (op === "round") return walk2(args[0], `${path17}.round[0]`, inSum);
      args.forEach((a, i) => walk2(a, `${path17}.${op}[${i}]`, inSum));
    };
    walk2(e.computed[target2], at, false);
  });
}
var init_check_computed = __esm({
  "engine/records/check-computed.ts"() {
    "use strict";
    init_computed_fields();
    init_object_path();
  }
});

// engine/conditions/condition-guard.ts
import { Engine } from "json-rules-engine";
function compileConditionGuard(condition) {
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    pathResolver: (value, path17) => getPath(value, path17) ?? null
  });
  addCustomOperators(engine);
  engine.addRule({ conditions: toTopLevel(condition), event: { type: "pass" } });
  return async (facts) => {
    const { events } = await engine.run({ ...facts });
    return events.length > 0;
  };
}
function toTopLevel(condition) {
  return "all" in condition || "any" in condition || "not" in condition ? condition : { all: [condition] };
}
var nowFacts;
var init_condition_guard = __esm({
  "engine/conditions/condition-guard.ts"() {
    "use strict";
    init_object_path();
    init_operators();
    nowFacts = (d) => ({ date: d.toISOString().slice(0, 10), iso: d.toISOString() });
  }
});

// engine/records/record-checks.ts
function checkRecordChecks(file, e, wf, add) {
  const stateField = wf?.field ?? "status";
  const catalog = { ...guardFacts(e, wf ?? { field: stateField, input: {} }), facts: ["record"] };
  (e.checks ?? []).forEach((c, i) => {
    const at = `$.checks[${i}]`;
    const field = c.path.replace(/^\$\./, "").split(".")[0] ?? "";
    if (!isValidPath(c.path) || !(field in e.fields || field === stateField)) add(file, `${at}.path`, `"${c.path}" does not name a field of entity "${e.name}"`);
    for (const [key2, cond] of [["when", c.when], ["assert", c.assert]]) {
      if (cond) for (const p of checkCondition(cond, catalog, `${at}.${key2}`)) add(file, p.path, p.message);
    }
  });
}
async function assertRecordChecks(checks, record2) {
  if (!checks.length) return;
  const facts = { record: record2, input: {}, actor: {} };
  const failed2 = [];
  for (const c of checks) if ((!c.when || await c.when(facts)) && !await c.assert(facts)) failed2.push(c);
  if (failed2.length) throw new AppError("VALIDATION_FAILED", failed2[0].message, { publicCode: failed2.find((c) => c.errorCode)?.errorCode, details: failed2.map((c) => ({ path: c.path, message: c.message })) });
}
var compileChecks;
var init_record_checks = __esm({
  "engine/records/record-checks.ts"() {
    "use strict";
    init_check_condition();
    init_check_guard_condition();
    init_condition_guard();
    init_app_error();
    init_object_path();
    compileChecks = (checks) => (checks ?? []).map((c) => ({ when: c.when && compileConditionGuard(c.when), assert: compileConditionGuard(c.assert), path: c.path, message: c.message, errorCode: c.errorCode }));
  }
});

// engine/effects/check-expression.ts
function checkExpression(value, at, ctx) {
  if (typeof value !== "string") return;
  for (const m of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) checkVariable(m[1] ?? "", at, ctx, CONTEXT_ROOTS, ctx.add);
}
function checkVariable(ref2, at, { entity, workflow: wf }, roots, add) {
  const [root, field] = ref2.split(".");
  if (!isValidPath(ref2) || !roots.includes(root ?? "")) return add(at, `"{{${ref2}}}" must be a path under ${roots.join(", ")}`);
  if (root === "record" && field && entity && !(field in entity.fields) && !["id", "version", "createdAt", "updatedAt", wf.field ?? "status"].includes(field)) {
    add(at, `"{{${ref2}}}": entity "${entity.name}" has no field "${field}"`);
  }
  if (root === "input" && field && !(field in (wf.input ?? {}))) add(at, `"{{${ref2}}}": the workflow input has no field "${field}"`);
}
var CONTEXT_ROOTS;
var init_check_expression = __esm({
  "engine/effects/check-expression.ts"() {
    "use strict";
    init_object_path();
    CONTEXT_ROOTS = ["record", "actor", "input", "remarks", "now"];
  }
});

// engine/effects/resolve-value.ts
function resolveValue(value, ctx) {
  if (typeof value !== "string") return value;
  const whole = WHOLE.exec(value);
  if (whole) return getPath(ctx, whole[1]);
  if (!value.includes("{{")) return value;
  return value.replace(PART, (_m, path17) => {
    const v = getPath(ctx, path17);
    return v === void 0 || v === null ? "" : String(v);
  });
}
var WHOLE, PART;
var init_resolve_value = __esm({
  "engine/effects/resolve-value.ts"() {
    "use strict";
    init_object_path();
    WHOLE = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/;
    PART = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
  }
});

// engine/effects/emit.ts
var emit;
var init_emit = __esm({
  "engine/effects/emit.ts"() {
    "use strict";
    init_check_expression();
    init_resolve_value();
    emit = {
      schema: "common.schema.json#/definitions/effect/properties/emit",
      places: ["onCreate", "transition", "workflow"],
      phase: "after",
      check(body, at) {
        for (const [key2, value] of Object.entries(body.payload ?? {})) checkExpression(value, `${at.path}.emit.payload.${key2}`, at);
      },
      plan(body, ctx, { app, recordId, key: key2, index }) {
        const payload = body.payload ? Object.fromEntries(Object.entries(body.payload).map(([k, v]) => [k, resolveValue(v, ctx) ?? null])) : { id: recordId, state: ctx.record.status ?? null };
        return {
          outbox: body.topics.map((topic) => ({
            app: app.id,
            channel: "event",
            recordId,
            template: null,
            recipient: topic,
            payload: { topic, type: body.event, key: recordId ?? key2, payload },
            idempotencyKey: `${key2}:${index}:${topic}`
          }))
        };
      }
    };
  }
});

// engine/effects/issue-otp.ts
var text2, issueOtp;
var init_issue_otp = __esm({
  "engine/effects/issue-otp.ts"() {
    "use strict";
    init_check_expression();
    init_resolve_value();
    text2 = (v) => typeof v === "string" ? v : void 0;
    issueOtp = {
      schema: "common.schema.json#/definitions/effect/properties/issueOtp",
      // A code is sent in the same transaction as the record it is about: only when the record is created.
      places: ["onCreate"],
      phase: "after",
      check(body, at) {
        checkExpression(body.sms, `${at.path}.issueOtp.sms`, at);
        checkExpression(body.email, `${at.path}.issueOtp.email`, at);
      },
      plan: (body, ctx) => ({ deliver: { policy: body.policy, to: { sms: text2(resolveValue(body.sms, ctx)), email: text2(resolveValue(body.email, ctx)) } } }),
      async deliver(step, { tx, otp, app, recordId }) {
        await otp.issueIn(tx, app, step.policy, recordId, step.to);
      }
    };
  }
});

// engine/effects/notify.ts
var notify;
var init_notify = __esm({
  "engine/effects/notify.ts"() {
    "use strict";
    init_check_expression();
    init_resolve_value();
    notify = {
      schema: "common.schema.json#/definitions/effect/properties/notify",
      places: ["onCreate", "transition", "workflow"],
      phase: "after",
      check(body, at) {
        const template = at.templates.get(body.template);
        if (!template) return;
        checkExpression(body.to, `${at.path}.notify.to`, at);
        for (const v of template.variables) checkVariable(v, `${at.path}.notify.template`, at, [...CONTEXT_ROOTS, "app"], (p, m) => at.add(p, `Template "${body.template}": ${m}`));
      },
      plan(body, ctx, { app, recordId, key: key2, index }) {
        const template = app.templates.get(body.template);
        const to = resolveValue(body.to, ctx);
        if (typeof to !== "string" || to === "") return { skipped: { message: "notify skipped: no recipient", detail: { template: template.name } } };
        const base = { app: app.id, channel: template.channel, recordId, template: template.name, recipient: to, idempotencyKey: `${key2}:${index}:${template.channel}` };
        let row;
        try {
          const out = template.render(ctx);
          const payload = template.channel === "sms" ? { to, body: out.text } : { to, subject: out.subject, text: out.text, html: out.html };
          row = { ...base, payload };
        } catch (err) {
          row = { ...base, payload: { to }, renderError: `Template "${template.name}" could not be rendered: ${err.message}` };
        }
        return { outbox: [row] };
      }
    };
  }
});

// engine/effects/set.ts
var set;
var init_set = __esm({
  "engine/effects/set.ts"() {
    "use strict";
    init_check_expression();
    init_resolve_value();
    set = {
      schema: "common.schema.json#/definitions/effect/properties/set",
      places: ["onCreate", "transition", "workflow"],
      phase: "change",
      check(body, at) {
        for (const [field, value] of Object.entries(body)) {
          if (at.entity && !(field in at.entity.fields)) at.add(`${at.path}.set.${field}`, `Entity "${at.entity.name}" has no field "${field}"`);
          checkExpression(value, `${at.path}.set.${field}`, at);
        }
      },
      plan(body, ctx) {
        const fields = {};
        for (const [field, raw3] of Object.entries(body)) {
          const value = resolveValue(raw3, ctx);
          if (value !== void 0) fields[field] = value;
        }
        return { fields };
      }
    };
  }
});

// engine/effects/create-record.ts
var createRecord;
var init_create_record = __esm({
  "engine/effects/create-record.ts"() {
    "use strict";
    init_app_error();
    init_check_expression();
    init_resolve_value();
    createRecord = {
      schema: "common.schema.json#/definitions/effect/properties/create",
      places: ["transition", "workflow"],
      phase: "after",
      check(body, at) {
        const target2 = at.entities.get(body.entity);
        if (!target2) return at.add(`${at.path}.create.entity`, `Entity "${body.entity}" is not defined in this app`);
        const roots = [...CONTEXT_ROOTS, ...Object.keys(body.with ?? {})];
        for (const [name, ref2] of Object.entries(body.with ?? {})) {
          if (!at.entities.has(ref2.entity)) at.add(`${at.path}.create.with.${name}.entity`, `Entity "${ref2.entity}" is not defined in this app`);
          for (const m of ref2.id.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) checkVariable(m[1] ?? "", `${at.path}.create.with.${name}.id`, at, CONTEXT_ROOTS, at.add);
        }
        for (const [field, value] of Object.entries(body.fields)) {
          if (!(field in target2.fields)) at.add(`${at.path}.create.fields.${field}`, `Entity "${body.entity}" has no field "${field}"`);
          if (typeof value !== "string") continue;
          for (const m of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
            const ref2 = m[1] ?? "";
            const root = ref2.split(".")[0] ?? "";
            if (body.with && Object.hasOwn(body.with, root)) {
              const refEntity = at.entities.get(body.with[root].entity);
              const f = ref2.split(".")[1];
              if (refEntity && f && !(f in refEntity.fields) && !["id", "version", "createdAt", "updatedAt", "status", "state"].includes(f)) at.add(`${at.path}.create.fields.${field}`, `"{{${ref2}}}": entity "${refEntity.name}" has no field "${f}"`);
            } else checkVariable(ref2, `${at.path}.create.fields.${field}`, at, roots, at.add);
          }
        }
      },
      plan(body, ctx) {
        const refs = Object.entries(body.with ?? {}).map(([name, ref2]) => ({ name, entity: ref2.entity, id: resolveValue(ref2.id, ctx), optional: ref2.optional === true }));
        const absent = refs.find((r) => r.optional && (r.id === void 0 || r.id === null || r.id === ""));
        if (absent) return { skipped: { message: `no ${body.entity} created: the record names no ${absent.entity}`, detail: { entity: body.entity, with: absent.name } } };
        return { deliver: { entity: body.entity, with: refs, fields: body.fields, ctx } };
      },
      async deliver(step, { tx, app, records }) {
        const read = {};
        for (const ref2 of step.with) {
          const found = typeof ref2.id === "string" ? await records.read(tx, app, ref2.entity, ref2.id) : void 0;
          if (!found) throw new AppError("CONFLICT", `This move creates a ${step.entity} from the ${ref2.entity} it names, and there is none (${String(ref2.id ?? "no id")})`, { details: [{ path: `$.with.${ref2.name}`, message: `No ${ref2.entity} "${String(ref2.id ?? "")}"` }] });
          read[ref2.name] = found;
        }
        const scope = { ...step.ctx, ...read };
        const data = Object.fromEntries(Object.entries(step.fields).map(([k, v]) => [k, resolveValue(v, scope)]).filter(([, v]) => v !== void 0 && v !== null && v !== ""));
        await records.createIn(tx, app, step.entity, data, step.ctx.actor);
      }
    };
  }
});

// engine/plugin-api.ts
var ProviderError;
var init_plugin_api = __esm({
  "engine/plugin-api.ts"() {
    "use strict";
    ProviderError = class extends Error {
      transient;
      vendor;
      retryAfterMs;
      vendorCode;
      constructor(vendor, message, options) {
        super(message, { cause: options.cause });
        this.name = "ProviderError";
        this.vendor = vendor;
        this.transient = options.transient;
        this.retryAfterMs = options.retryAfterMs;
        this.vendorCode = options.vendorCode;
      }
    };
  }
});

// engine/documents/format-value.ts
function asDate(value) {
  const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : void 0;
  return d && !Number.isNaN(d.getTime()) ? d : void 0;
}
function formatValue(value, format = "text") {
  if (value === void 0 || value === null || value === "") return ABSENT;
  const n = typeof value === "number" ? value : Number.NaN;
  switch (format) {
    case "money":
      return Number.isFinite(n) ? `Rs ${MONEY.format(n)}` : String(value);
    case "integer":
      return Number.isFinite(n) ? INTEGER.format(n) : String(value);
    case "number":
      return Number.isFinite(n) ? NUMBER.format(n) : String(value);
    case "percent":
      return Number.isFinite(n) ? `${PERCENT.format(n * 100)}%` : String(value);
    case "date":
    case "datetime": {
      const d = asDate(value);
      if (!d) return String(value);
      const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
      if (format === "date") return day;
      const hm = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
      return `${day} ${hm} UTC`;
    }
    default:
      if (typeof value === "object") return JSON.stringify(value);
      return String(value);
  }
}
var grouped, MONEY, INTEGER, NUMBER, PERCENT, MONTHS, ABSENT;
var init_format_value = __esm({
  "engine/documents/format-value.ts"() {
    "use strict";
    grouped = (digits) => new Intl.NumberFormat("en-IN", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    MONEY = grouped(2);
    INTEGER = grouped(0);
    NUMBER = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 3 });
    PERCENT = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2 });
    MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    ABSENT = "-";
  }
});

// engine/documents/render-pdf.ts
function printable(text3) {
  return text3.replace(/₹\s?/g, "Rs ").replace(/[^\n\t\x20-\x7e\xa0-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/gu, "?");
}
async function renderPdf(document, ctx) {
  const PDFDocument = await loadPdfkit();
  const def = document.definition;
  const margin = def.page?.margins ?? 50;
  const nowIso = ctx.now.toISOString();
  const scope = { record: ctx.record, app: ctx.app, now: nowIso };
  const text3 = (path17) => printable(document.texts.get(path17)?.render(scope).text ?? "");
  const valueOf = (v) => printable(formatValue(getPath(scope, v.value), v.format));
  const pdf = new PDFDocument({
    size: def.page?.size ?? "A4",
    margin,
    bufferPages: true,
    compress: true,
    info: { Title: text3("$.title"), Producer: "Rulepath", Creator: "Rulepath", CreationDate: ctx.now, ModDate: ctx.now }
  });
  const chunks = [];
  const done = new Promise((resolve2, reject) => {
    pdf.on("data", (c) => chunks.push(c));
    pdf.on("end", () => resolve2(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  const left = margin;
  const width = pdf.page.width - 2 * margin;
  const bottom = () => pdf.page.height - margin - 20;
  const ensure = (height) => {
    if (pdf.y + height > bottom()) pdf.addPage();
  };
  pdf.font(BOLD).fontSize(18).fillColor("black").text(text3("$.title"), left, pdf.y, { width });
  if (def.header !== void 0) pdf.moveDown(0.4).font(FONT).fontSize(10).fillColor(GREY).text(text3("$.header"), left, pdf.y, { width });
  pdf.moveDown(1);
  def.sections.forEach((section, i) => {
    const at = `$.sections[${i}]`;
    if ("heading" in section) {
      ensure(30);
      pdf.moveDown(0.5).font(BOLD).fontSize(12).fillColor("black").text(text3(`${at}.heading`), left, pdf.y, { width });
      pdf.moveDown(0.3);
    } else if ("paragraph" in section) {
      pdf.font(FONT).fontSize(10).fillColor("black").text(text3(`${at}.paragraph`), left, pdf.y, { width });
      pdf.moveDown(0.6);
    } else if ("fields" in section) {
      pdf.fontSize(10);
      for (const f of section.fields) {
        const value = valueOf(f);
        const h = Math.max(pdf.heightOfString(printable(f.label), { width: width * 0.35 }), pdf.heightOfString(value, { width: width * 0.63 }));
        ensure(h + 4);
        const y = pdf.y;
        pdf.font(BOLD).fillColor(GREY).text(printable(f.label), left, y, { width: width * 0.35 });
        pdf.font(FONT).fillColor("black").text(value, left + width * 0.37, y, { width: width * 0.63 });
        pdf.y = y + h + 4;
      }
      pdf.moveDown(0.6);
    } else if ("table" in section) {
      drawTable(section.table.rows, section.table.columns, section.table.empty);
    } else if ("totals" in section) {
      for (const t of section.totals) {
        const size = t.emphasis ? 12 : 10;
        ensure(size + 8);
        const y = pdf.y;
        if (t.emphasis) pdf.moveTo(left + width * 0.45, y - 2).lineTo(left + width, y - 2).strokeColor(RULE).stroke();
        pdf.font(t.emphasis ? BOLD : FONT).fontSize(size).fillColor("black");
        pdf.text(printable(t.label), left + width * 0.45, y + 1, { width: width * 0.3 });
        pdf.text(valueOf(t), left + width * 0.75, y + 1, { width: width * 0.25, align: "right" });
        pdf.y = y + size + 8;
      }
      pdf.moveDown(0.6);
    }
  });
  function drawTable(rowsField, columns, empty3) {
    const weights = columns.map((c) => c.width ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => w / total * width);
    const xs = widths.map((_, j) => left + widths.slice(0, j).reduce((a, b) => a + b, 0));
    const pad = 3;
    const drawRow = (cells, bold) => {
      pdf.font(bold ? BOLD : FONT).fontSize(9).fillColor("black");
      const h = Math.max(...cells.map((c, j) => pdf.heightOfString(c, { width: widths[j] - 2 * pad }))) + 2 * pad;
      ensure(h);
      const y = pdf.y;
      cells.forEach((c, j) => pdf.text(c, xs[j] + pad, y + pad, { width: widths[j] - 2 * pad, align: columns[j].align ?? "left" }));
      pdf.moveTo(left, y + h).lineTo(left + width, y + h).strokeColor(RULE).lineWidth(bold ? 1 : 0.5).stroke();
      pdf.y = y + h;
    };
    drawRow(columns.map((c) => printable(c.label)), true);
    const rows = ctx.record[rowsField];
    const items = Array.isArray(rows) ? rows : [];
    for (const item of items) drawRow(columns.map((c) => printable(formatValue(getPath(item, c.value), c.format))), false);
    if (!items.length) drawRow([printable(empty3 ?? ABSENT), ...columns.slice(1).map(() => "")], false);
    pdf.x = left;
    pdf.moveDown(1);
  }
  const footer = def.footer !== void 0 ? text3("$.footer") : "";
  const range = pdf.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    pdf.switchToPage(p);
    const saved = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    const y = pdf.page.height - margin - 10;
    pdf.font(FONT).fontSize(8).fillColor(GREY);
    if (footer) pdf.text(footer, left, y, { width: width * 0.8, lineBreak: false });
    pdf.text(`${p + 1} / ${range.count}`, left + width * 0.8, y, { width: width * 0.2, align: "right", lineBreak: false });
    pdf.page.margins.bottom = saved;
  }
  pdf.end();
  return done;
}
var FONT, BOLD, GREY, RULE, pdfkit, loadPdfkit;
var init_render_pdf = __esm({
  "engine/documents/render-pdf.ts"() {
    "use strict";
    init_object_path();
    init_format_value();
    FONT = "Helvetica";
    BOLD = "Helvetica-Bold";
    GREY = "#555555";
    RULE = "#bbbbbb";
    loadPdfkit = () => pdfkit ??= import("pdfkit").then((m) => m.default);
  }
});

// engine/effects/render-document.ts
import { createHash, randomUUID as randomUUID4 } from "node:crypto";
function addYears(at, years) {
  const d = new Date(at.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}
var failed, renderDocument;
var init_render_document = __esm({
  "engine/effects/render-document.ts"() {
    "use strict";
    init_app_error();
    init_plugin_api();
    init_render_pdf();
    failed = (message, cause) => new AppError("DOCUMENT_RENDER_FAILED", message, { cause, details: cause instanceof ProviderError ? [{ path: "$", message: cause.transient ? "The blob store did not answer; try again" : "The blob store refused the document" }] : void 0 });
    renderDocument = {
      schema: "common.schema.json#/definitions/effect/properties/render",
      // Also on a record the `create` effect makes: its PDF is stored inside the creating move's
      // transaction, before the record is inserted (records-in-transaction.ts).
      places: ["onCreate", "transition", "workflow"],
      phase: "after",
      check(body, at) {
        const doc = at.documents.get(body.document);
        if (!doc) at.add(`${at.path}.render.document`, `Document "${body.document}" is not defined in this app`);
        else if (doc.entity && at.entity && doc.entity !== at.entity.name && at.entities.has(doc.entity)) at.add(`${at.path}.render.document`, `Document "${body.document}" prints ${doc.entity} records, not ${at.entity.name}`);
        if (!at.entity) return;
        const field = Object.hasOwn(at.entity.fields, body.field) ? at.entity.fields[body.field] : void 0;
        if (!field) at.add(`${at.path}.render.field`, `Entity "${at.entity.name}" has no field "${body.field}"`);
        else if (field.type !== "object") at.add(`${at.path}.render.field`, `"${body.field}" receives the stored document's key and hash: it must be a field of type object`);
      },
      plan: (body) => ({ prepare: body }),
      async prepare(step, deps) {
        const document = deps.app.documents.get(step.document);
        if (!document) throw new AppError("DOCUMENT_RENDER_FAILED", `Document "${step.document}" is not defined`);
        let pdf;
        try {
          pdf = await renderPdf(document, { record: deps.record, app: { id: deps.app.id, name: deps.app.name }, now: deps.now });
        } catch (err) {
          deps.logger.error({ err, app: deps.app.id, entity: deps.entity, id: deps.recordId, document: step.document }, "a document could not be rendered");
          throw failed(`The ${step.document} document could not be rendered; nothing was saved`, err);
        }
        const sha256 = createHash("sha256").update(pdf).digest("hex");
        const key2 = `documents/${deps.entity}/${deps.recordId}/${step.document}-${randomUUID4()}.pdf`;
        const retainUntil = step.retainYears ? addYears(deps.now, step.retainYears) : void 0;
        try {
          const stored = await deps.blob.write(key2, pdf, { contentType: "application/pdf", immutable: true, ...retainUntil ? { retainUntil } : {} });
          if (stored.sha256 !== sha256 || stored.size !== pdf.length) throw new Error(`the store holds ${stored.size} bytes hashing ${stored.sha256}, not the ${pdf.length} written`);
        } catch (err) {
          deps.logger.error({ err, app: deps.app.id, key: key2 }, "a document could not be stored");
          throw failed(`The ${step.document} document could not be stored; nothing was saved, try again`, err);
        }
        const value = { key: key2, sha256, size: pdf.length, contentType: "application/pdf", renderedAt: deps.now.toISOString(), document: step.document };
        return {
          fields: { [step.field]: value },
          // The write did not happen: the PDF is no record's. A write-once store refuses the delete
          // (that is its point); the key, under documents/<entity>/<an id no record has>/, is then logged
          // as an orphan for the operator, and nothing ever points to it.
          async abandon() {
            try {
              await deps.blob.delete(key2);
            } catch (err) {
              deps.logger.warn({ err, app: deps.app.id, key: key2 }, "orphaned document: its write failed and the store keeps it");
            }
          }
        };
      }
    };
  }
});

// engine/effects/move-record.ts
function refusedTarget(step, err) {
  const code = err.code === "RECORD_NOT_FOUND" ? "CONFLICT" : err.code;
  const at = `$.move.${step.entity}`;
  return new AppError(code, err.message, {
    cause: err,
    publicCode: err.publicCode,
    data: err.data,
    details: [
      { path: at, message: `The ${step.entity} this move moves (${String(step.id)}, event "${step.event}") was refused: ${err.message}` },
      ...(err.details ?? []).map((d) => ({ path: d.path.replace(/^\$/, at), message: d.message }))
    ]
  });
}
var isEmpty, moveRecord;
var init_move_record = __esm({
  "engine/effects/move-record.ts"() {
    "use strict";
    init_app_error();
    init_normalize_transitions();
    init_check_expression();
    init_resolve_value();
    isEmpty = (v) => v === void 0 || v === null || v === "";
    moveRecord = {
      schema: "common.schema.json#/definitions/effect/properties/move",
      // A move of another record is part of a move: a create has no transaction of moves to join.
      places: ["transition", "workflow"],
      phase: "after",
      check(body, at) {
        const path17 = `${at.path}.move`;
        const target2 = at.entities.get(body.entity);
        if (!target2) {
          if (!at.malformed?.has(`entity:${body.entity}`)) at.add(`${path17}.entity`, `Entity "${body.entity}" is not defined in this app`);
        } else if (!target2.workflow) at.add(`${path17}.entity`, `Entity "${body.entity}" has no workflow: its records cannot be moved`);
        else {
          const wf = at.workflows?.get(target2.workflow);
          if (wf) {
            const moves = normalizeTransitions(wf).filter((t) => t.event === body.event);
            if (!moves.length) at.add(`${path17}.event`, `Workflow "${wf.name}" has no event "${body.event}"`);
            else if (moves.some((t) => t.otp)) at.add(`${path17}.event`, `Event "${body.event}" of workflow "${wf.name}" asks for a code, which a move effect cannot send`);
            for (const k of Object.keys(body.input ?? {})) if (!Object.hasOwn(wf.input ?? {}, k)) at.add(`${path17}.input.${k}`, `The input of workflow "${wf.name}" has no field "${k}"`);
          }
        }
        checkExpression(body.id, `${path17}.id`, at);
        for (const [k, v] of Object.entries(body.input ?? {})) checkExpression(v, `${path17}.input.${k}`, at);
        checkExpression(body.remarks, `${path17}.remarks`, at);
      },
      plan(body, ctx) {
        const id = resolveValue(body.id, ctx);
        if (isEmpty(id) && body.optional) return { skipped: { message: `no ${body.entity} moved: the record names none`, detail: { entity: body.entity, event: body.event } } };
        const input = Object.fromEntries(Object.entries(body.input ?? {}).map(([k, v]) => [k, resolveValue(v, ctx)]).filter(([, v]) => !isEmpty(v)));
        const remarks = body.remarks === void 0 ? void 0 : resolveValue(body.remarks, ctx);
        return { deliver: { entity: body.entity, id, event: body.event, input, ...isEmpty(remarks) ? {} : { remarks: String(remarks) }, actor: ctx.actor } };
      },
      async deliver(step, { tx, app, records }) {
        if (typeof step.id !== "string" || step.id === "") {
          throw new AppError("CONFLICT", `This move moves the ${step.entity} its record names, and it names none`, { details: [{ path: `$.move.${step.entity}`, message: `No ${step.entity} id` }] });
        }
        try {
          await records.moveIn(tx, app, step.entity, step.id, { event: step.event, input: step.input, remarks: step.remarks }, step.actor);
        } catch (err) {
          throw isAppError(err) ? refusedTarget(step, err) : err;
        }
      }
    };
  }
});

// engine/effects/effect-registry.ts
function effectNameOf(effect) {
  return Object.keys(effect)[0];
}
var effectModules;
var init_effect_registry = __esm({
  "engine/effects/effect-registry.ts"() {
    "use strict";
    init_emit();
    init_issue_otp();
    init_notify();
    init_set();
    init_create_record();
    init_render_document();
    init_move_record();
    effectModules = { set, notify, emit, issueOtp, create: createRecord, render: renderDocument, move: moveRecord };
  }
});

// engine/effects/check-effect.ts
function checkEffect(effect, place, at, modules = effectModules) {
  const name = effectNameOf(effect);
  const module = modules[name];
  if (!module.places.includes(place)) at.add(at.path, `${name} can only be used in ${module.places.join(" or ")}`);
  module.check(effect[name], at);
}
var init_check_effect = __esm({
  "engine/effects/check-effect.ts"() {
    "use strict";
    init_effect_registry();
  }
});

// engine/workflow/check-workflow.ts
function documentsOf(defs) {
  const malformed = [...defs.malformed].filter((k) => k.startsWith("document:")).map((k) => [k.slice("document:".length), {}]);
  return new Map([...malformed, ...[...defs.named("document")].map(([name, d]) => [name, { entity: d.definition.entity }])]);
}
function checkWorkflow(file, wf, defs) {
  const problems = [];
  const add = (f, path17, message) => problems.push({ file: f, path: path17, message });
  const places = [...new Map(normalizeTransitions(wf).map((t) => [t.source, t])).values()];
  const entities = defs.named("entity");
  if (entities.has(wf.entity) || !defs.malformed.has(`entity:${wf.entity}`)) {
    const all = new Map([...entities].map(([name, e]) => [name, e.definition]));
    const workflows = new Map([...defs.named("workflow")].map(([name, w]) => [name, w.definition]));
    checkAgainstEntity(file, wf, places, entities.get(wf.entity)?.definition, all, workflows, defs.malformed, templatesOf(defs), documentsOf(defs), add);
  }
  const otpPolicies = defs.named("otp");
  for (const t of places) {
    if (t.otp && otpPolicies.get(t.otp.policy)?.definition.record) add(file, `${t.source}.otp.policy`, `OTP policy "${t.otp.policy}" is a record OTP (verified with a proof), not a step's code`);
  }
  return problems;
}
function checkAgainstEntity(file, wf, places, entity, entities, workflows, malformed, templates, documents, add) {
  if (!entity) add(file, "$.entity", `Entity "${wf.entity}" is not defined in this app`);
  else if (entity.workflow !== wf.name) add(file, "$.entity", `Entity "${wf.entity}" does not name this workflow in its "workflow"`);
  const checkEffects = (effects, at, place) => effects.forEach((e, i) => checkEffect(e, place, { path: `${at}[${i}]`, entity, entities, workflow: wf, workflows, malformed, templates, documents, add: (p, m) => add(file, p, m) }));
  for (const t of places) {
    if (t.when) checkGuardCondition(file, `${t.source}.when`, t.when, entity, wf, add);
    checkEffects(t.effects, `${t.source}.effects`, "transition");
  }
  checkEffects(wf.effects ?? [], "$.effects", "workflow");
  checkEffects(wf.onCreate ?? [], "$.onCreate", "onCreate");
}
var init_check_workflow = __esm({
  "engine/workflow/check-workflow.ts"() {
    "use strict";
    init_check_effect();
    init_template();
    init_check_guard_condition();
    init_normalize_transitions();
  }
});

// engine/records/check-entity.ts
function checkEntity(file, e, defs) {
  const problems = [];
  const add = (f, path17, message) => problems.push({ file: f, path: path17, message });
  const entities = defs.named("entity");
  const workflows = defs.named("workflow");
  const fields = new Set(Object.keys(e.fields));
  const sortableSystem = (f) => SORTABLE_SYSTEM_FIELDS.includes(f);
  (e.required ?? []).forEach((f, i) => fields.has(f) || add(file, `$.required[${i}]`, `"${f}" is not a field of entity "${e.name}"`));
  (e.uniqueKeys ?? []).forEach(
    (k, i) => k.fields.forEach((f, j) => fields.has(f) || add(file, `$.uniqueKeys[${i}].fields[${j}]`, `"${f}" is not a field of entity "${e.name}"`))
  );
  (e.dedupe ?? []).forEach((d, i) => fields.has(d.field) || add(file, `$.dedupe[${i}].field`, `"${d.field}" is not a field of entity "${e.name}"`));
  (e.filterable ?? []).forEach((f, i) => fields.has(f) || add(file, `$.filterable[${i}]`, `"${f}" is not a field of entity "${e.name}"`));
  (e.sortable ?? []).forEach((f, i) => fields.has(f) || sortableSystem(f) || add(file, `$.sortable[${i}]`, `"${f}" is not a field of entity "${e.name}"`));
  if (e.idempotency) {
    const f = e.fields[e.idempotency.field];
    if (!f) add(file, "$.idempotency.field", `"${e.idempotency.field}" is not a field of entity "${e.name}"`);
    else if (f.format !== "uuid" || f.immutable !== true) add(file, "$.idempotency.field", `"${e.idempotency.field}" must be an immutable field of format "uuid"`);
  }
  if (e.proof) {
    const p = e.proof;
    if (!fields.has(p.recordField)) add(file, "$.proof.recordField", `"${p.recordField}" is not a field of entity "${e.name}"`);
    if (fields.has(p.tokenField)) add(file, "$.proof.tokenField", `"${p.tokenField}" carries the token and is never stored: it cannot also be a field`);
    const proven = p.entity ? entities.get(p.entity) : void 0;
    if (p.entity && !proven && !defs.malformed.has(`entity:${p.entity}`)) add(file, "$.proof.entity", `Entity "${p.entity}" is not defined in this app`);
    Object.keys(p.copy ?? {}).forEach((f) => fields.has(f) || add(file, `$.proof.copy.${f}`, `"${f}" is not a field of entity "${e.name}"`));
    const wf = proven?.definition.workflow ? workflows.get(proven.definition.workflow)?.definition : void 0;
    if (p.when && proven && wf) checkGuardCondition(file, "$.proof.when", p.when, proven.definition, wf, add);
  }
  if (e.onCreate?.length) {
    const wf = (e.workflow ? workflows.get(e.workflow)?.definition : void 0) ?? { kind: "workflow", name: "", entity: e.name, field: "", initial: "", states: {}, input: {} };
    const all = new Map([...entities].map(([name, d]) => [name, d.definition]));
    const at = { entity: e, entities: all, workflow: wf, workflows: new Map([...workflows].map(([name, w]) => [name, w.definition])), malformed: defs.malformed, templates: templatesOf(defs), documents: documentsOf(defs), add: (p, m) => add(file, p, m) };
    e.onCreate.forEach((effect, i) => checkEffect(effect, "onCreate", { ...at, path: `$.onCreate[${i}]` }));
  }
  if (e.assign) checkAssign(file, e, defs, add);
  checkComputed(file, e, add);
  checkRecordChecks(file, e, e.workflow ? workflows.get(e.workflow)?.definition : void 0, add);
  if (e.workflow) {
    const wf = workflows.get(e.workflow);
    if (!wf && !defs.malformed.has(`workflow:${e.workflow}`)) add(file, "$.workflow", `Workflow "${e.workflow}" is not defined in this app`);
    else if (wf && wf.definition.entity !== e.name) add(file, "$.workflow", `Workflow "${e.workflow}" belongs to entity "${wf.definition.entity}", not "${e.name}"`);
    const stateField = wf?.definition.field ?? "status";
    if (fields.has(stateField)) add(file, `$.fields.${stateField}`, `"${stateField}" is owned by workflow "${e.workflow}" and cannot also be a field`);
  }
  return problems;
}
function checkAssign(file, e, defs, add) {
  const a = e.assign;
  const field = e.fields[a.field];
  if (!field) add(file, "$.assign.field", `"${a.field}" is not a field of entity "${e.name}"`);
  else if (field.type !== "string") add(file, "$.assign.field", `"${a.field}" receives a user id: it must be a string field`);
  if (!Object.hasOwn(defs.app.definition.roles, a.role)) add(file, "$.assign.role", `Role "${a.role}" is not declared by the app`);
  Object.keys(a.match ?? {}).forEach((f) => f in e.fields || add(file, `$.assign.match.${f}`, `"${f}" is not a field of entity "${e.name}"`));
  if (a.when) {
    const wf = e.workflow ? defs.named("workflow").get(e.workflow)?.definition : void 0;
    checkGuardCondition(file, "$.assign.when", a.when, e, wf ?? { kind: "workflow", name: e.name, entity: e.name, initial: "", states: {} }, add);
  }
}
var init_check_entity = __esm({
  "engine/records/check-entity.ts"() {
    "use strict";
    init_check_guard_condition();
    init_sortable_system_fields();
    init_check_computed();
    init_record_checks();
    init_check_effect();
    init_template();
    init_check_workflow();
  }
});

// engine/files/check-file-slots.ts
import { supportedMimeTypes } from "file-type";
function checkFileSlots(file, e, app, add) {
  for (const [name, slot] of Object.entries(e.files ?? {})) {
    const at = `$.files.${name}`;
    slot.types.forEach((t, i) => {
      if (!supportedMimeTypes.has(t)) add(file, `${at}.types[${i}]`, `"${t}" cannot be recognised from a file's bytes, so no upload could be accepted as it`);
    });
    const states = new Set(slot.review?.states ?? []);
    (slot.review?.reupload ?? []).forEach((s, i) => states.has(s) || add(file, `${at}.review.reupload[${i}]`, `"${s}" is not one of the slot's review states`));
    if (slot.roles.review && !slot.review) add(file, `${at}.roles.review`, "The slot has no review states to set");
    if (slot.review && !slot.roles.review?.length) add(file, `${at}.roles.review`, "A slot with review states needs the roles that review");
    if (app) {
      for (const action of ["upload", "review", "remove"]) {
        (slot.roles[action] ?? []).forEach((r, i) => Object.hasOwn(app.roles, r) || add(file, `${at}.roles.${action}[${i}]`, `Role "${r}" is not defined in this app`));
      }
    }
  }
}
var init_check_file_slots = __esm({
  "engine/files/check-file-slots.ts"() {
    "use strict";
  }
});

// engine/records/compile-entity.ts
import { Ajv as Ajv2 } from "ajv";
function stripLabels(schema2) {
  return JSON.parse(JSON.stringify(schema2));
}
function compileEntity(def, app, workflow) {
  const properties = Object.fromEntries(Object.entries(def.fields).map(([k, v]) => [k, stripLabels(v)]));
  const createSchema = { type: "object", additionalProperties: false, properties, required: def.required ?? [] };
  const patchSchema = { type: "object", additionalProperties: false, properties, minProperties: 1 };
  const codeFields = Object.fromEntries((workflow?.transitions ?? []).filter((t) => t.otp).map((t) => [t.otp.field, { type: "string", minLength: 1, maxLength: 20 }]));
  const inputSchema = {
    type: "object",
    additionalProperties: false,
    properties: { ...codeFields, ...Object.fromEntries(Object.entries(workflow?.definition.input ?? {}).map(([k, v]) => [k, stripLabels(v)])) }
  };
  const scopeFields = /* @__PURE__ */ new Set();
  for (const role of Object.values(app.roles)) {
    const scope = role.permissions?.[def.name]?.scope;
    if (scope) scopeFields.add(scope.field);
  }
  return {
    name: def.name,
    label: def.label ?? def.name,
    fields: def.fields,
    workflow,
    scopeFields: [...scopeFields],
    uniqueKeys: (def.uniqueKeys ?? []).map((k) => ({ name: k.name, fields: k.fields, caseInsensitive: k.caseInsensitive ?? false })),
    filterable: new Set(def.filterable ?? []),
    sortable: /* @__PURE__ */ new Set([...SORTABLE_SYSTEM_FIELDS, ...def.sortable ?? []]),
    validateCreate: ajv2.compile(createSchema),
    validatePatch: ajv2.compile(patchSchema),
    validateInput: ajv2.compile(inputSchema),
    createSchema,
    patchSchema,
    inputSchema,
    checks: compileChecks(def.checks),
    assignWhen: def.assign?.when ? compileConditionGuard(def.assign.when) : void 0,
    definition: def
  };
}
var ajv2;
var init_compile_entity = __esm({
  "engine/records/compile-entity.ts"() {
    "use strict";
    init_field_formats();
    init_sortable_system_fields();
    init_record_checks();
    init_condition_guard();
    ajv2 = addFieldFormats(new Ajv2({ allErrors: true, strict: true, strictRequired: false, useDefaults: false, coerceTypes: false }));
    ajv2.addKeyword({ keyword: "label", schemaType: "string" });
    ajv2.addKeyword({ keyword: "errorCode", schemaType: "string" });
    ajv2.addKeyword({ keyword: "editableIn", schemaType: "array" });
    ajv2.addKeyword({ keyword: "immutable", schemaType: "boolean" });
  }
});

// engine/registry/kinds/entity.ts
var entityKind;
var init_entity = __esm({
  "engine/registry/kinds/entity.ts"() {
    "use strict";
    init_check_entity();
    init_check_file_slots();
    init_compile_entity();
    entityKind = {
      kind: "entity",
      schemaFile: "entity.schema.json",
      names: { noun: "entity", citeEarlier: true },
      check: (own, app) => own.flatMap(({ file, definition }) => {
        const problems = checkEntity(file, definition, app);
        checkFileSlots(file, definition, app.app?.definition, (f, path17, message) => problems.push({ file: f, path: path17, message }));
        return problems;
      }),
      compile(own, app) {
        const { workflows } = app.part("workflow");
        const appDef = app.app.definition;
        return { entities: new Map(own.map(({ definition: e }) => [e.name, compileEntity(e, appDef, e.workflow ? workflows.get(e.workflow) : void 0)])) };
      }
    };
  }
});

// engine/imports/check-import.ts
function checkImport(file, def, app, entities, templates) {
  const problems = [];
  const add = (path17, message) => problems.push({ file, path: path17, message });
  def.roles.forEach((r, i) => r in app.roles || add(`$.roles[${i}]`, `Role "${r}" is not declared by the app`));
  if (def.notify) {
    const t = templates.get(def.notify.template);
    if (!t) add("$.notify.template", `Template "${def.notify.template}" is not defined in this app`);
    else if (t.channel !== "email") add("$.notify.template", "The completion message is an email template");
  }
  const entity = entities.get(def.entity);
  if (!entity) {
    add("$.entity", `Entity "${def.entity}" is not defined in this app`);
    return problems;
  }
  if (def.key !== "id") {
    if (!(def.key in entity.fields)) add("$.key", `Entity "${entity.name}" has no field "${def.key}"`);
    else if (!(entity.uniqueKeys ?? []).some((k) => k.fields.length === 1 && k.fields[0] === def.key)) add("$.key", `"${def.key}" needs a unique key of its own to match rows on`);
  } else if (def.mode === "upsert") add("$.mode", 'An import keyed on "id" can only update');
  const fields = /* @__PURE__ */ new Set();
  let transitions = 0;
  for (const [column, target2] of Object.entries(def.columns)) {
    if (typeof target2 === "object" && "transition" in target2) {
      transitions++;
      if (!entity.workflow) add(`$.columns.${column}`, `Entity "${entity.name}" has no workflow to move`);
      continue;
    }
    const field = typeof target2 === "string" ? target2 : target2.field;
    if (field !== "id" && !(field in entity.fields)) add(`$.columns.${column}`, `Entity "${entity.name}" has no field "${field}"`);
    if (fields.has(field)) add(`$.columns.${column}`, `Two columns set "${field}"`);
    fields.add(field);
  }
  if (transitions > 1) add("$.columns", "At most one column names the target state");
  if (!fields.has(def.key)) add("$.key", `No column maps to the key "${def.key}"`);
  (def.required ?? []).forEach((c, i) => c in def.columns || add(`$.required[${i}]`, `"${c}" is not one of the columns`));
  return problems;
}
var init_check_import = __esm({
  "engine/imports/check-import.ts"() {
    "use strict";
  }
});

// engine/registry/kinds/import.ts
var importKind;
var init_import = __esm({
  "engine/registry/kinds/import.ts"() {
    "use strict";
    init_check_import();
    init_definitions_by_name();
    init_template();
    importKind = {
      kind: "import",
      schemaFile: "import.schema.json",
      names: { noun: "import" },
      check(_own, app) {
        const entities = definitionsByName(app, "entity");
        const templates = templatesOf(app);
        return [...app.named("import").values()].flatMap(({ file, definition }) => checkImport(file, definition, app.app.definition, entities, templates));
      },
      compile: (_own, app) => ({ imports: definitionsByName(app, "import") })
    };
  }
});

// engine/jobs/check-job.ts
function isTimeZone(name) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
function checkJob(file, job, entities, workflows) {
  const problems = [];
  const add = (f, path17, message) => problems.push({ file: f, path: path17, message });
  if (job.timezone !== void 0 && !isTimeZone(job.timezone)) add(file, "$.timezone", `"${job.timezone}" is not a time zone this server knows: use an IANA name such as "Asia/Kolkata" or "UTC"`);
  job.steps.forEach((step, i) => {
    const at = `$.steps[${i}]`;
    const entity = entities.get(step.entity);
    if (!entity) return add(file, `${at}.entity`, `Entity "${step.entity}" is not defined in this app`);
    const wf = entity.workflow ? workflows.get(entity.workflow) : void 0;
    if (!wf) return add(file, `${at}.entity`, `Entity "${step.entity}" has no workflow to fire events on`);
    const moves = normalizeTransitions(wf).filter((t) => t.event === step.event);
    if (moves.length === 0) add(file, `${at}.event`, `Workflow "${wf.name}" has no event "${step.event}"`);
    else if (!moves.some((t) => t.roles.includes(SYSTEM_ROLE))) add(file, `${at}.event`, `Event "${step.event}" does not list the role "${SYSTEM_ROLE}", so the scheduler may not fire it`);
    if (step.when) checkGuardCondition(file, `${at}.when`, step.when, entity, wf, add);
  });
  return problems;
}
var init_check_job = __esm({
  "engine/jobs/check-job.ts"() {
    "use strict";
    init_system_role();
    init_check_guard_condition();
    init_normalize_transitions();
  }
});

// engine/registry/kinds/job.ts
var jobKind;
var init_job = __esm({
  "engine/registry/kinds/job.ts"() {
    "use strict";
    init_check_job();
    init_definitions_by_name();
    jobKind = {
      kind: "job",
      schemaFile: "job.schema.json",
      names: { noun: "job" },
      check(_own, app) {
        const entities = definitionsByName(app, "entity");
        const workflows = definitionsByName(app, "workflow");
        return [...app.named("job").values()].flatMap(({ file, definition }) => checkJob(file, definition, entities, workflows));
      },
      compile: (_own, app) => ({ jobs: definitionsByName(app, "job") })
    };
  }
});

// engine/otp/check-otp-policy.ts
function checkOtpPolicy(file, p, templates, production, app) {
  const problems = [];
  const entity = p.record ? app.entities.get(p.record.entity) : void 0;
  if (p.record && !entity) problems.push({ file, path: "$.record.entity", message: `Entity "${p.record.entity}" is not defined in this app` });
  const wf = entity?.workflow ? app.workflows.get(entity.workflow) : void 0;
  if (p.record?.when && entity && wf) checkGuardCondition(file, "$.record.when", p.record.when, entity, wf, (f, path17, message) => problems.push({ file: f, path: path17, message }));
  if (p.record && !p.roles?.length) problems.push({ file, path: "$.roles", message: "A record OTP names the roles that may ask for codes" });
  if (!p.record && p.roles) problems.push({ file, path: "$.roles", message: '"roles" applies to record OTPs (with "record")' });
  (p.roles ?? []).forEach((r, i) => app.roles.has(r) || problems.push({ file, path: `$.roles[${i}]`, message: `Role "${r}" is not declared by the app` }));
  for (const channel of p.channels) {
    const name = p.templates?.[channel];
    if (!name) {
      problems.push({ file, path: `$.templates.${channel}`, message: `Channel "${channel}" needs a template` });
      continue;
    }
    const t = templates.get(name);
    if (!t) problems.push({ file, path: `$.templates.${channel}`, message: `Template "${name}" is not defined in this app` });
    else if (t.channel !== channel) problems.push({ file, path: `$.templates.${channel}`, message: `Template "${name}" is for ${t.channel}, not ${channel}` });
    else for (const v of t.variables) if (!OTP_VARIABLES.has(v)) problems.push({ file, path: `$.templates.${channel}`, message: `Template "${name}" reads "{{${v}}}", which an OTP message does not have (otp.code, otp.validMinutes, app.name)` });
  }
  if (p.mode === "fixed") {
    if (production) problems.push({ file, path: "$.mode", message: "A fixed OTP code is for development only and is refused in production" });
    if (p.fixedCode && p.fixedCode.length !== p.digits) problems.push({ file, path: "$.fixedCode", message: `The fixed code must have ${p.digits} digits` });
  }
  return problems;
}
var OTP_VARIABLES;
var init_check_otp_policy = __esm({
  "engine/otp/check-otp-policy.ts"() {
    "use strict";
    init_check_guard_condition();
    OTP_VARIABLES = /* @__PURE__ */ new Set(["otp.code", "otp.validMinutes", "app.name", "app.id"]);
  }
});

// engine/registry/kinds/otp.ts
var otpKind;
var init_otp = __esm({
  "engine/registry/kinds/otp.ts"() {
    "use strict";
    init_check_otp_policy();
    init_definitions_by_name();
    init_template();
    otpKind = {
      kind: "otp",
      schemaFile: "otp.schema.json",
      names: { noun: "OTP policy" },
      check(_own, app) {
        const templates = templatesOf(app);
        const refs = { entities: definitionsByName(app, "entity"), workflows: definitionsByName(app, "workflow"), roles: new Set(Object.keys(app.app.definition.roles)) };
        return [...app.named("otp").values()].flatMap(({ file, definition }) => checkOtpPolicy(file, definition, templates, app.production, refs));
      },
      compile: (_own, app) => ({ otpPolicies: definitionsByName(app, "otp") })
    };
  }
});

// engine/promotions/check-ruleset.ts
function checkRuleset(file, rs, entities, workflows) {
  const problems = [];
  const add = (path17, message) => problems.push({ file, path: path17, message });
  const entity = (name, path17) => {
    const e = entities.get(name);
    if (!e) add(path17, `Entity "${name}" is not defined in this app`);
    return e;
  };
  const field = (e, name, path17) => {
    if (e && !(name in e.fields)) add(path17, `Entity "${e.name}" has no field "${name}"`);
  };
  const rules = entity(rs.entity, "$.entity");
  for (const [part, name] of Object.entries(rs.fields)) field(rules, name, `$.fields.${part}`);
  if (rules) {
    const wf = rules.workflow ? workflows.get(rules.workflow) : void 0;
    if (!wf) add("$.entity", `Entity "${rules.name}" needs a workflow: its states say which rules are evaluated`);
    else {
      const check = (list3, key2) => list3.forEach((s, i) => s in wf.states || add(`$.${key2}[${i}]`, `State "${s}" is not a state of workflow "${wf.name}"`));
      check(rs.evaluatedIn, "evaluatedIn");
      check(rs.compiledOn, "compiledOn");
    }
  }
  const stores = entity(rs.stores.entity, "$.stores.entity");
  field(stores, rs.stores.key, "$.stores.key");
  const products = entity(rs.products.entity, "$.products.entity");
  field(products, rs.products.key, "$.products.key");
  if (rs.products.price) field(products, rs.products.price, "$.products.price");
  for (const [key2, members] of [["storeGroups", stores], ["productGroups", products]]) {
    const g = rs[key2];
    const groupEntity = entity(g.entity, `$.${key2}.entity`);
    field(groupEntity, g.code, `$.${key2}.code`);
    field(groupEntity, g.filter, `$.${key2}.filter`);
    if (groupEntity?.fields[g.code] && groupEntity.fields[g.code].format !== "code") add(`$.${key2}.code`, `Field "${g.code}" must have format "code" (conditions use it as a path segment)`);
    if (groupEntity && !(groupEntity.uniqueKeys ?? []).some((k) => k.fields.length === 1 && k.fields[0] === g.code)) add(`$.${key2}.code`, `Entity "${g.entity}" needs a unique key on "${g.code}"`);
    g.attributes.forEach((a, i) => field(members, a, `$.${key2}.attributes[${i}]`));
  }
  if (rs.pricing) {
    const priced2 = entity(rs.pricing.entity, "$.pricing.entity");
    for (const part of ["promotionField", "storeField", "itemsField"]) field(priced2, rs.pricing[part], `$.pricing.${part}`);
    for (const [part, name] of Object.entries(rs.pricing.amounts)) {
      field(priced2, name, `$.pricing.amounts.${part}`);
      if (priced2?.fields[name] && priced2.fields[name].immutable !== true) add(`$.pricing.amounts.${part}`, `Field "${name}" of "${priced2.name}" must be immutable: the amounts are final at creation`);
    }
  }
  for (const [name, attrs] of Object.entries(rs.console?.selections ?? {})) {
    for (const a of Object.keys(attrs)) field(products, a, `$.console.selections.${name}.${a}`);
  }
  return problems;
}
var init_check_ruleset = __esm({
  "engine/promotions/check-ruleset.ts"() {
    "use strict";
  }
});

// engine/registry/kinds/rules.ts
var rulesKind;
var init_rules = __esm({
  "engine/registry/kinds/rules.ts"() {
    "use strict";
    init_check_ruleset();
    init_definitions_by_name();
    rulesKind = {
      kind: "rules",
      schemaFile: "rules.schema.json",
      names: { noun: "ruleset" },
      check(_own, app) {
        const entities = definitionsByName(app, "entity");
        const workflows = definitionsByName(app, "workflow");
        return [...app.named("rules").values()].flatMap(({ file, definition }) => checkRuleset(file, definition, entities, workflows));
      },
      compile: (_own, app) => ({ rulesets: definitionsByName(app, "rules") })
    };
  }
});

// engine/lifecycle/check-test-cases.ts
function checkMove(sim, expectTo, at, app, add) {
  const roles = Object.keys(app.app.definition.roles);
  if (!roles.includes(sim.role) && sim.role !== SYSTEM_ROLE) add(`${at}.simulate.role`, `Role "${sim.role}" is not declared by the app`);
  if (sim.event === void 0 === (sim.target === void 0)) add(`${at}.simulate`, "A move names the event to fire or the target state, one of the two");
  const entity = app.named("entity").get(sim.entity)?.definition;
  if (!entity) {
    if (!app.malformed.has(`entity:${sim.entity}`)) add(`${at}.simulate.entity`, `Entity "${sim.entity}" is not defined in this app`);
    return;
  }
  if (!entity.workflow) return add(`${at}.simulate.entity`, `Entity "${sim.entity}" has no workflow to move in`);
  const wf = app.named("workflow").get(entity.workflow)?.definition;
  if (!wf) return;
  const states = new Set(Object.keys(wf.states));
  const field = wf.field ?? "status";
  const state = sim.record?.[field];
  if (state !== void 0 && !states.has(String(state))) add(`${at}.simulate.record.${field}`, `"${String(state)}" is not a state of workflow "${wf.name}"`);
  if (sim.target !== void 0 && !states.has(sim.target)) add(`${at}.simulate.target`, `"${sim.target}" is not a state of workflow "${wf.name}"`);
  if (sim.event !== void 0 && !normalizeTransitions(wf).some((t) => t.event === sim.event)) add(`${at}.simulate.event`, `Workflow "${wf.name}" has no event "${sim.event}"`);
  if (expectTo !== void 0 && !states.has(expectTo)) add(`${at}.expect.to`, `"${expectTo}" is not a state of workflow "${wf.name}"`);
}
function checkTestCases(own, app) {
  const problems = [];
  const known = (kind, name) => app.named(kind).has(name) || app.malformed.has(`${kind}:${name}`);
  for (const { file, definition } of own) {
    const add = (path17, message) => problems.push({ file, path: path17, message });
    const seen = /* @__PURE__ */ new Set();
    definition.cases.forEach((c, i) => {
      const at = `$.cases[${i}]`;
      if (seen.has(c.name)) add(`${at}.name`, `The case "${c.name}" is already in this test`);
      seen.add(c.name);
      const sim = c.simulate;
      if (sim.kind !== "move" && (c.expect.allowed !== void 0 || c.expect.to !== void 0)) add(`${at}.expect`, `"allowed" and "to" are about moves; this case simulates a ${sim.kind}`);
      if (sim.kind === "move") checkMove(sim, c.expect.to, at, app, add);
      if (sim.kind === "template" && !known("template", sim.template)) add(`${at}.simulate.template`, `Template "${sim.template}" is not defined in this app`);
      if (sim.kind === "rules" && !known("rules", sim.ruleset)) add(`${at}.simulate.ruleset`, `Ruleset "${sim.ruleset}" is not defined in this app`);
      if (sim.kind === "otp" && !known("otp", sim.policy)) add(`${at}.simulate.policy`, `OTP policy "${sim.policy}" is not defined in this app`);
    });
  }
  return problems;
}
var init_check_test_cases = __esm({
  "engine/lifecycle/check-test-cases.ts"() {
    "use strict";
    init_system_role();
    init_normalize_transitions();
  }
});

// engine/registry/kinds/test.ts
var testKind;
var init_test = __esm({
  "engine/registry/kinds/test.ts"() {
    "use strict";
    init_check_test_cases();
    init_definitions_by_name();
    testKind = {
      kind: "test",
      schemaFile: "test.schema.json",
      names: { noun: "test" },
      check: checkTestCases,
      compile: (_own, app) => ({ tests: definitionsByName(app, "test") })
    };
  }
});

// engine/lifecycle/analyze-workflow.ts
function analyzeWorkflow(file, wf, app) {
  const problems = [];
  const reported = /* @__PURE__ */ new Set();
  const report = (severity) => (path17, message) => {
    const key2 = `${path17}
${message}`;
    if (reported.has(key2)) return;
    reported.add(key2);
    problems.push(severity === "error" ? { file, path: path17, message } : { file, path: path17, message, severity });
  };
  const error = report("error");
  const warn = report("warning");
  const states = new Set(Object.keys(wf.states));
  const roles = new Set(app.roles);
  const names = { templates: new Set(app.templates), otpPolicies: new Set(app.otpPolicies) };
  const moves = normalizeTransitions(wf);
  if (!states.has(wf.initial)) error("$.initial", `State "${wf.initial}" is not declared in "states"`);
  if (!wf.transitions && !wf.matrix) error("$", 'A workflow needs "transitions" or a "matrix"');
  const unguarded = /* @__PURE__ */ new Map();
  const gates = stageGates(moves);
  let undeclared = false;
  for (const t of moves) {
    undeclared = checkStates(t, wf, states, error) || undeclared;
    t.roles.forEach((r, i) => roles.has(r) || r === SYSTEM_ROLE || error(`${t.source}.roles[${i}]`, `Role "${r}" is not declared by the app`));
    if (!t.roles.some((r) => roles.has(r) || r === SYSTEM_ROLE)) {
      error(`${t.source}.roles`, `No role may take this move${t.roles.length ? ": none of its roles is declared by the app" : ""} (only an override can make it)`);
    }
    const key2 = `${t.from}/${t.event}`;
    if (unguarded.has(key2)) error(t.source, `Event "${t.event}" from "${t.from}" is already defined at ${unguarded.get(key2)} without a "when"; this move can never be taken`);
    if (!t.when) unguarded.set(key2, t.source);
    checkStageGate(t, gates.get(t.event), wf, error);
    if (t.otp && !names.otpPolicies.has(t.otp.policy)) error(`${t.source}.otp.policy`, `OTP policy "${t.otp.policy}" is not defined in this app`);
    checkEffectNames(t.effects, `${t.source}.effects`, names, error);
  }
  checkEffectNames(wf.effects ?? [], "$.effects", names, error);
  checkEffectNames(wf.onCreate ?? [], "$.onCreate", names, error);
  (wf.override?.roles ?? []).forEach((r, i) => roles.has(r) || error(`$.override.roles[${i}]`, `Role "${r}" is not declared by the app`));
  if (states.has(wf.initial) && (wf.transitions || wf.matrix) && !undeclared) checkReachability(wf, moves, roles, warn);
  return problems;
}
function checkStates(t, wf, states, error) {
  const inMatrix = t.source.startsWith("$.matrix.");
  if (!states.has(t.from)) error(inMatrix ? `$.matrix.${t.from}` : `${t.source}.from`, `State "${t.from}" is not declared in "states"`);
  if (!states.has(t.to)) error(inMatrix ? t.source : `${t.source}.to`, `State "${t.to}" is not declared in "states"`);
  if (wf.states[t.from]?.final) error(t.source, `State "${t.from}" is final: it cannot have outgoing transitions (admins move out of it by override)`);
  return !states.has(t.from) || !states.has(t.to);
}
function stageGates(moves) {
  const gates = /* @__PURE__ */ new Map();
  for (const t of moves) if (t.requiresStage !== void 0 && !gates.has(t.event)) gates.set(t.event, t);
  return gates;
}
function checkStageGate(t, gate, wf, error) {
  const stages = Object.values(wf.states).map((s) => s.stage);
  if (t.requiresStage !== void 0 && !stages.includes(t.requiresStage)) {
    return error(`${t.source}.requiresStage`, `No state of this workflow is at stage ${t.requiresStage}`);
  }
  const needed = gate?.requiresStage;
  if (!gate || needed === void 0 || !Object.hasOwn(wf.states, t.from) || !stages.includes(needed)) return;
  const stage = wf.states[t.from].stage;
  if ((stage ?? 0) >= needed) return;
  const at = stage === void 0 ? `"${t.from}" has no stage` : `"${t.from}" is at stage ${stage}`;
  if (gate.source === t.source) error(`${t.source}.requiresStage`, `The move ${moveName(t)} can never be taken: it needs stage ${needed} and ${at}`);
  else error(t.source, `The move ${moveName(t)} can never be taken: event "${t.event}" needs stage ${needed} (${gate.source}.requiresStage) and ${at}`);
}
function checkEffectNames(effects, at, names, error) {
  effects.forEach((e, i) => {
    if ("notify" in e && !names.templates.has(e.notify.template)) error(`${at}[${i}].notify.template`, `Template "${e.notify.template}" is not defined in this app`);
    if ("issueOtp" in e && !names.otpPolicies.has(e.issueOtp.policy)) error(`${at}[${i}].issueOtp.policy`, `OTP policy "${e.issueOtp.policy}" is not defined in this app`);
  });
}
function checkReachability(wf, moves, roles, warn) {
  const reached = /* @__PURE__ */ new Set([wf.initial]);
  const queue = [wf.initial];
  while (queue.length) {
    const from = queue.shift();
    for (const t of moves) {
      if (t.from !== from || !Object.hasOwn(wf.states, t.to) || reached.has(t.to)) continue;
      reached.add(t.to);
      queue.push(t.to);
    }
  }
  const overriders = (wf.override?.roles ?? []).filter((r) => roles.has(r));
  const by = overriders.length ? `${overriders.length > 1 ? "roles" : "role"} ${overriders.join(", ")}` : "";
  for (const [name, state] of Object.entries(wf.states)) {
    if (!reached.has(name)) {
      warn(`$.states.${name}`, `State "${name}" cannot be reached from "${wf.initial}" by any move; ${by ? `only an override (${by}) can put a record there` : "no record can get there (the workflow has no override)"}`);
    }
    if (!state.final && !moves.some((t) => t.from === name)) {
      warn(`$.states.${name}`, `State "${name}" is not final but no move leaves it; ${by ? `only an override (${by}) can move a record out` : "a record there stays there (the workflow has no override)"}`);
    }
  }
}
var moveName;
var init_analyze_workflow = __esm({
  "engine/lifecycle/analyze-workflow.ts"() {
    "use strict";
    init_system_role();
    init_normalize_transitions();
    moveName = (t) => `${t.from} \u2192 ${t.to}`;
  }
});

// engine/workflow/compile-workflow.ts
import { setup } from "xstate";
function compileWorkflow(def) {
  const transitions = normalizeTransitions(def).map((t, index) => ({
    index,
    event: t.event,
    from: t.from,
    to: t.to,
    roles: new Set(t.roles),
    guard: t.when ? compileConditionGuard(t.when) : void 0,
    effects: t.effects,
    requiresStage: t.requiresStage,
    limit: t.limit,
    otp: t.otp
  }));
  const byState = /* @__PURE__ */ new Map();
  for (const t of transitions) byState.set(t.from, [...byState.get(t.from) ?? [], t]);
  const states = {};
  for (const [name, state] of Object.entries(def.states)) {
    const on = {};
    for (const t of byState.get(name) ?? []) {
      (on[t.event] ??= []).push({ target: t.to, guard: { type: "allowed", params: { roles: [...t.roles], index: t.index } } });
    }
    states[name] = state.final ? { type: "final" } : { on };
  }
  const machine = setup({
    types: { events: {} },
    guards: {
      allowed: ({ event }, params) => params.roles.includes(event.role) && event.guardResults[params.index] !== false
    }
  }).createMachine({ id: def.name, initial: def.initial, states });
  return {
    name: def.name,
    entity: def.entity,
    field: def.field ?? "status",
    initial: def.initial,
    states: def.states,
    transitions,
    byState,
    events: new Set(transitions.map((t) => t.event)),
    commonEffects: def.effects ?? [],
    onCreate: def.onCreate ?? [],
    overrideRoles: new Set(def.override?.roles ?? []),
    overrideRemarksRequired: def.override?.remarks === "required",
    isJourney: Object.values(def.states).some((s) => s.stage !== void 0),
    machine,
    definition: def
  };
}
var init_compile_workflow = __esm({
  "engine/workflow/compile-workflow.ts"() {
    "use strict";
    init_condition_guard();
    init_normalize_transitions();
  }
});

// engine/registry/kinds/workflow.ts
function appNames(app) {
  const malformed = (kind) => [...app.malformed].filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
  return {
    roles: Object.keys(app.app.definition.roles),
    templates: [...app.named("template").keys(), ...malformed("template")],
    otpPolicies: [...app.named("otp").keys(), ...malformed("otp")]
  };
}
var workflowKind;
var init_workflow = __esm({
  "engine/registry/kinds/workflow.ts"() {
    "use strict";
    init_analyze_workflow();
    init_check_workflow();
    init_compile_workflow();
    workflowKind = {
      kind: "workflow",
      schemaFile: "workflow.schema.json",
      names: { noun: "workflow", citeEarlier: true },
      check(own, app) {
        const names = appNames(app);
        return own.flatMap(({ file, definition }) => [...analyzeWorkflow(file, definition, names), ...checkWorkflow(file, definition, app)]);
      },
      compile: (own) => ({ workflows: new Map(own.map(({ definition: w }) => [w.name, compileWorkflow(w)])) })
    };
  }
});

// engine/registry/definition-kinds.ts
function kindModuleOf(kind) {
  return kindModules.find((m) => m.kind === kind);
}
var definitionKinds, kindModules, DEFINITION_KINDS, definitionKindNames;
var init_definition_kinds = __esm({
  "engine/registry/definition-kinds.ts"() {
    "use strict";
    init_app();
    init_demo();
    init_document();
    init_entity();
    init_import();
    init_job();
    init_otp();
    init_rules();
    init_template();
    init_test();
    init_workflow();
    definitionKinds = [appKind, entityKind, workflowKind, templateKind, documentKind, otpKind, rulesKind, jobKind, importKind, demoKind, testKind];
    kindModules = definitionKinds;
    DEFINITION_KINDS = definitionKinds.map((m) => m.kind);
    definitionKindNames = kindModules.map((m) => m.kind);
  }
});

// engine/registry/definition-set.ts
function definitionSet(byKind, app, malformed, production) {
  const named = /* @__PURE__ */ new Map();
  const all = (kind) => byKind.get(kind) ?? [];
  return {
    app,
    all,
    named(kind) {
      let byName = named.get(kind);
      if (!byName) named.set(kind, byName = new Map(all(kind).map((d) => [d.definition.name ?? "", d])));
      return byName;
    },
    malformed,
    production
  };
}
var init_definition_set = __esm({
  "engine/registry/definition-set.ts"() {
    "use strict";
  }
});

// engine/registry/load-definition-files.ts
import { readdirSync, readFileSync as readFileSync2, statSync } from "node:fs";
import path4 from "node:path";
import { parse as parseYaml } from "yaml";
function listAppDirs(root) {
  return readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith("_") && !d.name.startsWith(".")).map((d) => path4.join(root, d.name)).sort();
}
function readDefinitionFiles(dir) {
  const files = [];
  const problems = [];
  const walk2 = (current2) => {
    for (const name of readdirSync(current2).sort()) {
      const full = path4.join(current2, name);
      if (statSync(full).isDirectory()) walk2(full);
      else if (EXTENSIONS.has(path4.extname(name))) {
        const parsed = parseDefinitionText(full, readFileSync2(full, "utf8"));
        if ("problem" in parsed) problems.push(parsed.problem);
        else files.push(parsed);
      }
    }
  };
  walk2(dir);
  return { files, problems };
}
function parseDefinitionText(file, text3) {
  try {
    const content = file.endsWith(".json") ? JSON.parse(text3) : parseYaml(text3, { uniqueKeys: true, maxAliasCount: 100 });
    return { file, content };
  } catch (err) {
    return { problem: { file, path: "$", message: `The file cannot be parsed: ${err.message.split("\n")[0]}` } };
  }
}
var EXTENSIONS;
var init_load_definition_files = __esm({
  "engine/registry/load-definition-files.ts"() {
    "use strict";
    EXTENSIONS = /* @__PURE__ */ new Set([".yaml", ".yml", ".json"]);
  }
});

// engine/support/deep-freeze.ts
function deepFreeze(value) {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key2 of Reflect.ownKeys(value)) {
      deepFreeze(value[key2]);
    }
  }
  return value;
}
var init_deep_freeze = __esm({
  "engine/support/deep-freeze.ts"() {
    "use strict";
  }
});

// engine/support/env-references.ts
function resolveEnvReferences(value, env2, at = "$", problems = []) {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    return value.replace(REFERENCE, (_m, name, fallback) => {
      const v = env2[name];
      if (v !== void 0 && v !== "") return v;
      if (fallback !== void 0) return fallback;
      problems.push({ path: at, message: `Environment variable ${name} is not set (a definition may give a default: \${${name}:-value})` });
      return "";
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env2, `${at}[${i}]`, problems));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, env2, `${at}.${k}`, problems)]));
  }
  return value;
}
var REFERENCE;
var init_env_references = __esm({
  "engine/support/env-references.ts"() {
    "use strict";
    REFERENCE = /\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}/g;
  }
});

// engine/registry/definition-schemas.ts
import { readdirSync as readdirSync2, readFileSync as readFileSync3 } from "node:fs";
import path5 from "node:path";
import { Ajv as Ajv3 } from "ajv";
function kindValidators() {
  if (validators) return validators;
  const ajv4 = addFieldFormats(new Ajv3({ allErrors: true, strict: false, code: { optimize: false } }));
  for (const file of readdirSync2(SCHEMA_DIR).filter((f) => f.endsWith(".schema.json"))) {
    ajv4.addSchema(JSON.parse(readFileSync3(path5.join(SCHEMA_DIR, file), "utf8")));
  }
  validators = new Map(kindModules.map((m) => [m.kind, ajv4.getSchema(`https://rulepath.dev/schema/${m.schemaFile}`)]));
  return validators;
}
function isDefinitionKind(kind) {
  return typeof kind === "string" && definitionKindNames.includes(kind);
}
function validateDefinitionShape(file, content) {
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    return [{ file, path: "$", message: 'A definition must be a mapping with a "kind"' }];
  }
  const kind = content.kind;
  if (!isDefinitionKind(kind)) {
    return [{ file, path: "$.kind", message: `"kind" must be one of: ${definitionKindNames.join(", ")}` }];
  }
  const validate = kindValidators().get(kind);
  if (validate(content)) return [];
  return ajvProblems(validate.errors).map((d) => ({ file, ...d }));
}
var SCHEMA_DIR, validators;
var init_definition_schemas = __esm({
  "engine/registry/definition-schemas.ts"() {
    "use strict";
    init_ajv_problems();
    init_field_formats();
    init_definition_kinds();
    init_project_root();
    SCHEMA_DIR = path5.join(PROJECT_ROOT, "definitions", "_schema");
  }
});

// engine/registry/read-definitions.ts
function withEnvironment(file, content, env2, problems) {
  const details = [];
  const c = content;
  let resolved;
  if (c && typeof c === "object" && !Array.isArray(c) && c.kind === "app" && c.providers && typeof c.providers === "object") {
    const { providers, ...rest } = c;
    resolved = { ...resolveEnvReferences(rest, env2, "$", details), providers };
  } else resolved = resolveEnvReferences(content, env2, "$", details);
  problems.push(...details.map((d) => ({ file, ...d })));
  return resolved;
}
function readDefinitions(files, env2 = {}) {
  const read = { problems: [], byKind: /* @__PURE__ */ new Map(), malformed: /* @__PURE__ */ new Set(), refusedKinds: /* @__PURE__ */ new Set() };
  const firstFileOf = /* @__PURE__ */ new Map();
  const refuse = (content) => {
    const c = content;
    if (typeof c?.kind !== "string") return;
    read.refusedKinds.add(c.kind);
    if (typeof c.name === "string") read.malformed.add(`${c.kind}:${c.name}`);
  };
  for (const { file, content: authored } of files) {
    const envProblems = [];
    const content = withEnvironment(file, authored, env2, envProblems);
    if (envProblems.length) {
      read.problems.push(...envProblems);
      refuse(content);
      continue;
    }
    const shapeProblems = validateDefinitionShape(file, content);
    read.problems.push(...shapeProblems);
    if (shapeProblems.length) {
      refuse(content);
      continue;
    }
    const definition = deepFreeze(structuredClone(content));
    const sourced = { file, definition };
    const module = kindModuleOf(definition.kind);
    const readProblems = module.read?.(sourced) ?? [];
    read.problems.push(...readProblems);
    if (readProblems.length) {
      refuse(definition);
      continue;
    }
    if (module.names && "name" in definition) {
      const key2 = `${definition.kind}:${definition.name}`;
      const earlier = firstFileOf.get(key2);
      if (earlier !== void 0) {
        const where = module.names.citeEarlier ? ` in ${earlier}` : "";
        read.problems.push({ file, path: "$.name", message: `The ${module.names.noun} "${definition.name}" is already defined${where}` });
      } else firstFileOf.set(key2, file);
    }
    read.byKind.set(definition.kind, [...read.byKind.get(definition.kind) ?? [], sourced]);
  }
  return read;
}
var init_read_definitions = __esm({
  "engine/registry/read-definitions.ts"() {
    "use strict";
    init_deep_freeze();
    init_env_references();
    init_definition_schemas();
    init_definition_kinds();
  }
});

// engine/registry/compile-app.ts
import { createHash as createHash2 } from "node:crypto";
import path6 from "node:path";
function compileAppFiles(files, parseProblems = [], root = "", options = {}) {
  const rel = (f) => root ? path6.relative(root, f) : f;
  const read = readDefinitions(files.map((f) => ({ file: rel(f.file), content: f.content })), options.env);
  const problems = [...parseProblems, ...read.problems];
  const apps = read.byKind.get("app") ?? [];
  if (read.refusedKinds.has("app")) {
    return { problems, files };
  }
  if (apps.length !== 1) {
    const where = files[0] ? rel(path6.dirname(files[0].file)) : rel(root);
    problems.push({ file: apps[1]?.file ?? where, path: "$", message: apps.length ? 'An app folder holds exactly one definition of kind "app"' : 'The folder has no definition of kind "app"' });
    return { problems, files };
  }
  const defs = definitionSet(read.byKind, apps[0], read.malformed, options.production ?? false);
  for (const module of kindModules) problems.push(...module.check?.(defs.all(module.kind), defs) ?? []);
  if (problems.some((p) => p.severity !== "warning")) return { problems, files };
  const parts = /* @__PURE__ */ new Map();
  const context = {
    ...defs,
    part(kind) {
      if (!parts.has(kind)) parts.set(kind, kindModuleOf(kind).compile(defs.all(kind), context));
      return parts.get(kind);
    }
  };
  for (const module of kindModules) context.part(module.kind);
  const checksum = createHash2("sha256").update(JSON.stringify(files.map((f) => [rel(f.file), f.content]))).digest("hex");
  const app = Object.freeze(Object.assign({}, ...parts.values(), { checksum }));
  return { app, problems, files };
}
var init_compile_app = __esm({
  "engine/registry/compile-app.ts"() {
    "use strict";
    init_definition_kinds();
    init_definition_set();
    init_load_definition_files();
    init_read_definitions();
  }
});

// engine/store/change-feed.ts
import pg from "pg";
function startChangeFeed(db, logger, onMessage) {
  const id = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let client;
  let closed2 = false;
  let retry;
  const connect = async () => {
    if (closed2) return;
    const c = new pg.Client({ connectionString: db.databaseUrl });
    c.on("error", (err) => {
      logger.warn({ err }, "change feed connection lost; reconnecting");
      if (client === c) client = void 0;
      c.end().catch(() => void 0);
      if (!closed2) retry = setTimeout(() => void connect(), 1e3);
    });
    c.on("notification", (n) => {
      const [from, ...rest] = (n.payload ?? "").split("|");
      if (from !== id) onMessage(rest.join("|"));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      if (closed2) await c.end();
      else client = c;
    } catch (err) {
      logger.warn({ err }, "change feed could not connect; retrying");
      c.end().catch(() => void 0);
      if (!closed2) retry = setTimeout(() => void connect(), 1e3);
    }
  };
  void connect();
  const pending = /* @__PURE__ */ new Set();
  let flushing;
  const flush = () => {
    flushing = void 0;
    const sent = [...pending].map((message) => db.sql.query("SELECT pg_notify($1, $2)", [CHANNEL, `${id}|${message}`]).catch((err) => logger.warn({ err }, "could not publish a change")));
    pending.clear();
    return Promise.all(sent);
  };
  db.closers.push(async () => {
    closed2 = true;
    clearTimeout(retry);
    clearTimeout(flushing);
    await flush();
    await client?.end();
  });
  return {
    publish(message) {
      if (closed2) return;
      pending.add(message);
      flushing ??= setTimeout(flush, 10);
    }
  };
}
var CHANNEL;
var init_change_feed = __esm({
  "engine/store/change-feed.ts"() {
    "use strict";
    CHANNEL = "rulepath_changes";
  }
});

// engine/support/canonical-json.ts
function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}
var init_canonical_json = __esm({
  "engine/support/canonical-json.ts"() {
    "use strict";
  }
});

// engine/lifecycle/release-store.ts
import { createHash as createHash3 } from "node:crypto";
function identityOf(content) {
  const c = content;
  const name = c?.kind === "app" ? c.id : c?.name;
  return c && typeof c.kind === "string" && typeof name === "string" ? { kind: c.kind, name } : void 0;
}
async function liveRelease(db, app) {
  const row = await db.release.findFirst({ where: { app }, orderBy: { number: "desc" } });
  return row ? toRelease(row) : void 0;
}
async function findRelease(db, app, number) {
  const row = await db.release.findUnique({ where: { app_number: { app, number } } });
  return row ? toRelease(row) : void 0;
}
async function listReleases(db, app, limit = 100) {
  return (await db.release.findMany({ where: { app }, orderBy: { number: "desc" }, take: limit })).map(toRelease);
}
async function lastFilesRelease(db, app) {
  const row = await db.release.findFirst({ where: { app, source: "files" }, orderBy: { number: "desc" } });
  return row ? toRelease(row) : void 0;
}
async function releaseDefinitions(db, release) {
  const rows = await db.definition.findMany({ where: { app: release.app, OR: release.entries.map((e) => ({ kind: e.kind, name: e.name, version: e.version })) } });
  const byKey = new Map(rows.map((r) => [`${r.kind}/${r.name}@${r.version}`, r.authored]));
  return release.entries.map((e) => ({ kind: e.kind, name: e.name, file: e.file, content: byKey.get(`${e.kind}/${e.name}@${e.version}`) }));
}
async function lockReleases(tx, app) {
  await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`release:${app}`}, 0))`;
}
async function writeRelease(tx, r) {
  await lockReleases(tx, r.app);
  const entries = [];
  for (const d of [...r.definitions].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))) {
    const checksum = checksumOf(d.content);
    const latest = await tx.definition.findFirst({ where: { app: r.app, kind: d.kind, name: d.name }, orderBy: { version: "desc" } });
    let version = latest?.version ?? 0;
    if (latest?.checksum !== checksum) {
      version++;
      await tx.definition.create({ data: { app: r.app, kind: d.kind, name: d.name, version, status: "published", authored: d.content, checksum, createdBy: r.createdBy, createdAt: r.at } });
    }
    entries.push({ kind: d.kind, name: d.name, version, checksum, file: d.file });
  }
  const live = await tx.release.findFirst({ where: { app: r.app }, orderBy: { number: "desc" }, select: { number: true } });
  const row = await tx.release.create({
    data: {
      app: r.app,
      number: (live?.number ?? 0) + 1,
      source: r.source,
      comment: r.comment ?? null,
      entries,
      checksum: checksumOf(entries.map((e) => [e.kind, e.name, e.checksum])),
      imported: r.imported ?? void 0,
      changeSet: r.changeSet ?? null,
      createdBy: r.createdBy,
      createdAt: r.at
    }
  });
  return toRelease(row);
}
function parseReleaseMessage(message) {
  const [kind, app, number] = message.split("|");
  return kind === "release" && app && Number(number) > 0 ? { app, number: Number(number) } : void 0;
}
var checksumOf, conventionalFile, toRelease, asFiles, releaseMessage;
var init_release_store = __esm({
  "engine/lifecycle/release-store.ts"() {
    "use strict";
    init_canonical_json();
    checksumOf = (content) => createHash3("sha256").update(canonicalJson(content)).digest("hex");
    conventionalFile = (app, kind, name) => kind === "app" ? `${app}/app.yaml` : `${app}/${name}.${kind}.yaml`;
    toRelease = (r) => ({
      ...r,
      source: r.source,
      entries: r.entries,
      imported: r.imported ?? null
    });
    asFiles = (definitions) => definitions.map((d) => ({ file: d.file, content: d.content }));
    releaseMessage = (app, number) => `release|${app}|${number}`;
  }
});

// engine/lifecycle/files-baseline.ts
async function readFilesBaseline(db, app) {
  const row = await db.filesBaseline.findUnique({ where: { app } });
  if (row) return row.imported;
  return (await lastFilesRelease(db, app))?.imported ?? {};
}
async function writeFilesBaseline(tx, app, imported, at) {
  await tx.filesBaseline.upsert({ where: { app }, create: { app, imported, updatedAt: at }, update: { imported, updatedAt: at } });
}
var init_files_baseline = __esm({
  "engine/lifecycle/files-baseline.ts"() {
    "use strict";
    init_release_store();
  }
});

// engine/lifecycle/import-files.ts
async function planFilesImport(db, app, files) {
  const fromFiles = /* @__PURE__ */ new Map();
  for (const f of files) {
    const id = identityOf(f.content) ?? { kind: "unknown", name: f.file };
    fromFiles.set(keyOf(id.kind, id.name), { kind: id.kind, name: id.name, file: f.file, content: f.content });
  }
  const imported = Object.fromEntries([...fromFiles].map(([k, d]) => [k, checksumOf(d.content)]));
  const live = await liveRelease(db, app);
  if (!live) return { definitions: [...fromFiles.values()], changed: true, conflicts: [], imported, baselineMoved: true };
  const served = new Map((await releaseDefinitions(db, live)).map((d) => [keyOf(d.kind, d.name), d]));
  const servedChecksum = new Map(live.entries.map((e) => [keyOf(e.kind, e.name), e.checksum]));
  const before = await readFilesBaseline(db, app);
  const conflicts = [];
  let changed = false;
  for (const key2 of /* @__PURE__ */ new Set([...Object.keys(before), ...fromFiles.keys()])) {
    const inFiles = imported[key2];
    if (inFiles === before[key2]) continue;
    if (inFiles === servedChecksum.get(key2)) continue;
    if (servedChecksum.get(key2) !== before[key2]) {
      conflicts.push(key2);
      continue;
    }
    changed = true;
    if (inFiles === void 0) served.delete(key2);
    else served.set(key2, fromFiles.get(key2));
  }
  for (const key2 of conflicts) {
    if (before[key2] === void 0) delete imported[key2];
    else imported[key2] = before[key2];
  }
  const baselineMoved = (/* @__PURE__ */ new Set([...Object.keys(before), ...Object.keys(imported)])).size !== Object.keys(before).length || Object.entries(imported).some(([k, v]) => before[k] !== v);
  return { definitions: [...served.values()], changed, live, conflicts, imported, baselineMoved };
}
var keyOf;
var init_import_files = __esm({
  "engine/lifecycle/import-files.ts"() {
    "use strict";
    init_release_store();
    init_files_baseline();
    keyOf = (kind, name) => `${kind}/${name}`;
  }
});

// engine/lifecycle/describe-otp-policy.ts
function describeOtpPolicy(p) {
  const out = [];
  out.push(`A code has ${p.digits} digits and is valid for ${minutes(p.validityMinutes)}.`);
  out.push(
    p.mode === "fixed" ? `Development mode: the code is always ${p.fixedCode ?? "1234567890".slice(0, p.digits)} (refused in production).` : "Each code is drawn at random."
  );
  out.push(`It is sent by ${p.channels.map((c) => `${CHANNEL2[c]}${p.templates?.[c] ? ` (template "${p.templates[c]}")` : ""}`).join(" and ")}.`);
  out.push(
    p.maxAttempts !== void 0 ? `A code takes ${p.maxAttempts} wrong ${p.maxAttempts === 1 ? "try" : "tries"}; then it is locked (423), even for the right code, and a new one must be asked for.` : "A code takes any number of wrong tries until it expires."
  );
  out.push(
    p.lockout ? `${times(p.lockout.failures, "wrong code")} within ${minutes(p.lockout.withinMinutes)} lock the subject for ${minutes(p.lockout.forMinutes)} (423).` : "Wrong codes never lock the subject out."
  );
  out.push(
    p.resend ? `Within ${minutes(p.resend.withinMinutes)} a subject gets the first code and at most ${times(p.resend.max, "resend")}; the next is refused (429) until the oldest is ${minutes(p.resend.withinMinutes)} old.` : "Codes may be asked for again without limit."
  );
  if (p.record) {
    out.push(
      `Codes are about a ${p.record.entity} record${p.record.when ? " that meets the policy's condition" : ""}; ${p.roles?.length ? `roles ${p.roles.map((r) => `"${r}"`).join(", ")}` : "no role"} may ask for and verify them, and a verified code is a proof valid for ${minutes(p.record.proofMinutes ?? 15)}.`
    );
  }
  return out;
}
function simulateOtp(app, req) {
  const policy = app.otpPolicies.get(req.policy);
  if (!policy) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.policy", message: `OTP policy "${req.policy}" is not defined in this app` }] });
  const sentences = describeOtpPolicy(policy);
  return { kind: "otp", policy: policy.name, sentences, text: sentences.join(" ") };
}
var CHANNEL2, minutes, times;
var init_describe_otp_policy = __esm({
  "engine/lifecycle/describe-otp-policy.ts"() {
    "use strict";
    init_app_error();
    CHANNEL2 = { sms: "SMS", email: "email" };
    minutes = (n) => `${n} minute${n === 1 ? "" : "s"}`;
    times = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  }
});

// engine/auth/permissions.ts
function requirePermission(app, actor, entity, action) {
  if (actor.role === SYSTEM_ROLE && actor.id === SYSTEM_ROLE && (action === "read" || action === "transition")) return { read: true, transition: true };
  const permission = app.roles[actor.role]?.permissions?.[entity];
  if (!permission?.[action]) {
    throw new AppError("FORBIDDEN", `Role "${actor.role}" may not ${action} ${entity} records`);
  }
  return permission;
}
function scopeRuleOf(app, actor, entity) {
  return app.roles[actor.role]?.permissions?.[entity]?.scope;
}
function actorScopeValues(actor, scope) {
  if (scope.actor.startsWith("attributes.")) {
    const v2 = actor.attributes?.[scope.actor.slice("attributes.".length)];
    return v2 === void 0 ? [] : typeof v2 === "string" ? [v2] : [...v2];
  }
  const v = actor[scope.actor];
  return v ? [v] : [];
}
var init_permissions = __esm({
  "engine/auth/permissions.ts"() {
    "use strict";
    init_app_error();
    init_system_role();
  }
});

// engine/effects/plan-effects.ts
function planEffects(effects, ctx, target2, modules = effectModules) {
  const plan = { fields: {}, outbox: [], deliver: [], prepare: [], skipped: [] };
  const steps = effects.map((effect, index) => ({ effect, index, name: effectNameOf(effect), module: modules[effectNameOf(effect)] }));
  const run2 = (phase, on) => {
    for (const { effect, index, name, module } of steps.filter((s) => s.module.phase === phase)) {
      const part = module.plan(effect[name], on, { app: target2.app, recordId: target2.recordId, key: target2.key, index });
      Object.assign(plan.fields, part.fields);
      plan.outbox.push(...part.outbox ?? []);
      if (part.deliver !== void 0) plan.deliver.push({ effect: name, step: part.deliver });
      if (part.prepare !== void 0) plan.prepare.push({ effect: name, step: part.prepare });
      if (part.skipped) plan.skipped.push(part.skipped);
    }
  };
  run2("change", ctx);
  run2("after", { ...ctx, record: target2.after ? target2.after(plan.fields) : ctx.record });
  return plan;
}
var init_plan_effects = __esm({
  "engine/effects/plan-effects.ts"() {
    "use strict";
    init_effect_registry();
  }
});

// engine/records/derived-columns.ts
function scopeTags(entity, data) {
  const tags = [];
  for (const field of entity.scopeFields) {
    const value = data[field];
    if (value !== void 0 && value !== null && value !== "") tags.push(`${field}:${String(value)}`);
  }
  return tags;
}
function uniqueKeyValues(entity, data) {
  const out = [];
  for (const key2 of entity.uniqueKeys) {
    const parts = key2.fields.map((f) => data[f]);
    if (parts.some((p) => p === void 0 || p === null || p === "")) continue;
    const value = JSON.stringify(parts.map((p) => key2.caseInsensitive && typeof p === "string" ? p.toLowerCase() : p));
    out.push({ keyName: key2.name, value, fields: key2.fields });
  }
  return out;
}
var init_derived_columns = __esm({
  "engine/records/derived-columns.ts"() {
    "use strict";
  }
});

// engine/records/hidden-fields.ts
function hiddenFields(permission) {
  return permission?.hide?.length ? new Set(permission.hide) : NONE;
}
function withoutHidden(view3, hidden) {
  if (!hidden.size) return view3;
  return Object.fromEntries(Object.entries(view3).filter(([k]) => !hidden.has(k)));
}
function moveCarriers(wf) {
  const remarks = /* @__PURE__ */ new Set();
  const input = /* @__PURE__ */ new Map();
  const effects = [...wf.commonEffects, ...wf.transitions.flatMap((t) => t.effects)];
  for (const effect of effects) {
    const set2 = effect.set;
    if (!set2) continue;
    for (const [field, value] of Object.entries(set2)) {
      if (typeof value !== "string") continue;
      for (const [, path17] of value.matchAll(PART2)) {
        if (path17 === "remarks") remarks.add(field);
        else if (path17.startsWith("input.")) {
          const key2 = path17.split(".")[1];
          if (!input.has(key2)) input.set(key2, /* @__PURE__ */ new Set());
          input.get(key2).add(field);
        }
      }
    }
  }
  return { remarks, input };
}
function hiddenMoveParts(wf, hidden) {
  if (!wf || !hidden.size) return { remarks: false, input: NONE };
  const carriers = moveCarriers(wf);
  return { remarks: touches(carriers.remarks, hidden), input: new Set([...carriers.input].filter(([, fields]) => touches(fields, hidden)).map(([k]) => k)) };
}
function assertNoHiddenFields(hidden, role, body, prefix2 = "$") {
  if (!hidden.size) return;
  const sent = Object.keys(body).filter((k) => hidden.has(k));
  if (!sent.length) return;
  throw new AppError("VALIDATION_FAILED", `Role "${role}" may not send ${sent.join(", ")}`, {
    details: sent.map((f) => ({ path: `${prefix2}.${f}`, message: `"${f}" is not a field role "${role}" may send` }))
  });
}
function assertNoHiddenMoveParts(wf, hidden, role, remarks, input, inputPath) {
  const parts = hiddenMoveParts(wf, hidden);
  const details = [];
  if (parts.remarks && remarks !== void 0) details.push({ path: "$.remarks", message: `Role "${role}" may not send remarks with a move` });
  for (const k of Object.keys(input)) if (parts.input.has(k)) details.push({ path: `${inputPath}.${k}`, message: `"${k}" is not a field role "${role}" may send` });
  if (details.length) throw new AppError("VALIDATION_FAILED", `Role "${role}" may not send ${details.map((d) => d.path.replace(/^\$\.(input\.)?/, "")).join(", ")}`, { details });
}
var NONE, PART2, touches;
var init_hidden_fields = __esm({
  "engine/records/hidden-fields.ts"() {
    "use strict";
    init_app_error();
    NONE = /* @__PURE__ */ new Set();
    PART2 = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
    touches = (fields, hidden) => [...fields ?? []].some((f) => hidden.has(f));
  }
});

// engine/records/write-checks.ts
function isObjectBody(body) {
  return body !== null && typeof body === "object" && !Array.isArray(body);
}
function assertValidFields(fields, validate, data, prefix2 = "") {
  try {
    assertValid(validate, data, prefix2);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const at = prefix2 ? prefix2.replace(/[.$[\]]/g, "\\$&") : "\\$";
    const field = err.details?.map((d) => new RegExp(`^${at}\\.([A-Za-z0-9_]+)`).exec(d.path)?.[1]).find((f) => f && fields[f]?.errorCode);
    if (!field) throw err;
    throw new AppError(err.code, err.message, { details: err.details, publicCode: String(fields[field].errorCode) });
  }
}
function applyScopeOnWrite(permission, own, data, creating) {
  const scope = permission.scope;
  if (!scope || !own) return;
  if (scope.field in data && !own.includes(String(data[scope.field]))) {
    throw new AppError("FORBIDDEN", `"${scope.field}" must be within your scope`, { details: [{ path: `$.${scope.field}`, message: "Outside your scope" }] });
  }
  if (creating && !(scope.field in data) && own.length === 1) data[scope.field] = own[0];
}
function applyFixedOnWrite(actor, permission, data, creating) {
  const fixed = Object.entries(permission.fixed ?? {});
  const other = fixed.filter(([f, v]) => f in data && data[f] !== v);
  if (other.length) {
    throw new AppError("FORBIDDEN", `Role "${actor.role}" writes ${other.map(([f, v]) => `${f} = ${JSON.stringify(v)}`).join(", ")} only`, {
      details: other.map(([f, v]) => ({ path: `$.${f}`, message: `Must be ${JSON.stringify(v)} (or left out) for role "${actor.role}"` }))
    });
  }
  if (creating) {
    for (const [f, v] of fixed) if (!(f in data)) data[f] = v;
  }
}
function assertNotComputed(entity, body) {
  const sent = Object.keys(entity.definition.computed ?? {}).filter((f) => Object.hasOwn(body, f));
  if (sent.length) throw new AppError("VALIDATION_FAILED", void 0, { details: sent.map((f) => ({ path: `$.${f}`, message: `"${f}" is computed by the server; leave it out` })) });
}
function checkChangeRequest(entity, permission, actor, own, changes) {
  assertNoHiddenFields(hiddenFields(permission), actor.role, changes);
  assertNotComputed(entity, changes);
  assertValidFields(entity.fields, entity.validatePatch, changes);
  if (Array.isArray(permission.update)) {
    const allowed = new Set(permission.update);
    const denied = Object.keys(changes).filter((f) => !allowed.has(f));
    if (denied.length) throw new AppError("FORBIDDEN", `Role "${actor.role}" may only change ${permission.update.join(", ")}`, { details: denied.map((f) => ({ path: `$.${f}`, message: "Not yours to change" })) });
  }
  applyScopeOnWrite(permission, own, changes, false);
  applyFixedOnWrite(actor, permission, changes, false);
}
function assertFieldsEditable(entity, changes, state) {
  const frozen = Object.keys(changes).filter((f) => {
    const field = entity.fields[f];
    const states = field?.editableIn;
    return field?.immutable === true || states && !states.includes(state ?? "");
  });
  if (!frozen.length) return;
  throw new AppError("FIELD_LOCKED", `${frozen.join(", ")} can no longer be changed in state "${state}"`, {
    details: frozen.map((f) => ({ path: `$.${f}`, message: entity.fields[f].immutable ? "Set when the record was created; it cannot change" : `Editable only in ${entity.fields[f].editableIn.join(", ")}` }))
  });
}
function keyChanges(entity, before, after2) {
  const b = uniqueKeyValues(entity, before);
  const a = uniqueKeyValues(entity, after2);
  const same = (x, y) => x.keyName === y.keyName && x.value === y.value;
  return {
    dropKeys: b.filter((k) => !a.some((x) => same(k, x))).map(({ keyName, value }) => ({ keyName, value })),
    addKeys: a.filter((k) => !b.some((x) => same(k, x))).map(({ keyName, value }) => ({ keyName, value }))
  };
}
function duplicateError(entity, data, err) {
  const keys = uniqueKeyValues(entity, data);
  return new AppError("DUPLICATE", `A ${entity.name} with the same ${keys.map((k) => k.fields.join(" + ")).join(" or ")} already exists`, {
    details: keys.flatMap((k) => k.fields.map((f) => ({ path: `$.${f}`, message: "Already used by another record" }))),
    cause: err
  });
}
var init_write_checks = __esm({
  "engine/records/write-checks.ts"() {
    "use strict";
    init_app_error();
    init_validate_body();
    init_derived_columns();
    init_hidden_fields();
  }
});

// engine/workflow/decide-transition.ts
import { transition as xstateTransition } from "xstate";
async function guardResults(wf, state, role, facts) {
  const results = {};
  for (const t of wf.byState.get(state) ?? []) {
    if (t.guard && t.roles.has(role)) results[t.index] = await t.guard(facts);
  }
  return results;
}
function snapshotAt(wf, state) {
  return wf.machine.resolveState({ value: state, context: {} });
}
async function allowedEvents(wf, state, role, facts) {
  if (!(state in wf.states)) return [];
  const snapshot = snapshotAt(wf, state);
  const results = await guardResults(wf, state, role, facts);
  const events = new Set((wf.byState.get(state) ?? []).map((t) => t.event));
  return [...events].filter((type) => snapshot.can({ type, role, guardResults: results }));
}
async function decideTransition(wf, state, req, facts) {
  const outgoing = wf.byState.get(state) ?? [];
  const gate = wf.transitions.find((t) => (req.event !== void 0 ? t.event === req.event : t.to === req.target) && t.requiresStage !== void 0);
  const stage = wf.states[state]?.stage ?? 0;
  if (gate && stage < gate.requiresStage) {
    throw new AppError("STAGE_NOT_REACHED", `This step needs stage ${gate.requiresStage}; the record is at stage ${stage}`, { data: { requiredStage: gate.requiresStage, currentStage: stage } });
  }
  let event = req.event;
  if (event === void 0 && req.target !== void 0) {
    const toTarget = outgoing.filter((t) => t.to === req.target);
    event = (toTarget.find((t) => t.roles.has(req.role)) ?? toTarget[0])?.event;
  }
  if (event !== void 0 && state in wf.states) {
    const results = await guardResults(wf, state, req.role, facts);
    const [next] = xstateTransition(wf.machine, snapshotAt(wf, state), { type: event, role: req.role, guardResults: results });
    const to = String(next.value);
    const taken = outgoing.find((t) => t.event === event && t.to === to && t.roles.has(req.role) && results[t.index] !== false);
    if (taken && (req.target === void 0 || req.target === to)) return { event, from: state, to, override: false, transition: taken };
  }
  if (req.override && wf.overrideRoles.has(req.role)) {
    const to = req.target ?? wf.transitions.find((t) => t.event === req.event)?.to;
    if (to === void 0 || !(to in wf.states)) throw new AppError("INVALID_TRANSITION", `Invalid status transition: "${req.target ?? req.event}" is not a state of this workflow`);
    if (wf.overrideRemarksRequired && !req.remarks?.trim()) throw new AppError("REMARKS_REQUIRED");
    return { event: req.event ?? to, from: state, to, override: true };
  }
  throw new AppError("INVALID_TRANSITION", void 0, {
    details: [{ path: req.target !== void 0 ? `$.${req.targetField ?? "target"}` : "$.event", message: `"${req.target ?? req.event}" is not allowed from "${state}" for role "${req.role}"` }]
  });
}
var init_decide_transition = __esm({
  "engine/workflow/decide-transition.ts"() {
    "use strict";
    init_app_error();
  }
});

// engine/lifecycle/simulate-move.ts
function transitionReasons(wf, from, req, guards2) {
  const asked = (wf.byState.get(from) ?? []).filter((t) => req.event !== void 0 ? t.event === req.event : t.to === req.target);
  const reasons = [];
  if (!asked.length) reasons.push(`No move ${req.event !== void 0 ? `"${req.event}"` : `to "${req.target}"`} leaves "${from}"`);
  for (const t of asked) {
    if (!t.roles.has(req.role)) reasons.push(`The move ${t.from} \u2192 ${t.to} is for ${list(t.roles)}, not "${req.role}"`);
    else if (guards2.some((g) => g.move === `${t.from} \u2192 ${t.to}` && g.event === t.event && !g.result)) reasons.push(`The condition of ${t.from} \u2192 ${t.to} does not hold`);
  }
  if (req.override && !wf.overrideRoles.has(req.role)) reasons.push(`Role "${req.role}" may not override (overrides: ${list(wf.overrideRoles)})`);
  else if (!req.override && wf.overrideRoles.has(req.role)) reasons.push(`Role "${req.role}" could take it as an override (override: true${wf.overrideRemarksRequired ? ", with remarks" : ""})`);
  return reasons;
}
function sentenceOfRefusal(err, reasons) {
  const parts = [err.message, ...reasons, ...reasons.length ? [] : (err.details ?? []).map((d) => d.message)];
  return `${parts.join(". ")}.`;
}
async function simulateMove(app, req, now) {
  const entity = app.entities.get(req.entity);
  if (!entity) throw invalid("$.entity", `Entity "${req.entity}" is not defined in this app`);
  const wf = entity.workflow;
  if (!wf) throw invalid("$.entity", `Entity "${entity.name}" has no workflow`);
  if (req.event === void 0 === (req.target === void 0)) throw invalid("$.event", "Give the event to fire or the target state, one of the two");
  if (req.event !== void 0 && !wf.events.has(req.event)) throw invalid("$.event", `Workflow "${wf.name}" has no event "${req.event}"`);
  if (!(req.role in app.roles) && req.role !== SYSTEM_ROLE) throw invalid("$.role", `Role "${req.role}" is not declared by the app`);
  const record2 = req.record ?? {};
  const from = record2[wf.field] === void 0 ? wf.initial : String(record2[wf.field]);
  if (!(from in wf.states)) throw invalid(`$.record.${wf.field}`, `"${from}" is not a state of workflow "${wf.name}"`);
  const input = req.input ?? {};
  const actor = { id: req.role === SYSTEM_ROLE ? SYSTEM_ROLE : SIMULATED_ACTOR, ...req.actor, app: app.id, role: req.role };
  const actorFacts = { ...actor };
  const recordFacts = { ...record2, [wf.field]: from };
  const facts = { record: recordFacts, input, actor: actorFacts, now: nowFacts(now) };
  const guards2 = [];
  for (const t of wf.byState.get(from) ?? []) if (t.guard) guards2.push({ move: `${t.from} \u2192 ${t.to}`, event: t.event, result: await t.guard(facts) });
  const notChecked = [];
  let decision;
  let plan;
  try {
    const permission = requirePermission(app, actor, entity.name, "transition");
    if (permission.scope) notChecked.push(`Whether the record is within the actor's scope ("${permission.scope.field}" against their ${permission.scope.actor})`);
    assertValidFields(wf.definition.input ?? {}, entity.validateInput, input, "$.input");
    decision = await decideTransition(wf, from, { role: req.role, event: req.event, target: req.target, override: req.override, remarks: req.remarks }, facts);
    const code = decision.transition?.otp;
    if (code && typeof input[code.field] !== "string") throw invalid(`$.input.${code.field}`, "The code sent for this step is required");
    if (code) notChecked.push(`The code in input "${code.field}" against the code last sent under OTP policy "${code.policy}"`);
    const limit = decision.transition?.limit;
    if (limit) notChecked.push(`How many ${entity.name} records are "${decision.to}" already (at most ${limit.max} at once)`);
    const codeFields = wf.transitions.flatMap((t) => t.otp ? [t.otp.field] : []);
    const storedInput = Object.fromEntries(Object.entries(input).filter(([k]) => !codeFields.includes(k)));
    const version = typeof record2.version === "number" ? record2.version : 0;
    const to = decision.to;
    plan = planEffects(
      [...wf.commonEffects, ...decision.transition?.effects ?? []],
      { record: recordFacts, actor: actorFacts, input: storedInput, remarks: req.remarks, now: now.toISOString(), app: { id: app.id, name: app.name } },
      { app, recordId: typeof record2.id === "string" ? record2.id : null, key: `${app.id}:simulation`, after: (set2) => ({ ...recordFacts, ...set2, [wf.field]: to, version: version + 1 }) }
    );
    if (Object.keys(plan.fields).length) assertValid(entity.validatePatch, plan.fields, "$.effects");
    for (const p of plan.prepare) if (p.effect === "render") notChecked.push(`Rendering document "${p.step.document}" and storing it in the blob store`);
    for (const d of plan.deliver) {
      if (d.effect !== "move") continue;
      const m = d.step;
      notChecked.push(`Moving ${m.entity} "${String(m.id ?? "")}" by event "${m.event}" (its state, the actor's permission and scope on it, its guards and effects)`);
    }
  } catch (err) {
    if (!isAppError(err)) throw err;
    const reasons = err.code === "INVALID_TRANSITION" ? transitionReasons(wf, from, req, guards2) : [];
    return {
      kind: "move",
      allowed: false,
      from,
      override: false,
      why: sentenceOfRefusal(err, reasons),
      code: err.code,
      ...err.publicCode ? { publicCode: err.publicCode } : {},
      message: err.message,
      ...err.details ? { details: err.details } : {},
      guards: guards2,
      notChecked
    };
  }
  const taken = decision.transition;
  const why = decision.override ? `${[...transitionReasons(wf, from, req, guards2), `Accepted as a logged override by role "${req.role}" (${decision.from} \u2192 ${decision.to}), which runs the workflow-wide effects only`].join(". ")}.` : `Role "${req.role}" may move ${entity.name} records from "${from}" to "${decision.to}" (event "${decision.event}")${taken?.guard ? ", its condition holding" : ""}.`;
  return {
    kind: "move",
    allowed: true,
    from,
    to: decision.to,
    event: decision.event,
    override: decision.override,
    why,
    guards: guards2,
    effects: {
      fields: plan.fields,
      outbox: plan.outbox.map((r) => ({ channel: r.channel, template: r.template, recipient: r.recipient, payload: r.payload, ...r.renderError ? { renderError: r.renderError } : {} })),
      ...taken?.otp ? { otp: { policy: taken.otp.policy, field: taken.otp.field } } : {},
      skipped: plan.skipped.map((s) => s.message)
    },
    notChecked
  };
}
var SIMULATED_ACTOR, invalid, list;
var init_simulate_move = __esm({
  "engine/lifecycle/simulate-move.ts"() {
    "use strict";
    init_permissions();
    init_system_role();
    init_condition_guard();
    init_plan_effects();
    init_app_error();
    init_write_checks();
    init_validate_body();
    init_decide_transition();
    SIMULATED_ACTOR = "simulation";
    invalid = (path17, message) => new AppError("VALIDATION_FAILED", void 0, { details: [{ path: path17, message }] });
    list = (names) => [...names].map((n) => `"${n}"`).join(", ") || "none";
  }
});

// engine/conditions/compile-condition.ts
function describe(c) {
  return `${c.fact}${c.path ? c.path.slice(1) : ""} ${c.operator} ${JSON.stringify(c.value)}`;
}
function reader(fact, path17) {
  const segs = path17 ? parsePath(path17) : [];
  const obj = (v) => v !== null && typeof v === "object";
  if (segs.length === 0) return (f) => f[fact];
  if (segs.length === 1) {
    const [a] = segs;
    return (f) => {
      const v = f[fact];
      return obj(v) ? v[a] : void 0;
    };
  }
  return (f) => getPath(f[fact], segs);
}
function onField(fact, field, operator, value) {
  if (typeof value === "number") {
    switch (operator) {
      case "lessThan":
        return (f) => {
          const o = f[fact];
          const v = o !== null && typeof o === "object" ? o[field] : void 0;
          return typeof v === "number" ? v < value : numberish(v) && v < value;
        };
      case "lessThanInclusive":
        return (f) => {
          const o = f[fact];
          const v = o !== null && typeof o === "object" ? o[field] : void 0;
          return typeof v === "number" ? v <= value : numberish(v) && v <= value;
        };
      case "greaterThan":
        return (f) => {
          const o = f[fact];
          const v = o !== null && typeof o === "object" ? o[field] : void 0;
          return typeof v === "number" ? v > value : numberish(v) && v > value;
        };
      case "greaterThanInclusive":
        return (f) => {
          const o = f[fact];
          const v = o !== null && typeof o === "object" ? o[field] : void 0;
          return typeof v === "number" ? v >= value : numberish(v) && v >= value;
        };
    }
  }
  if (operator === "in" && Array.isArray(value) && value.length <= 8) {
    return (f) => {
      const o = f[fact];
      return value.indexOf(o !== null && typeof o === "object" ? o[field] : void 0) > -1;
    };
  }
  if (operator === "containsAny") {
    const set2 = new Set(value);
    return (f) => {
      const o = f[fact];
      const v = o !== null && typeof o === "object" ? o[field] : void 0;
      if (!Array.isArray(v)) return false;
      for (const x of v) if (set2.has(x)) return true;
      return false;
    };
  }
  return void 0;
}
function leaf(c) {
  const segs = c.path ? parsePath(c.path) : [];
  const fast = segs.length === 1 ? onField(c.fact, segs[0], c.operator, c.value) : void 0;
  if (fast) return fast;
  const read = reader(c.fact, c.path);
  const value = c.value;
  switch (c.operator) {
    case "equal":
      return (f) => read(f) === value;
    case "notEqual":
      return (f) => read(f) !== value;
    case "in":
    case "notIn": {
      const list3 = value;
      const set2 = new Set(list3);
      if (list3.length > 8) return c.operator === "in" ? (f) => set2.has(read(f)) : (f) => !set2.has(read(f));
      return c.operator === "in" ? (f) => list3.indexOf(read(f)) > -1 : (f) => list3.indexOf(read(f)) === -1;
    }
    case "contains":
      return (f) => {
        const v = read(f);
        return Array.isArray(v) && v.indexOf(value) > -1;
      };
    case "doesNotContain":
      return (f) => {
        const v = read(f);
        return Array.isArray(v) && v.indexOf(value) === -1;
      };
    case "containsAny": {
      const set2 = new Set(value);
      return (f) => {
        const v = read(f);
        if (!Array.isArray(v)) return false;
        for (const x of v) if (set2.has(x)) return true;
        return false;
      };
    }
    case "containsAll": {
      const wanted = value;
      return (f) => {
        const v = read(f);
        return Array.isArray(v) && wanted.every((x) => v.includes(x));
      };
    }
    case "lessThan":
      return (f) => {
        const v = read(f);
        return numberish(v) && v < value;
      };
    case "lessThanInclusive":
      return (f) => {
        const v = read(f);
        return numberish(v) && v <= value;
      };
    case "greaterThan":
      return (f) => {
        const v = read(f);
        return numberish(v) && v > value;
      };
    case "greaterThanInclusive":
      return (f) => {
        const v = read(f);
        return numberish(v) && v >= value;
      };
    default: {
      const op = OPERATORS[c.operator];
      return (f) => {
        const v = read(f);
        return (op.factCheck ? op.factCheck(v) : true) && op.fn(v, value);
      };
    }
  }
}
function and(p) {
  const [a, b, c, d, e] = p;
  switch (p.length) {
    case 2:
      return (f) => a(f) && b(f);
    case 3:
      return (f) => a(f) && b(f) && c(f);
    case 4:
      return (f) => a(f) && b(f) && c(f) && d(f);
    case 5:
      return (f) => a(f) && b(f) && c(f) && d(f) && e(f);
    default:
      return (f) => {
        for (let i = 0; i < p.length; i++) if (!p[i](f)) return false;
        return true;
      };
  }
}
function or(p) {
  const [a, b, c, d, e] = p;
  switch (p.length) {
    case 2:
      return (f) => a(f) || b(f);
    case 3:
      return (f) => a(f) || b(f) || c(f);
    case 4:
      return (f) => a(f) || b(f) || c(f) || d(f);
    case 5:
      return (f) => a(f) || b(f) || c(f) || d(f) || e(f);
    default:
      return (f) => {
        for (let i = 0; i < p.length; i++) if (p[i](f)) return true;
        return false;
      };
  }
}
function buildTest(c) {
  if ("all" in c) {
    const parts = c.all.map(buildTest);
    if (parts.length === 1) return parts[0];
    return and(parts);
  }
  if ("any" in c) {
    const parts = c.any.map(buildTest);
    if (parts.length === 1) return parts[0];
    return or(parts);
  }
  if ("not" in c) {
    const inner = buildTest(c.not);
    return (f) => !inner(f);
  }
  return leaf(c);
}
function buildExplain(c) {
  if ("all" in c) {
    const parts = c.all.map(buildExplain);
    return (f, t) => parts.map((p) => p(f, t)).every(Boolean);
  }
  if ("any" in c) {
    const parts = c.any.map(buildExplain);
    return (f, t) => parts.map((p) => p(f, t)).some(Boolean);
  }
  if ("not" in c) {
    const inner = buildExplain(c.not);
    return (f, t) => !inner(f, t);
  }
  const test = leaf(c);
  const read = reader(c.fact, c.path);
  const label2 = describe(c);
  return (f, t) => {
    const result = test(f);
    t.push({ condition: label2, factValue: read(f), result });
    return result;
  };
}
function compileCondition(condition) {
  const test = buildTest(condition);
  let explain;
  return {
    test,
    explain: (facts) => {
      explain ??= buildExplain(condition);
      const leaves = [];
      return { result: explain(facts, leaves), leaves };
    }
  };
}
var numberish;
var init_compile_condition = __esm({
  "engine/conditions/compile-condition.ts"() {
    "use strict";
    init_object_path();
    init_operators();
    numberish = (v) => typeof v === "number" ? !Number.isNaN(v) : Number.parseFloat(v).toString() !== "NaN";
  }
});

// engine/promotions/compiled-rule.ts
function liveRule(json2) {
  return { json: json2, condition: json2.condition ? compileCondition(json2.condition) : null };
}
function groupsInCondition(c, out = /* @__PURE__ */ new Set()) {
  if (!c) return out;
  if ("all" in c) c.all.forEach((x) => groupsInCondition(x, out));
  else if ("any" in c) c.any.forEach((x) => groupsInCondition(x, out));
  else if ("not" in c) groupsInCondition(c.not, out);
  else if (c.fact === "groups" && c.path) out.add(c.path.replace(/^\$\./, "").split(".")[0]);
  return out;
}
function skusInCondition(c, at, out = []) {
  if (!c || typeof c !== "object") return out;
  const o = c;
  for (const g of ["all", "any"]) if (Array.isArray(o[g])) o[g].forEach((x, i) => skusInCondition(x, `${at}.${g}[${i}]`, out));
  if (o.not) skusInCondition(o.not, `${at}.not`, out);
  if (o.fact === "cart" && o.path === "$.skus") {
    if (typeof o.value === "string") out.push({ sku: o.value, path: `${at}.value` });
    if (Array.isArray(o.value)) o.value.forEach((v, i) => typeof v === "string" && out.push({ sku: v, path: `${at}.value[${i}]` }));
  }
  return out;
}
var init_compiled_rule = __esm({
  "engine/promotions/compiled-rule.ts"() {
    "use strict";
    init_compile_condition();
  }
});

// engine/promotions/benefit.ts
function checkBenefit(b, at) {
  const problems = [];
  if (!b || typeof b !== "object" || Array.isArray(b)) return [{ path: at, message: 'A benefit is an object with a "type"' }];
  const o = b;
  const type = o.type;
  if (!TYPES.includes(type)) return [{ path: `${at}.type`, message: `"type" is one of ${TYPES.join(", ")}` }];
  const allowed = /* @__PURE__ */ new Set(["type", "productGroup", ...FIELDS[type]]);
  for (const k of Object.keys(o)) if (!allowed.has(k)) problems.push({ path: `${at}.${k}`, message: `"${k}" is not part of a ${type} benefit` });
  const num3 = (k, ok2, rule, required = true) => {
    const v = o[k];
    if (v === void 0) return required && problems.push({ path: `${at}.${k}`, message: `"${k}" is required for ${type}` });
    if (typeof v !== "number" || !Number.isFinite(v) || !ok2(v)) problems.push({ path: `${at}.${k}`, message: `"${k}" must be ${rule}` });
  };
  if (type === "percentOff") num3("value", (n) => n > 0 && n <= 100, "a percentage above 0 and at most 100");
  if (type === "flatOff") num3("value", (n) => n > 0 && n <= MONEY_MAX, "an amount above 0");
  if (type === "fixedPrice") num3("value", (n) => n >= 0 && n <= MONEY_MAX, "a non-negative amount");
  if (type === "buyXGetY") {
    num3("buy", (n) => Number.isInteger(n) && n >= 1 && n <= 100, "a whole number from 1 to 100");
    num3("get", (n) => Number.isInteger(n) && n >= 1 && n <= 100, "a whole number from 1 to 100");
  }
  if (FIELDS[type].includes("cap")) num3("cap", (n) => n > 0 && n <= MONEY_MAX, "an amount above 0", false);
  if (o.productGroup !== void 0 && (typeof o.productGroup !== "string" || o.productGroup === "")) problems.push({ path: `${at}.productGroup`, message: "Give a product group code" });
  return problems;
}
function computeSavings(b, lines) {
  let base = 0;
  for (const l of lines) base += paise(l.price) * l.quantity;
  let saved = 0;
  switch (b.type) {
    case "percentOff":
      saved = Math.round(base * b.value / 100);
      break;
    case "flatOff":
      saved = Math.min(paise(b.value), base);
      break;
    case "fixedPrice": {
      const fixed = paise(b.value);
      for (const l of lines) saved += Math.max(0, paise(l.price) - fixed) * l.quantity;
      break;
    }
    case "buyXGetY": {
      let units = 0;
      for (const l of lines) units += l.quantity;
      let free = Math.floor(units / (b.buy + b.get)) * b.get;
      const cheapestFirst = [...lines].sort((x, y) => x.price - y.price);
      for (const l of cheapestFirst) {
        if (free <= 0) break;
        const n = Math.min(free, l.quantity);
        saved += paise(l.price) * n;
        free -= n;
      }
      break;
    }
  }
  if ("cap" in b && b.cap !== void 0) saved = Math.min(saved, paise(b.cap));
  return { base: base / 100, savings: saved / 100 };
}
var TYPES, FIELDS, MONEY_MAX, paise;
var init_benefit = __esm({
  "engine/promotions/benefit.ts"() {
    "use strict";
    TYPES = ["percentOff", "flatOff", "buyXGetY", "fixedPrice"];
    FIELDS = {
      percentOff: ["value", "cap"],
      flatOff: ["value"],
      buyXGetY: ["buy", "get", "cap"],
      fixedPrice: ["value", "cap"]
    };
    MONEY_MAX = 1e9;
    paise = (amount) => Math.round(amount * 100);
  }
});

// engine/promotions/evaluate-promotions.ts
function evaluateRule(r, facts, lines, products, today) {
  const j = r.json;
  if (j.startDate > today || j.endDate < today) return { applies: false, reason: "dates" };
  if (r.condition && !r.condition.test(facts)) return { applies: false, reason: "conditions" };
  const offer = offerFor(r, lines, products);
  return offer ? { applies: true, offer } : { applies: false, reason: "no-savings" };
}
function offerFor(r, lines, products) {
  const j = r.json;
  const pg9 = j.benefit.productGroup;
  const members = pg9 ? products.members.get(pg9) : void 0;
  const applicable = pg9 ? lines.filter((l) => members?.has(l.sku)) : lines;
  if (applicable.length === 0) return void 0;
  const { base, savings } = computeSavings(j.benefit, applicable);
  if (savings <= 0) return void 0;
  return { promotionId: j.id, name: j.name, priority: j.priority, exclusive: j.exclusive, benefit: j.benefit, appliesTo: base, savings };
}
function rankOffers(offers) {
  const topExclusive = offers.filter((o) => o.exclusive).reduce((m, o) => Math.max(m, o.priority), -Infinity);
  const kept = offers.filter((o) => o.exclusive || o.priority >= topExclusive);
  return kept.sort((a, b) => b.savings - a.savings || b.priority - a.priority || a.name.localeCompare(b.name) || a.promotionId.localeCompare(b.promotionId));
}
function candidateOffers(index, products, storeKey, facts, lines, today, skip) {
  const offers = [];
  for (const r of index.candidates(storeKey, facts.cart.skus)) {
    if (r.json.id === skip) continue;
    const outcome = evaluateRule(r, facts, lines, products, today);
    if (outcome.applies) offers.push(outcome.offer);
  }
  return offers;
}
function evaluateCandidates(index, products, storeKey, facts, lines, today) {
  return rankOffers(candidateOffers(index, products, storeKey, facts, lines, today));
}
var init_evaluate_promotions = __esm({
  "engine/promotions/evaluate-promotions.ts"() {
    "use strict";
    init_benefit();
  }
});

// engine/promotions/ruleset-facts.ts
function attributeTypes(fields, names) {
  const out = {};
  for (const n of names) {
    const t = TYPE_OF[fields[n]?.type ?? ""];
    if (t) out[n] = t;
  }
  return out;
}
function promotionFactSet(src) {
  const groups = {};
  for (const code of src.productGroupCodes) {
    groups[`${code}.quantity`] = "number";
    groups[`${code}.amount`] = "number";
  }
  return {
    cart: { total: "number", quantity: "number", lines: "number", skus: "string[]" },
    store: { ...attributeTypes(src.storeFields, [src.storeKey, ...src.storeAttributes]) },
    customer: { id: "string" },
    groups
  };
}
function cartFacts(lines, store, customerId, groupsOf2, zeroFor = []) {
  let total = 0;
  let quantity = 0;
  const groups = {};
  for (const code of zeroFor) groups[code] = { quantity: 0, amount: 0 };
  for (const l of lines) {
    const amount = l.price * l.quantity;
    total += amount;
    quantity += l.quantity;
    for (const code of groupsOf2(l.sku)) {
      const g = groups[code] ??= { quantity: 0, amount: 0 };
      g.quantity += l.quantity;
      g.amount += amount;
    }
  }
  return {
    cart: { total: Math.round(total * 100) / 100, quantity, lines: lines.length, skus: lines.map((l) => l.sku) },
    store,
    customer: customerId === void 0 ? {} : { id: customerId },
    groups
  };
}
var TYPE_OF;
var init_ruleset_facts = __esm({
  "engine/promotions/ruleset-facts.ts"() {
    "use strict";
    TYPE_OF = { string: "string", number: "number", integer: "number", boolean: "boolean" };
  }
});

// engine/promotions/check-rule-record.ts
function checkRuleRecord(rc, data) {
  const f = rc.ruleset.fields;
  const problems = [];
  const conditions = data[f.conditions];
  if (conditions !== void 0 && conditions !== null) {
    const factSet = promotionFactSet({ storeKey: rc.ruleset.stores.key, storeFields: rc.storeFields, storeAttributes: rc.ruleset.storeGroups.attributes, productGroupCodes: rc.products.members.keys() });
    const found = checkCondition(conditions, factSetCatalog(factSet), `$.${f.conditions}`);
    problems.push(...found);
    if (!found.length) {
      for (const { sku, path: path17 } of skusInCondition(conditions, `$.${f.conditions}`)) {
        if (!rc.products.canonical.has(sku.toLowerCase())) problems.push({ path: path17, message: `Unknown SKU "${sku}"` });
      }
    }
  }
  const benefit2 = data[f.benefit];
  if (benefit2 !== void 0 && benefit2 !== null) {
    const found = checkBenefit(benefit2, `$.${f.benefit}`);
    problems.push(...found);
    const group = benefit2.productGroup;
    if (!found.length && typeof group === "string" && !rc.products.members.has(group)) problems.push({ path: `$.${f.benefit}.productGroup`, message: `Unknown product group "${group}"` });
  }
  const storeGroup = data[f.storeGroup];
  if (typeof storeGroup === "string" && !rc.stores.members.has(storeGroup)) problems.push({ path: `$.${f.storeGroup}`, message: `Unknown store group "${storeGroup}"` });
  const start = data[f.startDate];
  const end = data[f.endDate];
  if (typeof start === "string" && typeof end === "string" && end <= start) problems.push({ path: `$.${f.endDate}`, message: "The end date must be after the start date" });
  return problems;
}
function checkRuleComplete(rc, data, today) {
  const f = rc.ruleset.fields;
  const missing = [f.benefit, f.storeGroup, f.startDate, f.endDate, ...f.name ? [f.name] : []].filter((k) => data[k] === void 0 || data[k] === null || data[k] === "").map((k) => ({ path: `$.${k}`, message: `"${k}" is required before activation` }));
  const problems = [...missing, ...checkRuleRecord(rc, data)];
  const end = data[f.endDate];
  if (today !== void 0 && typeof end === "string" && end < today) problems.push({ path: `$.${f.endDate}`, message: `The promotion ended on ${end}` });
  return problems;
}
var init_check_rule_record = __esm({
  "engine/promotions/check-rule-record.ts"() {
    "use strict";
    init_benefit();
    init_check_condition();
    init_compiled_rule();
    init_ruleset_facts();
  }
});

// engine/promotions/test-console.ts
function explainPromotion(rc, row, cart) {
  const f = rc.ruleset.fields;
  const d = row.data;
  const under = cart.storeGroup;
  const base = { promotionId: row.id, name: String(d[f.name ?? ""] ?? row.id), status: row.state };
  const code = String(d[f.storeGroup] ?? "");
  const promoStores = rc.stores.members.get(code);
  const storeGroup = {
    code,
    matches: under.store !== void 0 && (promoStores?.has(under.store) ?? false),
    covers: promoStores ? [...under.members].filter((m) => promoStores.has(m)).length : 0
  };
  const problems = checkRuleComplete(rc, d, cart.today);
  if (problems.length) return { ...base, eligible: false, reasons: problems.map((p) => `${p.path}: ${p.message}`), storeGroup, conditions: { result: false, leaves: [] }, savings: 0 };
  const reasons = [];
  if (!rc.ruleset.evaluatedIn.includes(row.state)) reasons.push(`Status "${row.state}": only ${rc.ruleset.evaluatedIn.join(", ")} promotions are evaluated`);
  if (!storeGroup.matches) reasons.push(`Its store group "${code}" does not hold ${under.store ?? "any store"} (it holds ${storeGroup.covers} of the ${under.members.size} stores of "${under.code}")`);
  const start = d[f.startDate];
  const end = d[f.endDate];
  if (start > cart.today || end < cart.today) reasons.push(`Runs from ${start} to ${end}; today is ${cart.today}`);
  const condition = d[f.conditions] ?? null;
  const explained2 = condition ? compileCondition(condition).explain(cart.facts) : { result: true, leaves: [] };
  if (!explained2.result) reasons.push("Its conditions are not met");
  const benefit2 = d[f.benefit];
  const rule = liveRule({ id: row.id, version: row.version, name: base.name, priority: 0, exclusive: false, startDate: start, endDate: end, condition, benefit: benefit2, storeGroup: code, productGroups: [], resolved: { stores: 0, products: 0 } });
  const offer = offerFor(rule, cart.lines, rc.products);
  if (!offer) {
    const pg9 = benefit2.productGroup;
    const inGroup = pg9 ? cart.lines.some((l) => rc.products.members.get(pg9)?.has(l.sku)) : true;
    reasons.push(inGroup ? `Its ${benefit2.type} benefit saves nothing on this cart` : `Nothing in the cart is in product group "${pg9}"`);
  }
  return { ...base, eligible: reasons.length === 0, reasons, storeGroup, conditions: explained2, savings: offer?.savings ?? 0 };
}
function selectionItems(rs, products, selections) {
  const known = rs.console?.selections ?? {};
  const details = [];
  const items = [];
  for (const [name, asked] of Object.entries(selections)) {
    const fixed = Object.prototype.hasOwnProperty.call(known, name) ? known[name] : void 0;
    if (!fixed) {
      details.push({ path: `$.selections.${name}`, message: `Unknown selection; known: ${Object.keys(known).join(", ") || "none"}` });
      continue;
    }
    const unknown = Object.keys(asked).filter((a) => !rs.productGroups.attributes.includes(a));
    if (unknown.length) {
      details.push(...unknown.map((a) => ({ path: `$.selections.${name}.${a}`, message: `Not a product attribute; known: ${rs.productGroups.attributes.join(", ")}` })));
      continue;
    }
    const want = Object.entries({ ...asked, ...fixed });
    const sku = [...products.records.keys()].sort().find((k) => want.every(([a, v]) => products.records.get(k)[a] === v));
    if (!sku) details.push({ path: `$.selections.${name}`, message: "No product matches these selections" });
    else items.push({ sku, quantity: 1 });
  }
  if (details.length) throw new AppError("VALIDATION_FAILED", void 0, { details });
  return items;
}
var init_test_console = __esm({
  "engine/promotions/test-console.ts"() {
    "use strict";
    init_app_error();
    init_check_rule_record();
    init_compile_condition();
    init_compiled_rule();
    init_evaluate_promotions();
  }
});

// engine/lifecycle/simulate-rules.ts
function groupsRead(c, out) {
  if (!c || typeof c !== "object") return out;
  const o = c;
  for (const g of ["all", "any"]) if (Array.isArray(o[g])) o[g].forEach((x) => groupsRead(x, out));
  if (o.not) groupsRead(o.not, out);
  if (o.fact === "groups" && typeof o.path === "string") {
    const code = o.path.replace(/^\$\./, "").split(".")[0];
    if (code && CODE.test(code)) out.add(code);
  }
  return out;
}
function groupsOf(keyField, members, codes) {
  const byCode = new Map([...codes].map((c) => [c, /* @__PURE__ */ new Set()]));
  for (const [key2, m] of members) for (const g of m.groups) (byCode.get(g) ?? byCode.set(g, /* @__PURE__ */ new Set()).get(g)).add(key2);
  return {
    members: byCode,
    groupsOf: new Map([...members].map(([key2, m]) => [key2, [...new Set(m.groups)]])),
    records: new Map([...members].map(([key2, m]) => [key2, { ...m.data, [keyField]: key2 }])),
    canonical: new Map([...members.keys()].map((k) => [k.toLowerCase(), k]))
  };
}
function simulateRules(app, req, now) {
  const rs = app.rulesets.get(req.ruleset);
  if (!rs) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.ruleset", message: `Ruleset "${req.ruleset}" is not defined in this app` }] });
  const f = rs.fields;
  const today = req.today ?? now.toISOString().slice(0, 10);
  const promotions = req.promotions;
  const productCodes = /* @__PURE__ */ new Set();
  const storeCodes = new Set(req.cart.store?.groups ?? []);
  const products = /* @__PURE__ */ new Map();
  for (const item of req.cart.items) {
    const known = products.get(item.sku);
    products.set(item.sku, { data: {}, groups: [...known?.groups ?? [], ...item.groups ?? []] });
    (item.groups ?? []).forEach((g) => productCodes.add(g));
  }
  for (const p of promotions) {
    groupsRead(p[f.conditions], productCodes);
    const pg9 = p[f.benefit]?.productGroup;
    if (typeof pg9 === "string" && CODE.test(pg9)) productCodes.add(pg9);
    for (const { sku } of skusInCondition(p[f.conditions], "$")) if (!products.has(sku)) products.set(sku, { data: {}, groups: [] });
    const sg = p[f.storeGroup];
    if (typeof sg === "string" && CODE.test(sg)) storeCodes.add(sg);
  }
  const storeKey = req.cart.store?.key ?? DEFAULT_STORE;
  const attributes = req.cart.store?.attributes ?? {};
  const rc = {
    ruleset: rs,
    storeFields: app.entities.get(rs.stores.entity)?.fields ?? {},
    stores: groupsOf(rs.stores.key, /* @__PURE__ */ new Map([[storeKey, { data: attributes, groups: req.cart.store?.groups ?? [] }]]), storeCodes),
    products: groupsOf(rs.products.key, products, productCodes)
  };
  const lines = req.cart.items.map((i) => ({ sku: i.sku, quantity: i.quantity, price: i.price }));
  const facts = cartFacts(lines, { ...attributes, [rs.stores.key]: storeKey }, req.cart.customerId, (sku) => rc.products.groupsOf.get(sku) ?? [], [...productCodes]);
  const state = rs.evaluatedIn[0];
  const under = { code: storeKey, members: /* @__PURE__ */ new Set([storeKey]), store: storeKey };
  const explained2 = promotions.map((data, i) => explainPromotion(rc, { id: `$.promotions[${i}]`, version: 1, state, data }, { facts, lines, today, storeGroup: under }));
  const offers = [];
  explained2.forEach((r, i) => {
    if (!r.eligible) return;
    const d = promotions[i];
    const rule = liveRule({
      id: r.promotionId,
      version: 1,
      name: r.name,
      priority: typeof d[f.priority ?? ""] === "number" ? d[f.priority] : 0,
      exclusive: d[f.exclusive ?? ""] === true,
      startDate: String(d[f.startDate]),
      endDate: String(d[f.endDate]),
      condition: null,
      benefit: d[f.benefit],
      storeGroup: r.storeGroup.code,
      productGroups: [],
      resolved: { stores: 0, products: 0 }
    });
    const offer = offerFor(rule, lines, rc.products);
    if (offer) offers.push(offer);
  });
  return {
    kind: "rules",
    ruleset: rs.name,
    today,
    offers: rankOffers(offers).map((o) => ({ promotion: o.promotionId, name: o.name, savings: o.savings, priority: o.priority, exclusive: o.exclusive })),
    // A fact the cart does not have reads as null: an answer says it, rather than leaving the value out.
    promotions: explained2.map(({ promotionId, ...r }) => ({ promotion: promotionId, ...r, conditions: { ...r.conditions, leaves: r.conditions.leaves.map((l) => ({ ...l, factValue: l.factValue ?? null })) } })),
    assumptions: ASSUMPTIONS
  };
}
var DEFAULT_STORE, CODE, ASSUMPTIONS;
var init_simulate_rules = __esm({
  "engine/lifecycle/simulate-rules.ts"() {
    "use strict";
    init_app_error();
    init_compiled_rule();
    init_evaluate_promotions();
    init_ruleset_facts();
    init_test_console();
    DEFAULT_STORE = "STORE";
    CODE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
    ASSUMPTIONS = "Stores, products and their groups are as the request describes them (the stored ones are not read); each promotion is judged as if it were in the first state the ruleset evaluates.";
  }
});

// engine/lifecycle/simulate-template.ts
function simulateTemplate(app, req) {
  const template = app.templates.get(req.template);
  if (!template) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.template", message: `Template "${req.template}" is not defined in this app` }] });
  let out;
  try {
    out = template.render(req.data ?? {});
  } catch (err) {
    const why = err.message.split("\n")[0];
    throw new AppError("VALIDATION_FAILED", `Template "${template.name}" could not be rendered with this data`, { details: [{ path: "$.data", message: why }] });
  }
  return {
    kind: "template",
    template: template.name,
    channel: template.channel,
    ...out.subject !== void 0 ? { subject: out.subject } : {},
    text: out.text,
    ...out.html !== void 0 ? { html: out.html } : {}
  };
}
var init_simulate_template = __esm({
  "engine/lifecycle/simulate-template.ts"() {
    "use strict";
    init_app_error();
  }
});

// engine/lifecycle/simulate.ts
import { readFileSync as readFileSync4 } from "node:fs";
import path7 from "node:path";
async function simulate(app, request, now) {
  const simulator = SIMULATORS[request.kind];
  const at = request.kind === "move" && request.now ? new Date(request.now) : now;
  return simulator(app, request, at);
}
var SIMULATORS, SIMULATION_SCHEMA, parseSimulation;
var init_simulate = __esm({
  "engine/lifecycle/simulate.ts"() {
    "use strict";
    init_definition_schemas();
    init_validate_body();
    init_describe_otp_policy();
    init_simulate_move();
    init_simulate_rules();
    init_simulate_template();
    SIMULATORS = {
      move: simulateMove,
      template: simulateTemplate,
      rules: simulateRules,
      otp: simulateOtp
    };
    SIMULATION_SCHEMA = JSON.parse(readFileSync4(path7.join(SCHEMA_DIR, "test.schema.json"), "utf8")).definitions.simulation;
    parseSimulation = bodyValidator(SIMULATION_SCHEMA);
  }
});

// engine/lifecycle/run-test-cases.ts
import { isDeepStrictEqual } from "node:util";
async function outcomeOf(app, c, now) {
  const named = Object.keys(c.expect.output ?? {});
  try {
    const answer = await simulate(app, c.simulate, now);
    const out = {};
    if (answer.kind === "move") {
      Object.assign(out, { allowed: answer.allowed, ...answer.to !== void 0 ? { to: answer.to } : {}, why: answer.why });
      if (answer.code) Object.assign(out, { code: answer.code, message: answer.message, ...answer.publicCode ? { publicCode: answer.publicCode } : {} });
    }
    if (named.length) out.output = Object.fromEntries(named.map((k) => [k, answer[k]]));
    return out;
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { ...c.simulate.kind === "move" ? { allowed: false } : {}, code: err.code, ...err.publicCode ? { publicCode: err.publicCode } : {}, message: [err.message, ...(err.details ?? []).map((d) => `${d.path}: ${d.message}`)].join("; ") };
  }
}
function differences(expected, actual) {
  const out = [];
  if (expected.allowed !== void 0 && actual.allowed !== expected.allowed) out.push(`expected ${expected.allowed ? "allowed" : "refused"}, got ${actual.allowed === void 0 ? "no move" : actual.allowed ? "allowed" : "refused"}`);
  if (expected.to !== void 0 && actual.to !== expected.to) out.push(`expected to land in "${expected.to}", got ${show(actual.to)}`);
  if (expected.code !== void 0 && actual.code !== expected.code && actual.publicCode !== expected.code) out.push(`expected code ${expected.code}, got ${show(actual.publicCode ?? actual.code)}`);
  for (const [k, v] of Object.entries(expected.output ?? {})) {
    if (!isDeepStrictEqual(actual.output?.[k], v)) out.push(`expected output.${k} ${show(v)}, got ${show(actual.output?.[k])}`);
  }
  return out;
}
function coverageOf(app) {
  const moves = [];
  for (const wf of app.workflows.values()) {
    for (const t of wf.transitions) moves.push({ workflow: wf.name, entity: wf.entity, from: t.from, to: t.to, event: t.event, roles: [...t.roles], cases: [] });
  }
  return {
    moves,
    ask(ref2, c) {
      const sim = c.simulate;
      if (sim.kind !== "move") return;
      const wf = app.entities.get(sim.entity)?.workflow;
      if (!wf) return;
      const from = sim.record?.[wf.field] === void 0 ? wf.initial : String(sim.record[wf.field]);
      for (const m of moves) {
        if (m.workflow === wf.name && m.from === from && (sim.event !== void 0 ? m.event === sim.event : m.to === sim.target)) m.cases.push(ref2);
      }
    }
  };
}
async function runTestCases(app, now) {
  const { moves, ask } = coverageOf(app);
  const failed2 = [];
  let passed = 0;
  for (const test of app.tests.values()) {
    for (const [i, c] of test.cases.entries()) {
      ask({ test: test.name, case: c.name }, c);
      const actual = await outcomeOf(app, c, now);
      const diff = differences(c.expect, actual);
      if (!diff.length) passed++;
      else failed2.push({ test: test.name, case: c.name, path: `$.cases[${i}]`, expected: c.expect, actual, message: `${diff.join("; ")}${actual.why ? ` (${actual.why})` : actual.message ? ` (${actual.message})` : ""}` });
    }
  }
  return { passed, failed: failed2, coverage: { moves, untested: moves.filter((m) => !m.cases.length).map(({ cases: _cases, ...m }) => m) } };
}
async function failingCaseProblems(app, files, now) {
  const { failed: failed2 } = await runTestCases(app, now);
  const fileOf = new Map(files.flatMap((f) => {
    const id = identityOf(f.content);
    return id?.kind === "test" ? [[id.name, f.file]] : [];
  }));
  return failed2.map((f) => ({ file: fileOf.get(f.test) ?? f.test, path: f.path, message: `Saved test case "${f.case}" fails: ${f.message}` }));
}
async function assertTestCasesPass(app, now) {
  const { failed: failed2 } = await runTestCases(app, now);
  if (failed2.length) {
    throw new AppError("RULE_INVALID", `${failed2.length} saved test case(s) fail with this change set`, {
      details: failed2.map((f) => ({ path: `test ${f.test} ${f.path}`, message: `Case "${f.case}": ${f.message}` }))
    });
  }
}
var show;
var init_run_test_cases = __esm({
  "engine/lifecycle/run-test-cases.ts"() {
    "use strict";
    init_app_error();
    init_release_store();
    init_simulate();
    show = (v) => v === void 0 ? "nothing" : JSON.stringify(v);
  }
});

// engine/lifecycle/import-app-folder.ts
import path8 from "node:path";
async function planAppFolder(db, root, dir, options = {}) {
  const app = path8.basename(dir);
  const read = readDefinitionFiles(dir);
  const files = read.files.map((f) => ({ file: path8.relative(root, f.file), content: f.content }));
  const plan = await planFilesImport(db, app, files);
  const result = compileAppFiles(asFilesUnder(root, plan.definitions), read.problems, path8.dirname(root), options);
  if (result.app && result.app.id !== app) {
    result.problems.push({ file: path8.relative(path8.dirname(root), dir), path: "$.id", message: `The app id "${result.app.id}" must match its folder name "${app}"` });
    delete result.app;
  }
  const failing = result.app ? await failingCaseProblems(result.app, plan.definitions.map((d) => ({ file: path8.join(path8.basename(root), d.file), content: d.content })), /* @__PURE__ */ new Date()) : [];
  if (failing.length) {
    result.problems.push(...failing);
    delete result.app;
  }
  return { app, files, plan, result, due: Boolean(result.app) && (plan.changed || !plan.live) };
}
async function writeFilesRelease(db, planned, at) {
  return db.$transaction(async (tx) => {
    await lockReleases(tx, planned.app);
    if ((await liveRelease(tx, planned.app))?.number !== planned.plan.live?.number) return void 0;
    await writeFilesBaseline(tx, planned.app, planned.plan.imported, at);
    return writeRelease(tx, { app: planned.app, source: "files", createdBy: "files", at, definitions: planned.plan.definitions, imported: planned.plan.imported });
  });
}
async function moveFilesBaseline(db, planned, at) {
  return db.$transaction(async (tx) => {
    await lockReleases(tx, planned.app);
    if ((await liveRelease(tx, planned.app))?.number !== planned.plan.live?.number) return false;
    await writeFilesBaseline(tx, planned.app, planned.plan.imported, at);
    return true;
  });
}
async function planAndImportAppFolder(db, root, dir, options = {}) {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10) throw new Error(`Releases of "${path8.basename(dir)}" keep landing while its files are imported; try again`);
    const planned = await planAppFolder(db, root, dir, options);
    if (!planned.due) {
      if (!planned.result.app || !planned.plan.baselineMoved || await moveFilesBaseline(db, planned, /* @__PURE__ */ new Date())) return { planned };
      continue;
    }
    const release = await writeFilesRelease(db, planned, /* @__PURE__ */ new Date());
    if (release) return { planned, release };
  }
}
function asFilesUnder(root, definitions) {
  return asFiles(definitions).map((f) => ({ ...f, file: path8.join(root, f.file) }));
}
var init_import_app_folder = __esm({
  "engine/lifecycle/import-app-folder.ts"() {
    "use strict";
    init_change_feed();
    init_compile_app();
    init_load_definition_files();
    init_import_files();
    init_run_test_cases();
    init_files_baseline();
    init_release_store();
  }
});

// engine/registry/load-registry.ts
async function compileRelease(db, app, options = {}, number) {
  const release = number === void 0 ? await liveRelease(db, app) : await findRelease(db, app, number);
  if (!release) return void 0;
  const compiled2 = compileAppFiles(asFiles(await releaseDefinitions(db, release)), [], "", options).app;
  return compiled2 && { app: compiled2, release: release.number };
}
async function loadRegistry(db, root, logger, previous, options = {}) {
  const apps = /* @__PURE__ */ new Map();
  const releases = /* @__PURE__ */ new Map();
  const refused = [];
  const conflicts = [];
  for (const dir of listAppDirs(root)) {
    const { planned, release } = await planAndImportAppFolder(db, root, dir, options);
    const { app: folder, plan, result } = planned;
    if (plan.conflicts.length) {
      conflicts.push({ app: folder, definitions: plan.conflicts });
      logger.warn({ app: folder, definitions: plan.conflicts }, "definitions changed both in the files and by an admin since the last import: the admin\u2019s release keeps serving");
    }
    if (result.app && result.problems.length) logger.warn({ app: folder, warnings: result.problems }, "definitions loaded with warnings");
    if (result.app && !planned.due && plan.live) {
      apps.set(folder, previous?.releases?.get(folder) === plan.live.number ? previous.apps.get(folder) : result.app);
      releases.set(folder, plan.live.number);
      continue;
    }
    if (result.app && release) {
      logger.info({ app: folder, release: release.number }, "definitions imported from the files as a new release");
      apps.set(folder, result.app);
      releases.set(folder, release.number);
      continue;
    }
    const fallback = previous?.apps.get(folder) ? { app: previous.apps.get(folder), release: previous.releases?.get(folder) } : await compileRelease(db, folder, options);
    if (fallback) {
      apps.set(folder, fallback.app);
      if (fallback.release !== void 0) releases.set(folder, fallback.release);
    }
    refused.push({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) });
    logger.error({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) }, "definitions refused");
  }
  return { registry: { apps, releases }, refused, conflicts };
}
var init_load_registry = __esm({
  "engine/registry/load-registry.ts"() {
    "use strict";
    init_compile_app();
    init_load_definition_files();
    init_import_app_folder();
    init_release_store();
  }
});

// engine/registry/released-apps.ts
function createReleasedApps(db, current2, options, keep = 32) {
  const compiled2 = /* @__PURE__ */ new Map();
  return (app, release) => {
    const registry = current2();
    if (registry.releases?.get(app) === release) return Promise.resolve(registry.apps.get(app));
    const key2 = `${app}#${release}`;
    let found = compiled2.get(key2);
    if (found) compiled2.delete(key2);
    else {
      found = compileRelease(db, app, options, release).then((r) => r?.app);
      found.catch(() => compiled2.delete(key2));
    }
    compiled2.set(key2, found);
    if (compiled2.size > keep) compiled2.delete(compiled2.keys().next().value);
    return found;
  };
}
var init_released_apps = __esm({
  "engine/registry/released-apps.ts"() {
    "use strict";
    init_load_registry();
  }
});

// engine/lifecycle/describe-changes.ts
import { isDeepStrictEqual as isDeepStrictEqual2 } from "node:util";
function titleOf(d) {
  const name = d.kind === "app" ? d.id : d.name;
  return `${NOUNS[d.kind] ?? d.kind} ${name}`;
}
function describeChanges(before, after2) {
  const out = [];
  if (before && after2 && before.kind === after2.kind) {
    const describe4 = DESCRIBERS[after2.kind];
    if (describe4) describe4(before, after2, out);
    else walkAll(walker(out, `${titleOf(after2)}: `), "$", before, after2);
    return out;
  }
  if (before) out.push({ path: "$", kind: "removed", sentence: `${titleOf(before)} removed`, before });
  if (after2) out.push({ path: "$", kind: "added", sentence: `${titleOf(after2)} added`, after: after2 });
  return out;
}
function push(out, kind, path17, sentence, before, after2) {
  const change = { path: path17, kind, sentence };
  if (before !== void 0) change.before = before;
  if (after2 !== void 0) change.after = after2;
  out.push(change);
}
function readable(v) {
  if (typeof v === "string") return v.length <= 60 && !v.includes("\n") ? v : void 0;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (v === null) return "none";
  return void 0;
}
function labelOf(rel) {
  const item = rel.lastIndexOf("[].");
  return item < 0 ? rel : rel.slice(item + 3);
}
function walkAll(w, path17, a, b, said = /* @__PURE__ */ new Set()) {
  for (const key2 of sortedKeys(a, b)) {
    if (said.has(key2) || key2 === "$schema" || key2 === "kind") continue;
    walk(w, `${path17}.${key2}`, key2, a[key2], b[key2]);
  }
}
function walk(w, path17, rel, a, b) {
  if (isDeepStrictEqual2(a, b)) return;
  const spec = w.specOf(rel) ?? {};
  const isList2 = (v) => v === void 0 || Array.isArray(v);
  if ((spec.item || spec.key) && isList2(a) && isList2(b)) return walkList(w, path17, rel, a ?? [], b ?? []);
  if (a === void 0 || b === void 0 || spec.whole) return leaf2(w, path17, rel, a, b);
  if (isObject(a) && isObject(b)) {
    for (const key2 of sortedKeys(a, b)) walk(w, `${path17}.${key2}`, `${rel}.${key2}`, a[key2], b[key2]);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return walkList(w, path17, rel, a, b);
  leaf2(w, path17, rel, a, b);
}
function walkList(w, path17, rel, a, b) {
  const spec = w.specOf(rel) ?? {};
  if ([...a, ...b].every(isScalar)) return walkNames(w, path17, rel, a, b, spec);
  const keyOf3 = spec.key ?? ((_v, i) => String(i));
  const label2 = (v, i) => spec.itemLabel?.(v, i) ?? `${spec.label ?? labelOf(rel)} ${spec.key ? spec.key(v, i) : i + 1}`;
  const item = (i) => walker(w.out, `${w.prefix}${label2(b[i], i)}: `, w.specOf);
  b.forEach((v, i) => {
    const j = a.findIndex((x, k) => keyOf3(x, k) === keyOf3(v, i));
    if (j < 0) push(w.out, "added", `${path17}[${i}]`, `${w.prefix}${label2(v, i)} added${shown(spec, v)}`, void 0, v);
    else if (isDeepStrictEqual2(a[j], v)) return;
    else if (w.specOf(`${rel}[]`)?.whole || !isObject(a[j]) || !isObject(v)) push(w.out, "changed", `${path17}[${i}]`, `${w.prefix}${label2(v, i)} changed`, a[j], v);
    else for (const k of sortedKeys(a[j], v)) walk(item(i), `${path17}[${i}].${k}`, `${rel}[].${k}`, a[j][k], v[k]);
  });
  a.forEach((v, i) => b.some((x, k) => keyOf3(x, k) === keyOf3(v, i)) || push(w.out, "removed", `${path17}[${i}]`, `${w.prefix}${label2(v, i)} removed`, v));
}
function leaf2(w, path17, rel, a, b) {
  const spec = w.specOf(rel) ?? {};
  const label2 = spec.label ?? labelOf(rel);
  const unit = spec.unit ? ` ${spec.unit}` : "";
  const [ra, rb] = spec.whole ? [void 0, void 0] : [readable(a), readable(b)];
  if (a === void 0) return push(w.out, "added", path17, `${w.prefix}${rb !== void 0 ? `${label2} set to ${rb}${unit}` : `${label2} added${shown(spec, b)}`}`, void 0, b);
  if (b === void 0) return push(w.out, "removed", path17, `${w.prefix}${ra !== void 0 ? `${label2} no longer set (was ${ra}${unit})` : `${label2} removed`}`, a);
  const how = ra !== void 0 && rb !== void 0 ? ` ${ra} \u2192 ${rb}${unit}` : spec.show ? ` changed: ${spec.show(a)} \u2192 ${spec.show(b)}` : " changed";
  push(w.out, "changed", path17, `${w.prefix}${label2}${how}`, a, b);
}
function walkNames(w, path17, rel, a, b, spec) {
  const label2 = spec.label ?? labelOf(rel);
  const say = spec.item ?? { added: (v) => `${label2}: ${v} added`, removed: (v) => `${label2}: ${v} removed` };
  const removed = a.filter((v) => !b.includes(v));
  const added = b.filter((v) => !a.includes(v));
  removed.forEach((v) => push(w.out, "removed", `${path17}[${a.indexOf(v)}]`, `${w.prefix}${say.removed(String(v))}`, v));
  added.forEach((v) => push(w.out, "added", `${path17}[${b.indexOf(v)}]`, `${w.prefix}${say.added(String(v))}`, void 0, v));
  if (!removed.length && !added.length && a.length && b.length) push(w.out, "changed", path17, `${w.prefix}${label2}: order changed`, a, b);
}
function describeFields(out, noun, path17, a = {}, b = {}) {
  for (const name of sortedKeys(a, b)) {
    const [fa, fb] = [a[name], b[name]];
    if (!fa) push(out, "added", `${path17}.${name}`, `${noun} ${name} added (${showField(fb)})`, void 0, fb);
    else if (!fb) push(out, "removed", `${path17}.${name}`, `${noun} ${name} removed`, fa);
    else walkAll(walker(out, `${noun} ${name}: `, (rel) => FIELD_SPECS[rel]), `${path17}.${name}`, fa, fb);
  }
}
function providerSpec(rel) {
  const kind = /^providers\.(\w+)/.exec(rel)?.[1];
  if (!kind) return void 0;
  if (rel === `providers.${kind}`) return { label: `${kind} provider`, itemLabel: (p, i) => `${kind} provider ${i + 1} (${p.provider})`, show: (p) => p.provider ?? "" };
  if (rel.endsWith(".config")) return { label: "config", whole: true };
  if (rel.endsWith(".provider")) return { label: "plugin" };
  return void 0;
}
function describeRoles(out, a, b) {
  for (const role of sortedKeys(a, b)) {
    const [ra, rb] = [a[role], b[role]];
    const path17 = `$.roles.${role}`;
    if (!rb) {
      push(out, "removed", path17, `Role ${role} removed`, ra);
      continue;
    }
    if (!ra) push(out, "added", path17, `Role ${role} added${rb.label ? ` (${rb.label})` : ""}`, void 0, rb);
    const before = ra ?? {};
    if (ra) walk(walker(out, `Role ${role}: `, () => ({ label: "label" })), `${path17}.label`, "label", ra.label, rb.label);
    if (Boolean(before.public) !== Boolean(rb.public)) {
      push(out, "changed", `${path17}.public`, `Role ${role} ${rb.public ? "now serves" : "no longer serves"} callers who have not signed in`, before.public, rb.public);
    }
    if (Boolean(before.operations?.outbox) !== Boolean(rb.operations?.outbox)) {
      push(out, "changed", `${path17}.operations.outbox`, `Role ${role} may ${rb.operations?.outbox ? "now" : "no longer"} manage the outbox`, before.operations?.outbox, rb.operations?.outbox);
    }
    for (const entity of sortedKeys(before.permissions, rb.permissions)) {
      describePermission(out, role, entity, `${path17}.permissions.${entity}`, before.permissions?.[entity] ?? {}, rb.permissions?.[entity] ?? {});
    }
  }
}
function describePermission(out, role, entity, path17, a, b) {
  for (const { action, verb } of ACTIONS) {
    if (Boolean(a[action]) === Boolean(b[action])) continue;
    push(out, b[action] ? "added" : "removed", `${path17}.${action}`, `Role ${role} may ${b[action] ? "now" : "no longer"} ${verb} ${entity} records`, a[action], b[action]);
  }
  describeUpdate(out, `Role ${role}`, entity, `${path17}.update`, a.update, b.update);
  const grants = (p) => ACTIONS.some(({ action }) => p[action]) || Boolean(p.update);
  if (!isDeepStrictEqual2(a.scope, b.scope) && grants(b)) {
    const scope = (s) => `whose ${s.field} matches their ${s.actor.replace(/^attributes\./, "")}${s.orVia ? ` or is the ${s.orVia.key ?? s.field} of a ${s.orVia.entity} whose ${s.orVia.field} does` : ""}`;
    const sentence = !b.scope ? `Role ${role} now sees every ${entity} record it may read, not only those ${scope(a.scope)}` : `Role ${role} now sees only ${entity} records ${scope(b.scope)}`;
    push(out, !a.scope ? "added" : !b.scope ? "removed" : "changed", `${path17}.scope`, sentence, a.scope, b.scope);
  }
  const [ha, hb] = [a.hide ?? [], b.hide ?? []];
  const hidden = hb.filter((f) => !ha.includes(f));
  const shown3 = ha.filter((f) => !hb.includes(f));
  if (hidden.length) push(out, "added", `${path17}.hide`, `Role ${role} no longer sees ${plural(hidden.length, "field")} ${list2(hidden)} of ${entity} records`, a.hide, b.hide);
  if (shown3.length) push(out, "removed", `${path17}.hide`, `Role ${role} now sees ${plural(shown3.length, "field")} ${list2(shown3)} of ${entity} records`, a.hide, b.hide);
  for (const f of sortedKeys(a.fixed, b.fixed)) {
    const [va, vb] = [a.fixed?.[f], b.fixed?.[f]];
    if (va === vb) continue;
    const sentence = vb === void 0 ? `Role ${role} may now write any ${f} on ${entity} records` : `Role ${role} now writes ${f} = ${JSON.stringify(vb)} on every ${entity} record`;
    push(out, va === void 0 ? "added" : vb === void 0 ? "removed" : "changed", `${path17}.fixed.${f}`, sentence, va, vb);
  }
}
function describeUpdate(out, who2, entity, path17, a, b) {
  const fields = (u) => Array.isArray(u) ? u : u ? "all" : "none";
  const [fa, fb] = [fields(a), fields(b)];
  if (isDeepStrictEqual2(fa, fb)) return;
  const some = (f) => `${plural(f.length, "field")} ${list2(f)} of ${entity} records`;
  if (fb === "none") return push(out, "removed", path17, `${who2} may no longer update ${entity} records`, a, b);
  if (fb === "all") return push(out, fa === "none" ? "added" : "changed", path17, `${who2} may now update ${fa === "none" ? "" : "every field of "}${entity} records`, a, b);
  if (fa === "none") return push(out, "added", path17, `${who2} may now update ${some(fb)}`, a, b);
  if (fa === "all") return push(out, "changed", path17, `${who2} may now update only ${some(fb)}`, a, b);
  const added = fb.filter((f) => !fa.includes(f));
  const removed = fa.filter((f) => !fb.includes(f));
  if (added.length) push(out, "added", path17, `${who2} may now also update ${some(added)}`, a, b);
  if (removed.length) push(out, "removed", path17, `${who2} may no longer update ${some(removed)}`, a, b);
}
function describeWorkflow(a, b, out) {
  walkAll(walker(out, `${titleOf(b)}: `, (rel) => WORKFLOW_SPECS[rel]), "$", a, b, /* @__PURE__ */ new Set(["states", "transitions", "matrix", "override", "input", "effects", "onCreate"]));
  describeStates(out, a, b);
  describeMoves(out, a, b);
  describeOverride(out, a.override, b.override);
  describeFields(out, "Input field", "$.input", a.input, b.input);
  describeEffects(out, "Workflow effects", { before: "$.effects", after: "$.effects" }, a.effects ?? [], b.effects ?? []);
  describeEffects(out, "Effects on create", { before: "$.onCreate", after: "$.onCreate" }, a.onCreate ?? [], b.onCreate ?? []);
}
function describeStates(out, a, b) {
  const traits = (s) => [s.label && `label ${s.label}`, s.stage !== void 0 && `stage ${s.stage}`, s.progress !== void 0 && `progress ${s.progress}%`, s.final && "final"].filter(Boolean);
  for (const name of sortedKeys(a.states, b.states)) {
    const [sa, sb] = [a.states?.[name], b.states?.[name]];
    const path17 = `$.states.${name}`;
    if (!sa) {
      const t = traits(sb);
      push(out, "added", path17, `State ${name} added${t.length ? ` (${t.join(", ")})` : ""}`, void 0, sb);
    } else if (!sb) push(out, "removed", path17, `State ${name} removed`, sa);
    else {
      if (Boolean(sa.final) !== Boolean(sb.final)) push(out, "changed", `${path17}.final`, `State ${name} is ${sb.final ? "now" : "no longer"} final`, sa.final, sb.final);
      const specs = { label: { label: "label" }, stage: { label: "stage" }, progress: { label: "progress", unit: "percent" } };
      walkAll(walker(out, `State ${name}: `, (rel) => specs[rel]), path17, sa, sb, /* @__PURE__ */ new Set(["final"]));
    }
  }
}
function rolesPath(wf, t) {
  return Array.isArray(wf.matrix?.[t.from]?.[t.to]) && t.source === `$.matrix.${t.from}.${t.to}` ? t.source : `${t.source}.roles`;
}
function pairMoves(a, b) {
  const byStates = (moves, key2) => moves.filter((t) => `${t.from}\0${t.to}` === key2);
  const keys = [...new Set([...a, ...b].map((t) => `${t.from}\0${t.to}`))].sort();
  return keys.flatMap((key2) => {
    const [before, after2] = [byStates(a, key2), byStates(b, key2)];
    if (before.length === 1 && after2.length === 1) return [{ before: before[0], after: after2[0] }];
    const pairs = [];
    const unpaired = [];
    for (const t of after2) {
      const i = before.findIndex((u) => u.event === t.event);
      if (i >= 0) pairs.push({ before: before.splice(i, 1)[0], after: t });
      else unpaired.push(t);
    }
    if (before.length === 1 && unpaired.length === 1) return [...pairs, { before: before[0], after: unpaired[0] }];
    return [...pairs, ...before.map((t) => ({ before: t })), ...unpaired.map((t) => ({ after: t }))];
  });
}
function describeMoves(out, wa, wb) {
  for (const { before: a, after: b } of pairMoves(normalizeTransitions(wa), normalizeTransitions(wb))) {
    if (!a) {
      push(out, "added", b.source, `${moveLabel(b)} added, allowed for ${roleList(b.roles)}`, void 0, moveData(b));
      continue;
    }
    if (!b) {
      push(out, "removed", a.source, `${moveLabel(a)} removed`, moveData(a));
      continue;
    }
    const move = moveLabel(b);
    const at = (suffix) => ({ before: `${a.source}${suffix}`, after: `${b.source}${suffix}` });
    if (a.event !== b.event) push(out, "changed", `${b.source}.event`, `Move ${b.from} \u2192 ${b.to}: event ${a.event} \u2192 ${b.event}`, a.event, b.event);
    const addedRoles = b.roles.filter((r) => !a.roles.includes(r));
    const removedRoles = a.roles.filter((r) => !b.roles.includes(r));
    if (addedRoles.length) push(out, "added", rolesPath(wb, b), `${move} now also allowed for ${roleList(addedRoles)}`, void 0, addedRoles);
    if (removedRoles.length) push(out, "removed", rolesPath(wa, a), `${move} no longer allowed for ${roleList(removedRoles)}`, removedRoles);
    describePart(out, at(".when"), a.when, b.when, {
      added: `${move}: now has a condition`,
      removed: `${move}: its condition removed`,
      changed: `${move}: its condition changed`
    });
    describePart(out, at(".requiresStage"), a.requiresStage, b.requiresStage, {
      added: `${move}: now needs stage ${b.requiresStage}`,
      removed: `${move}: no longer needs a stage`,
      changed: `${move}: needs stage ${a.requiresStage} \u2192 ${b.requiresStage}`
    });
    describePart(out, at(".limit"), a.limit, b.limit, {
      added: `${move}: now at most ${b.limit?.max} records in ${b.to} at once`,
      removed: `${move}: no longer limits the records in ${b.to}`,
      changed: a.limit?.max !== b.limit?.max ? `${move}: at most ${a.limit?.max} \u2192 ${b.limit?.max} records in ${b.to} at once` : `${move}: the answer when its limit is reached changed`
    });
    const otpChanges = [a.otp?.policy !== b.otp?.policy && `OTP policy ${a.otp?.policy} \u2192 ${b.otp?.policy}`, a.otp?.field !== b.otp?.field && `the code's input field ${a.otp?.field} \u2192 ${b.otp?.field}`];
    describePart(out, at(".otp"), a.otp, b.otp, {
      added: `${move}: now needs a code of OTP policy ${b.otp?.policy} (input field ${b.otp?.field})`,
      removed: `${move}: no longer needs a code`,
      changed: `${move}: ${otpChanges.filter(Boolean).join(", ")}`
    });
    describeEffects(out, move, at(".effects"), a.effects, b.effects);
  }
}
function moveData(t) {
  return Object.fromEntries(Object.entries(t).filter(([key2, value]) => key2 !== "source" && value !== void 0));
}
function describePart(out, path17, a, b, say) {
  if (isDeepStrictEqual2(a, b)) return;
  const kind = a === void 0 ? "added" : b === void 0 ? "removed" : "changed";
  push(out, kind, kind === "removed" ? path17.before : path17.after, say[kind], a, b);
}
function describeOverride(out, a, b) {
  if (isDeepStrictEqual2(a, b)) return;
  if (!a) return push(out, "added", "$.override", `Override now allowed for ${roleList(b.roles)}${b.remarks === "required" ? ", with remarks" : ""}`, void 0, b);
  if (!b) return push(out, "removed", "$.override", "Override removed: no role may move a record outside its moves", a);
  b.roles.filter((r) => !a.roles.includes(r)).forEach((r) => push(out, "added", `$.override.roles[${b.roles.indexOf(r)}]`, `Override now also allowed for role ${r}`, void 0, r));
  a.roles.filter((r) => !b.roles.includes(r)).forEach((r) => push(out, "removed", `$.override.roles[${a.roles.indexOf(r)}]`, `Override no longer allowed for role ${r}`, r));
  if ((a.remarks ?? "optional") !== (b.remarks ?? "optional")) {
    push(out, "changed", "$.override.remarks", `Override remarks now ${b.remarks === "required" ? "required" : "optional"}`, a.remarks, b.remarks);
  }
}
function effectName(e) {
  if ("notify" in e) return `a notify of template ${e.notify.template}`;
  if ("emit" in e) return `an emit of event ${e.emit.event}`;
  if ("issueOtp" in e) return `an issueOtp of policy ${e.issueOtp.policy}`;
  if ("set" in e) return `a set of ${list2(Object.keys(e.set).sort())}`;
  return `a ${Object.keys(e)[0]} effect`;
}
function effectIdentity(e) {
  if ("notify" in e) return `notify:${e.notify.template}`;
  if ("emit" in e) return `emit:${e.emit.event}`;
  if ("issueOtp" in e) return `issueOtp:${e.issueOtp.policy}`;
  return Object.keys(e)[0];
}
function describeEffects(out, what, path17, a, b) {
  if (isDeepStrictEqual2(a, b)) return;
  const unmatched = new Set(a.map((_, i) => i));
  const take = (test) => {
    const i = [...unmatched].find((j) => test(a[j]));
    if (i !== void 0) unmatched.delete(i);
    return i;
  };
  const rest = [];
  b.forEach((e, i) => take((x) => isDeepStrictEqual2(x, e)) === void 0 && rest.push(i));
  for (const i of rest) {
    const e = b[i];
    const j = take((x) => effectIdentity(x) === effectIdentity(e));
    if (j === void 0) push(out, "added", `${path17.after}[${i}]`, `${what}: ${effectName(e)} added`, void 0, e);
    else push(out, "changed", `${path17.after}[${i}]`, `${what}: ${effectName(e)} changed`, a[j], e);
  }
  for (const j of unmatched) push(out, "removed", `${path17.before}[${j}]`, `${what}: ${effectName(a[j])} removed`, a[j]);
  if (!rest.length && !unmatched.size) push(out, "changed", path17.after, `${what}: the order of the effects changed`, a, b);
}
var NOUNS, walker, isObject, isScalar, sortedKeys, list2, plural, shown, DESCRIBERS, showLockout, OTP_SPECS, RULES_SPECS, JOB_SPECS, showColumn, IMPORT_SPECS, ENTITY_SPECS, showField, FIELD_SPECS, APP_SPECS, ACTIONS, WORKFLOW_SPECS, roleList, moveLabel;
var init_describe_changes = __esm({
  "engine/lifecycle/describe-changes.ts"() {
    "use strict";
    init_normalize_transitions();
    NOUNS = {
      app: "App",
      entity: "Entity",
      workflow: "Workflow",
      template: "Template",
      otp: "OTP policy",
      rules: "Ruleset",
      job: "Job",
      import: "Import",
      demo: "Demo data",
      test: "Test"
    };
    walker = (out, prefix2, specOf = () => void 0) => ({ out, prefix: prefix2, specOf });
    isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
    isScalar = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
    sortedKeys = (...objects) => [...new Set(objects.flatMap((o) => isObject(o) ? Object.keys(o) : []))].sort();
    list2 = (names) => names.join(", ");
    plural = (n, one, many = `${one}s`) => n === 1 ? one : many;
    shown = (spec, v) => spec.show ? ` (${spec.show(v)})` : "";
    DESCRIBERS = {
      template(a, b, out) {
        const specs = { subject: { label: "subject", whole: true }, body: { label: "body", whole: true }, html: { label: "HTML body", whole: true } };
        walkAll(walker(out, `${titleOf(b)}: `, (rel) => specs[rel]), "$", a, b);
      },
      otp(a, b, out) {
        walkAll(walker(out, `${titleOf(b)}: `, (rel) => OTP_SPECS[rel]), "$", a, b);
      },
      rules(a, b, out) {
        const specOf = (rel) => {
          const field = /^fields\.(\w+)$/.exec(rel);
          if (field) return { label: `${field[1]} read from field` };
          return RULES_SPECS[rel];
        };
        walkAll(walker(out, `${titleOf(b)}: `, specOf), "$", a, b);
      },
      job(a, b, out) {
        walkAll(walker(out, `${titleOf(b)}: `, (rel) => JOB_SPECS[rel]), "$", a, b);
      },
      import(a, b, out) {
        const specOf = (rel) => {
          const column = /^columns\.([^.]+)$/.exec(rel);
          if (column) return { label: `column ${column[1]}`, whole: true, show: showColumn };
          return IMPORT_SPECS[rel];
        };
        walkAll(walker(out, `${titleOf(b)}: `, specOf), "$", a, b);
      },
      demo(a, b, out) {
        const specs = { records: { whole: false, itemLabel: (r, i) => `record ${i + 1} (${r.entity})` }, "records[]": { whole: true } };
        walkAll(walker(out, `${titleOf(b)}: `, (rel) => specs[rel]), "$", a, b);
      },
      entity(a, b, out) {
        const title = titleOf(b);
        describeFields(out, `${title}: field`, "$.fields", a.fields, b.fields);
        const names = walker(out, `${title}: `, (rel) => ENTITY_SPECS[rel]);
        walk(names, "$.required", "required", a.required ?? [], b.required ?? []);
        walk(names, "$.filterable", "filterable", a.filterable ?? [], b.filterable ?? []);
        walk(names, "$.sortable", "sortable", a.sortable ?? [], b.sortable ?? []);
        walkAll(names, "$", a, b, /* @__PURE__ */ new Set(["fields", "required", "filterable", "sortable"]));
      },
      app(a, b, out) {
        describeRoles(out, a.roles, b.roles);
        walkAll(walker(out, `${titleOf(b)}: `, (rel) => APP_SPECS[rel] ?? providerSpec(rel)), "$", a, b, /* @__PURE__ */ new Set(["roles"]));
      },
      workflow: describeWorkflow
    };
    showLockout = (l) => `${l.failures} wrong codes within ${l.withinMinutes} minutes lock for ${l.forMinutes} minutes`;
    OTP_SPECS = {
      digits: { label: "digits" },
      validityMinutes: { label: "validity", unit: "minutes" },
      maxAttempts: { label: "attempts per code" },
      lockout: { label: "lockout", show: showLockout },
      "lockout.failures": { label: "wrong codes before a lockout" },
      "lockout.withinMinutes": { label: "lockout window", unit: "minutes" },
      "lockout.forMinutes": { label: "lockout length", unit: "minutes" },
      resend: { label: "resend limit", show: (r) => `${r.max} per ${r.withinMinutes} minutes` },
      "resend.max": { label: "resends per window" },
      "resend.withinMinutes": { label: "resend window", unit: "minutes" },
      channels: { label: "channels", item: { added: (c) => `channel ${c} added`, removed: (c) => `channel ${c} removed` } },
      "templates.sms": { label: "SMS template" },
      "templates.email": { label: "email template" },
      mode: { label: "mode" },
      fixedCode: { label: "fixed code" },
      record: { label: "record", show: (r) => `codes about ${r.entity} records` },
      "record.entity": { label: "record entity" },
      "record.when": { label: "record condition", whole: true },
      "record.proofMinutes": { label: "proof validity", unit: "minutes" },
      roles: { label: "roles", item: { added: (r) => `role ${r} may now ask for codes`, removed: (r) => `role ${r} may no longer ask for codes` } }
    };
    RULES_SPECS = {
      entity: { label: "entity" },
      evaluatedIn: { label: "evaluated in", item: { added: (s) => `now evaluated in state ${s}`, removed: (s) => `no longer evaluated in state ${s}` } },
      compiledOn: { label: "compiled on", item: { added: (s) => `now compiled on entering state ${s}`, removed: (s) => `no longer compiled on entering state ${s}` } },
      "stores.entity": { label: "store entity" },
      "stores.key": { label: "store key" },
      "products.entity": { label: "product entity" },
      "products.key": { label: "product key" },
      "products.price": { label: "price field" },
      "storeGroups.attributes": { label: "store group attributes", item: { added: (f) => `store groups may now filter on ${f}`, removed: (f) => `store groups may no longer filter on ${f}` } },
      "productGroups.attributes": { label: "product group attributes", item: { added: (f) => `product groups may now filter on ${f}`, removed: (f) => `product groups may no longer filter on ${f}` } },
      "unitPrice.override": { label: "client unit prices allowed" },
      pricing: { label: "pricing", show: (p) => `${p.entity} records priced by their promotion` },
      "pricing.entity": { label: "priced entity" },
      "pricing.promotionField": { label: "promotion field of priced records" },
      "pricing.storeField": { label: "store field of priced records" },
      "pricing.itemsField": { label: "items field of priced records" },
      "pricing.amounts.gross": { label: "gross amount field" },
      "pricing.amounts.discount": { label: "discount amount field" },
      "pricing.amounts.net": { label: "net amount field" },
      console: { label: "test console selections", whole: true }
    };
    JOB_SPECS = {
      schedule: { label: "schedule" },
      timezone: { label: "time zone" },
      label: { label: "label" },
      steps: { label: "step", itemLabel: (_s, i) => `step ${i + 1}`, show: (s) => `fire ${s.event} on ${s.entity} records` },
      "steps[].entity": { label: "entity" },
      "steps[].event": { label: "event" },
      "steps[].when": { label: "condition", whole: true }
    };
    showColumn = (c) => typeof c === "string" ? `into field ${c}` : c.transition ? "the target state" : `into field ${c.field}${c.type ? ` as ${c.type}` : ""}`;
    IMPORT_SPECS = {
      entity: { label: "entity" },
      mode: { label: "mode" },
      key: { label: "key" },
      required: { label: "required columns", item: { added: (c) => `column ${c} now required`, removed: (c) => `column ${c} no longer required` } },
      roles: { label: "roles", item: { added: (r) => `role ${r} may now run it`, removed: (r) => `role ${r} may no longer run it` } },
      maxBytes: { label: "size limit", unit: "bytes" },
      uploadMinutes: { label: "upload window", unit: "minutes" },
      "notify.template": { label: "completion email template" }
    };
    ENTITY_SPECS = {
      label: { label: "label" },
      workflow: { label: "workflow" },
      required: { item: { added: (f) => `field ${f} now required`, removed: (f) => `field ${f} no longer required` } },
      filterable: { item: { added: (f) => `field ${f} now filterable`, removed: (f) => `field ${f} no longer filterable` } },
      sortable: { item: { added: (f) => `field ${f} now sortable`, removed: (f) => `field ${f} no longer sortable` } },
      uniqueKeys: { key: (k) => k.name, itemLabel: (k) => `unique key ${k.name}`, show: (k) => list2(k.fields) },
      "uniqueKeys[].fields": { label: "fields", item: { added: (f) => `field ${f} added`, removed: (f) => `field ${f} removed` } },
      "uniqueKeys[].caseInsensitive": { label: "case-insensitive" },
      dedupe: { key: (d) => d.name, itemLabel: (d) => `duplicate check ${d.name}` },
      "dedupe[].windowDays": { label: "window", unit: "days" },
      "idempotency.field": { label: "idempotency field" },
      proof: { label: "proof" }
    };
    showField = (f) => f.enum ? `one of ${list2(f.enum.map(String))}` : f.format ? `${f.type}, ${f.format}` : f.type;
    FIELD_SPECS = {
      type: { label: "type" },
      format: { label: "format" },
      label: { label: "label" },
      enum: { label: "values", item: { added: (v) => `value ${v} now allowed`, removed: (v) => `value ${v} no longer allowed` } },
      minLength: { label: "minimum length" },
      maxLength: { label: "maximum length" },
      minimum: { label: "minimum" },
      maximum: { label: "maximum" },
      exclusiveMinimum: { label: "lower bound (excluded)" },
      exclusiveMaximum: { label: "upper bound (excluded)" },
      immutable: { label: "set at creation only" },
      editableIn: { label: "editable in", item: { added: (s) => `now editable in state ${s}`, removed: (s) => `no longer editable in state ${s}` } },
      errorCode: { label: "error code" }
    };
    APP_SPECS = {
      name: { label: "name" },
      basePath: { label: "base path" },
      "auth.password": { label: "sign-in by password" },
      "auth.otp.policy": { label: "sign-in OTP policy" },
      "auth.accessTokenMinutes": { label: "access token lifetime", unit: "minutes" },
      "auth.refreshTokenHours": { label: "refresh token lifetime", unit: "hours" },
      routes: {
        key: (r) => `${r.method} ${r.path}`,
        itemLabel: (r) => `route ${r.method} ${r.path}`,
        show: (r) => `${r.operation}${r.entity ? ` on ${r.entity}` : ""}`
      },
      demoUsers: {
        key: (u) => u.email ?? u.phone ?? "",
        itemLabel: (u) => `demo user ${u.email ?? u.phone}`,
        show: (u) => `role ${u.role}`
      },
      "demoUsers[].password": { label: "password", whole: true }
    };
    ACTIONS = [
      { action: "read", verb: "read" },
      { action: "create", verb: "create" },
      { action: "delete", verb: "delete" },
      { action: "transition", verb: "move" }
    ];
    WORKFLOW_SPECS = {
      entity: { label: "entity" },
      field: { label: "state field" },
      initial: { label: "initial state" }
    };
    roleList = (roles) => `${plural(roles.length, "role")} ${list2(roles)}`;
    moveLabel = (t) => `Move ${t.from} \u2192 ${t.to}${t.event === t.to ? "" : ` (${t.event})`}`;
  }
});

// engine/lifecycle/compare-definitions.ts
function compareDefinitions(before, after2) {
  const old = new Map(before.map((d) => [keyOf2(d), d]));
  const now = new Map(after2.map((d) => [keyOf2(d), d]));
  const out = [];
  for (const key2 of /* @__PURE__ */ new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(key2);
    const b = now.get(key2);
    if (a && b && checksumOf(a.content) === checksumOf(b.content)) continue;
    const d = b ?? a;
    out.push({ kind: d.kind, name: d.name, file: d.file, changes: describe2(a, b) });
  }
  return out.sort((x, y) => kindRank(x.kind) - kindRank(y.kind) || x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name));
}
function describe2(a, b) {
  const d = b ?? a;
  let changes;
  try {
    changes = describeChanges(a?.content, b?.content);
  } catch {
    return [a && b ? { path: "$", kind: "changed", sentence: `${d.kind} ${d.name} changed` } : { path: "$", kind: a ? "removed" : "added", sentence: `${d.kind} ${d.name} ${a ? "removed" : "added"}` }];
  }
  return changes.length ? changes : [{ path: "$", kind: "changed", sentence: `${d.kind} ${d.name} changed (nothing an admin reads, such as $schema)` }];
}
var keyOf2, kindRank;
var init_compare_definitions = __esm({
  "engine/lifecycle/compare-definitions.ts"() {
    "use strict";
    init_definition_kinds();
    init_describe_changes();
    init_release_store();
    keyOf2 = (d) => `${d.kind}/${d.name}`;
    kindRank = (kind) => {
      const i = DEFINITION_KINDS.indexOf(kind);
      return i < 0 ? DEFINITION_KINDS.length : i;
    };
  }
});

// engine/lifecycle/actor-names.ts
async function actorNames(db, app, ids) {
  const wanted = [...new Set(ids)].filter((id) => UUID_RE.test(id));
  if (!wanted.length) return /* @__PURE__ */ new Map();
  const users = await db.user.findMany({ where: { app, id: { in: wanted } }, select: { id: true, displayName: true, email: true, phone: true } });
  return new Map(users.map((u) => [u.id, u.displayName ?? u.email ?? u.phone ?? u.id]));
}
var init_actor_names = __esm({
  "engine/lifecycle/actor-names.ts"() {
    "use strict";
    init_uuid();
  }
});

// engine/store/generated/enums.ts
var init_enums = __esm({
  "engine/store/generated/enums.ts"() {
    "use strict";
  }
});

// engine/store/generated/internal/class.ts
import * as runtime from "@prisma/client/runtime/client";
async function decodeBase64AsWasm(wasmBase64) {
  const { Buffer: Buffer2 } = await import("node:buffer");
  const wasmArray = Buffer2.from(wasmBase64, "base64");
  return new WebAssembly.Module(wasmArray);
}
function getPrismaClientClass() {
  return runtime.getPrismaClient(config);
}
var config;
var init_class = __esm({
  "engine/store/generated/internal/class.ts"() {
    "use strict";
    config = {
      "previewFeatures": [],
      "clientVersion": "7.10.1",
      "engineVersion": "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8",
      "activeProvider": "postgresql",
      "inlineSchema": `// The only place tables are described. Migrations under prisma/migrations/ are hand-written SQL
// in Prisma's layout; test/integration/schema-drift.test.ts fails when the two disagree.

generator client {
  provider     = "prisma-client"
  output       = "../engine/store/generated"
  moduleFormat = "esm"
}

datasource db {
  provider = "postgresql"
}

/// One version of one definition file. Published versions are what the registry serves.
model Definition {
  id        String   @id @default(uuid()) @db.Uuid
  app       String
  kind      String
  name      String
  version   Int
  status    String   @default("published")
  authored  Json
  compiled  Json?
  checksum  String
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  createdBy String?  @map("created_by")

  @@unique([app, kind, name, version])
  @@index([app, status])
  @@map("definitions")
}

/// A generic entity record: the entity's fields live in \`data\`; the workflow state and the
/// optimistic version are columns so that they can be locked, compared and indexed.
model Record {
  id        String    @id @default(uuid()) @db.Uuid
  app       String
  entity    String
  state     String?
  version   Int       @default(1)
  data      Json
  /// "field:value" for each ownership field the entity declares; a scoped role sees a record when
  /// one of its tags matches (GIN-indexed, so scope filters stay cheap at any size).
  scopeTags String[]  @map("scope_tags")
  createdBy String?   @map("created_by")
  createdAt DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
  updatedAt DateTime  @default(now()) @map("updated_at") @db.Timestamptz(3)
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)
  /// The release whose workflow the record follows, for a workflow that pins its records
  /// (\`follows: pinned\`); null follows the live release.
  release   Int?

  keys     RecordKey[]
  timeline TimelineEntry[]
  files    RecordFile[]

  @@index([app, entity, createdAt])
  @@index([scopeTags], type: Gin)
  @@index([app, entity, release])
  @@map("records")
}

/// Definition-declared unique keys: one row per (key, normalised value); the unique index is the
/// arbiter under concurrency, not a read-then-write check.
model RecordKey {
  app      String
  entity   String
  keyName  String @map("key_name")
  value    String
  recordId String @map("record_id") @db.Uuid

  record Record @relation(fields: [recordId], references: [id], onDelete: Cascade)

  @@id([app, entity, keyName, value])
  @@index([recordId])
  @@map("record_keys")
}

/// Every accepted workflow change, in order, and (where the entity asks) every refused attempt.
model TimelineEntry {
  id           BigInt   @id @default(autoincrement())
  recordId     String   @map("record_id") @db.Uuid
  app          String
  entity       String
  event        String
  fromState    String?  @map("from_state")
  /// Null for an entry about something other than a move (a file uploaded to a record without a
  /// workflow), and for a refused attempt asked by event.
  toState      String?  @map("to_state")
  actorId      String?  @map("actor_id")
  role         String?
  override     Boolean  @default(false)
  remarks      String?
  input        Json?
  at           DateTime @default(now()) @db.Timestamptz(3)
  /// accepted, or refused (an attempt that changed nothing: entity \`timeline: { refused: true }\`).
  outcome      String   @default("accepted")
  errorCode    String?  @map("error_code")
  errorMessage String?  @map("error_message")
  /// The record fields a refused attempt asked to change (names only).
  fields       String[]

  record Record @relation(fields: [recordId], references: [id], onDelete: Cascade)

  @@index([recordId, id])
  @@map("timeline_entries")
}

/// Who did what, when, before and after. Written in the same transaction as the change.
/// Append-only (UPDATE, DELETE and TRUNCATE are refused by triggers) and hash-chained per record:
/// the insert trigger sets prev_hash and hash (see the audit_chain migration; npm run audit:verify).
/// hash_alg: "hmac-sha256" (keyed with AUDIT_KEY, audit_keyed_chain migration) or "sha256" (entries
/// written before it).
model AuditEntry {
  id       BigInt   @id @default(autoincrement())
  app      String
  entity   String?
  recordId String?  @map("record_id") @db.Uuid
  action   String
  outcome  String   @default("accepted")
  actorId  String?  @map("actor_id")
  role     String?
  before   Json?
  after    Json?
  detail   Json?
  at       DateTime @default(now()) @db.Timestamptz(3)
  prevHash String?  @map("prev_hash")
  hash     String?
  hashAlg  String   @default("hmac-sha256") @map("hash_alg")

  /// Also the chain trigger's "latest entry of this record" lookup: an index-only top-1.
  @@index([app, recordId, id])
  @@index([app, at])
  @@map("audit_entries")
}

/// A person who can sign in to one app.
model User {
  id           String   @id @default(uuid()) @db.Uuid
  app          String
  email        String?
  phone        String?
  passwordHash String?  @map("password_hash")
  role         String
  /// Role scope values such as { storeId: "S001" }.
  attributes   Json     @default("{}")
  displayName  String?  @map("display_name")
  /// Whether the user may sign in: status = 'active' (a CHECK keeps the two in step).
  active       Boolean  @default(true)
  /// pending (self-registered, awaiting approval) -> active | rejected; active <-> deactivated.
  status       String   @default("active")
  /// Why a registration was rejected.
  statusReason String?  @map("status_reason")
  createdAt    DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  @@unique([app, email])
  @@unique([app, phone])
  @@index([app, status, createdAt])
  @@map("users")
}

/// Messages and downstream events written in the business transaction and delivered after commit
/// by the dispatcher (engine/jobs): nothing is lost between the commit and the delivery.
model OutboxMessage {
  id                String    @id @db.Uuid
  app               String
  /// sms | email | event
  channel           String
  recordId          String?   @map("record_id") @db.Uuid
  template          String?
  recipient         String
  payload           Json
  /// Carried to the provider: a retry is never a second message.
  idempotencyKey    String    @unique @map("idempotency_key")
  /// pending | sent | dead
  status            String    @default("pending")
  attempts          Int       @default(0)
  maxAttempts       Int       @default(8) @map("max_attempts")
  nextAttemptAt     DateTime  @default(now()) @map("next_attempt_at") @db.Timestamptz(3)
  lockedUntil       DateTime? @map("locked_until") @db.Timestamptz(3)
  lastError         String?   @map("last_error")
  provider          String?
  providerMessageId String?   @map("provider_message_id")
  createdAt         DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
  sentAt            DateTime? @map("sent_at") @db.Timestamptz(3)

  @@index([status, nextAttemptAt])
  @@index([app, status, createdAt])
  @@map("outbox_messages")
}

/// One one-time code sent to someone. Only an HMAC of the code is kept; attempts are counted
/// in the row, so parallel guesses all count.
model OtpChallenge {
  id          String    @id @db.Uuid
  app         String
  policy      String
  /// Who or what the code proves: a user id (sign-in), "<entity>:<record id>:<phone>:<email>" (a
  /// customer at a promotion), a record id (a journey step).
  subject     String
  codeHash    String    @map("code_hash")
  channels    String[]
  attempts    Int       @default(0)
  maxAttempts Int?      @map("max_attempts")
  expiresAt   DateTime  @map("expires_at") @db.Timestamptz(3)
  consumedAt  DateTime? @map("consumed_at") @db.Timestamptz(3)
  createdAt   DateTime  @map("created_at") @db.Timestamptz(3)

  @@index([app, policy, subject, createdAt])
  @@map("otp_challenges")
}

/// Wrong codes per subject, for "N failures within a window lock the account".
model OtpFailure {
  id      BigInt   @id @default(autoincrement())
  app     String
  policy  String
  subject String
  at      DateTime @db.Timestamptz(3)

  @@index([app, policy, subject, at])
  @@map("otp_failures")
}

model OtpLockout {
  app         String
  policy      String
  subject     String
  lockedUntil DateTime @map("locked_until") @db.Timestamptz(3)

  @@id([app, policy, subject])
  @@map("otp_lockouts")
}

/// Refresh tokens, hashed. Rotation keeps a family; presenting a rotated token again revokes it.
model RefreshToken {
  id        String    @id @db.Uuid
  app       String
  userId    String    @map("user_id") @db.Uuid
  familyId  String    @map("family_id") @db.Uuid
  tokenHash String    @map("token_hash")
  expiresAt DateTime  @map("expires_at") @db.Timestamptz(3)
  usedAt    DateTime? @map("used_at") @db.Timestamptz(3)
  revokedAt DateTime? @map("revoked_at") @db.Timestamptz(3)
  createdAt DateTime  @map("created_at") @db.Timestamptz(3)

  @@index([familyId])
  @@map("refresh_tokens")
}

/// Sessions ended before their access tokens expire, checked on every request: a refresh-token
/// family logged out or revoked (kind "session", id = the tokens' \`sid\` claim), or every session of
/// a user up to revoked_at (kind "user", id = the user). Deleted once every token they cover has expired.
model RevokedSession {
  id        String   @id @db.Uuid
  kind      String
  revokedAt DateTime @map("revoked_at") @db.Timestamptz(3)
  expiresAt DateTime @map("expires_at") @db.Timestamptz(3)
  /// The transaction that wrote the row (pg_current_xact_id): how each process finds the rows it has not read yet.
  txid      BigInt   @default(dbgenerated("(pg_current_xact_id())::text::bigint"))

  @@index([txid])
  @@map("revoked_sessions")
}

/// Hashed values for windowed duplicate checks (e.g. one eKYC signup per mobile per 30 days):
/// the hash key comes from configuration, the value itself is not kept here.
model RecordFingerprint {
  id        BigInt   @id @default(autoincrement())
  app       String
  entity    String
  name      String
  hash      String
  recordId  String   @map("record_id") @db.Uuid
  createdAt DateTime @map("created_at") @db.Timestamptz(3)

  @@index([app, entity, name, hash, createdAt])
  @@map("record_fingerprints")
}

/// A client's request id for an operation that must happen once (PromoPartner \xA74.4): the same id
/// again answers with what the first request made; the same id with another body is refused.
model IdempotencyKey {
  app         String
  key         String
  requestHash String   @map("request_hash")
  recordId    String   @map("record_id") @db.Uuid
  createdAt   DateTime @map("created_at") @db.Timestamptz(3)

  @@id([app, key])
  @@map("idempotency_keys")
}

/// The executable form of a rules record (a promotion), written when it is activated, beside the
/// authored form in records.data: normalised conditions, benefit, referenced groups, resolution.
model CompiledRule {
  app           String
  ruleset       String
  recordId      String   @map("record_id") @db.Uuid
  recordVersion Int      @map("record_version")
  compiled      Json
  compiledAt    DateTime @map("compiled_at") @db.Timestamptz(3)

  @@id([app, ruleset, recordId])
  @@map("compiled_rules")
}

/// A CSV import (PromoPartner \xA74.6): the uploaded blob, progress, and where the error report is.
model ImportJob {
  id          String   @id @db.Uuid
  app         String
  import      String
  blobName    String   @map("blob_name")
  status      String
  totalRows   Int?     @map("total_rows")
  rowsDone    Int      @default(0) @map("rows_done")
  rowsApplied Int      @default(0) @map("rows_applied")
  rowsFailed  Int      @default(0) @map("rows_failed")
  errorReport String?  @map("error_report")
  message     String?
  createdBy   String   @map("created_by") @db.Uuid
  createdAt   DateTime @map("created_at") @db.Timestamptz(3)
  updatedAt   DateTime @map("updated_at") @db.Timestamptz(3)

  @@unique([app, blobName])
  @@index([app, createdAt])
  @@map("import_jobs")
}

/// A signed upload URL that has been used (PromoPartner \xA74.6): its primary key is what makes the
/// URL single-use when several PUTs arrive at once. Every URL names a fresh blob, so the blob name
/// identifies the URL.
model UploadClaim {
  app       String
  blobName  String   @map("blob_name")
  /// uploading | uploaded
  status    String
  claimedAt DateTime @map("claimed_at") @db.Timestamptz(3)

  @@id([app, blobName])
  @@map("upload_claims")
}

/// An app's definitions as published together: release N is immutable. \`entries\` names the
/// definition version of each kind/name it holds ([{ kind, name, version, checksum }]); the content
/// is in \`definitions\`. The live release of an app is its highest number.
model Release {
  app       String
  number    Int
  /// files | admin | rollback
  source    String
  comment   String?
  entries   Json
  /// sha256 over the entries' checksums: two releases with equal content have equal hashes.
  checksum  String
  /// A files release: the checksum of each file's definition as read ({ "kind/name": sha256 }), so
  /// the next start applies only what the files changed since, never over an admin's release.
  imported  Json?
  /// The change set published as this release, if any.
  changeSet String?  @map("change_set") @db.Uuid
  createdBy String   @map("created_by")
  createdAt DateTime @map("created_at") @db.Timestamptz(3)

  @@id([app, number])
  @@map("releases")
}

/// What an app folder\u2019s files were when a start last read them ("kind/name" to sha256): a file that
/// differs from it was changed by an engineer since. It moves with each files release, and also when
/// the files have caught up with the live release (an export of an admin's release, committed), so
/// a later admin change to those definitions is not mistaken for a conflict with the files.
model FilesBaseline {
  app       String   @id
  imported  Json
  updatedAt DateTime @map("updated_at") @db.Timestamptz(3)

  @@map("files_baselines")
}

/// An admin's draft of changes to an app's definitions, published together as one release.
model ChangeSet {
  id               String    @id @db.Uuid
  app              String
  title            String
  /// open | scheduled | published | discarded
  status           String
  /// The live release when the change set was opened (what its diff and problems are against).
  baseRelease      Int       @map("base_release")
  release          Int?
  createdBy        String    @map("created_by")
  createdAt        DateTime  @map("created_at") @db.Timestamptz(3)
  updatedAt        DateTime  @map("updated_at") @db.Timestamptz(3)
  /// A scheduled publish: when, by whom (checked again then), with what comment; why it failed.
  publishAt        DateTime? @map("publish_at") @db.Timestamptz(3)
  scheduledBy      String?   @map("scheduled_by")
  scheduledRole    String?   @map("scheduled_role")
  scheduleComment  String?   @map("schedule_comment")
  /// Where records of removed states go, as the admin who scheduled the publish said (checked then).
  scheduleMappings Json?     @map("schedule_mappings")
  scheduleError    String?   @map("schedule_error")

  @@index([app, status])
  @@index([status, publishAt])
  @@map("change_sets")
}

/// One definition as a change set would have it: its authored content, or null to remove it.
model ChangeSetItem {
  changeSet String   @map("change_set") @db.Uuid
  kind      String
  name      String
  authored  Json?
  checksum  String?
  updatedBy String   @map("updated_by")
  updatedAt DateTime @map("updated_at") @db.Timestamptz(3)

  @@id([changeSet, kind, name])
  @@map("change_set_items")
}

/// An approval of a change set's exact content: any edit after it changes the hash, and it no longer counts.
/// A checker's request for changes to a change set as it was (its content hash): publishing that
/// content is refused until the change set is edited.
model ChangeSetReview {
  id          String   @id @db.Uuid
  changeSet   String   @map("change_set") @db.Uuid
  actorId     String   @map("actor_id")
  role        String
  contentHash String   @map("content_hash")
  comment     String
  at          DateTime @db.Timestamptz(3)

  @@index([changeSet, at])
  @@map("change_set_reviews")
}

model ChangeSetApproval {
  changeSet   String   @map("change_set") @db.Uuid
  actorId     String   @map("actor_id")
  role        String
  contentHash String   @map("content_hash")
  at          DateTime @db.Timestamptz(3)

  @@id([changeSet, actorId, contentHash])
  @@map("change_set_approvals")
}

/// One document in an entity's attachment slot (\`files:\` in its definition): the newest version's
/// blob, name, type (sniffed from the bytes), size and hash, its review status, removed or not.
model RecordFile {
  id          String    @id @db.Uuid
  app         String
  entity      String
  recordId    String    @map("record_id") @db.Uuid
  slot        String
  label       String?
  /// The slot's review status (null for a slot without review).
  status      String?
  removed     Boolean   @default(false)
  version     Int
  blobKey     String    @map("blob_key")
  fileName    String    @map("file_name")
  contentType String    @map("content_type")
  size        BigInt
  sha256      String
  uploadedBy  String?   @map("uploaded_by")
  uploadedAt  DateTime  @map("uploaded_at") @db.Timestamptz(3)
  reviewedBy  String?   @map("reviewed_by")
  reviewedAt  DateTime? @map("reviewed_at") @db.Timestamptz(3)
  reviewNote  String?   @map("review_note")
  createdAt   DateTime  @map("created_at") @db.Timestamptz(3)

  record   Record              @relation(fields: [recordId], references: [id], onDelete: Cascade)
  versions RecordFileVersion[]

  @@index([recordId, slot])
  @@map("record_files")
}

/// Every version of a file, kept: a re-upload adds one and the file points at it.
model RecordFileVersion {
  fileId      String   @map("file_id") @db.Uuid
  version     Int
  blobKey     String   @map("blob_key")
  fileName    String   @map("file_name")
  contentType String   @map("content_type")
  size        BigInt
  sha256      String
  uploadedBy  String?  @map("uploaded_by")
  uploadedAt  DateTime @map("uploaded_at") @db.Timestamptz(3)

  file RecordFile @relation(fields: [fileId], references: [id], onDelete: Cascade)

  @@id([fileId, version])
  @@map("record_file_versions")
}
`,
      "runtimeDataModel": {
        "models": {},
        "enums": {},
        "types": {}
      },
      "parameterizationSchema": {
        "strings": [],
        "graph": ""
      }
    };
    config.runtimeDataModel = JSON.parse('{"models":{"Definition":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"kind","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"status","kind":"scalar","type":"String"},{"name":"authored","kind":"scalar","type":"Json"},{"name":"compiled","kind":"scalar","type":"Json"},{"name":"checksum","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"},{"name":"createdBy","kind":"scalar","type":"String","dbName":"created_by"}],"dbName":"definitions","schema":null},"Record":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"state","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"data","kind":"scalar","type":"Json"},{"name":"scopeTags","kind":"scalar","type":"String","dbName":"scope_tags"},{"name":"createdBy","kind":"scalar","type":"String","dbName":"created_by"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"},{"name":"updatedAt","kind":"scalar","type":"DateTime","dbName":"updated_at"},{"name":"deletedAt","kind":"scalar","type":"DateTime","dbName":"deleted_at"},{"name":"release","kind":"scalar","type":"Int"},{"name":"keys","kind":"object","type":"RecordKey","relationName":"RecordToRecordKey"},{"name":"timeline","kind":"object","type":"TimelineEntry","relationName":"RecordToTimelineEntry"},{"name":"files","kind":"object","type":"RecordFile","relationName":"RecordToRecordFile"}],"dbName":"records","schema":null},"RecordKey":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"keyName","kind":"scalar","type":"String","dbName":"key_name"},{"name":"value","kind":"scalar","type":"String"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"record","kind":"object","type":"Record","relationName":"RecordToRecordKey"}],"dbName":"record_keys","schema":null},"TimelineEntry":{"fields":[{"name":"id","kind":"scalar","type":"BigInt"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"app","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"event","kind":"scalar","type":"String"},{"name":"fromState","kind":"scalar","type":"String","dbName":"from_state"},{"name":"toState","kind":"scalar","type":"String","dbName":"to_state"},{"name":"actorId","kind":"scalar","type":"String","dbName":"actor_id"},{"name":"role","kind":"scalar","type":"String"},{"name":"override","kind":"scalar","type":"Boolean"},{"name":"remarks","kind":"scalar","type":"String"},{"name":"input","kind":"scalar","type":"Json"},{"name":"at","kind":"scalar","type":"DateTime"},{"name":"outcome","kind":"scalar","type":"String"},{"name":"errorCode","kind":"scalar","type":"String","dbName":"error_code"},{"name":"errorMessage","kind":"scalar","type":"String","dbName":"error_message"},{"name":"fields","kind":"scalar","type":"String"},{"name":"record","kind":"object","type":"Record","relationName":"RecordToTimelineEntry"}],"dbName":"timeline_entries","schema":null},"AuditEntry":{"fields":[{"name":"id","kind":"scalar","type":"BigInt"},{"name":"app","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"action","kind":"scalar","type":"String"},{"name":"outcome","kind":"scalar","type":"String"},{"name":"actorId","kind":"scalar","type":"String","dbName":"actor_id"},{"name":"role","kind":"scalar","type":"String"},{"name":"before","kind":"scalar","type":"Json"},{"name":"after","kind":"scalar","type":"Json"},{"name":"detail","kind":"scalar","type":"Json"},{"name":"at","kind":"scalar","type":"DateTime"},{"name":"prevHash","kind":"scalar","type":"String","dbName":"prev_hash"},{"name":"hash","kind":"scalar","type":"String"},{"name":"hashAlg","kind":"scalar","type":"String","dbName":"hash_alg"}],"dbName":"audit_entries","schema":null},"User":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"email","kind":"scalar","type":"String"},{"name":"phone","kind":"scalar","type":"String"},{"name":"passwordHash","kind":"scalar","type":"String","dbName":"password_hash"},{"name":"role","kind":"scalar","type":"String"},{"name":"attributes","kind":"scalar","type":"Json"},{"name":"displayName","kind":"scalar","type":"String","dbName":"display_name"},{"name":"active","kind":"scalar","type":"Boolean"},{"name":"status","kind":"scalar","type":"String"},{"name":"statusReason","kind":"scalar","type":"String","dbName":"status_reason"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"}],"dbName":"users","schema":null},"OutboxMessage":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"channel","kind":"scalar","type":"String"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"template","kind":"scalar","type":"String"},{"name":"recipient","kind":"scalar","type":"String"},{"name":"payload","kind":"scalar","type":"Json"},{"name":"idempotencyKey","kind":"scalar","type":"String","dbName":"idempotency_key"},{"name":"status","kind":"scalar","type":"String"},{"name":"attempts","kind":"scalar","type":"Int"},{"name":"maxAttempts","kind":"scalar","type":"Int","dbName":"max_attempts"},{"name":"nextAttemptAt","kind":"scalar","type":"DateTime","dbName":"next_attempt_at"},{"name":"lockedUntil","kind":"scalar","type":"DateTime","dbName":"locked_until"},{"name":"lastError","kind":"scalar","type":"String","dbName":"last_error"},{"name":"provider","kind":"scalar","type":"String"},{"name":"providerMessageId","kind":"scalar","type":"String","dbName":"provider_message_id"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"},{"name":"sentAt","kind":"scalar","type":"DateTime","dbName":"sent_at"}],"dbName":"outbox_messages","schema":null},"OtpChallenge":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"policy","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"codeHash","kind":"scalar","type":"String","dbName":"code_hash"},{"name":"channels","kind":"scalar","type":"String"},{"name":"attempts","kind":"scalar","type":"Int"},{"name":"maxAttempts","kind":"scalar","type":"Int","dbName":"max_attempts"},{"name":"expiresAt","kind":"scalar","type":"DateTime","dbName":"expires_at"},{"name":"consumedAt","kind":"scalar","type":"DateTime","dbName":"consumed_at"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"}],"dbName":"otp_challenges","schema":null},"OtpFailure":{"fields":[{"name":"id","kind":"scalar","type":"BigInt"},{"name":"app","kind":"scalar","type":"String"},{"name":"policy","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"at","kind":"scalar","type":"DateTime"}],"dbName":"otp_failures","schema":null},"OtpLockout":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"policy","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"lockedUntil","kind":"scalar","type":"DateTime","dbName":"locked_until"}],"dbName":"otp_lockouts","schema":null},"RefreshToken":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"familyId","kind":"scalar","type":"String","dbName":"family_id"},{"name":"tokenHash","kind":"scalar","type":"String","dbName":"token_hash"},{"name":"expiresAt","kind":"scalar","type":"DateTime","dbName":"expires_at"},{"name":"usedAt","kind":"scalar","type":"DateTime","dbName":"used_at"},{"name":"revokedAt","kind":"scalar","type":"DateTime","dbName":"revoked_at"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"}],"dbName":"refresh_tokens","schema":null},"RevokedSession":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"kind","kind":"scalar","type":"String"},{"name":"revokedAt","kind":"scalar","type":"DateTime","dbName":"revoked_at"},{"name":"expiresAt","kind":"scalar","type":"DateTime","dbName":"expires_at"},{"name":"txid","kind":"scalar","type":"BigInt"}],"dbName":"revoked_sessions","schema":null},"RecordFingerprint":{"fields":[{"name":"id","kind":"scalar","type":"BigInt"},{"name":"app","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"hash","kind":"scalar","type":"String"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"}],"dbName":"record_fingerprints","schema":null},"IdempotencyKey":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"requestHash","kind":"scalar","type":"String","dbName":"request_hash"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"}],"dbName":"idempotency_keys","schema":null},"CompiledRule":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"ruleset","kind":"scalar","type":"String"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"recordVersion","kind":"scalar","type":"Int","dbName":"record_version"},{"name":"compiled","kind":"scalar","type":"Json"},{"name":"compiledAt","kind":"scalar","type":"DateTime","dbName":"compiled_at"}],"dbName":"compiled_rules","schema":null},"ImportJob":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"import","kind":"scalar","type":"String"},{"name":"blobName","kind":"scalar","type":"String","dbName":"blob_name"},{"name":"status","kind":"scalar","type":"String"},{"name":"totalRows","kind":"scalar","type":"Int","dbName":"total_rows"},{"name":"rowsDone","kind":"scalar","type":"Int","dbName":"rows_done"},{"name":"rowsApplied","kind":"scalar","type":"Int","dbName":"rows_applied"},{"name":"rowsFailed","kind":"scalar","type":"Int","dbName":"rows_failed"},{"name":"errorReport","kind":"scalar","type":"String","dbName":"error_report"},{"name":"message","kind":"scalar","type":"String"},{"name":"createdBy","kind":"scalar","type":"String","dbName":"created_by"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"},{"name":"updatedAt","kind":"scalar","type":"DateTime","dbName":"updated_at"}],"dbName":"import_jobs","schema":null},"UploadClaim":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"blobName","kind":"scalar","type":"String","dbName":"blob_name"},{"name":"status","kind":"scalar","type":"String"},{"name":"claimedAt","kind":"scalar","type":"DateTime","dbName":"claimed_at"}],"dbName":"upload_claims","schema":null},"Release":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"number","kind":"scalar","type":"Int"},{"name":"source","kind":"scalar","type":"String"},{"name":"comment","kind":"scalar","type":"String"},{"name":"entries","kind":"scalar","type":"Json"},{"name":"checksum","kind":"scalar","type":"String"},{"name":"imported","kind":"scalar","type":"Json"},{"name":"changeSet","kind":"scalar","type":"String","dbName":"change_set"},{"name":"createdBy","kind":"scalar","type":"String","dbName":"created_by"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"}],"dbName":"releases","schema":null},"FilesBaseline":{"fields":[{"name":"app","kind":"scalar","type":"String"},{"name":"imported","kind":"scalar","type":"Json"},{"name":"updatedAt","kind":"scalar","type":"DateTime","dbName":"updated_at"}],"dbName":"files_baselines","schema":null},"ChangeSet":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"title","kind":"scalar","type":"String"},{"name":"status","kind":"scalar","type":"String"},{"name":"baseRelease","kind":"scalar","type":"Int","dbName":"base_release"},{"name":"release","kind":"scalar","type":"Int"},{"name":"createdBy","kind":"scalar","type":"String","dbName":"created_by"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"},{"name":"updatedAt","kind":"scalar","type":"DateTime","dbName":"updated_at"},{"name":"publishAt","kind":"scalar","type":"DateTime","dbName":"publish_at"},{"name":"scheduledBy","kind":"scalar","type":"String","dbName":"scheduled_by"},{"name":"scheduledRole","kind":"scalar","type":"String","dbName":"scheduled_role"},{"name":"scheduleComment","kind":"scalar","type":"String","dbName":"schedule_comment"},{"name":"scheduleMappings","kind":"scalar","type":"Json","dbName":"schedule_mappings"},{"name":"scheduleError","kind":"scalar","type":"String","dbName":"schedule_error"}],"dbName":"change_sets","schema":null},"ChangeSetItem":{"fields":[{"name":"changeSet","kind":"scalar","type":"String","dbName":"change_set"},{"name":"kind","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"authored","kind":"scalar","type":"Json"},{"name":"checksum","kind":"scalar","type":"String"},{"name":"updatedBy","kind":"scalar","type":"String","dbName":"updated_by"},{"name":"updatedAt","kind":"scalar","type":"DateTime","dbName":"updated_at"}],"dbName":"change_set_items","schema":null},"ChangeSetReview":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"changeSet","kind":"scalar","type":"String","dbName":"change_set"},{"name":"actorId","kind":"scalar","type":"String","dbName":"actor_id"},{"name":"role","kind":"scalar","type":"String"},{"name":"contentHash","kind":"scalar","type":"String","dbName":"content_hash"},{"name":"comment","kind":"scalar","type":"String"},{"name":"at","kind":"scalar","type":"DateTime"}],"dbName":"change_set_reviews","schema":null},"ChangeSetApproval":{"fields":[{"name":"changeSet","kind":"scalar","type":"String","dbName":"change_set"},{"name":"actorId","kind":"scalar","type":"String","dbName":"actor_id"},{"name":"role","kind":"scalar","type":"String"},{"name":"contentHash","kind":"scalar","type":"String","dbName":"content_hash"},{"name":"at","kind":"scalar","type":"DateTime"}],"dbName":"change_set_approvals","schema":null},"RecordFile":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"app","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"recordId","kind":"scalar","type":"String","dbName":"record_id"},{"name":"slot","kind":"scalar","type":"String"},{"name":"label","kind":"scalar","type":"String"},{"name":"status","kind":"scalar","type":"String"},{"name":"removed","kind":"scalar","type":"Boolean"},{"name":"version","kind":"scalar","type":"Int"},{"name":"blobKey","kind":"scalar","type":"String","dbName":"blob_key"},{"name":"fileName","kind":"scalar","type":"String","dbName":"file_name"},{"name":"contentType","kind":"scalar","type":"String","dbName":"content_type"},{"name":"size","kind":"scalar","type":"BigInt"},{"name":"sha256","kind":"scalar","type":"String"},{"name":"uploadedBy","kind":"scalar","type":"String","dbName":"uploaded_by"},{"name":"uploadedAt","kind":"scalar","type":"DateTime","dbName":"uploaded_at"},{"name":"reviewedBy","kind":"scalar","type":"String","dbName":"reviewed_by"},{"name":"reviewedAt","kind":"scalar","type":"DateTime","dbName":"reviewed_at"},{"name":"reviewNote","kind":"scalar","type":"String","dbName":"review_note"},{"name":"createdAt","kind":"scalar","type":"DateTime","dbName":"created_at"},{"name":"record","kind":"object","type":"Record","relationName":"RecordToRecordFile"},{"name":"versions","kind":"object","type":"RecordFileVersion","relationName":"RecordFileToRecordFileVersion"}],"dbName":"record_files","schema":null},"RecordFileVersion":{"fields":[{"name":"fileId","kind":"scalar","type":"String","dbName":"file_id"},{"name":"version","kind":"scalar","type":"Int"},{"name":"blobKey","kind":"scalar","type":"String","dbName":"blob_key"},{"name":"fileName","kind":"scalar","type":"String","dbName":"file_name"},{"name":"contentType","kind":"scalar","type":"String","dbName":"content_type"},{"name":"size","kind":"scalar","type":"BigInt"},{"name":"sha256","kind":"scalar","type":"String"},{"name":"uploadedBy","kind":"scalar","type":"String","dbName":"uploaded_by"},{"name":"uploadedAt","kind":"scalar","type":"DateTime","dbName":"uploaded_at"},{"name":"file","kind":"object","type":"RecordFile","relationName":"RecordFileToRecordFileVersion"}],"dbName":"record_file_versions","schema":null}},"enums":{},"types":{}}');
    config.parameterizationSchema = {
      strings: JSON.parse('["where","Definition.findUnique","Definition.findUniqueOrThrow","orderBy","cursor","Definition.findFirst","Definition.findFirstOrThrow","Definition.findMany","data","Definition.createOne","Definition.createMany","Definition.createManyAndReturn","Definition.updateOne","Definition.updateMany","Definition.updateManyAndReturn","create","update","Definition.upsertOne","Definition.deleteOne","Definition.deleteMany","having","_count","_avg","_sum","_min","_max","Definition.groupBy","Definition.aggregate","record","keys","timeline","file","versions","files","Record.findUnique","Record.findUniqueOrThrow","Record.findFirst","Record.findFirstOrThrow","Record.findMany","Record.createOne","Record.createMany","Record.createManyAndReturn","Record.updateOne","Record.updateMany","Record.updateManyAndReturn","Record.upsertOne","Record.deleteOne","Record.deleteMany","Record.groupBy","Record.aggregate","RecordKey.findUnique","RecordKey.findUniqueOrThrow","RecordKey.findFirst","RecordKey.findFirstOrThrow","RecordKey.findMany","RecordKey.createOne","RecordKey.createMany","RecordKey.createManyAndReturn","RecordKey.updateOne","RecordKey.updateMany","RecordKey.updateManyAndReturn","RecordKey.upsertOne","RecordKey.deleteOne","RecordKey.deleteMany","RecordKey.groupBy","RecordKey.aggregate","TimelineEntry.findUnique","TimelineEntry.findUniqueOrThrow","TimelineEntry.findFirst","TimelineEntry.findFirstOrThrow","TimelineEntry.findMany","TimelineEntry.createOne","TimelineEntry.createMany","TimelineEntry.createManyAndReturn","TimelineEntry.updateOne","TimelineEntry.updateMany","TimelineEntry.updateManyAndReturn","TimelineEntry.upsertOne","TimelineEntry.deleteOne","TimelineEntry.deleteMany","TimelineEntry.groupBy","TimelineEntry.aggregate","AuditEntry.findUnique","AuditEntry.findUniqueOrThrow","AuditEntry.findFirst","AuditEntry.findFirstOrThrow","AuditEntry.findMany","AuditEntry.createOne","AuditEntry.createMany","AuditEntry.createManyAndReturn","AuditEntry.updateOne","AuditEntry.updateMany","AuditEntry.updateManyAndReturn","AuditEntry.upsertOne","AuditEntry.deleteOne","AuditEntry.deleteMany","AuditEntry.groupBy","AuditEntry.aggregate","User.findUnique","User.findUniqueOrThrow","User.findFirst","User.findFirstOrThrow","User.findMany","User.createOne","User.createMany","User.createManyAndReturn","User.updateOne","User.updateMany","User.updateManyAndReturn","User.upsertOne","User.deleteOne","User.deleteMany","User.groupBy","User.aggregate","OutboxMessage.findUnique","OutboxMessage.findUniqueOrThrow","OutboxMessage.findFirst","OutboxMessage.findFirstOrThrow","OutboxMessage.findMany","OutboxMessage.createOne","OutboxMessage.createMany","OutboxMessage.createManyAndReturn","OutboxMessage.updateOne","OutboxMessage.updateMany","OutboxMessage.updateManyAndReturn","OutboxMessage.upsertOne","OutboxMessage.deleteOne","OutboxMessage.deleteMany","OutboxMessage.groupBy","OutboxMessage.aggregate","OtpChallenge.findUnique","OtpChallenge.findUniqueOrThrow","OtpChallenge.findFirst","OtpChallenge.findFirstOrThrow","OtpChallenge.findMany","OtpChallenge.createOne","OtpChallenge.createMany","OtpChallenge.createManyAndReturn","OtpChallenge.updateOne","OtpChallenge.updateMany","OtpChallenge.updateManyAndReturn","OtpChallenge.upsertOne","OtpChallenge.deleteOne","OtpChallenge.deleteMany","OtpChallenge.groupBy","OtpChallenge.aggregate","OtpFailure.findUnique","OtpFailure.findUniqueOrThrow","OtpFailure.findFirst","OtpFailure.findFirstOrThrow","OtpFailure.findMany","OtpFailure.createOne","OtpFailure.createMany","OtpFailure.createManyAndReturn","OtpFailure.updateOne","OtpFailure.updateMany","OtpFailure.updateManyAndReturn","OtpFailure.upsertOne","OtpFailure.deleteOne","OtpFailure.deleteMany","OtpFailure.groupBy","OtpFailure.aggregate","OtpLockout.findUnique","OtpLockout.findUniqueOrThrow","OtpLockout.findFirst","OtpLockout.findFirstOrThrow","OtpLockout.findMany","OtpLockout.createOne","OtpLockout.createMany","OtpLockout.createManyAndReturn","OtpLockout.updateOne","OtpLockout.updateMany","OtpLockout.updateManyAndReturn","OtpLockout.upsertOne","OtpLockout.deleteOne","OtpLockout.deleteMany","OtpLockout.groupBy","OtpLockout.aggregate","RefreshToken.findUnique","RefreshToken.findUniqueOrThrow","RefreshToken.findFirst","RefreshToken.findFirstOrThrow","RefreshToken.findMany","RefreshToken.createOne","RefreshToken.createMany","RefreshToken.createManyAndReturn","RefreshToken.updateOne","RefreshToken.updateMany","RefreshToken.updateManyAndReturn","RefreshToken.upsertOne","RefreshToken.deleteOne","RefreshToken.deleteMany","RefreshToken.groupBy","RefreshToken.aggregate","RevokedSession.findUnique","RevokedSession.findUniqueOrThrow","RevokedSession.findFirst","RevokedSession.findFirstOrThrow","RevokedSession.findMany","RevokedSession.createOne","RevokedSession.createMany","RevokedSession.createManyAndReturn","RevokedSession.updateOne","RevokedSession.updateMany","RevokedSession.updateManyAndReturn","RevokedSession.upsertOne","RevokedSession.deleteOne","RevokedSession.deleteMany","RevokedSession.groupBy","RevokedSession.aggregate","RecordFingerprint.findUnique","RecordFingerprint.findUniqueOrThrow","RecordFingerprint.findFirst","RecordFingerprint.findFirstOrThrow","RecordFingerprint.findMany","RecordFingerprint.createOne","RecordFingerprint.createMany","RecordFingerprint.createManyAndReturn","RecordFingerprint.updateOne","RecordFingerprint.updateMany","RecordFingerprint.updateManyAndReturn","RecordFingerprint.upsertOne","RecordFingerprint.deleteOne","RecordFingerprint.deleteMany","RecordFingerprint.groupBy","RecordFingerprint.aggregate","IdempotencyKey.findUnique","IdempotencyKey.findUniqueOrThrow","IdempotencyKey.findFirst","IdempotencyKey.findFirstOrThrow","IdempotencyKey.findMany","IdempotencyKey.createOne","IdempotencyKey.createMany","IdempotencyKey.createManyAndReturn","IdempotencyKey.updateOne","IdempotencyKey.updateMany","IdempotencyKey.updateManyAndReturn","IdempotencyKey.upsertOne","IdempotencyKey.deleteOne","IdempotencyKey.deleteMany","IdempotencyKey.groupBy","IdempotencyKey.aggregate","CompiledRule.findUnique","CompiledRule.findUniqueOrThrow","CompiledRule.findFirst","CompiledRule.findFirstOrThrow","CompiledRule.findMany","CompiledRule.createOne","CompiledRule.createMany","CompiledRule.createManyAndReturn","CompiledRule.updateOne","CompiledRule.updateMany","CompiledRule.updateManyAndReturn","CompiledRule.upsertOne","CompiledRule.deleteOne","CompiledRule.deleteMany","CompiledRule.groupBy","CompiledRule.aggregate","ImportJob.findUnique","ImportJob.findUniqueOrThrow","ImportJob.findFirst","ImportJob.findFirstOrThrow","ImportJob.findMany","ImportJob.createOne","ImportJob.createMany","ImportJob.createManyAndReturn","ImportJob.updateOne","ImportJob.updateMany","ImportJob.updateManyAndReturn","ImportJob.upsertOne","ImportJob.deleteOne","ImportJob.deleteMany","ImportJob.groupBy","ImportJob.aggregate","UploadClaim.findUnique","UploadClaim.findUniqueOrThrow","UploadClaim.findFirst","UploadClaim.findFirstOrThrow","UploadClaim.findMany","UploadClaim.createOne","UploadClaim.createMany","UploadClaim.createManyAndReturn","UploadClaim.updateOne","UploadClaim.updateMany","UploadClaim.updateManyAndReturn","UploadClaim.upsertOne","UploadClaim.deleteOne","UploadClaim.deleteMany","UploadClaim.groupBy","UploadClaim.aggregate","Release.findUnique","Release.findUniqueOrThrow","Release.findFirst","Release.findFirstOrThrow","Release.findMany","Release.createOne","Release.createMany","Release.createManyAndReturn","Release.updateOne","Release.updateMany","Release.updateManyAndReturn","Release.upsertOne","Release.deleteOne","Release.deleteMany","Release.groupBy","Release.aggregate","FilesBaseline.findUnique","FilesBaseline.findUniqueOrThrow","FilesBaseline.findFirst","FilesBaseline.findFirstOrThrow","FilesBaseline.findMany","FilesBaseline.createOne","FilesBaseline.createMany","FilesBaseline.createManyAndReturn","FilesBaseline.updateOne","FilesBaseline.updateMany","FilesBaseline.updateManyAndReturn","FilesBaseline.upsertOne","FilesBaseline.deleteOne","FilesBaseline.deleteMany","FilesBaseline.groupBy","FilesBaseline.aggregate","ChangeSet.findUnique","ChangeSet.findUniqueOrThrow","ChangeSet.findFirst","ChangeSet.findFirstOrThrow","ChangeSet.findMany","ChangeSet.createOne","ChangeSet.createMany","ChangeSet.createManyAndReturn","ChangeSet.updateOne","ChangeSet.updateMany","ChangeSet.updateManyAndReturn","ChangeSet.upsertOne","ChangeSet.deleteOne","ChangeSet.deleteMany","ChangeSet.groupBy","ChangeSet.aggregate","ChangeSetItem.findUnique","ChangeSetItem.findUniqueOrThrow","ChangeSetItem.findFirst","ChangeSetItem.findFirstOrThrow","ChangeSetItem.findMany","ChangeSetItem.createOne","ChangeSetItem.createMany","ChangeSetItem.createManyAndReturn","ChangeSetItem.updateOne","ChangeSetItem.updateMany","ChangeSetItem.updateManyAndReturn","ChangeSetItem.upsertOne","ChangeSetItem.deleteOne","ChangeSetItem.deleteMany","ChangeSetItem.groupBy","ChangeSetItem.aggregate","ChangeSetReview.findUnique","ChangeSetReview.findUniqueOrThrow","ChangeSetReview.findFirst","ChangeSetReview.findFirstOrThrow","ChangeSetReview.findMany","ChangeSetReview.createOne","ChangeSetReview.createMany","ChangeSetReview.createManyAndReturn","ChangeSetReview.updateOne","ChangeSetReview.updateMany","ChangeSetReview.updateManyAndReturn","ChangeSetReview.upsertOne","ChangeSetReview.deleteOne","ChangeSetReview.deleteMany","ChangeSetReview.groupBy","ChangeSetReview.aggregate","ChangeSetApproval.findUnique","ChangeSetApproval.findUniqueOrThrow","ChangeSetApproval.findFirst","ChangeSetApproval.findFirstOrThrow","ChangeSetApproval.findMany","ChangeSetApproval.createOne","ChangeSetApproval.createMany","ChangeSetApproval.createManyAndReturn","ChangeSetApproval.updateOne","ChangeSetApproval.updateMany","ChangeSetApproval.updateManyAndReturn","ChangeSetApproval.upsertOne","ChangeSetApproval.deleteOne","ChangeSetApproval.deleteMany","ChangeSetApproval.groupBy","ChangeSetApproval.aggregate","RecordFile.findUnique","RecordFile.findUniqueOrThrow","RecordFile.findFirst","RecordFile.findFirstOrThrow","RecordFile.findMany","RecordFile.createOne","RecordFile.createMany","RecordFile.createManyAndReturn","RecordFile.updateOne","RecordFile.updateMany","RecordFile.updateManyAndReturn","RecordFile.upsertOne","RecordFile.deleteOne","RecordFile.deleteMany","RecordFile.groupBy","RecordFile.aggregate","RecordFileVersion.findUnique","RecordFileVersion.findUniqueOrThrow","RecordFileVersion.findFirst","RecordFileVersion.findFirstOrThrow","RecordFileVersion.findMany","RecordFileVersion.createOne","RecordFileVersion.createMany","RecordFileVersion.createManyAndReturn","RecordFileVersion.updateOne","RecordFileVersion.updateMany","RecordFileVersion.updateManyAndReturn","RecordFileVersion.upsertOne","RecordFileVersion.deleteOne","RecordFileVersion.deleteMany","RecordFileVersion.groupBy","RecordFileVersion.aggregate","AND","OR","NOT","fileId","version","blobKey","fileName","contentType","size","sha256","uploadedBy","uploadedAt","equals","in","notIn","lt","lte","gt","gte","not","contains","startsWith","endsWith","id","app","entity","recordId","slot","label","status","removed","reviewedBy","reviewedAt","reviewNote","createdAt","changeSet","actorId","role","contentHash","at","changeSet_actorId_contentHash","comment","kind","name","authored","checksum","updatedBy","updatedAt","string_contains","string_starts_with","string_ends_with","array_starts_with","array_ends_with","array_contains","changeSet_kind_name","title","baseRelease","release","createdBy","publishAt","scheduledBy","scheduledRole","scheduleComment","scheduleMappings","scheduleError","imported","number","source","entries","app_number","blobName","claimedAt","app_blobName","import","totalRows","rowsDone","rowsApplied","rowsFailed","errorReport","message","ruleset","recordVersion","compiled","compiledAt","app_ruleset_recordId","key","requestHash","app_key","hash","revokedAt","expiresAt","txid","userId","familyId","tokenHash","usedAt","policy","subject","lockedUntil","app_policy_subject","codeHash","channels","attempts","maxAttempts","consumedAt","has","hasEvery","hasSome","channel","template","recipient","payload","idempotencyKey","nextAttemptAt","lastError","provider","providerMessageId","sentAt","email","phone","passwordHash","attributes","displayName","active","statusReason","app_email","app_phone","action","outcome","before","after","detail","prevHash","hashAlg","event","fromState","toState","override","remarks","input","errorCode","errorMessage","fields","keyName","value","state","scopeTags","deletedAt","every","some","none","fileId_version","app_entity_keyName_value","app_kind_name_version","is","isNot","connectOrCreate","upsert","createMany","set","disconnect","delete","connect","updateMany","deleteMany","push","increment","decrement","multiply","divide"]'),
      graph: "xQfpAZADD6IDAADuBQAwowMAAAQAEKQDAADuBQAwpgMCAKoFACG5AwEAAAABugMBAJgFACG_AwEAmAUAIcQDQACZBQAhzAMBAJgFACHNAwEAmAUAIc4DAACxBQAgzwMBAJgFACHcAwEAowUAIfQDAACiBQAguwQAAO8FACABAAAAAQAgAQAAAAEAIA6iAwAA7gUAMKMDAAAEABCkAwAA7gUAMKYDAgCqBQAhuQMBAJcFACG6AwEAmAUAIb8DAQCYBQAhxANAAJkFACHMAwEAmAUAIc0DAQCYBQAhzgMAALEFACDPAwEAmAUAIdwDAQCjBQAh9AMAAKIFACAC3AMAAPAFACD0AwAA8AUAIAMAAAAEACADAAAFADAEAAABACADAAAABAAgAwAABQAwBAAAAQAgAwAAAAQAIAMAAAUAMAQAAAEAIAumAwIAAAABuQMBAAAAAboDAQAAAAG_AwEAAAABxANAAAAAAcwDAQAAAAHNAwEAAAABzgOAAAAAAc8DAQAAAAHcAwEAAAAB9AOAAAAAAQEIAAAJACALpgMCAAAAAbkDAQAAAAG6AwEAAAABvwMBAAAAAcQDQAAAAAHMAwEAAAABzQMBAAAAAc4DgAAAAAHPAwEAAAAB3AMBAAAAAfQDgAAAAAEBCAAACwAwAQgAAAsAMAumAwIA9gUAIbkDAQD3BQAhugMBAPcFACG_AwEA9wUAIcQDQAD6BQAhzAMBAPcFACHNAwEA9wUAIc4DgAAAAAHPAwEA9wUAIdwDAQD5BQAh9AOAAAAAAQIAAAABACAIAAAOACALpgMCAPYFACG5AwEA9wUAIboDAQD3BQAhvwMBAPcFACHEA0AA-gUAIcwDAQD3BQAhzQMBAPcFACHOA4AAAAABzwMBAPcFACHcAwEA-QUAIfQDgAAAAAECAAAABAAgCAAAEAAgAgAAAAQAIAgAABAAIAMAAAABACAPAAAJACAQAAAOACABAAAAAQAgAQAAAAQAIAcVAACpBwAgFgAAqgcAIBcAAK0HACAYAACsBwAgGQAAqwcAINwDAADwBQAg9AMAAPAFACAOogMAAO0FADCjAwAAFwAQpAMAAO0FADCmAwIA_AQAIbkDAQD7BAAhugMBAP0EACG_AwEA_QQAIcQDQACABQAhzAMBAP0EACHNAwEA_QQAIc4DAACuBQAgzwMBAP0EACHcAwEA_wQAIfQDAACfBQAgAwAAAAQAIAMAABYAMBQAABcAIAMAAAAEACADAAAFADAEAAABACASCAAAsQUAIB0AAOEFACAeAADiBQAgIQAA4wUAIKIDAADgBQAwowMAADEAEKQDAADgBQAwpgMCAKoFACG5AwEAAAABugMBAJgFACG7AwEAmAUAIcQDQACZBQAh0QNAAJkFACHbAwIAqwUAIdwDAQCjBQAhswQBAKMFACG0BAAA0gUAILUEQACsBQAhAQAAABoAIAkcAADoBQAgogMAAOwFADCjAwAAHAAQpAMAAOwFADC6AwEAmAUAIbsDAQCYBQAhvAMBAJcFACGxBAEAmAUAIbIEAQCYBQAhARwAAKcHACAKHAAA6AUAIKIDAADsBQAwowMAABwAEKQDAADsBQAwugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhsQQBAJgFACGyBAEAmAUAIboEAADrBQAgAwAAABwAIAMAAB0AMAQAAB4AIBUcAADoBQAgogMAAOoFADCjAwAAIAAQpAMAAOoFADC5AwQAxwUAIboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIcYDAQCjBQAhxwMBAKMFACHJA0AAmQUAIaIEAQCYBQAhqAQBAJgFACGpBAEAowUAIaoEAQCjBQAhqwQgANgFACGsBAEAowUAIa0EAACiBQAgrgQBAKMFACGvBAEAowUAIbAEAADSBQAgCRwAAKcHACDGAwAA8AUAIMcDAADwBQAgqQQAAPAFACCqBAAA8AUAIKwEAADwBQAgrQQAAPAFACCuBAAA8AUAIK8EAADwBQAgFRwAAOgFACCiAwAA6gUAMKMDAAAgABCkAwAA6gUAMLkDBAAAAAG6AwEAmAUAIbsDAQCYBQAhvAMBAJcFACHGAwEAowUAIccDAQCjBQAhyQNAAJkFACGiBAEAmAUAIagEAQCYBQAhqQQBAKMFACGqBAEAowUAIasEIADYBQAhrAQBAKMFACGtBAAAogUAIK4EAQCjBQAhrwQBAKMFACGwBAAA0gUAIAMAAAAgACADAAAhADAEAAAiACAZHAAA6AUAICAAAOkFACCiAwAA5wUAMKMDAAAkABCkAwAA5wUAMKYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACG5AwEAlwUAIboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIb0DAQCYBQAhvgMBAKMFACG_AwEAowUAIcADIADYBQAhwQMBAKMFACHCA0AArAUAIcMDAQCjBQAhxANAAJkFACEIHAAApwcAICAAAKgHACCsAwAA8AUAIL4DAADwBQAgvwMAAPAFACDBAwAA8AUAIMIDAADwBQAgwwMAAPAFACAZHAAA6AUAICAAAOkFACCiAwAA5wUAMKMDAAAkABCkAwAA5wUAMKYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACG5AwEAAAABugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhvQMBAJgFACG-AwEAowUAIb8DAQCjBQAhwAMgANgFACHBAwEAowUAIcIDQACsBQAhwwMBAKMFACHEA0AAmQUAIQMAAAAkACADAAAlADAEAAAmACANHwAA5gUAIKIDAADlBQAwowMAACgAEKQDAADlBQAwpQMBAJcFACGmAwIAqgUAIacDAQCYBQAhqAMBAJgFACGpAwEAmAUAIaoDBADHBQAhqwMBAJgFACGsAwEAowUAIa0DQACZBQAhAh8AAKYHACCsAwAA8AUAIA4fAADmBQAgogMAAOUFADCjAwAAKAAQpAMAAOUFADClAwEAlwUAIaYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACG5BAAA5AUAIAMAAAAoACADAAApADAEAAAqACABAAAAKAAgAQAAABwAIAEAAAAgACABAAAAJAAgAQAAABoAIBIIAACxBQAgHQAA4QUAIB4AAOIFACAhAADjBQAgogMAAOAFADCjAwAAMQAQpAMAAOAFADCmAwIAqgUAIbkDAQCXBQAhugMBAJgFACG7AwEAmAUAIcQDQACZBQAh0QNAAJkFACHbAwIAqwUAIdwDAQCjBQAhswQBAKMFACG0BAAA0gUAILUEQACsBQAhBx0AAKMHACAeAACkBwAgIQAApQcAINsDAADwBQAg3AMAAPAFACCzBAAA8AUAILUEAADwBQAgAwAAADEAIAMAADIAMAQAABoAIAMAAAAxACADAAAyADAEAAAaACADAAAAMQAgAwAAMgAwBAAAGgAgDwiAAAAAAR0AAKAHACAeAAChBwAgIQAAogcAIKYDAgAAAAG5AwEAAAABugMBAAAAAbsDAQAAAAHEA0AAAAAB0QNAAAAAAdsDAgAAAAHcAwEAAAABswQBAAAAAbQEAACfBwAgtQRAAAAAAQEIAAA2ACAMCIAAAAABpgMCAAAAAbkDAQAAAAG6AwEAAAABuwMBAAAAAcQDQAAAAAHRA0AAAAAB2wMCAAAAAdwDAQAAAAGzBAEAAAABtAQAAJ8HACC1BEAAAAABAQgAADgAMAEIAAA4ADAPCIAAAAABHQAA-AYAIB4AAPkGACAhAAD6BgAgpgMCAPYFACG5AwEA9wUAIboDAQD3BQAhuwMBAPcFACHEA0AA-gUAIdEDQAD6BQAh2wMCAKIGACHcAwEA-QUAIbMEAQD5BQAhtAQAAPcGACC1BEAAgwYAIQIAAAAaACAIAAA7ACAMCIAAAAABpgMCAPYFACG5AwEA9wUAIboDAQD3BQAhuwMBAPcFACHEA0AA-gUAIdEDQAD6BQAh2wMCAKIGACHcAwEA-QUAIbMEAQD5BQAhtAQAAPcGACC1BEAAgwYAIQIAAAAxACAIAAA9ACACAAAAMQAgCAAAPQAgAwAAABoAIA8AADYAIBAAADsAIAEAAAAaACABAAAAMQAgCRUAAPIGACAWAADzBgAgFwAA9gYAIBgAAPUGACAZAAD0BgAg2wMAAPAFACDcAwAA8AUAILMEAADwBQAgtQQAAPAFACAPCAAArgUAIKIDAADfBQAwowMAAEQAEKQDAADfBQAwpgMCAPwEACG5AwEA-wQAIboDAQD9BAAhuwMBAP0EACHEA0AAgAUAIdEDQACABQAh2wMCAKYFACHcAwEA_wQAIbMEAQD_BAAhtAQAANIFACC1BEAAkAUAIQMAAAAxACADAABDADAUAABEACADAAAAMQAgAwAAMgAwBAAAGgAgAQAAAB4AIAEAAAAeACADAAAAHAAgAwAAHQAwBAAAHgAgAwAAABwAIAMAAB0AMAQAAB4AIAMAAAAcACADAAAdADAEAAAeACAGHAAA8QYAILoDAQAAAAG7AwEAAAABvAMBAAAAAbEEAQAAAAGyBAEAAAABAQgAAEwAIAW6AwEAAAABuwMBAAAAAbwDAQAAAAGxBAEAAAABsgQBAAAAAQEIAABOADABCAAATgAwBhwAAPAGACC6AwEA9wUAIbsDAQD3BQAhvAMBAPcFACGxBAEA9wUAIbIEAQD3BQAhAgAAAB4AIAgAAFEAIAW6AwEA9wUAIbsDAQD3BQAhvAMBAPcFACGxBAEA9wUAIbIEAQD3BQAhAgAAABwAIAgAAFMAIAIAAAAcACAIAABTACADAAAAHgAgDwAATAAgEAAAUQAgAQAAAB4AIAEAAAAcACADFQAA7QYAIBgAAO8GACAZAADuBgAgCKIDAADeBQAwowMAAFoAEKQDAADeBQAwugMBAP0EACG7AwEA_QQAIbwDAQD7BAAhsQQBAP0EACGyBAEA_QQAIQMAAAAcACADAABZADAUAABaACADAAAAHAAgAwAAHQAwBAAAHgAgAQAAACIAIAEAAAAiACADAAAAIAAgAwAAIQAwBAAAIgAgAwAAACAAIAMAACEAMAQAACIAIAMAAAAgACADAAAhADAEAAAiACASHAAA7AYAILkDBAAAAAG6AwEAAAABuwMBAAAAAbwDAQAAAAHGAwEAAAABxwMBAAAAAckDQAAAAAGiBAEAAAABqAQBAAAAAakEAQAAAAGqBAEAAAABqwQgAAAAAawEAQAAAAGtBIAAAAABrgQBAAAAAa8EAQAAAAGwBAAA6wYAIAEIAABiACARuQMEAAAAAboDAQAAAAG7AwEAAAABvAMBAAAAAcYDAQAAAAHHAwEAAAAByQNAAAAAAaIEAQAAAAGoBAEAAAABqQQBAAAAAaoEAQAAAAGrBCAAAAABrAQBAAAAAa0EgAAAAAGuBAEAAAABrwQBAAAAAbAEAADrBgAgAQgAAGQAMAEIAABkADASHAAA6gYAILkDBAD4BQAhugMBAPcFACG7AwEA9wUAIbwDAQD3BQAhxgMBAPkFACHHAwEA-QUAIckDQAD6BQAhogQBAPcFACGoBAEA9wUAIakEAQD5BQAhqgQBAPkFACGrBCAAggYAIawEAQD5BQAhrQSAAAAAAa4EAQD5BQAhrwQBAPkFACGwBAAA6QYAIAIAAAAiACAIAABnACARuQMEAPgFACG6AwEA9wUAIbsDAQD3BQAhvAMBAPcFACHGAwEA-QUAIccDAQD5BQAhyQNAAPoFACGiBAEA9wUAIagEAQD3BQAhqQQBAPkFACGqBAEA-QUAIasEIACCBgAhrAQBAPkFACGtBIAAAAABrgQBAPkFACGvBAEA-QUAIbAEAADpBgAgAgAAACAAIAgAAGkAIAIAAAAgACAIAABpACADAAAAIgAgDwAAYgAgEAAAZwAgAQAAACIAIAEAAAAgACANFQAA5AYAIBYAAOUGACAXAADoBgAgGAAA5wYAIBkAAOYGACDGAwAA8AUAIMcDAADwBQAgqQQAAPAFACCqBAAA8AUAIKwEAADwBQAgrQQAAPAFACCuBAAA8AUAIK8EAADwBQAgFKIDAADdBQAwowMAAHAAEKQDAADdBQAwuQMEAP4EACG6AwEA_QQAIbsDAQD9BAAhvAMBAPsEACHGAwEA_wQAIccDAQD_BAAhyQNAAIAFACGiBAEA_QQAIagEAQD9BAAhqQQBAP8EACGqBAEA_wQAIasEIACPBQAhrAQBAP8EACGtBAAAnwUAIK4EAQD_BAAhrwQBAP8EACGwBAAA0gUAIAMAAAAgACADAABvADAUAABwACADAAAAIAAgAwAAIQAwBAAAIgAgEqIDAADcBQAwowMAAHYAEKQDAADcBQAwuQMEAAAAAboDAQCYBQAhuwMBAKMFACG8AwEAtgUAIcYDAQCjBQAhxwMBAKMFACHJA0AAmQUAIfoDAQCjBQAhoQQBAJgFACGiBAEAmAUAIaMEAACiBQAgpAQAAKIFACClBAAAogUAIKYEAQCjBQAhpwQBAJgFACEBAAAAcwAgAQAAAHMAIBKiAwAA3AUAMKMDAAB2ABCkAwAA3AUAMLkDBADHBQAhugMBAJgFACG7AwEAowUAIbwDAQC2BQAhxgMBAKMFACHHAwEAowUAIckDQACZBQAh-gMBAKMFACGhBAEAmAUAIaIEAQCYBQAhowQAAKIFACCkBAAAogUAIKUEAACiBQAgpgQBAKMFACGnBAEAmAUAIQm7AwAA8AUAILwDAADwBQAgxgMAAPAFACDHAwAA8AUAIPoDAADwBQAgowQAAPAFACCkBAAA8AUAIKUEAADwBQAgpgQAAPAFACADAAAAdgAgAwAAdwAwBAAAcwAgAwAAAHYAIAMAAHcAMAQAAHMAIAMAAAB2ACADAAB3ADAEAABzACAPuQMEAAAAAboDAQAAAAG7AwEAAAABvAMBAAAAAcYDAQAAAAHHAwEAAAAByQNAAAAAAfoDAQAAAAGhBAEAAAABogQBAAAAAaMEgAAAAAGkBIAAAAABpQSAAAAAAaYEAQAAAAGnBAEAAAABAQgAAHsAIA-5AwQAAAABugMBAAAAAbsDAQAAAAG8AwEAAAABxgMBAAAAAccDAQAAAAHJA0AAAAAB-gMBAAAAAaEEAQAAAAGiBAEAAAABowSAAAAAAaQEgAAAAAGlBIAAAAABpgQBAAAAAacEAQAAAAEBCAAAfQAwAQgAAH0AMA-5AwQA-AUAIboDAQD3BQAhuwMBAPkFACG8AwEA-QUAIcYDAQD5BQAhxwMBAPkFACHJA0AA-gUAIfoDAQD5BQAhoQQBAPcFACGiBAEA9wUAIaMEgAAAAAGkBIAAAAABpQSAAAAAAaYEAQD5BQAhpwQBAPcFACECAAAAcwAgCAAAgAEAIA-5AwQA-AUAIboDAQD3BQAhuwMBAPkFACG8AwEA-QUAIcYDAQD5BQAhxwMBAPkFACHJA0AA-gUAIfoDAQD5BQAhoQQBAPcFACGiBAEA9wUAIaMEgAAAAAGkBIAAAAABpQSAAAAAAaYEAQD5BQAhpwQBAPcFACECAAAAdgAgCAAAggEAIAIAAAB2ACAIAACCAQAgAwAAAHMAIA8AAHsAIBAAAIABACABAAAAcwAgAQAAAHYAIA4VAADfBgAgFgAA4AYAIBcAAOMGACAYAADiBgAgGQAA4QYAILsDAADwBQAgvAMAAPAFACDGAwAA8AUAIMcDAADwBQAg-gMAAPAFACCjBAAA8AUAIKQEAADwBQAgpQQAAPAFACCmBAAA8AUAIBKiAwAA2wUAMKMDAACJAQAQpAMAANsFADC5AwQA_gQAIboDAQD9BAAhuwMBAP8EACG8AwEAswUAIcYDAQD_BAAhxwMBAP8EACHJA0AAgAUAIfoDAQD_BAAhoQQBAP0EACGiBAEA_QQAIaMEAACfBQAgpAQAAJ8FACClBAAAnwUAIKYEAQD_BAAhpwQBAP0EACEDAAAAdgAgAwAAiAEAMBQAAIkBACADAAAAdgAgAwAAdwAwBAAAcwAgEaIDAADXBQAwowMAAI8BABCkAwAA1wUAMLkDAQAAAAG6AwEAmAUAIb8DAQCYBQAhxANAAJkFACHHAwEAmAUAIZgEAQCjBQAhmQQBAKMFACGaBAEAowUAIZsEAACxBQAgnAQBAKMFACGdBCAA2AUAIZ4EAQCjBQAhnwQAANkFACCgBAAA2gUAIAEAAACMAQAgAQAAAIwBACAPogMAANcFADCjAwAAjwEAEKQDAADXBQAwuQMBAJcFACG6AwEAmAUAIb8DAQCYBQAhxANAAJkFACHHAwEAmAUAIZgEAQCjBQAhmQQBAKMFACGaBAEAowUAIZsEAACxBQAgnAQBAKMFACGdBCAA2AUAIZ4EAQCjBQAhBZgEAADwBQAgmQQAAPAFACCaBAAA8AUAIJwEAADwBQAgngQAAPAFACADAAAAjwEAIAMAAJABADAEAACMAQAgAwAAAI8BACADAACQAQAwBAAAjAEAIAMAAACPAQAgAwAAkAEAMAQAAIwBACAMuQMBAAAAAboDAQAAAAG_AwEAAAABxANAAAAAAccDAQAAAAGYBAEAAAABmQQBAAAAAZoEAQAAAAGbBIAAAAABnAQBAAAAAZ0EIAAAAAGeBAEAAAABAQgAAJQBACAMuQMBAAAAAboDAQAAAAG_AwEAAAABxANAAAAAAccDAQAAAAGYBAEAAAABmQQBAAAAAZoEAQAAAAGbBIAAAAABnAQBAAAAAZ0EIAAAAAGeBAEAAAABAQgAAJYBADABCAAAlgEAMAy5AwEA9wUAIboDAQD3BQAhvwMBAPcFACHEA0AA-gUAIccDAQD3BQAhmAQBAPkFACGZBAEA-QUAIZoEAQD5BQAhmwSAAAAAAZwEAQD5BQAhnQQgAIIGACGeBAEA-QUAIQIAAACMAQAgCAAAmQEAIAy5AwEA9wUAIboDAQD3BQAhvwMBAPcFACHEA0AA-gUAIccDAQD3BQAhmAQBAPkFACGZBAEA-QUAIZoEAQD5BQAhmwSAAAAAAZwEAQD5BQAhnQQgAIIGACGeBAEA-QUAIQIAAACPAQAgCAAAmwEAIAIAAACPAQAgCAAAmwEAIAMAAACMAQAgDwAAlAEAIBAAAJkBACABAAAAjAEAIAEAAACPAQAgCBUAANwGACAYAADeBgAgGQAA3QYAIJgEAADwBQAgmQQAAPAFACCaBAAA8AUAIJwEAADwBQAgngQAAPAFACAPogMAANYFADCjAwAAogEAEKQDAADWBQAwuQMBAPsEACG6AwEA_QQAIb8DAQD9BAAhxANAAIAFACHHAwEA_QQAIZgEAQD_BAAhmQQBAP8EACGaBAEA_wQAIZsEAACuBQAgnAQBAP8EACGdBCAAjwUAIZ4EAQD_BAAhAwAAAI8BACADAAChAQAwFAAAogEAIAMAAACPAQAgAwAAkAEAMAQAAIwBACAVogMAANUFADCjAwAAqAEAEKQDAADVBQAwuQMBAAAAAboDAQCYBQAhvAMBALYFACG_AwEAmAUAIcQDQACZBQAhhARAAKwFACGIBAIAqgUAIYkEAgCqBQAhjgQBAJgFACGPBAEAowUAIZAEAQCYBQAhkQQAALEFACCSBAEAAAABkwRAAJkFACGUBAEAowUAIZUEAQCjBQAhlgQBAKMFACGXBEAArAUAIQEAAAClAQAgAQAAAKUBACAVogMAANUFADCjAwAAqAEAEKQDAADVBQAwuQMBAJcFACG6AwEAmAUAIbwDAQC2BQAhvwMBAJgFACHEA0AAmQUAIYQEQACsBQAhiAQCAKoFACGJBAIAqgUAIY4EAQCYBQAhjwQBAKMFACGQBAEAmAUAIZEEAACxBQAgkgQBAJgFACGTBEAAmQUAIZQEAQCjBQAhlQQBAKMFACGWBAEAowUAIZcEQACsBQAhB7wDAADwBQAghAQAAPAFACCPBAAA8AUAIJQEAADwBQAglQQAAPAFACCWBAAA8AUAIJcEAADwBQAgAwAAAKgBACADAACpAQAwBAAApQEAIAMAAACoAQAgAwAAqQEAMAQAAKUBACADAAAAqAEAIAMAAKkBADAEAAClAQAgErkDAQAAAAG6AwEAAAABvAMBAAAAAb8DAQAAAAHEA0AAAAABhARAAAAAAYgEAgAAAAGJBAIAAAABjgQBAAAAAY8EAQAAAAGQBAEAAAABkQSAAAAAAZIEAQAAAAGTBEAAAAABlAQBAAAAAZUEAQAAAAGWBAEAAAABlwRAAAAAAQEIAACtAQAgErkDAQAAAAG6AwEAAAABvAMBAAAAAb8DAQAAAAHEA0AAAAABhARAAAAAAYgEAgAAAAGJBAIAAAABjgQBAAAAAY8EAQAAAAGQBAEAAAABkQSAAAAAAZIEAQAAAAGTBEAAAAABlAQBAAAAAZUEAQAAAAGWBAEAAAABlwRAAAAAAQEIAACvAQAwAQgAAK8BADASuQMBAPcFACG6AwEA9wUAIbwDAQD5BQAhvwMBAPcFACHEA0AA-gUAIYQEQACDBgAhiAQCAPYFACGJBAIA9gUAIY4EAQD3BQAhjwQBAPkFACGQBAEA9wUAIZEEgAAAAAGSBAEA9wUAIZMEQAD6BQAhlAQBAPkFACGVBAEA-QUAIZYEAQD5BQAhlwRAAIMGACECAAAApQEAIAgAALIBACASuQMBAPcFACG6AwEA9wUAIbwDAQD5BQAhvwMBAPcFACHEA0AA-gUAIYQEQACDBgAhiAQCAPYFACGJBAIA9gUAIY4EAQD3BQAhjwQBAPkFACGQBAEA9wUAIZEEgAAAAAGSBAEA9wUAIZMEQAD6BQAhlAQBAPkFACGVBAEA-QUAIZYEAQD5BQAhlwRAAIMGACECAAAAqAEAIAgAALQBACACAAAAqAEAIAgAALQBACADAAAApQEAIA8AAK0BACAQAACyAQAgAQAAAKUBACABAAAAqAEAIAwVAADXBgAgFgAA2AYAIBcAANsGACAYAADaBgAgGQAA2QYAILwDAADwBQAghAQAAPAFACCPBAAA8AUAIJQEAADwBQAglQQAAPAFACCWBAAA8AUAIJcEAADwBQAgFaIDAADUBQAwowMAALsBABCkAwAA1AUAMLkDAQD7BAAhugMBAP0EACG8AwEAswUAIb8DAQD9BAAhxANAAIAFACGEBEAAkAUAIYgEAgD8BAAhiQQCAPwEACGOBAEA_QQAIY8EAQD_BAAhkAQBAP0EACGRBAAArgUAIJIEAQD9BAAhkwRAAIAFACGUBAEA_wQAIZUEAQD_BAAhlgQBAP8EACGXBEAAkAUAIQMAAACoAQAgAwAAugEAMBQAALsBACADAAAAqAEAIAMAAKkBADAEAAClAQAgDqIDAADTBQAwowMAAMEBABCkAwAA0wUAMLkDAQAAAAG6AwEAmAUAIcQDQACZBQAh_ANAAJkFACGCBAEAmAUAIYMEAQCYBQAhhgQBAJgFACGHBAAA0gUAIIgEAgCqBQAhiQQCAKsFACGKBEAArAUAIQEAAAC-AQAgAQAAAL4BACAOogMAANMFADCjAwAAwQEAEKQDAADTBQAwuQMBAJcFACG6AwEAmAUAIcQDQACZBQAh_ANAAJkFACGCBAEAmAUAIYMEAQCYBQAhhgQBAJgFACGHBAAA0gUAIIgEAgCqBQAhiQQCAKsFACGKBEAArAUAIQKJBAAA8AUAIIoEAADwBQAgAwAAAMEBACADAADCAQAwBAAAvgEAIAMAAADBAQAgAwAAwgEAMAQAAL4BACADAAAAwQEAIAMAAMIBADAEAAC-AQAgC7kDAQAAAAG6AwEAAAABxANAAAAAAfwDQAAAAAGCBAEAAAABgwQBAAAAAYYEAQAAAAGHBAAA1gYAIIgEAgAAAAGJBAIAAAABigRAAAAAAQEIAADGAQAgC7kDAQAAAAG6AwEAAAABxANAAAAAAfwDQAAAAAGCBAEAAAABgwQBAAAAAYYEAQAAAAGHBAAA1gYAIIgEAgAAAAGJBAIAAAABigRAAAAAAQEIAADIAQAwAQgAAMgBADALuQMBAPcFACG6AwEA9wUAIcQDQAD6BQAh_ANAAPoFACGCBAEA9wUAIYMEAQD3BQAhhgQBAPcFACGHBAAA1QYAIIgEAgD2BQAhiQQCAKIGACGKBEAAgwYAIQIAAAC-AQAgCAAAywEAIAu5AwEA9wUAIboDAQD3BQAhxANAAPoFACH8A0AA-gUAIYIEAQD3BQAhgwQBAPcFACGGBAEA9wUAIYcEAADVBgAgiAQCAPYFACGJBAIAogYAIYoEQACDBgAhAgAAAMEBACAIAADNAQAgAgAAAMEBACAIAADNAQAgAwAAAL4BACAPAADGAQAgEAAAywEAIAEAAAC-AQAgAQAAAMEBACAHFQAA0AYAIBYAANEGACAXAADUBgAgGAAA0wYAIBkAANIGACCJBAAA8AUAIIoEAADwBQAgDqIDAADRBQAwowMAANQBABCkAwAA0QUAMLkDAQD7BAAhugMBAP0EACHEA0AAgAUAIfwDQACABQAhggQBAP0EACGDBAEA_QQAIYYEAQD9BAAhhwQAANIFACCIBAIA_AQAIYkEAgCmBQAhigRAAJAFACEDAAAAwQEAIAMAANMBADAUAADUAQAgAwAAAMEBACADAADCAQAwBAAAvgEAIAiiAwAA0AUAMKMDAADaAQAQpAMAANAFADC5AwQAAAABugMBAJgFACHJA0AAmQUAIYIEAQCYBQAhgwQBAJgFACEBAAAA1wEAIAEAAADXAQAgCKIDAADQBQAwowMAANoBABCkAwAA0AUAMLkDBADHBQAhugMBAJgFACHJA0AAmQUAIYIEAQCYBQAhgwQBAJgFACEAAwAAANoBACADAADbAQAwBAAA1wEAIAMAAADaAQAgAwAA2wEAMAQAANcBACADAAAA2gEAIAMAANsBADAEAADXAQAgBbkDBAAAAAG6AwEAAAAByQNAAAAAAYIEAQAAAAGDBAEAAAABAQgAAN8BACAFuQMEAAAAAboDAQAAAAHJA0AAAAABggQBAAAAAYMEAQAAAAEBCAAA4QEAMAEIAADhAQAwBbkDBAD4BQAhugMBAPcFACHJA0AA-gUAIYIEAQD3BQAhgwQBAPcFACECAAAA1wEAIAgAAOQBACAFuQMEAPgFACG6AwEA9wUAIckDQAD6BQAhggQBAPcFACGDBAEA9wUAIQIAAADaAQAgCAAA5gEAIAIAAADaAQAgCAAA5gEAIAMAAADXAQAgDwAA3wEAIBAAAOQBACABAAAA1wEAIAEAAADaAQAgBRUAAMsGACAWAADMBgAgFwAAzwYAIBgAAM4GACAZAADNBgAgCKIDAADPBQAwowMAAO0BABCkAwAAzwUAMLkDBAD-BAAhugMBAP0EACHJA0AAgAUAIYIEAQD9BAAhgwQBAP0EACEDAAAA2gEAIAMAAOwBADAUAADtAQAgAwAAANoBACADAADbAQAwBAAA1wEAIAiiAwAAzQUAMKMDAADzAQAQpAMAAM0FADC6AwEAmAUAIYIEAQCYBQAhgwQBAJgFACGEBEAAmQUAIYUEAADOBQAgAQAAAPABACABAAAA8AEAIAeiAwAAzQUAMKMDAADzAQAQpAMAAM0FADC6AwEAmAUAIYIEAQCYBQAhgwQBAJgFACGEBEAAmQUAIQADAAAA8wEAIAMAAPQBADAEAADwAQAgAwAAAPMBACADAAD0AQAwBAAA8AEAIAMAAADzAQAgAwAA9AEAMAQAAPABACAEugMBAAAAAYIEAQAAAAGDBAEAAAABhARAAAAAAQEIAAD4AQAgBLoDAQAAAAGCBAEAAAABgwQBAAAAAYQEQAAAAAEBCAAA-gEAMAEIAAD6AQAwBLoDAQD3BQAhggQBAPcFACGDBAEA9wUAIYQEQAD6BQAhAgAAAPABACAIAAD9AQAgBLoDAQD3BQAhggQBAPcFACGDBAEA9wUAIYQEQAD6BQAhAgAAAPMBACAIAAD_AQAgAgAAAPMBACAIAAD_AQAgAwAAAPABACAPAAD4AQAgEAAA_QEAIAEAAADwAQAgAQAAAPMBACADFQAAyAYAIBgAAMoGACAZAADJBgAgB6IDAADMBQAwowMAAIYCABCkAwAAzAUAMLoDAQD9BAAhggQBAP0EACGDBAEA_QQAIYQEQACABQAhAwAAAPMBACADAACFAgAwFAAAhgIAIAMAAADzAQAgAwAA9AEAMAQAAPABACAMogMAAMsFADCjAwAAjAIAEKQDAADLBQAwuQMBAAAAAboDAQCYBQAhxANAAJkFACH7A0AArAUAIfwDQACZBQAh_gMBAJcFACH_AwEAlwUAIYAEAQCYBQAhgQRAAKwFACEBAAAAiQIAIAEAAACJAgAgDKIDAADLBQAwowMAAIwCABCkAwAAywUAMLkDAQCXBQAhugMBAJgFACHEA0AAmQUAIfsDQACsBQAh_ANAAJkFACH-AwEAlwUAIf8DAQCXBQAhgAQBAJgFACGBBEAArAUAIQL7AwAA8AUAIIEEAADwBQAgAwAAAIwCACADAACNAgAwBAAAiQIAIAMAAACMAgAgAwAAjQIAMAQAAIkCACADAAAAjAIAIAMAAI0CADAEAACJAgAgCbkDAQAAAAG6AwEAAAABxANAAAAAAfsDQAAAAAH8A0AAAAAB_gMBAAAAAf8DAQAAAAGABAEAAAABgQRAAAAAAQEIAACRAgAgCbkDAQAAAAG6AwEAAAABxANAAAAAAfsDQAAAAAH8A0AAAAAB_gMBAAAAAf8DAQAAAAGABAEAAAABgQRAAAAAAQEIAACTAgAwAQgAAJMCADAJuQMBAPcFACG6AwEA9wUAIcQDQAD6BQAh-wNAAIMGACH8A0AA-gUAIf4DAQD3BQAh_wMBAPcFACGABAEA9wUAIYEEQACDBgAhAgAAAIkCACAIAACWAgAgCbkDAQD3BQAhugMBAPcFACHEA0AA-gUAIfsDQACDBgAh_ANAAPoFACH-AwEA9wUAIf8DAQD3BQAhgAQBAPcFACGBBEAAgwYAIQIAAACMAgAgCAAAmAIAIAIAAACMAgAgCAAAmAIAIAMAAACJAgAgDwAAkQIAIBAAAJYCACABAAAAiQIAIAEAAACMAgAgBRUAAMUGACAYAADHBgAgGQAAxgYAIPsDAADwBQAggQQAAPAFACAMogMAAMoFADCjAwAAnwIAEKQDAADKBQAwuQMBAPsEACG6AwEA_QQAIcQDQACABQAh-wNAAJAFACH8A0AAgAUAIf4DAQD7BAAh_wMBAPsEACGABAEA_QQAIYEEQACQBQAhAwAAAIwCACADAACeAgAwFAAAnwIAIAMAAACMAgAgAwAAjQIAMAQAAIkCACAIogMAAMkFADCjAwAApQIAEKQDAADJBQAwuQMBAAAAAcwDAQCYBQAh-wNAAJkFACH8A0AAmQUAIf0DBADHBQAhAQAAAKICACABAAAAogIAIAiiAwAAyQUAMKMDAAClAgAQpAMAAMkFADC5AwEAlwUAIcwDAQCYBQAh-wNAAJkFACH8A0AAmQUAIf0DBADHBQAhAAMAAAClAgAgAwAApgIAMAQAAKICACADAAAApQIAIAMAAKYCADAEAACiAgAgAwAAAKUCACADAACmAgAwBAAAogIAIAW5AwEAAAABzAMBAAAAAfsDQAAAAAH8A0AAAAAB_QMEAAAAAQEIAACqAgAgBbkDAQAAAAHMAwEAAAAB-wNAAAAAAfwDQAAAAAH9AwQAAAABAQgAAKwCADABCAAArAIAMAW5AwEA9wUAIcwDAQD3BQAh-wNAAPoFACH8A0AA-gUAIf0DBAD4BQAhAgAAAKICACAIAACvAgAgBbkDAQD3BQAhzAMBAPcFACH7A0AA-gUAIfwDQAD6BQAh_QMEAPgFACECAAAApQIAIAgAALECACACAAAApQIAIAgAALECACADAAAAogIAIA8AAKoCACAQAACvAgAgAQAAAKICACABAAAApQIAIAUVAADABgAgFgAAwQYAIBcAAMQGACAYAADDBgAgGQAAwgYAIAiiAwAAyAUAMKMDAAC4AgAQpAMAAMgFADC5AwEA-wQAIcwDAQD9BAAh-wNAAIAFACH8A0AAgAUAIf0DBAD-BAAhAwAAAKUCACADAAC3AgAwFAAAuAIAIAMAAAClAgAgAwAApgIAMAQAAKICACAKogMAAMYFADCjAwAAvgIAEKQDAADGBQAwuQMEAAAAAboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIcQDQACZBQAhzQMBAJgFACH6AwEAmAUAIQEAAAC7AgAgAQAAALsCACAKogMAAMYFADCjAwAAvgIAEKQDAADGBQAwuQMEAMcFACG6AwEAmAUAIbsDAQCYBQAhvAMBAJcFACHEA0AAmQUAIc0DAQCYBQAh-gMBAJgFACEAAwAAAL4CACADAAC_AgAwBAAAuwIAIAMAAAC-AgAgAwAAvwIAMAQAALsCACADAAAAvgIAIAMAAL8CADAEAAC7AgAgB7kDBAAAAAG6AwEAAAABuwMBAAAAAbwDAQAAAAHEA0AAAAABzQMBAAAAAfoDAQAAAAEBCAAAwwIAIAe5AwQAAAABugMBAAAAAbsDAQAAAAG8AwEAAAABxANAAAAAAc0DAQAAAAH6AwEAAAABAQgAAMUCADABCAAAxQIAMAe5AwQA-AUAIboDAQD3BQAhuwMBAPcFACG8AwEA9wUAIcQDQAD6BQAhzQMBAPcFACH6AwEA9wUAIQIAAAC7AgAgCAAAyAIAIAe5AwQA-AUAIboDAQD3BQAhuwMBAPcFACG8AwEA9wUAIcQDQAD6BQAhzQMBAPcFACH6AwEA9wUAIQIAAAC-AgAgCAAAygIAIAIAAAC-AgAgCAAAygIAIAMAAAC7AgAgDwAAwwIAIBAAAMgCACABAAAAuwIAIAEAAAC-AgAgBRUAALsGACAWAAC8BgAgFwAAvwYAIBgAAL4GACAZAAC9BgAgCqIDAADFBQAwowMAANECABCkAwAAxQUAMLkDBAD-BAAhugMBAP0EACG7AwEA_QQAIbwDAQD7BAAhxANAAIAFACHNAwEA_QQAIfoDAQD9BAAhAwAAAL4CACADAADQAgAwFAAA0QIAIAMAAAC-AgAgAwAAvwIAMAQAALsCACAJogMAAMMFADCjAwAA1wIAEKQDAADDBQAwugMBAJgFACG8AwEAlwUAIcQDQACZBQAh9wMBAJgFACH4AwEAmAUAIfkDAADEBQAgAQAAANQCACABAAAA1AIAIAiiAwAAwwUAMKMDAADXAgAQpAMAAMMFADC6AwEAmAUAIbwDAQCXBQAhxANAAJkFACH3AwEAmAUAIfgDAQCYBQAhAAMAAADXAgAgAwAA2AIAMAQAANQCACADAAAA1wIAIAMAANgCADAEAADUAgAgAwAAANcCACADAADYAgAwBAAA1AIAIAW6AwEAAAABvAMBAAAAAcQDQAAAAAH3AwEAAAAB-AMBAAAAAQEIAADcAgAgBboDAQAAAAG8AwEAAAABxANAAAAAAfcDAQAAAAH4AwEAAAABAQgAAN4CADABCAAA3gIAMAW6AwEA9wUAIbwDAQD3BQAhxANAAPoFACH3AwEA9wUAIfgDAQD3BQAhAgAAANQCACAIAADhAgAgBboDAQD3BQAhvAMBAPcFACHEA0AA-gUAIfcDAQD3BQAh-AMBAPcFACECAAAA1wIAIAgAAOMCACACAAAA1wIAIAgAAOMCACADAAAA1AIAIA8AANwCACAQAADhAgAgAQAAANQCACABAAAA1wIAIAMVAAC4BgAgGAAAugYAIBkAALkGACAIogMAAMIFADCjAwAA6gIAEKQDAADCBQAwugMBAP0EACG8AwEA-wQAIcQDQACABQAh9wMBAP0EACH4AwEA_QQAIQMAAADXAgAgAwAA6QIAMBQAAOoCACADAAAA1wIAIAMAANgCADAEAADUAgAgCqIDAADABQAwowMAAPACABCkAwAAwAUAMLoDAQCYBQAhvAMBAJcFACHyAwEAmAUAIfMDAgCqBQAh9AMAALEFACD1A0AAmQUAIfYDAADBBQAgAQAAAO0CACABAAAA7QIAIAmiAwAAwAUAMKMDAADwAgAQpAMAAMAFADC6AwEAmAUAIbwDAQCXBQAh8gMBAJgFACHzAwIAqgUAIfQDAACxBQAg9QNAAJkFACEAAwAAAPACACADAADxAgAwBAAA7QIAIAMAAADwAgAgAwAA8QIAMAQAAO0CACADAAAA8AIAIAMAAPECADAEAADtAgAgBroDAQAAAAG8AwEAAAAB8gMBAAAAAfMDAgAAAAH0A4AAAAAB9QNAAAAAAQEIAAD1AgAgBroDAQAAAAG8AwEAAAAB8gMBAAAAAfMDAgAAAAH0A4AAAAAB9QNAAAAAAQEIAAD3AgAwAQgAAPcCADAGugMBAPcFACG8AwEA9wUAIfIDAQD3BQAh8wMCAPYFACH0A4AAAAAB9QNAAPoFACECAAAA7QIAIAgAAPoCACAGugMBAPcFACG8AwEA9wUAIfIDAQD3BQAh8wMCAPYFACH0A4AAAAAB9QNAAPoFACECAAAA8AIAIAgAAPwCACACAAAA8AIAIAgAAPwCACADAAAA7QIAIA8AAPUCACAQAAD6AgAgAQAAAO0CACABAAAA8AIAIAUVAACzBgAgFgAAtAYAIBcAALcGACAYAAC2BgAgGQAAtQYAIAmiAwAAvwUAMKMDAACDAwAQpAMAAL8FADC6AwEA_QQAIbwDAQD7BAAh8gMBAP0EACHzAwIA_AQAIfQDAACuBQAg9QNAAIAFACEDAAAA8AIAIAMAAIIDADAUAACDAwAgAwAAAPACACADAADxAgAwBAAA7QIAIBKiAwAAvQUAMKMDAACJAwAQpAMAAL0FADC5AwEAAAABugMBAJgFACG_AwEAmAUAIcQDQACZBQAh0QNAAJkFACHcAwEAlwUAIegDAQCYBQAh6gMAAL4FACDrAwEAmAUAIewDAgCrBQAh7QMCAKoFACHuAwIAqgUAIe8DAgCqBQAh8AMBAKMFACHxAwEAowUAIQEAAACGAwAgAQAAAIYDACARogMAAL0FADCjAwAAiQMAEKQDAAC9BQAwuQMBAJcFACG6AwEAmAUAIb8DAQCYBQAhxANAAJkFACHRA0AAmQUAIdwDAQCXBQAh6AMBAJgFACHrAwEAmAUAIewDAgCrBQAh7QMCAKoFACHuAwIAqgUAIe8DAgCqBQAh8AMBAKMFACHxAwEAowUAIQPsAwAA8AUAIPADAADwBQAg8QMAAPAFACADAAAAiQMAIAMAAIoDADAEAACGAwAgAwAAAIkDACADAACKAwAwBAAAhgMAIAMAAACJAwAgAwAAigMAMAQAAIYDACAOuQMBAAAAAboDAQAAAAG_AwEAAAABxANAAAAAAdEDQAAAAAHcAwEAAAAB6AMBAAAAAesDAQAAAAHsAwIAAAAB7QMCAAAAAe4DAgAAAAHvAwIAAAAB8AMBAAAAAfEDAQAAAAEBCAAAjgMAIA65AwEAAAABugMBAAAAAb8DAQAAAAHEA0AAAAAB0QNAAAAAAdwDAQAAAAHoAwEAAAAB6wMBAAAAAewDAgAAAAHtAwIAAAAB7gMCAAAAAe8DAgAAAAHwAwEAAAAB8QMBAAAAAQEIAACQAwAwAQgAAJADADAOuQMBAPcFACG6AwEA9wUAIb8DAQD3BQAhxANAAPoFACHRA0AA-gUAIdwDAQD3BQAh6AMBAPcFACHrAwEA9wUAIewDAgCiBgAh7QMCAPYFACHuAwIA9gUAIe8DAgD2BQAh8AMBAPkFACHxAwEA-QUAIQIAAACGAwAgCAAAkwMAIA65AwEA9wUAIboDAQD3BQAhvwMBAPcFACHEA0AA-gUAIdEDQAD6BQAh3AMBAPcFACHoAwEA9wUAIesDAQD3BQAh7AMCAKIGACHtAwIA9gUAIe4DAgD2BQAh7wMCAPYFACHwAwEA-QUAIfEDAQD5BQAhAgAAAIkDACAIAACVAwAgAgAAAIkDACAIAACVAwAgAwAAAIYDACAPAACOAwAgEAAAkwMAIAEAAACGAwAgAQAAAIkDACAIFQAArgYAIBYAAK8GACAXAACyBgAgGAAAsQYAIBkAALAGACDsAwAA8AUAIPADAADwBQAg8QMAAPAFACARogMAALwFADCjAwAAnAMAEKQDAAC8BQAwuQMBAPsEACG6AwEA_QQAIb8DAQD9BAAhxANAAIAFACHRA0AAgAUAIdwDAQD7BAAh6AMBAP0EACHrAwEA_QQAIewDAgCmBQAh7QMCAPwEACHuAwIA_AQAIe8DAgD8BAAh8AMBAP8EACHxAwEA_wQAIQMAAACJAwAgAwAAmwMAMBQAAJwDACADAAAAiQMAIAMAAIoDADAEAACGAwAgCKIDAAC6BQAwowMAAKIDABCkAwAAugUAMLoDAQCYBQAhvwMBAJgFACHoAwEAmAUAIekDQACZBQAh6gMAALsFACABAAAAnwMAIAEAAACfAwAgB6IDAAC6BQAwowMAAKIDABCkAwAAugUAMLoDAQCYBQAhvwMBAJgFACHoAwEAmAUAIekDQACZBQAhAAMAAACiAwAgAwAAowMAMAQAAJ8DACADAAAAogMAIAMAAKMDADAEAACfAwAgAwAAAKIDACADAACjAwAwBAAAnwMAIAS6AwEAAAABvwMBAAAAAegDAQAAAAHpA0AAAAABAQgAAKcDACAEugMBAAAAAb8DAQAAAAHoAwEAAAAB6QNAAAAAAQEIAACpAwAwAQgAAKkDADAEugMBAPcFACG_AwEA9wUAIegDAQD3BQAh6QNAAPoFACECAAAAnwMAIAgAAKwDACAEugMBAPcFACG_AwEA9wUAIegDAQD3BQAh6QNAAPoFACECAAAAogMAIAgAAK4DACACAAAAogMAIAgAAK4DACADAAAAnwMAIA8AAKcDACAQAACsAwAgAQAAAJ8DACABAAAAogMAIAMVAACrBgAgGAAArQYAIBkAAKwGACAHogMAALkFADCjAwAAtQMAEKQDAAC5BQAwugMBAP0EACG_AwEA_QQAIegDAQD9BAAh6QNAAIAFACEDAAAAogMAIAMAALQDADAUAAC1AwAgAwAAAKIDACADAACjAwAwBAAAnwMAIA6iAwAAtQUAMKMDAAC7AwAQpAMAALUFADC6AwEAmAUAIcQDQACZBQAhxQMBALYFACHLAwEAowUAIc8DAQCYBQAh3AMBAJgFACHjAwAAogUAIOQDAgCqBQAh5QMBAJgFACHmAwAAsQUAIOcDAAC4BQAgAQAAALgDACABAAAAuAMAIA2iAwAAtQUAMKMDAAC7AwAQpAMAALUFADC6AwEAmAUAIcQDQACZBQAhxQMBALYFACHLAwEAowUAIc8DAQCYBQAh3AMBAJgFACHjAwAAogUAIOQDAgCqBQAh5QMBAJgFACHmAwAAsQUAIAPFAwAA8AUAIMsDAADwBQAg4wMAAPAFACADAAAAuwMAIAMAALwDADAEAAC4AwAgAwAAALsDACADAAC8AwAwBAAAuAMAIAMAAAC7AwAgAwAAvAMAMAQAALgDACAKugMBAAAAAcQDQAAAAAHFAwEAAAABywMBAAAAAc8DAQAAAAHcAwEAAAAB4wOAAAAAAeQDAgAAAAHlAwEAAAAB5gOAAAAAAQEIAADAAwAgCroDAQAAAAHEA0AAAAABxQMBAAAAAcsDAQAAAAHPAwEAAAAB3AMBAAAAAeMDgAAAAAHkAwIAAAAB5QMBAAAAAeYDgAAAAAEBCAAAwgMAMAEIAADCAwAwCroDAQD3BQAhxANAAPoFACHFAwEA-QUAIcsDAQD5BQAhzwMBAPcFACHcAwEA9wUAIeMDgAAAAAHkAwIA9gUAIeUDAQD3BQAh5gOAAAAAAQIAAAC4AwAgCAAAxQMAIAq6AwEA9wUAIcQDQAD6BQAhxQMBAPkFACHLAwEA-QUAIc8DAQD3BQAh3AMBAPcFACHjA4AAAAAB5AMCAPYFACHlAwEA9wUAIeYDgAAAAAECAAAAuwMAIAgAAMcDACACAAAAuwMAIAgAAMcDACADAAAAuAMAIA8AAMADACAQAADFAwAgAQAAALgDACABAAAAuwMAIAgVAACmBgAgFgAApwYAIBcAAKoGACAYAACpBgAgGQAAqAYAIMUDAADwBQAgywMAAPAFACDjAwAA8AUAIA2iAwAAsgUAMKMDAADOAwAQpAMAALIFADC6AwEA_QQAIcQDQACABQAhxQMBALMFACHLAwEA_wQAIc8DAQD9BAAh3AMBAP0EACHjAwAAnwUAIOQDAgD8BAAh5QMBAP0EACHmAwAArgUAIAMAAAC7AwAgAwAAzQMAMBQAAM4DACADAAAAuwMAIAMAALwDADAEAAC4AwAgBqIDAACwBQAwowMAANQDABCkAwAAsAUAMLoDAQAAAAHRA0AAmQUAIeMDAACxBQAgAQAAANEDACABAAAA0QMAIAaiAwAAsAUAMKMDAADUAwAQpAMAALAFADC6AwEAmAUAIdEDQACZBQAh4wMAALEFACAAAwAAANQDACADAADVAwAwBAAA0QMAIAMAAADUAwAgAwAA1QMAMAQAANEDACADAAAA1AMAIAMAANUDADAEAADRAwAgA7oDAQAAAAHRA0AAAAAB4wOAAAAAAQEIAADZAwAgA7oDAQAAAAHRA0AAAAAB4wOAAAAAAQEIAADbAwAwAQgAANsDADADugMBAPcFACHRA0AA-gUAIeMDgAAAAAECAAAA0QMAIAgAAN4DACADugMBAPcFACHRA0AA-gUAIeMDgAAAAAECAAAA1AMAIAgAAOADACACAAAA1AMAIAgAAOADACADAAAA0QMAIA8AANkDACAQAADeAwAgAQAAANEDACABAAAA1AMAIAMVAACjBgAgGAAApQYAIBkAAKQGACAGogMAAK0FADCjAwAA5wMAEKQDAACtBQAwugMBAP0EACHRA0AAgAUAIeMDAACuBQAgAwAAANQDACADAADmAwAwFAAA5wMAIAMAAADUAwAgAwAA1QMAMAQAANEDACASogMAAKkFADCjAwAA7QMAEKQDAACpBQAwuQMBAAAAAboDAQCYBQAhvwMBAJgFACHEA0AAmQUAIdEDQACZBQAh2QMBAJgFACHaAwIAqgUAIdsDAgCrBQAh3AMBAJgFACHdA0AArAUAId4DAQCjBQAh3wMBAKMFACHgAwEAowUAIeEDAACiBQAg4gMBAKMFACEBAAAA6gMAIAEAAADqAwAgEqIDAACpBQAwowMAAO0DABCkAwAAqQUAMLkDAQCXBQAhugMBAJgFACG_AwEAmAUAIcQDQACZBQAh0QNAAJkFACHZAwEAmAUAIdoDAgCqBQAh2wMCAKsFACHcAwEAmAUAId0DQACsBQAh3gMBAKMFACHfAwEAowUAIeADAQCjBQAh4QMAAKIFACDiAwEAowUAIQfbAwAA8AUAIN0DAADwBQAg3gMAAPAFACDfAwAA8AUAIOADAADwBQAg4QMAAPAFACDiAwAA8AUAIAMAAADtAwAgAwAA7gMAMAQAAOoDACADAAAA7QMAIAMAAO4DADAEAADqAwAgAwAAAO0DACADAADuAwAwBAAA6gMAIA-5AwEAAAABugMBAAAAAb8DAQAAAAHEA0AAAAAB0QNAAAAAAdkDAQAAAAHaAwIAAAAB2wMCAAAAAdwDAQAAAAHdA0AAAAAB3gMBAAAAAd8DAQAAAAHgAwEAAAAB4QOAAAAAAeIDAQAAAAEBCAAA8gMAIA-5AwEAAAABugMBAAAAAb8DAQAAAAHEA0AAAAAB0QNAAAAAAdkDAQAAAAHaAwIAAAAB2wMCAAAAAdwDAQAAAAHdA0AAAAAB3gMBAAAAAd8DAQAAAAHgAwEAAAAB4QOAAAAAAeIDAQAAAAEBCAAA9AMAMAEIAAD0AwAwD7kDAQD3BQAhugMBAPcFACG_AwEA9wUAIcQDQAD6BQAh0QNAAPoFACHZAwEA9wUAIdoDAgD2BQAh2wMCAKIGACHcAwEA9wUAId0DQACDBgAh3gMBAPkFACHfAwEA-QUAIeADAQD5BQAh4QOAAAAAAeIDAQD5BQAhAgAAAOoDACAIAAD3AwAgD7kDAQD3BQAhugMBAPcFACG_AwEA9wUAIcQDQAD6BQAh0QNAAPoFACHZAwEA9wUAIdoDAgD2BQAh2wMCAKIGACHcAwEA9wUAId0DQACDBgAh3gMBAPkFACHfAwEA-QUAIeADAQD5BQAh4QOAAAAAAeIDAQD5BQAhAgAAAO0DACAIAAD5AwAgAgAAAO0DACAIAAD5AwAgAwAAAOoDACAPAADyAwAgEAAA9wMAIAEAAADqAwAgAQAAAO0DACAMFQAAnQYAIBYAAJ4GACAXAAChBgAgGAAAoAYAIBkAAJ8GACDbAwAA8AUAIN0DAADwBQAg3gMAAPAFACDfAwAA8AUAIOADAADwBQAg4QMAAPAFACDiAwAA8AUAIBKiAwAApQUAMKMDAACABAAQpAMAAKUFADC5AwEA-wQAIboDAQD9BAAhvwMBAP0EACHEA0AAgAUAIdEDQACABQAh2QMBAP0EACHaAwIA_AQAIdsDAgCmBQAh3AMBAP0EACHdA0AAkAUAId4DAQD_BAAh3wMBAP8EACHgAwEA_wQAIeEDAACfBQAg4gMBAP8EACEDAAAA7QMAIAMAAP8DADAUAACABAAgAwAAAO0DACADAADuAwAwBAAA6gMAIAuiAwAAoQUAMKMDAACGBAAQpAMAAKEFADDFAwEAlwUAIcwDAQCYBQAhzQMBAJgFACHOAwAAogUAIM8DAQCjBQAh0AMBAJgFACHRA0AAmQUAIdgDAACkBQAgAQAAAIMEACABAAAAgwQAIAqiAwAAoQUAMKMDAACGBAAQpAMAAKEFADDFAwEAlwUAIcwDAQCYBQAhzQMBAJgFACHOAwAAogUAIM8DAQCjBQAh0AMBAJgFACHRA0AAmQUAIQLOAwAA8AUAIM8DAADwBQAgAwAAAIYEACADAACHBAAwBAAAgwQAIAMAAACGBAAgAwAAhwQAMAQAAIMEACADAAAAhgQAIAMAAIcEADAEAACDBAAgB8UDAQAAAAHMAwEAAAABzQMBAAAAAc4DgAAAAAHPAwEAAAAB0AMBAAAAAdEDQAAAAAEBCAAAiwQAIAfFAwEAAAABzAMBAAAAAc0DAQAAAAHOA4AAAAABzwMBAAAAAdADAQAAAAHRA0AAAAABAQgAAI0EADABCAAAjQQAMAfFAwEA9wUAIcwDAQD3BQAhzQMBAPcFACHOA4AAAAABzwMBAPkFACHQAwEA9wUAIdEDQAD6BQAhAgAAAIMEACAIAACQBAAgB8UDAQD3BQAhzAMBAPcFACHNAwEA9wUAIc4DgAAAAAHPAwEA-QUAIdADAQD3BQAh0QNAAPoFACECAAAAhgQAIAgAAJIEACACAAAAhgQAIAgAAJIEACADAAAAgwQAIA8AAIsEACAQAACQBAAgAQAAAIMEACABAAAAhgQAIAUVAACaBgAgGAAAnAYAIBkAAJsGACDOAwAA8AUAIM8DAADwBQAgCqIDAACeBQAwowMAAJkEABCkAwAAngUAMMUDAQD7BAAhzAMBAP0EACHNAwEA_QQAIc4DAACfBQAgzwMBAP8EACHQAwEA_QQAIdEDQACABQAhAwAAAIYEACADAACYBAAwFAAAmQQAIAMAAACGBAAgAwAAhwQAMAQAAIMEACAKogMAAJ0FADCjAwAAnwQAEKQDAACdBQAwuQMBAAAAAcUDAQCXBQAhxgMBAJgFACHHAwEAmAUAIcgDAQCYBQAhyQNAAJkFACHLAwEAmAUAIQEAAACcBAAgAQAAAJwEACAKogMAAJ0FADCjAwAAnwQAEKQDAACdBQAwuQMBAJcFACHFAwEAlwUAIcYDAQCYBQAhxwMBAJgFACHIAwEAmAUAIckDQACZBQAhywMBAJgFACEAAwAAAJ8EACADAACgBAAwBAAAnAQAIAMAAACfBAAgAwAAoAQAMAQAAJwEACADAAAAnwQAIAMAAKAEADAEAACcBAAgB7kDAQAAAAHFAwEAAAABxgMBAAAAAccDAQAAAAHIAwEAAAAByQNAAAAAAcsDAQAAAAEBCAAApAQAIAe5AwEAAAABxQMBAAAAAcYDAQAAAAHHAwEAAAAByAMBAAAAAckDQAAAAAHLAwEAAAABAQgAAKYEADABCAAApgQAMAe5AwEA9wUAIcUDAQD3BQAhxgMBAPcFACHHAwEA9wUAIcgDAQD3BQAhyQNAAPoFACHLAwEA9wUAIQIAAACcBAAgCAAAqQQAIAe5AwEA9wUAIcUDAQD3BQAhxgMBAPcFACHHAwEA9wUAIcgDAQD3BQAhyQNAAPoFACHLAwEA9wUAIQIAAACfBAAgCAAAqwQAIAIAAACfBAAgCAAAqwQAIAMAAACcBAAgDwAApAQAIBAAAKkEACABAAAAnAQAIAEAAACfBAAgAxUAAJcGACAYAACZBgAgGQAAmAYAIAqiAwAAnAUAMKMDAACyBAAQpAMAAJwFADC5AwEA-wQAIcUDAQD7BAAhxgMBAP0EACHHAwEA_QQAIcgDAQD9BAAhyQNAAIAFACHLAwEA_QQAIQMAAACfBAAgAwAAsQQAMBQAALIEACADAAAAnwQAIAMAAKAEADAEAACcBAAgCaIDAACWBQAwowMAALgEABCkAwAAlgUAMMUDAQCXBQAhxgMBAJgFACHHAwEAmAUAIcgDAQCYBQAhyQNAAJkFACHKAwAAmwUAIAEAAAC1BAAgAQAAALUEACAIogMAAJYFADCjAwAAuAQAEKQDAACWBQAwxQMBAJcFACHGAwEAmAUAIccDAQCYBQAhyAMBAJgFACHJA0AAmQUAIQADAAAAuAQAIAMAALkEADAEAAC1BAAgAwAAALgEACADAAC5BAAwBAAAtQQAIAMAAAC4BAAgAwAAuQQAMAQAALUEACAFxQMBAAAAAcYDAQAAAAHHAwEAAAAByAMBAAAAAckDQAAAAAEBCAAAvQQAIAXFAwEAAAABxgMBAAAAAccDAQAAAAHIAwEAAAAByQNAAAAAAQEIAAC_BAAwAQgAAL8EADAFxQMBAPcFACHGAwEA9wUAIccDAQD3BQAhyAMBAPcFACHJA0AA-gUAIQIAAAC1BAAgCAAAwgQAIAXFAwEA9wUAIcYDAQD3BQAhxwMBAPcFACHIAwEA9wUAIckDQAD6BQAhAgAAALgEACAIAADEBAAgAgAAALgEACAIAADEBAAgAwAAALUEACAPAAC9BAAgEAAAwgQAIAEAAAC1BAAgAQAAALgEACADFQAAlAYAIBgAAJYGACAZAACVBgAgCKIDAACVBQAwowMAAMsEABCkAwAAlQUAMMUDAQD7BAAhxgMBAP0EACHHAwEA_QQAIcgDAQD9BAAhyQNAAIAFACEDAAAAuAQAIAMAAMoEADAUAADLBAAgAwAAALgEACADAAC5BAAwBAAAtQQAIAEAAAAmACABAAAAJgAgAwAAACQAIAMAACUAMAQAACYAIAMAAAAkACADAAAlADAEAAAmACADAAAAJAAgAwAAJQAwBAAAJgAgFhwAAJIGACAgAACTBgAgpgMCAAAAAacDAQAAAAGoAwEAAAABqQMBAAAAAaoDBAAAAAGrAwEAAAABrAMBAAAAAa0DQAAAAAG5AwEAAAABugMBAAAAAbsDAQAAAAG8AwEAAAABvQMBAAAAAb4DAQAAAAG_AwEAAAABwAMgAAAAAcEDAQAAAAHCA0AAAAABwwMBAAAAAcQDQAAAAAEBCAAA0wQAIBSmAwIAAAABpwMBAAAAAagDAQAAAAGpAwEAAAABqgMEAAAAAasDAQAAAAGsAwEAAAABrQNAAAAAAbkDAQAAAAG6AwEAAAABuwMBAAAAAbwDAQAAAAG9AwEAAAABvgMBAAAAAb8DAQAAAAHAAyAAAAABwQMBAAAAAcIDQAAAAAHDAwEAAAABxANAAAAAAQEIAADVBAAwAQgAANUEADAWHAAAhAYAICAAAIUGACCmAwIA9gUAIacDAQD3BQAhqAMBAPcFACGpAwEA9wUAIaoDBAD4BQAhqwMBAPcFACGsAwEA-QUAIa0DQAD6BQAhuQMBAPcFACG6AwEA9wUAIbsDAQD3BQAhvAMBAPcFACG9AwEA9wUAIb4DAQD5BQAhvwMBAPkFACHAAyAAggYAIcEDAQD5BQAhwgNAAIMGACHDAwEA-QUAIcQDQAD6BQAhAgAAACYAIAgAANgEACAUpgMCAPYFACGnAwEA9wUAIagDAQD3BQAhqQMBAPcFACGqAwQA-AUAIasDAQD3BQAhrAMBAPkFACGtA0AA-gUAIbkDAQD3BQAhugMBAPcFACG7AwEA9wUAIbwDAQD3BQAhvQMBAPcFACG-AwEA-QUAIb8DAQD5BQAhwAMgAIIGACHBAwEA-QUAIcIDQACDBgAhwwMBAPkFACHEA0AA-gUAIQIAAAAkACAIAADaBAAgAgAAACQAIAgAANoEACADAAAAJgAgDwAA0wQAIBAAANgEACABAAAAJgAgAQAAACQAIAsVAAD9BQAgFgAA_gUAIBcAAIEGACAYAACABgAgGQAA_wUAIKwDAADwBQAgvgMAAPAFACC_AwAA8AUAIMEDAADwBQAgwgMAAPAFACDDAwAA8AUAIBeiAwAAjgUAMKMDAADhBAAQpAMAAI4FADCmAwIA_AQAIacDAQD9BAAhqAMBAP0EACGpAwEA_QQAIaoDBAD-BAAhqwMBAP0EACGsAwEA_wQAIa0DQACABQAhuQMBAPsEACG6AwEA_QQAIbsDAQD9BAAhvAMBAPsEACG9AwEA_QQAIb4DAQD_BAAhvwMBAP8EACHAAyAAjwUAIcEDAQD_BAAhwgNAAJAFACHDAwEA_wQAIcQDQACABQAhAwAAACQAIAMAAOAEADAUAADhBAAgAwAAACQAIAMAACUAMAQAACYAIAEAAAAqACABAAAAKgAgAwAAACgAIAMAACkAMAQAACoAIAMAAAAoACADAAApADAEAAAqACADAAAAKAAgAwAAKQAwBAAAKgAgCh8AAPwFACClAwEAAAABpgMCAAAAAacDAQAAAAGoAwEAAAABqQMBAAAAAaoDBAAAAAGrAwEAAAABrAMBAAAAAa0DQAAAAAEBCAAA6QQAIAmlAwEAAAABpgMCAAAAAacDAQAAAAGoAwEAAAABqQMBAAAAAaoDBAAAAAGrAwEAAAABrAMBAAAAAa0DQAAAAAEBCAAA6wQAMAEIAADrBAAwCh8AAPsFACClAwEA9wUAIaYDAgD2BQAhpwMBAPcFACGoAwEA9wUAIakDAQD3BQAhqgMEAPgFACGrAwEA9wUAIawDAQD5BQAhrQNAAPoFACECAAAAKgAgCAAA7gQAIAmlAwEA9wUAIaYDAgD2BQAhpwMBAPcFACGoAwEA9wUAIakDAQD3BQAhqgMEAPgFACGrAwEA9wUAIawDAQD5BQAhrQNAAPoFACECAAAAKAAgCAAA8AQAIAIAAAAoACAIAADwBAAgAwAAACoAIA8AAOkEACAQAADuBAAgAQAAACoAIAEAAAAoACAGFQAA8QUAIBYAAPIFACAXAAD1BQAgGAAA9AUAIBkAAPMFACCsAwAA8AUAIAyiAwAA-gQAMKMDAAD3BAAQpAMAAPoEADClAwEA-wQAIaYDAgD8BAAhpwMBAP0EACGoAwEA_QQAIakDAQD9BAAhqgMEAP4EACGrAwEA_QQAIawDAQD_BAAhrQNAAIAFACEDAAAAKAAgAwAA9gQAMBQAAPcEACADAAAAKAAgAwAAKQAwBAAAKgAgDKIDAAD6BAAwowMAAPcEABCkAwAA-gQAMKUDAQD7BAAhpgMCAPwEACGnAwEA_QQAIagDAQD9BAAhqQMBAP0EACGqAwQA_gQAIasDAQD9BAAhrAMBAP8EACGtA0AAgAUAIQsVAACCBQAgGAAAiwUAIBkAAIsFACCuAwEAAAABrwMBAAAABLADAQAAAASxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBAI0FACENFQAAggUAIBYAAIgFACAXAACCBQAgGAAAggUAIBkAAIIFACCuAwIAAAABrwMCAAAABLADAgAAAASxAwIAAAABsgMCAAAAAbMDAgAAAAG0AwIAAAABtQMCAIwFACEOFQAAggUAIBgAAIsFACAZAACLBQAgrgMBAAAAAa8DAQAAAASwAwEAAAAEsQMBAAAAAbIDAQAAAAGzAwEAAAABtAMBAAAAAbUDAQCKBQAhtgMBAAAAAbcDAQAAAAG4AwEAAAABDRUAAIIFACAWAACIBQAgFwAAiQUAIBgAAIkFACAZAACJBQAgrgMEAAAAAa8DBAAAAASwAwQAAAAEsQMEAAAAAbIDBAAAAAGzAwQAAAABtAMEAAAAAbUDBACHBQAhDhUAAIUFACAYAACGBQAgGQAAhgUAIK4DAQAAAAGvAwEAAAAFsAMBAAAABbEDAQAAAAGyAwEAAAABswMBAAAAAbQDAQAAAAG1AwEAhAUAIbYDAQAAAAG3AwEAAAABuAMBAAAAAQsVAACCBQAgGAAAgwUAIBkAAIMFACCuA0AAAAABrwNAAAAABLADQAAAAASxA0AAAAABsgNAAAAAAbMDQAAAAAG0A0AAAAABtQNAAIEFACELFQAAggUAIBgAAIMFACAZAACDBQAgrgNAAAAAAa8DQAAAAASwA0AAAAAEsQNAAAAAAbIDQAAAAAGzA0AAAAABtANAAAAAAbUDQACBBQAhCK4DAgAAAAGvAwIAAAAEsAMCAAAABLEDAgAAAAGyAwIAAAABswMCAAAAAbQDAgAAAAG1AwIAggUAIQiuA0AAAAABrwNAAAAABLADQAAAAASxA0AAAAABsgNAAAAAAbMDQAAAAAG0A0AAAAABtQNAAIMFACEOFQAAhQUAIBgAAIYFACAZAACGBQAgrgMBAAAAAa8DAQAAAAWwAwEAAAAFsQMBAAAAAbIDAQAAAAGzAwEAAAABtAMBAAAAAbUDAQCEBQAhtgMBAAAAAbcDAQAAAAG4AwEAAAABCK4DAgAAAAGvAwIAAAAFsAMCAAAABbEDAgAAAAGyAwIAAAABswMCAAAAAbQDAgAAAAG1AwIAhQUAIQuuAwEAAAABrwMBAAAABbADAQAAAAWxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBAIYFACG2AwEAAAABtwMBAAAAAbgDAQAAAAENFQAAggUAIBYAAIgFACAXAACJBQAgGAAAiQUAIBkAAIkFACCuAwQAAAABrwMEAAAABLADBAAAAASxAwQAAAABsgMEAAAAAbMDBAAAAAG0AwQAAAABtQMEAIcFACEIrgMIAAAAAa8DCAAAAASwAwgAAAAEsQMIAAAAAbIDCAAAAAGzAwgAAAABtAMIAAAAAbUDCACIBQAhCK4DBAAAAAGvAwQAAAAEsAMEAAAABLEDBAAAAAGyAwQAAAABswMEAAAAAbQDBAAAAAG1AwQAiQUAIQ4VAACCBQAgGAAAiwUAIBkAAIsFACCuAwEAAAABrwMBAAAABLADAQAAAASxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBAIoFACG2AwEAAAABtwMBAAAAAbgDAQAAAAELrgMBAAAAAa8DAQAAAASwAwEAAAAEsQMBAAAAAbIDAQAAAAGzAwEAAAABtAMBAAAAAbUDAQCLBQAhtgMBAAAAAbcDAQAAAAG4AwEAAAABDRUAAIIFACAWAACIBQAgFwAAggUAIBgAAIIFACAZAACCBQAgrgMCAAAAAa8DAgAAAASwAwIAAAAEsQMCAAAAAbIDAgAAAAGzAwIAAAABtAMCAAAAAbUDAgCMBQAhCxUAAIIFACAYAACLBQAgGQAAiwUAIK4DAQAAAAGvAwEAAAAEsAMBAAAABLEDAQAAAAGyAwEAAAABswMBAAAAAbQDAQAAAAG1AwEAjQUAIReiAwAAjgUAMKMDAADhBAAQpAMAAI4FADCmAwIA_AQAIacDAQD9BAAhqAMBAP0EACGpAwEA_QQAIaoDBAD-BAAhqwMBAP0EACGsAwEA_wQAIa0DQACABQAhuQMBAPsEACG6AwEA_QQAIbsDAQD9BAAhvAMBAPsEACG9AwEA_QQAIb4DAQD_BAAhvwMBAP8EACHAAyAAjwUAIcEDAQD_BAAhwgNAAJAFACHDAwEA_wQAIcQDQACABQAhBRUAAIIFACAYAACUBQAgGQAAlAUAIK4DIAAAAAG1AyAAkwUAIQsVAACFBQAgGAAAkgUAIBkAAJIFACCuA0AAAAABrwNAAAAABbADQAAAAAWxA0AAAAABsgNAAAAAAbMDQAAAAAG0A0AAAAABtQNAAJEFACELFQAAhQUAIBgAAJIFACAZAACSBQAgrgNAAAAAAa8DQAAAAAWwA0AAAAAFsQNAAAAAAbIDQAAAAAGzA0AAAAABtANAAAAAAbUDQACRBQAhCK4DQAAAAAGvA0AAAAAFsANAAAAABbEDQAAAAAGyA0AAAAABswNAAAAAAbQDQAAAAAG1A0AAkgUAIQUVAACCBQAgGAAAlAUAIBkAAJQFACCuAyAAAAABtQMgAJMFACECrgMgAAAAAbUDIACUBQAhCKIDAACVBQAwowMAAMsEABCkAwAAlQUAMMUDAQD7BAAhxgMBAP0EACHHAwEA_QQAIcgDAQD9BAAhyQNAAIAFACEIogMAAJYFADCjAwAAuAQAEKQDAACWBQAwxQMBAJcFACHGAwEAmAUAIccDAQCYBQAhyAMBAJgFACHJA0AAmQUAIQiuAwEAAAABrwMBAAAABLADAQAAAASxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBAJoFACELrgMBAAAAAa8DAQAAAASwAwEAAAAEsQMBAAAAAbIDAQAAAAGzAwEAAAABtAMBAAAAAbUDAQCLBQAhtgMBAAAAAbcDAQAAAAG4AwEAAAABCK4DQAAAAAGvA0AAAAAEsANAAAAABLEDQAAAAAGyA0AAAAABswNAAAAAAbQDQAAAAAG1A0AAgwUAIQiuAwEAAAABrwMBAAAABLADAQAAAASxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBAJoFACEDxQMBAAAAAcYDAQAAAAHIAwEAAAABCqIDAACcBQAwowMAALIEABCkAwAAnAUAMLkDAQD7BAAhxQMBAPsEACHGAwEA_QQAIccDAQD9BAAhyAMBAP0EACHJA0AAgAUAIcsDAQD9BAAhCqIDAACdBQAwowMAAJ8EABCkAwAAnQUAMLkDAQCXBQAhxQMBAJcFACHGAwEAmAUAIccDAQCYBQAhyAMBAJgFACHJA0AAmQUAIcsDAQCYBQAhCqIDAACeBQAwowMAAJkEABCkAwAAngUAMMUDAQD7BAAhzAMBAP0EACHNAwEA_QQAIc4DAACfBQAgzwMBAP8EACHQAwEA_QQAIdEDQACABQAhDxUAAIUFACAYAACgBQAgGQAAoAUAIK4DgAAAAAGxA4AAAAABsgOAAAAAAbMDgAAAAAG0A4AAAAABtQOAAAAAAdIDAQAAAAHTAwEAAAAB1AMBAAAAAdUDgAAAAAHWA4AAAAAB1wOAAAAAAQyuA4AAAAABsQOAAAAAAbIDgAAAAAGzA4AAAAABtAOAAAAAAbUDgAAAAAHSAwEAAAAB0wMBAAAAAdQDAQAAAAHVA4AAAAAB1gOAAAAAAdcDgAAAAAEKogMAAKEFADCjAwAAhgQAEKQDAAChBQAwxQMBAJcFACHMAwEAmAUAIc0DAQCYBQAhzgMAAKIFACDPAwEAowUAIdADAQCYBQAh0QNAAJkFACEMrgOAAAAAAbEDgAAAAAGyA4AAAAABswOAAAAAAbQDgAAAAAG1A4AAAAAB0gMBAAAAAdMDAQAAAAHUAwEAAAAB1QOAAAAAAdYDgAAAAAHXA4AAAAABC64DAQAAAAGvAwEAAAAFsAMBAAAABbEDAQAAAAGyAwEAAAABswMBAAAAAbQDAQAAAAG1AwEAhgUAIbYDAQAAAAG3AwEAAAABuAMBAAAAAQPFAwEAAAABzAMBAAAAAc0DAQAAAAESogMAAKUFADCjAwAAgAQAEKQDAAClBQAwuQMBAPsEACG6AwEA_QQAIb8DAQD9BAAhxANAAIAFACHRA0AAgAUAIdkDAQD9BAAh2gMCAPwEACHbAwIApgUAIdwDAQD9BAAh3QNAAJAFACHeAwEA_wQAId8DAQD_BAAh4AMBAP8EACHhAwAAnwUAIOIDAQD_BAAhDRUAAIUFACAWAACoBQAgFwAAhQUAIBgAAIUFACAZAACFBQAgrgMCAAAAAa8DAgAAAAWwAwIAAAAFsQMCAAAAAbIDAgAAAAGzAwIAAAABtAMCAAAAAbUDAgCnBQAhDRUAAIUFACAWAACoBQAgFwAAhQUAIBgAAIUFACAZAACFBQAgrgMCAAAAAa8DAgAAAAWwAwIAAAAFsQMCAAAAAbIDAgAAAAGzAwIAAAABtAMCAAAAAbUDAgCnBQAhCK4DCAAAAAGvAwgAAAAFsAMIAAAABbEDCAAAAAGyAwgAAAABswMIAAAAAbQDCAAAAAG1AwgAqAUAIRKiAwAAqQUAMKMDAADtAwAQpAMAAKkFADC5AwEAlwUAIboDAQCYBQAhvwMBAJgFACHEA0AAmQUAIdEDQACZBQAh2QMBAJgFACHaAwIAqgUAIdsDAgCrBQAh3AMBAJgFACHdA0AArAUAId4DAQCjBQAh3wMBAKMFACHgAwEAowUAIeEDAACiBQAg4gMBAKMFACEIrgMCAAAAAa8DAgAAAASwAwIAAAAEsQMCAAAAAbIDAgAAAAGzAwIAAAABtAMCAAAAAbUDAgCCBQAhCK4DAgAAAAGvAwIAAAAFsAMCAAAABbEDAgAAAAGyAwIAAAABswMCAAAAAbQDAgAAAAG1AwIAhQUAIQiuA0AAAAABrwNAAAAABbADQAAAAAWxA0AAAAABsgNAAAAAAbMDQAAAAAG0A0AAAAABtQNAAJIFACEGogMAAK0FADCjAwAA5wMAEKQDAACtBQAwugMBAP0EACHRA0AAgAUAIeMDAACuBQAgDxUAAIIFACAYAACvBQAgGQAArwUAIK4DgAAAAAGxA4AAAAABsgOAAAAAAbMDgAAAAAG0A4AAAAABtQOAAAAAAdIDAQAAAAHTAwEAAAAB1AMBAAAAAdUDgAAAAAHWA4AAAAAB1wOAAAAAAQyuA4AAAAABsQOAAAAAAbIDgAAAAAGzA4AAAAABtAOAAAAAAbUDgAAAAAHSAwEAAAAB0wMBAAAAAdQDAQAAAAHVA4AAAAAB1gOAAAAAAdcDgAAAAAEGogMAALAFADCjAwAA1AMAEKQDAACwBQAwugMBAJgFACHRA0AAmQUAIeMDAACxBQAgDK4DgAAAAAGxA4AAAAABsgOAAAAAAbMDgAAAAAG0A4AAAAABtQOAAAAAAdIDAQAAAAHTAwEAAAAB1AMBAAAAAdUDgAAAAAHWA4AAAAAB1wOAAAAAAQ2iAwAAsgUAMKMDAADOAwAQpAMAALIFADC6AwEA_QQAIcQDQACABQAhxQMBALMFACHLAwEA_wQAIc8DAQD9BAAh3AMBAP0EACHjAwAAnwUAIOQDAgD8BAAh5QMBAP0EACHmAwAArgUAIAsVAACFBQAgGAAAhgUAIBkAAIYFACCuAwEAAAABrwMBAAAABbADAQAAAAWxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBALQFACELFQAAhQUAIBgAAIYFACAZAACGBQAgrgMBAAAAAa8DAQAAAAWwAwEAAAAFsQMBAAAAAbIDAQAAAAGzAwEAAAABtAMBAAAAAbUDAQC0BQAhDaIDAAC1BQAwowMAALsDABCkAwAAtQUAMLoDAQCYBQAhxANAAJkFACHFAwEAtgUAIcsDAQCjBQAhzwMBAJgFACHcAwEAmAUAIeMDAACiBQAg5AMCAKoFACHlAwEAmAUAIeYDAACxBQAgCK4DAQAAAAGvAwEAAAAFsAMBAAAABbEDAQAAAAGyAwEAAAABswMBAAAAAbQDAQAAAAG1AwEAtwUAIQiuAwEAAAABrwMBAAAABbADAQAAAAWxAwEAAAABsgMBAAAAAbMDAQAAAAG0AwEAAAABtQMBALcFACECugMBAAAAAeQDAgAAAAEHogMAALkFADCjAwAAtQMAEKQDAAC5BQAwugMBAP0EACG_AwEA_QQAIegDAQD9BAAh6QNAAIAFACEHogMAALoFADCjAwAAogMAEKQDAAC6BQAwugMBAJgFACG_AwEAmAUAIegDAQCYBQAh6QNAAJkFACECugMBAAAAAegDAQAAAAERogMAALwFADCjAwAAnAMAEKQDAAC8BQAwuQMBAPsEACG6AwEA_QQAIb8DAQD9BAAhxANAAIAFACHRA0AAgAUAIdwDAQD7BAAh6AMBAP0EACHrAwEA_QQAIewDAgCmBQAh7QMCAPwEACHuAwIA_AQAIe8DAgD8BAAh8AMBAP8EACHxAwEA_wQAIRGiAwAAvQUAMKMDAACJAwAQpAMAAL0FADC5AwEAlwUAIboDAQCYBQAhvwMBAJgFACHEA0AAmQUAIdEDQACZBQAh3AMBAJcFACHoAwEAmAUAIesDAQCYBQAh7AMCAKsFACHtAwIAqgUAIe4DAgCqBQAh7wMCAKoFACHwAwEAowUAIfEDAQCjBQAhAroDAQAAAAHoAwEAAAABCaIDAAC_BQAwowMAAIMDABCkAwAAvwUAMLoDAQD9BAAhvAMBAPsEACHyAwEA_QQAIfMDAgD8BAAh9AMAAK4FACD1A0AAgAUAIQmiAwAAwAUAMKMDAADwAgAQpAMAAMAFADC6AwEAmAUAIbwDAQCXBQAh8gMBAJgFACHzAwIAqgUAIfQDAACxBQAg9QNAAJkFACEDugMBAAAAAbwDAQAAAAHyAwEAAAABCKIDAADCBQAwowMAAOoCABCkAwAAwgUAMLoDAQD9BAAhvAMBAPsEACHEA0AAgAUAIfcDAQD9BAAh-AMBAP0EACEIogMAAMMFADCjAwAA1wIAEKQDAADDBQAwugMBAJgFACG8AwEAlwUAIcQDQACZBQAh9wMBAJgFACH4AwEAmAUAIQK6AwEAAAAB9wMBAAAAAQqiAwAAxQUAMKMDAADRAgAQpAMAAMUFADC5AwQA_gQAIboDAQD9BAAhuwMBAP0EACG8AwEA-wQAIcQDQACABQAhzQMBAP0EACH6AwEA_QQAIQqiAwAAxgUAMKMDAAC-AgAQpAMAAMYFADC5AwQAxwUAIboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIcQDQACZBQAhzQMBAJgFACH6AwEAmAUAIQiuAwQAAAABrwMEAAAABLADBAAAAASxAwQAAAABsgMEAAAAAbMDBAAAAAG0AwQAAAABtQMEAIkFACEIogMAAMgFADCjAwAAuAIAEKQDAADIBQAwuQMBAPsEACHMAwEA_QQAIfsDQACABQAh_ANAAIAFACH9AwQA_gQAIQiiAwAAyQUAMKMDAAClAgAQpAMAAMkFADC5AwEAlwUAIcwDAQCYBQAh-wNAAJkFACH8A0AAmQUAIf0DBADHBQAhDKIDAADKBQAwowMAAJ8CABCkAwAAygUAMLkDAQD7BAAhugMBAP0EACHEA0AAgAUAIfsDQACQBQAh_ANAAIAFACH-AwEA-wQAIf8DAQD7BAAhgAQBAP0EACGBBEAAkAUAIQyiAwAAywUAMKMDAACMAgAQpAMAAMsFADC5AwEAlwUAIboDAQCYBQAhxANAAJkFACH7A0AArAUAIfwDQACZBQAh_gMBAJcFACH_AwEAlwUAIYAEAQCYBQAhgQRAAKwFACEHogMAAMwFADCjAwAAhgIAEKQDAADMBQAwugMBAP0EACGCBAEA_QQAIYMEAQD9BAAhhARAAIAFACEHogMAAM0FADCjAwAA8wEAEKQDAADNBQAwugMBAJgFACGCBAEAmAUAIYMEAQCYBQAhhARAAJkFACEDugMBAAAAAYIEAQAAAAGDBAEAAAABCKIDAADPBQAwowMAAO0BABCkAwAAzwUAMLkDBAD-BAAhugMBAP0EACHJA0AAgAUAIYIEAQD9BAAhgwQBAP0EACEIogMAANAFADCjAwAA2gEAEKQDAADQBQAwuQMEAMcFACG6AwEAmAUAIckDQACZBQAhggQBAJgFACGDBAEAmAUAIQ6iAwAA0QUAMKMDAADUAQAQpAMAANEFADC5AwEA-wQAIboDAQD9BAAhxANAAIAFACH8A0AAgAUAIYIEAQD9BAAhgwQBAP0EACGGBAEA_QQAIYcEAADSBQAgiAQCAPwEACGJBAIApgUAIYoEQACQBQAhBK4DAQAAAAWLBAEAAAABjAQBAAAABI0EAQAAAAQOogMAANMFADCjAwAAwQEAEKQDAADTBQAwuQMBAJcFACG6AwEAmAUAIcQDQACZBQAh_ANAAJkFACGCBAEAmAUAIYMEAQCYBQAhhgQBAJgFACGHBAAA0gUAIIgEAgCqBQAhiQQCAKsFACGKBEAArAUAIRWiAwAA1AUAMKMDAAC7AQAQpAMAANQFADC5AwEA-wQAIboDAQD9BAAhvAMBALMFACG_AwEA_QQAIcQDQACABQAhhARAAJAFACGIBAIA_AQAIYkEAgD8BAAhjgQBAP0EACGPBAEA_wQAIZAEAQD9BAAhkQQAAK4FACCSBAEA_QQAIZMEQACABQAhlAQBAP8EACGVBAEA_wQAIZYEAQD_BAAhlwRAAJAFACEVogMAANUFADCjAwAAqAEAEKQDAADVBQAwuQMBAJcFACG6AwEAmAUAIbwDAQC2BQAhvwMBAJgFACHEA0AAmQUAIYQEQACsBQAhiAQCAKoFACGJBAIAqgUAIY4EAQCYBQAhjwQBAKMFACGQBAEAmAUAIZEEAACxBQAgkgQBAJgFACGTBEAAmQUAIZQEAQCjBQAhlQQBAKMFACGWBAEAowUAIZcEQACsBQAhD6IDAADWBQAwowMAAKIBABCkAwAA1gUAMLkDAQD7BAAhugMBAP0EACG_AwEA_QQAIcQDQACABQAhxwMBAP0EACGYBAEA_wQAIZkEAQD_BAAhmgQBAP8EACGbBAAArgUAIJwEAQD_BAAhnQQgAI8FACGeBAEA_wQAIQ-iAwAA1wUAMKMDAACPAQAQpAMAANcFADC5AwEAlwUAIboDAQCYBQAhvwMBAJgFACHEA0AAmQUAIccDAQCYBQAhmAQBAKMFACGZBAEAowUAIZoEAQCjBQAhmwQAALEFACCcBAEAowUAIZ0EIADYBQAhngQBAKMFACECrgMgAAAAAbUDIACUBQAhAroDAQAAAAGYBAEAAAABAroDAQAAAAGZBAEAAAABEqIDAADbBQAwowMAAIkBABCkAwAA2wUAMLkDBAD-BAAhugMBAP0EACG7AwEA_wQAIbwDAQCzBQAhxgMBAP8EACHHAwEA_wQAIckDQACABQAh-gMBAP8EACGhBAEA_QQAIaIEAQD9BAAhowQAAJ8FACCkBAAAnwUAIKUEAACfBQAgpgQBAP8EACGnBAEA_QQAIRKiAwAA3AUAMKMDAAB2ABCkAwAA3AUAMLkDBADHBQAhugMBAJgFACG7AwEAowUAIbwDAQC2BQAhxgMBAKMFACHHAwEAowUAIckDQACZBQAh-gMBAKMFACGhBAEAmAUAIaIEAQCYBQAhowQAAKIFACCkBAAAogUAIKUEAACiBQAgpgQBAKMFACGnBAEAmAUAIRSiAwAA3QUAMKMDAABwABCkAwAA3QUAMLkDBAD-BAAhugMBAP0EACG7AwEA_QQAIbwDAQD7BAAhxgMBAP8EACHHAwEA_wQAIckDQACABQAhogQBAP0EACGoBAEA_QQAIakEAQD_BAAhqgQBAP8EACGrBCAAjwUAIawEAQD_BAAhrQQAAJ8FACCuBAEA_wQAIa8EAQD_BAAhsAQAANIFACAIogMAAN4FADCjAwAAWgAQpAMAAN4FADC6AwEA_QQAIbsDAQD9BAAhvAMBAPsEACGxBAEA_QQAIbIEAQD9BAAhDwgAAK4FACCiAwAA3wUAMKMDAABEABCkAwAA3wUAMKYDAgD8BAAhuQMBAPsEACG6AwEA_QQAIbsDAQD9BAAhxANAAIAFACHRA0AAgAUAIdsDAgCmBQAh3AMBAP8EACGzBAEA_wQAIbQEAADSBQAgtQRAAJAFACESCAAAsQUAIB0AAOEFACAeAADiBQAgIQAA4wUAIKIDAADgBQAwowMAADEAEKQDAADgBQAwpgMCAKoFACG5AwEAlwUAIboDAQCYBQAhuwMBAJgFACHEA0AAmQUAIdEDQACZBQAh2wMCAKsFACHcAwEAowUAIbMEAQCjBQAhtAQAANIFACC1BEAArAUAIQO2BAAAHAAgtwQAABwAILgEAAAcACADtgQAACAAILcEAAAgACC4BAAAIAAgA7YEAAAkACC3BAAAJAAguAQAACQAIAKlAwEAAAABpgMCAAAAAQ0fAADmBQAgogMAAOUFADCjAwAAKAAQpAMAAOUFADClAwEAlwUAIaYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACEbHAAA6AUAICAAAOkFACCiAwAA5wUAMKMDAAAkABCkAwAA5wUAMKYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACG5AwEAlwUAIboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIb0DAQCYBQAhvgMBAKMFACG_AwEAowUAIcADIADYBQAhwQMBAKMFACHCA0AArAUAIcMDAQCjBQAhxANAAJkFACG8BAAAJAAgvQQAACQAIBkcAADoBQAgIAAA6QUAIKIDAADnBQAwowMAACQAEKQDAADnBQAwpgMCAKoFACGnAwEAmAUAIagDAQCYBQAhqQMBAJgFACGqAwQAxwUAIasDAQCYBQAhrAMBAKMFACGtA0AAmQUAIbkDAQCXBQAhugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhvQMBAJgFACG-AwEAowUAIb8DAQCjBQAhwAMgANgFACHBAwEAowUAIcIDQACsBQAhwwMBAKMFACHEA0AAmQUAIRQIAACxBQAgHQAA4QUAIB4AAOIFACAhAADjBQAgogMAAOAFADCjAwAAMQAQpAMAAOAFADCmAwIAqgUAIbkDAQCXBQAhugMBAJgFACG7AwEAmAUAIcQDQACZBQAh0QNAAJkFACHbAwIAqwUAIdwDAQCjBQAhswQBAKMFACG0BAAA0gUAILUEQACsBQAhvAQAADEAIL0EAAAxACADtgQAACgAILcEAAAoACC4BAAAKAAgFRwAAOgFACCiAwAA6gUAMKMDAAAgABCkAwAA6gUAMLkDBADHBQAhugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhxgMBAKMFACHHAwEAowUAIckDQACZBQAhogQBAJgFACGoBAEAmAUAIakEAQCjBQAhqgQBAKMFACGrBCAA2AUAIawEAQCjBQAhrQQAAKIFACCuBAEAowUAIa8EAQCjBQAhsAQAANIFACAEugMBAAAAAbsDAQAAAAGxBAEAAAABsgQBAAAAAQkcAADoBQAgogMAAOwFADCjAwAAHAAQpAMAAOwFADC6AwEAmAUAIbsDAQCYBQAhvAMBAJcFACGxBAEAmAUAIbIEAQCYBQAhDqIDAADtBQAwowMAABcAEKQDAADtBQAwpgMCAPwEACG5AwEA-wQAIboDAQD9BAAhvwMBAP0EACHEA0AAgAUAIcwDAQD9BAAhzQMBAP0EACHOAwAArgUAIM8DAQD9BAAh3AMBAP8EACH0AwAAnwUAIA6iAwAA7gUAMKMDAAAEABCkAwAA7gUAMKYDAgCqBQAhuQMBAJcFACG6AwEAmAUAIb8DAQCYBQAhxANAAJkFACHMAwEAmAUAIc0DAQCYBQAhzgMAALEFACDPAwEAmAUAIdwDAQCjBQAh9AMAAKIFACAEpgMCAAAAAboDAQAAAAHMAwEAAAABzQMBAAAAAQAAAAAAAAXBBAIAAAAByAQCAAAAAckEAgAAAAHKBAIAAAABywQCAAAAAQHBBAEAAAABBcEEBAAAAAHIBAQAAAAByQQEAAAAAcoEBAAAAAHLBAQAAAABAcEEAQAAAAEBwQRAAAAAAQUPAADBBwAgEAAAxAcAIL4EAADCBwAgvwQAAMMHACDEBAAAJgAgAw8AAMEHACC-BAAAwgcAIMQEAAAmACAAAAAAAAHBBCAAAAABAcEEQAAAAAEFDwAAuwcAIBAAAL8HACC-BAAAvAcAIL8EAAC-BwAgxAQAABoAIAsPAACGBgAwEAAAiwYAML4EAACHBgAwvwQAAIgGADDABAAAiQYAIMEEAACKBgAwwgQAAIoGADDDBAAAigYAMMQEAACKBgAwxQQAAIwGADDGBAAAjQYAMAimAwIAAAABpwMBAAAAAagDAQAAAAGpAwEAAAABqgMEAAAAAasDAQAAAAGsAwEAAAABrQNAAAAAAQIAAAAqACAPAACRBgAgAwAAACoAIA8AAJEGACAQAACQBgAgAQgAAL0HADAOHwAA5gUAIKIDAADlBQAwowMAACgAEKQDAADlBQAwpQMBAJcFACGmAwIAqgUAIacDAQCYBQAhqAMBAJgFACGpAwEAmAUAIaoDBADHBQAhqwMBAJgFACGsAwEAowUAIa0DQACZBQAhuQQAAOQFACACAAAAKgAgCAAAkAYAIAIAAACOBgAgCAAAjwYAIAyiAwAAjQYAMKMDAACOBgAQpAMAAI0GADClAwEAlwUAIaYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACEMogMAAI0GADCjAwAAjgYAEKQDAACNBgAwpQMBAJcFACGmAwIAqgUAIacDAQCYBQAhqAMBAJgFACGpAwEAmAUAIaoDBADHBQAhqwMBAJgFACGsAwEAowUAIa0DQACZBQAhCKYDAgD2BQAhpwMBAPcFACGoAwEA9wUAIakDAQD3BQAhqgMEAPgFACGrAwEA9wUAIawDAQD5BQAhrQNAAPoFACEIpgMCAPYFACGnAwEA9wUAIagDAQD3BQAhqQMBAPcFACGqAwQA-AUAIasDAQD3BQAhrAMBAPkFACGtA0AA-gUAIQimAwIAAAABpwMBAAAAAagDAQAAAAGpAwEAAAABqgMEAAAAAasDAQAAAAGsAwEAAAABrQNAAAAAAQMPAAC7BwAgvgQAALwHACDEBAAAGgAgBA8AAIYGADC-BAAAhwYAMMAEAACJBgAgxAQAAIoGADAAAAAAAAAAAAAAAAAAAAXBBAIAAAAByAQCAAAAAckEAgAAAAHKBAIAAAABywQCAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAsEEAQAAAATHBAEAAAAFAcEEAQAAAAQAAAAAAAAAAAAAAAAAAAAAAAACwQQBAAAABMcEAQAAAAUFDwAAtgcAIBAAALkHACC-BAAAtwcAIL8EAAC4BwAgxAQAABoAIAHBBAEAAAAEAw8AALYHACC-BAAAtwcAIMQEAAAaACAAAAAFDwAAsQcAIBAAALQHACC-BAAAsgcAIL8EAACzBwAgxAQAABoAIAMPAACxBwAgvgQAALIHACDEBAAAGgAgAAAAAAACwQQBAAAABMcEAQAAAAULDwAAkwcAMBAAAJgHADC-BAAAlAcAML8EAACVBwAwwAQAAJYHACDBBAAAlwcAMMIEAACXBwAwwwQAAJcHADDEBAAAlwcAMMUEAACZBwAwxgQAAJoHADALDwAAhwcAMBAAAIwHADC-BAAAiAcAML8EAACJBwAwwAQAAIoHACDBBAAAiwcAMMIEAACLBwAwwwQAAIsHADDEBAAAiwcAMMUEAACNBwAwxgQAAI4HADALDwAA-wYAMBAAAIAHADC-BAAA_AYAML8EAAD9BgAwwAQAAP4GACDBBAAA_wYAMMIEAAD_BgAwwwQAAP8GADDEBAAA_wYAMMUEAACBBwAwxgQAAIIHADAUIAAAkwYAIKYDAgAAAAGnAwEAAAABqAMBAAAAAakDAQAAAAGqAwQAAAABqwMBAAAAAawDAQAAAAGtA0AAAAABuQMBAAAAAboDAQAAAAG7AwEAAAABvQMBAAAAAb4DAQAAAAG_AwEAAAABwAMgAAAAAcEDAQAAAAHCA0AAAAABwwMBAAAAAcQDQAAAAAECAAAAJgAgDwAAhgcAIAMAAAAmACAPAACGBwAgEAAAhQcAIAEIAACwBwAwGRwAAOgFACAgAADpBQAgogMAAOcFADCjAwAAJAAQpAMAAOcFADCmAwIAqgUAIacDAQCYBQAhqAMBAJgFACGpAwEAmAUAIaoDBADHBQAhqwMBAJgFACGsAwEAowUAIa0DQACZBQAhuQMBAAAAAboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIb0DAQCYBQAhvgMBAKMFACG_AwEAowUAIcADIADYBQAhwQMBAKMFACHCA0AArAUAIcMDAQCjBQAhxANAAJkFACECAAAAJgAgCAAAhQcAIAIAAACDBwAgCAAAhAcAIBeiAwAAggcAMKMDAACDBwAQpAMAAIIHADCmAwIAqgUAIacDAQCYBQAhqAMBAJgFACGpAwEAmAUAIaoDBADHBQAhqwMBAJgFACGsAwEAowUAIa0DQACZBQAhuQMBAJcFACG6AwEAmAUAIbsDAQCYBQAhvAMBAJcFACG9AwEAmAUAIb4DAQCjBQAhvwMBAKMFACHAAyAA2AUAIcEDAQCjBQAhwgNAAKwFACHDAwEAowUAIcQDQACZBQAhF6IDAACCBwAwowMAAIMHABCkAwAAggcAMKYDAgCqBQAhpwMBAJgFACGoAwEAmAUAIakDAQCYBQAhqgMEAMcFACGrAwEAmAUAIawDAQCjBQAhrQNAAJkFACG5AwEAlwUAIboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIb0DAQCYBQAhvgMBAKMFACG_AwEAowUAIcADIADYBQAhwQMBAKMFACHCA0AArAUAIcMDAQCjBQAhxANAAJkFACETpgMCAPYFACGnAwEA9wUAIagDAQD3BQAhqQMBAPcFACGqAwQA-AUAIasDAQD3BQAhrAMBAPkFACGtA0AA-gUAIbkDAQD3BQAhugMBAPcFACG7AwEA9wUAIb0DAQD3BQAhvgMBAPkFACG_AwEA-QUAIcADIACCBgAhwQMBAPkFACHCA0AAgwYAIcMDAQD5BQAhxANAAPoFACEUIAAAhQYAIKYDAgD2BQAhpwMBAPcFACGoAwEA9wUAIakDAQD3BQAhqgMEAPgFACGrAwEA9wUAIawDAQD5BQAhrQNAAPoFACG5AwEA9wUAIboDAQD3BQAhuwMBAPcFACG9AwEA9wUAIb4DAQD5BQAhvwMBAPkFACHAAyAAggYAIcEDAQD5BQAhwgNAAIMGACHDAwEA-QUAIcQDQAD6BQAhFCAAAJMGACCmAwIAAAABpwMBAAAAAagDAQAAAAGpAwEAAAABqgMEAAAAAasDAQAAAAGsAwEAAAABrQNAAAAAAbkDAQAAAAG6AwEAAAABuwMBAAAAAb0DAQAAAAG-AwEAAAABvwMBAAAAAcADIAAAAAHBAwEAAAABwgNAAAAAAcMDAQAAAAHEA0AAAAABELkDBAAAAAG6AwEAAAABuwMBAAAAAcYDAQAAAAHHAwEAAAAByQNAAAAAAaIEAQAAAAGoBAEAAAABqQQBAAAAAaoEAQAAAAGrBCAAAAABrAQBAAAAAa0EgAAAAAGuBAEAAAABrwQBAAAAAbAEAADrBgAgAgAAACIAIA8AAJIHACADAAAAIgAgDwAAkgcAIBAAAJEHACABCAAArwcAMBUcAADoBQAgogMAAOoFADCjAwAAIAAQpAMAAOoFADC5AwQAAAABugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhxgMBAKMFACHHAwEAowUAIckDQACZBQAhogQBAJgFACGoBAEAmAUAIakEAQCjBQAhqgQBAKMFACGrBCAA2AUAIawEAQCjBQAhrQQAAKIFACCuBAEAowUAIa8EAQCjBQAhsAQAANIFACACAAAAIgAgCAAAkQcAIAIAAACPBwAgCAAAkAcAIBSiAwAAjgcAMKMDAACPBwAQpAMAAI4HADC5AwQAxwUAIboDAQCYBQAhuwMBAJgFACG8AwEAlwUAIcYDAQCjBQAhxwMBAKMFACHJA0AAmQUAIaIEAQCYBQAhqAQBAJgFACGpBAEAowUAIaoEAQCjBQAhqwQgANgFACGsBAEAowUAIa0EAACiBQAgrgQBAKMFACGvBAEAowUAIbAEAADSBQAgFKIDAACOBwAwowMAAI8HABCkAwAAjgcAMLkDBADHBQAhugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhxgMBAKMFACHHAwEAowUAIckDQACZBQAhogQBAJgFACGoBAEAmAUAIakEAQCjBQAhqgQBAKMFACGrBCAA2AUAIawEAQCjBQAhrQQAAKIFACCuBAEAowUAIa8EAQCjBQAhsAQAANIFACAQuQMEAPgFACG6AwEA9wUAIbsDAQD3BQAhxgMBAPkFACHHAwEA-QUAIckDQAD6BQAhogQBAPcFACGoBAEA9wUAIakEAQD5BQAhqgQBAPkFACGrBCAAggYAIawEAQD5BQAhrQSAAAAAAa4EAQD5BQAhrwQBAPkFACGwBAAA6QYAIBC5AwQA-AUAIboDAQD3BQAhuwMBAPcFACHGAwEA-QUAIccDAQD5BQAhyQNAAPoFACGiBAEA9wUAIagEAQD3BQAhqQQBAPkFACGqBAEA-QUAIasEIACCBgAhrAQBAPkFACGtBIAAAAABrgQBAPkFACGvBAEA-QUAIbAEAADpBgAgELkDBAAAAAG6AwEAAAABuwMBAAAAAcYDAQAAAAHHAwEAAAAByQNAAAAAAaIEAQAAAAGoBAEAAAABqQQBAAAAAaoEAQAAAAGrBCAAAAABrAQBAAAAAa0EgAAAAAGuBAEAAAABrwQBAAAAAbAEAADrBgAgBLoDAQAAAAG7AwEAAAABsQQBAAAAAbIEAQAAAAECAAAAHgAgDwAAngcAIAMAAAAeACAPAACeBwAgEAAAnQcAIAEIAACuBwAwChwAAOgFACCiAwAA7AUAMKMDAAAcABCkAwAA7AUAMLoDAQCYBQAhuwMBAJgFACG8AwEAlwUAIbEEAQCYBQAhsgQBAJgFACG6BAAA6wUAIAIAAAAeACAIAACdBwAgAgAAAJsHACAIAACcBwAgCKIDAACaBwAwowMAAJsHABCkAwAAmgcAMLoDAQCYBQAhuwMBAJgFACG8AwEAlwUAIbEEAQCYBQAhsgQBAJgFACEIogMAAJoHADCjAwAAmwcAEKQDAACaBwAwugMBAJgFACG7AwEAmAUAIbwDAQCXBQAhsQQBAJgFACGyBAEAmAUAIQS6AwEA9wUAIbsDAQD3BQAhsQQBAPcFACGyBAEA9wUAIQS6AwEA9wUAIbsDAQD3BQAhsQQBAPcFACGyBAEA9wUAIQS6AwEAAAABuwMBAAAAAbEEAQAAAAGyBAEAAAABAcEEAQAAAAQEDwAAkwcAML4EAACUBwAwwAQAAJYHACDEBAAAlwcAMAQPAACHBwAwvgQAAIgHADDABAAAigcAIMQEAACLBwAwBA8AAPsGADC-BAAA_AYAMMAEAAD-BgAgxAQAAP8GADAAAAAIHAAApwcAICAAAKgHACCsAwAA8AUAIL4DAADwBQAgvwMAAPAFACDBAwAA8AUAIMIDAADwBQAgwwMAAPAFACAHHQAAowcAIB4AAKQHACAhAAClBwAg2wMAAPAFACDcAwAA8AUAILMEAADwBQAgtQQAAPAFACAAAAAAAAAEugMBAAAAAbsDAQAAAAGxBAEAAAABsgQBAAAAARC5AwQAAAABugMBAAAAAbsDAQAAAAHGAwEAAAABxwMBAAAAAckDQAAAAAGiBAEAAAABqAQBAAAAAakEAQAAAAGqBAEAAAABqwQgAAAAAawEAQAAAAGtBIAAAAABrgQBAAAAAa8EAQAAAAGwBAAA6wYAIBOmAwIAAAABpwMBAAAAAagDAQAAAAGpAwEAAAABqgMEAAAAAasDAQAAAAGsAwEAAAABrQNAAAAAAbkDAQAAAAG6AwEAAAABuwMBAAAAAb0DAQAAAAG-AwEAAAABvwMBAAAAAcADIAAAAAHBAwEAAAABwgNAAAAAAcMDAQAAAAHEA0AAAAABDgiAAAAAAR4AAKEHACAhAACiBwAgpgMCAAAAAbkDAQAAAAG6AwEAAAABuwMBAAAAAcQDQAAAAAHRA0AAAAAB2wMCAAAAAdwDAQAAAAGzBAEAAAABtAQAAJ8HACC1BEAAAAABAgAAABoAIA8AALEHACADAAAAMQAgDwAAsQcAIBAAALUHACAPAAAAMQAgCIAAtQcAIR4AAPkGACAhAAD6BgAgpgMCAPYFACG5AwEA9wUAIboDAQD3BQAhuwMBAPcFACHEA0AA-gUAIdEDQAD6BQAh2wMCAKIGACHcAwEA-QUAIbMEAQD5BQAhtAQAAPcGACC1BEAAgwYAIQ4IgAAAAAEeAAD5BgAgIQAA-gYAIKYDAgD2BQAhuQMBAPcFACG6AwEA9wUAIbsDAQD3BQAhxANAAPoFACHRA0AA-gUAIdsDAgCiBgAh3AMBAPkFACGzBAEA-QUAIbQEAAD3BgAgtQRAAIMGACEOCIAAAAABHQAAoAcAICEAAKIHACCmAwIAAAABuQMBAAAAAboDAQAAAAG7AwEAAAABxANAAAAAAdEDQAAAAAHbAwIAAAAB3AMBAAAAAbMEAQAAAAG0BAAAnwcAILUEQAAAAAECAAAAGgAgDwAAtgcAIAMAAAAxACAPAAC2BwAgEAAAugcAIA8AAAAxACAIgAC6BwAhHQAA-AYAICEAAPoGACCmAwIA9gUAIbkDAQD3BQAhugMBAPcFACG7AwEA9wUAIcQDQAD6BQAh0QNAAPoFACHbAwIAogYAIdwDAQD5BQAhswQBAPkFACG0BAAA9wYAILUEQACDBgAhDgiAAAAAAR0AAPgGACAhAAD6BgAgpgMCAPYFACG5AwEA9wUAIboDAQD3BQAhuwMBAPcFACHEA0AA-gUAIdEDQAD6BQAh2wMCAKIGACHcAwEA-QUAIbMEAQD5BQAhtAQAAPcGACC1BEAAgwYAIQ4IgAAAAAEdAACgBwAgHgAAoQcAIKYDAgAAAAG5AwEAAAABugMBAAAAAbsDAQAAAAHEA0AAAAAB0QNAAAAAAdsDAgAAAAHcAwEAAAABswQBAAAAAbQEAACfBwAgtQRAAAAAAQIAAAAaACAPAAC7BwAgCKYDAgAAAAGnAwEAAAABqAMBAAAAAakDAQAAAAGqAwQAAAABqwMBAAAAAawDAQAAAAGtA0AAAAABAwAAADEAIA8AALsHACAQAADABwAgDwAAADEAIAiAAMAHACEdAAD4BgAgHgAA-QYAIKYDAgD2BQAhuQMBAPcFACG6AwEA9wUAIbsDAQD3BQAhxANAAPoFACHRA0AA-gUAIdsDAgCiBgAh3AMBAPkFACGzBAEA-QUAIbQEAAD3BgAgtQRAAIMGACEOCIAAAAABHQAA-AYAIB4AAPkGACCmAwIA9gUAIbkDAQD3BQAhugMBAPcFACG7AwEA9wUAIcQDQAD6BQAh0QNAAPoFACHbAwIAogYAIdwDAQD5BQAhswQBAPkFACG0BAAA9wYAILUEQACDBgAhFRwAAJIGACCmAwIAAAABpwMBAAAAAagDAQAAAAGpAwEAAAABqgMEAAAAAasDAQAAAAGsAwEAAAABrQNAAAAAAbkDAQAAAAG6AwEAAAABuwMBAAAAAbwDAQAAAAG9AwEAAAABvgMBAAAAAb8DAQAAAAHAAyAAAAABwQMBAAAAAcIDQAAAAAHDAwEAAAABxANAAAAAAQIAAAAmACAPAADBBwAgAwAAACQAIA8AAMEHACAQAADFBwAgFwAAACQAIAgAAMUHACAcAACEBgAgpgMCAPYFACGnAwEA9wUAIagDAQD3BQAhqQMBAPcFACGqAwQA-AUAIasDAQD3BQAhrAMBAPkFACGtA0AA-gUAIbkDAQD3BQAhugMBAPcFACG7AwEA9wUAIbwDAQD3BQAhvQMBAPcFACG-AwEA-QUAIb8DAQD5BQAhwAMgAIIGACHBAwEA-QUAIcIDQACDBgAhwwMBAPkFACHEA0AA-gUAIRUcAACEBgAgpgMCAPYFACGnAwEA9wUAIagDAQD3BQAhqQMBAPcFACGqAwQA-AUAIasDAQD3BQAhrAMBAPkFACGtA0AA-gUAIbkDAQD3BQAhugMBAPcFACG7AwEA9wUAIbwDAQD3BQAhvQMBAPcFACG-AwEA-QUAIb8DAQD5BQAhwAMgAIIGACHBAwEA-QUAIcIDQACDBgAhwwMBAPkFACHEA0AA-gUAIQAAAAAFFQAGFgAHFwAIGAAJGQAKAAAAAAAFFQAGFgAHFwAIGAAJGQAKBBUAEh0fDR4jDiEnDwEcAAwBHAAMAxUAERwADCArEAEfAA8BICwAAx0tAB4uACEvAAAABRUAFhYAFxcAGBgAGRkAGgAAAAAABRUAFhYAFxcAGBgAGRkAGgEcAAwBHAAMAxUAHxgAIBkAIQAAAAMVAB8YACAZACEBHAAMARwADAUVACYWACcXACgYACkZACoAAAAAAAUVACYWACcXACgYACkZACoAAAAFFQAwFgAxFwAyGAAzGQA0AAAAAAAFFQAwFgAxFwAyGAAzGQA0AAAAAxUAOhgAOxkAPAAAAAMVADoYADsZADwAAAAFFQBCFgBDFwBEGABFGQBGAAAAAAAFFQBCFgBDFwBEGABFGQBGAAAABRUATBYATRcAThgATxkAUAAAAAAABRUATBYATRcAThgATxkAUAAAAAUVAFYWAFcXAFgYAFkZAFoAAAAAAAUVAFYWAFcXAFgYAFkZAFoAAAADFQBgGABhGQBiAAAAAxUAYBgAYRkAYgAAAAMVAGgYAGkZAGoAAAADFQBoGABpGQBqAAAABRUAcBYAcRcAchgAcxkAdAAAAAAABRUAcBYAcRcAchgAcxkAdAAAAAUVAHoWAHsXAHwYAH0ZAH4AAAAAAAUVAHoWAHsXAHwYAH0ZAH4AAAADFQCEARgAhQEZAIYBAAAAAxUAhAEYAIUBGQCGAQAAAAUVAIwBFgCNARcAjgEYAI8BGQCQAQAAAAAABRUAjAEWAI0BFwCOARgAjwEZAJABAAAABRUAlgEWAJcBFwCYARgAmQEZAJoBAAAAAAAFFQCWARYAlwEXAJgBGACZARkAmgEAAAADFQCgARgAoQEZAKIBAAAAAxUAoAEYAKEBGQCiAQAAAAUVAKgBFgCpARcAqgEYAKsBGQCsAQAAAAAABRUAqAEWAKkBFwCqARgAqwEZAKwBAAAAAxUAsgEYALMBGQC0AQAAAAMVALIBGACzARkAtAEAAAAFFQC6ARYAuwEXALwBGAC9ARkAvgEAAAAAAAUVALoBFgC7ARcAvAEYAL0BGQC-AQAAAAMVAMQBGADFARkAxgEAAAADFQDEARgAxQEZAMYBAAAAAxUAzAEYAM0BGQDOAQAAAAMVAMwBGADNARkAzgEAAAADFQDUARgA1QEZANYBAAAAAxUA1AEYANUBGQDWAQEcAAwBHAAMBRUA2wEWANwBFwDdARgA3gEZAN8BAAAAAAAFFQDbARYA3AEXAN0BGADeARkA3wEBHwAPAR8ADwUVAOQBFgDlARcA5gEYAOcBGQDoAQAAAAAABRUA5AEWAOUBFwDmARgA5wEZAOgBAQIBAgMBBQYBBgcBBwgBCQoBCgwCCw0DDA8BDRECDhIEERMBEhQBExUCGhgFGxkLIhsMIzAMJDMMJTQMJjUMJzcMKDkCKToTKjwMKz4CLD8ULUAMLkEML0ICMEUVMUYbMkcNM0gNNEkNNUoNNksNN00NOE8COVAcOlINO1QCPFUdPVYNPlcNP1gCQFseQVwiQl0OQ14ORF8ORWAORmEOR2MOSGUCSWYjSmgOS2oCTGskTWwOTm0OT24CUHElUXIrUnQsU3UsVHgsVXksVnosV3wsWH4CWX8tWoEBLFuDAQJchAEuXYUBLF6GASxfhwECYIoBL2GLATVijQE2Y44BNmSRATZlkgE2ZpMBNmeVATZolwECaZgBN2qaATZrnAECbJ0BOG2eATZunwE2b6ABAnCjATlxpAE9cqYBPnOnAT50qgE-dasBPnasAT53rgE-eLABAnmxAT96swE-e7UBAny2AUB9twE-frgBPn-5AQKAAbwBQYEBvQFHggG_AUiDAcABSIQBwwFIhQHEAUiGAcUBSIcBxwFIiAHJAQKJAcoBSYoBzAFIiwHOAQKMAc8BSo0B0AFIjgHRAUiPAdIBApAB1QFLkQHWAVGSAdgBUpMB2QFSlAHcAVKVAd0BUpYB3gFSlwHgAVKYAeIBApkB4wFTmgHlAVKbAecBApwB6AFUnQHpAVKeAeoBUp8B6wECoAHuAVWhAe8BW6IB8QFcowHyAVykAfUBXKUB9gFcpgH3AVynAfkBXKgB-wECqQH8AV2qAf4BXKsBgAICrAGBAl6tAYICXK4BgwJcrwGEAgKwAYcCX7EBiAJjsgGKAmSzAYsCZLQBjgJktQGPAmS2AZACZLcBkgJkuAGUAgK5AZUCZboBlwJkuwGZAgK8AZoCZr0BmwJkvgGcAmS_AZ0CAsABoAJnwQGhAmvCAaMCbMMBpAJsxAGnAmzFAagCbMYBqQJsxwGrAmzIAa0CAskBrgJtygGwAmzLAbICAswBswJuzQG0AmzOAbUCbM8BtgIC0AG5Am_RAboCddIBvAJ20wG9AnbUAcACdtUBwQJ21gHCAnbXAcQCdtgBxgIC2QHHAnfaAckCdtsBywIC3AHMAnjdAc0Cdt4BzgJ23wHPAgLgAdICeeEB0wJ_4gHVAoAB4wHWAoAB5AHZAoAB5QHaAoAB5gHbAoAB5wHdAoAB6AHfAgLpAeACgQHqAeICgAHrAeQCAuwB5QKCAe0B5gKAAe4B5wKAAe8B6AIC8AHrAoMB8QHsAocB8gHuAogB8wHvAogB9AHyAogB9QHzAogB9gH0AogB9wH2AogB-AH4AgL5AfkCiQH6AfsCiAH7Af0CAvwB_gKKAf0B_wKIAf4BgAOIAf8BgQMCgAKEA4sBgQKFA5EBggKHA5IBgwKIA5IBhAKLA5IBhQKMA5IBhgKNA5IBhwKPA5IBiAKRAwKJApIDkwGKApQDkgGLApYDAowClwOUAY0CmAOSAY4CmQOSAY8CmgMCkAKdA5UBkQKeA5sBkgKgA5wBkwKhA5wBlAKkA5wBlQKlA5wBlgKmA5wBlwKoA5wBmAKqAwKZAqsDnQGaAq0DnAGbAq8DApwCsAOeAZ0CsQOcAZ4CsgOcAZ8CswMCoAK2A58BoQK3A6MBogK5A6QBowK6A6QBpAK9A6QBpQK-A6QBpgK_A6QBpwLBA6QBqALDAwKpAsQDpQGqAsYDpAGrAsgDAqwCyQOmAa0CygOkAa4CywOkAa8CzAMCsALPA6cBsQLQA60BsgLSA64BswLTA64BtALWA64BtQLXA64BtgLYA64BtwLaA64BuALcAwK5At0DrwG6At8DrgG7AuEDArwC4gOwAb0C4wOuAb4C5AOuAb8C5QMCwALoA7EBwQLpA7UBwgLrA7YBwwLsA7YBxALvA7YBxQLwA7YBxgLxA7YBxwLzA7YByAL1AwLJAvYDtwHKAvgDtgHLAvoDAswC-wO4Ac0C_AO2Ac4C_QO2Ac8C_gMC0AKBBLkB0QKCBL8B0gKEBMAB0wKFBMAB1AKIBMAB1QKJBMAB1gKKBMAB1wKMBMAB2AKOBALZAo8EwQHaApEEwAHbApMEAtwClATCAd0ClQTAAd4ClgTAAd8ClwQC4AKaBMMB4QKbBMcB4gKdBMgB4wKeBMgB5AKhBMgB5QKiBMgB5gKjBMgB5wKlBMgB6AKnBALpAqgEyQHqAqoEyAHrAqwEAuwCrQTKAe0CrgTIAe4CrwTIAe8CsAQC8AKzBMsB8QK0BM8B8gK2BNAB8wK3BNAB9AK6BNAB9QK7BNAB9gK8BNAB9wK-BNAB-ALABAL5AsEE0QH6AsME0AH7AsUEAvwCxgTSAf0CxwTQAf4CyATQAf8CyQQCgAPMBNMBgQPNBNcBggPOBA-DA88ED4QD0AQPhQPRBA-GA9IED4cD1AQPiAPWBAKJA9cE2AGKA9kED4sD2wQCjAPcBNkBjQPdBA-OA94ED48D3wQCkAPiBNoBkQPjBOABkgPkBBCTA-UEEJQD5gQQlQPnBBCWA-gEEJcD6gQQmAPsBAKZA-0E4QGaA-8EEJsD8QQCnAPyBOIBnQPzBBCeA_QEEJ8D9QQCoAP4BOMBoQP5BOkB"
    };
    config.compilerWasm = {
      getRuntime: async () => await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs"),
      getQueryCompilerWasmModule: async () => {
        const { wasm } = await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs");
        return await decodeBase64AsWasm(wasm);
      },
      importName: "./query_compiler_fast_bg.js"
    };
  }
});

// engine/store/generated/internal/prismaNamespace.ts
var prismaNamespace_exports = {};
__export(prismaNamespace_exports, {
  AnyNull: () => AnyNull2,
  AuditEntryScalarFieldEnum: () => AuditEntryScalarFieldEnum,
  ChangeSetApprovalScalarFieldEnum: () => ChangeSetApprovalScalarFieldEnum,
  ChangeSetItemScalarFieldEnum: () => ChangeSetItemScalarFieldEnum,
  ChangeSetReviewScalarFieldEnum: () => ChangeSetReviewScalarFieldEnum,
  ChangeSetScalarFieldEnum: () => ChangeSetScalarFieldEnum,
  CompiledRuleScalarFieldEnum: () => CompiledRuleScalarFieldEnum,
  DbNull: () => DbNull2,
  Decimal: () => Decimal2,
  DefinitionScalarFieldEnum: () => DefinitionScalarFieldEnum,
  FilesBaselineScalarFieldEnum: () => FilesBaselineScalarFieldEnum,
  IdempotencyKeyScalarFieldEnum: () => IdempotencyKeyScalarFieldEnum,
  ImportJobScalarFieldEnum: () => ImportJobScalarFieldEnum,
  JsonNull: () => JsonNull2,
  JsonNullValueFilter: () => JsonNullValueFilter,
  JsonNullValueInput: () => JsonNullValueInput,
  ModelName: () => ModelName,
  NullTypes: () => NullTypes2,
  NullableJsonNullValueInput: () => NullableJsonNullValueInput,
  NullsOrder: () => NullsOrder,
  OtpChallengeScalarFieldEnum: () => OtpChallengeScalarFieldEnum,
  OtpFailureScalarFieldEnum: () => OtpFailureScalarFieldEnum,
  OtpLockoutScalarFieldEnum: () => OtpLockoutScalarFieldEnum,
  OutboxMessageScalarFieldEnum: () => OutboxMessageScalarFieldEnum,
  PrismaClientInitializationError: () => PrismaClientInitializationError2,
  PrismaClientKnownRequestError: () => PrismaClientKnownRequestError2,
  PrismaClientRustPanicError: () => PrismaClientRustPanicError2,
  PrismaClientUnknownRequestError: () => PrismaClientUnknownRequestError2,
  PrismaClientValidationError: () => PrismaClientValidationError2,
  QueryMode: () => QueryMode,
  RecordFileScalarFieldEnum: () => RecordFileScalarFieldEnum,
  RecordFileVersionScalarFieldEnum: () => RecordFileVersionScalarFieldEnum,
  RecordFingerprintScalarFieldEnum: () => RecordFingerprintScalarFieldEnum,
  RecordKeyScalarFieldEnum: () => RecordKeyScalarFieldEnum,
  RecordScalarFieldEnum: () => RecordScalarFieldEnum,
  RefreshTokenScalarFieldEnum: () => RefreshTokenScalarFieldEnum,
  ReleaseScalarFieldEnum: () => ReleaseScalarFieldEnum,
  RevokedSessionScalarFieldEnum: () => RevokedSessionScalarFieldEnum,
  SortOrder: () => SortOrder,
  Sql: () => Sql2,
  TimelineEntryScalarFieldEnum: () => TimelineEntryScalarFieldEnum,
  TransactionIsolationLevel: () => TransactionIsolationLevel,
  UploadClaimScalarFieldEnum: () => UploadClaimScalarFieldEnum,
  UserScalarFieldEnum: () => UserScalarFieldEnum,
  defineExtension: () => defineExtension,
  empty: () => empty2,
  getExtensionContext: () => getExtensionContext,
  join: () => join2,
  prismaVersion: () => prismaVersion,
  raw: () => raw2,
  sql: () => sql
});
import * as runtime2 from "@prisma/client/runtime/client";
var PrismaClientKnownRequestError2, PrismaClientUnknownRequestError2, PrismaClientRustPanicError2, PrismaClientInitializationError2, PrismaClientValidationError2, sql, empty2, join2, raw2, Sql2, Decimal2, getExtensionContext, prismaVersion, NullTypes2, DbNull2, JsonNull2, AnyNull2, ModelName, TransactionIsolationLevel, DefinitionScalarFieldEnum, RecordScalarFieldEnum, RecordKeyScalarFieldEnum, TimelineEntryScalarFieldEnum, AuditEntryScalarFieldEnum, UserScalarFieldEnum, OutboxMessageScalarFieldEnum, OtpChallengeScalarFieldEnum, OtpFailureScalarFieldEnum, OtpLockoutScalarFieldEnum, RefreshTokenScalarFieldEnum, RevokedSessionScalarFieldEnum, RecordFingerprintScalarFieldEnum, IdempotencyKeyScalarFieldEnum, CompiledRuleScalarFieldEnum, ImportJobScalarFieldEnum, UploadClaimScalarFieldEnum, ReleaseScalarFieldEnum, FilesBaselineScalarFieldEnum, ChangeSetScalarFieldEnum, ChangeSetItemScalarFieldEnum, ChangeSetReviewScalarFieldEnum, ChangeSetApprovalScalarFieldEnum, RecordFileScalarFieldEnum, RecordFileVersionScalarFieldEnum, SortOrder, JsonNullValueInput, NullableJsonNullValueInput, QueryMode, JsonNullValueFilter, NullsOrder, defineExtension;
var init_prismaNamespace = __esm({
  "engine/store/generated/internal/prismaNamespace.ts"() {
    "use strict";
    init_class();
    PrismaClientKnownRequestError2 = runtime2.PrismaClientKnownRequestError;
    PrismaClientUnknownRequestError2 = runtime2.PrismaClientUnknownRequestError;
    PrismaClientRustPanicError2 = runtime2.PrismaClientRustPanicError;
    PrismaClientInitializationError2 = runtime2.PrismaClientInitializationError;
    PrismaClientValidationError2 = runtime2.PrismaClientValidationError;
    sql = runtime2.sqltag;
    empty2 = runtime2.empty;
    join2 = runtime2.join;
    raw2 = runtime2.raw;
    Sql2 = runtime2.Sql;
    Decimal2 = runtime2.Decimal;
    getExtensionContext = runtime2.Extensions.getExtensionContext;
    prismaVersion = {
      client: "7.10.1",
      engine: "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8"
    };
    NullTypes2 = {
      DbNull: runtime2.NullTypes.DbNull,
      JsonNull: runtime2.NullTypes.JsonNull,
      AnyNull: runtime2.NullTypes.AnyNull
    };
    DbNull2 = runtime2.DbNull;
    JsonNull2 = runtime2.JsonNull;
    AnyNull2 = runtime2.AnyNull;
    ModelName = {
      Definition: "Definition",
      Record: "Record",
      RecordKey: "RecordKey",
      TimelineEntry: "TimelineEntry",
      AuditEntry: "AuditEntry",
      User: "User",
      OutboxMessage: "OutboxMessage",
      OtpChallenge: "OtpChallenge",
      OtpFailure: "OtpFailure",
      OtpLockout: "OtpLockout",
      RefreshToken: "RefreshToken",
      RevokedSession: "RevokedSession",
      RecordFingerprint: "RecordFingerprint",
      IdempotencyKey: "IdempotencyKey",
      CompiledRule: "CompiledRule",
      ImportJob: "ImportJob",
      UploadClaim: "UploadClaim",
      Release: "Release",
      FilesBaseline: "FilesBaseline",
      ChangeSet: "ChangeSet",
      ChangeSetItem: "ChangeSetItem",
      ChangeSetReview: "ChangeSetReview",
      ChangeSetApproval: "ChangeSetApproval",
      RecordFile: "RecordFile",
      RecordFileVersion: "RecordFileVersion"
    };
    TransactionIsolationLevel = runtime2.makeStrictEnum({
      ReadUncommitted: "ReadUncommitted",
      ReadCommitted: "ReadCommitted",
      RepeatableRead: "RepeatableRead",
      Serializable: "Serializable"
    });
    DefinitionScalarFieldEnum = {
      id: "id",
      app: "app",
      kind: "kind",
      name: "name",
      version: "version",
      status: "status",
      authored: "authored",
      compiled: "compiled",
      checksum: "checksum",
      createdAt: "createdAt",
      createdBy: "createdBy"
    };
    RecordScalarFieldEnum = {
      id: "id",
      app: "app",
      entity: "entity",
      state: "state",
      version: "version",
      data: "data",
      scopeTags: "scopeTags",
      createdBy: "createdBy",
      createdAt: "createdAt",
      updatedAt: "updatedAt",
      deletedAt: "deletedAt",
      release: "release"
    };
    RecordKeyScalarFieldEnum = {
      app: "app",
      entity: "entity",
      keyName: "keyName",
      value: "value",
      recordId: "recordId"
    };
    TimelineEntryScalarFieldEnum = {
      id: "id",
      recordId: "recordId",
      app: "app",
      entity: "entity",
      event: "event",
      fromState: "fromState",
      toState: "toState",
      actorId: "actorId",
      role: "role",
      override: "override",
      remarks: "remarks",
      input: "input",
      at: "at",
      outcome: "outcome",
      errorCode: "errorCode",
      errorMessage: "errorMessage",
      fields: "fields"
    };
    AuditEntryScalarFieldEnum = {
      id: "id",
      app: "app",
      entity: "entity",
      recordId: "recordId",
      action: "action",
      outcome: "outcome",
      actorId: "actorId",
      role: "role",
      before: "before",
      after: "after",
      detail: "detail",
      at: "at",
      prevHash: "prevHash",
      hash: "hash",
      hashAlg: "hashAlg"
    };
    UserScalarFieldEnum = {
      id: "id",
      app: "app",
      email: "email",
      phone: "phone",
      passwordHash: "passwordHash",
      role: "role",
      attributes: "attributes",
      displayName: "displayName",
      active: "active",
      status: "status",
      statusReason: "statusReason",
      createdAt: "createdAt"
    };
    OutboxMessageScalarFieldEnum = {
      id: "id",
      app: "app",
      channel: "channel",
      recordId: "recordId",
      template: "template",
      recipient: "recipient",
      payload: "payload",
      idempotencyKey: "idempotencyKey",
      status: "status",
      attempts: "attempts",
      maxAttempts: "maxAttempts",
      nextAttemptAt: "nextAttemptAt",
      lockedUntil: "lockedUntil",
      lastError: "lastError",
      provider: "provider",
      providerMessageId: "providerMessageId",
      createdAt: "createdAt",
      sentAt: "sentAt"
    };
    OtpChallengeScalarFieldEnum = {
      id: "id",
      app: "app",
      policy: "policy",
      subject: "subject",
      codeHash: "codeHash",
      channels: "channels",
      attempts: "attempts",
      maxAttempts: "maxAttempts",
      expiresAt: "expiresAt",
      consumedAt: "consumedAt",
      createdAt: "createdAt"
    };
    OtpFailureScalarFieldEnum = {
      id: "id",
      app: "app",
      policy: "policy",
      subject: "subject",
      at: "at"
    };
    OtpLockoutScalarFieldEnum = {
      app: "app",
      policy: "policy",
      subject: "subject",
      lockedUntil: "lockedUntil"
    };
    RefreshTokenScalarFieldEnum = {
      id: "id",
      app: "app",
      userId: "userId",
      familyId: "familyId",
      tokenHash: "tokenHash",
      expiresAt: "expiresAt",
      usedAt: "usedAt",
      revokedAt: "revokedAt",
      createdAt: "createdAt"
    };
    RevokedSessionScalarFieldEnum = {
      id: "id",
      kind: "kind",
      revokedAt: "revokedAt",
      expiresAt: "expiresAt",
      txid: "txid"
    };
    RecordFingerprintScalarFieldEnum = {
      id: "id",
      app: "app",
      entity: "entity",
      name: "name",
      hash: "hash",
      recordId: "recordId",
      createdAt: "createdAt"
    };
    IdempotencyKeyScalarFieldEnum = {
      app: "app",
      key: "key",
      requestHash: "requestHash",
      recordId: "recordId",
      createdAt: "createdAt"
    };
    CompiledRuleScalarFieldEnum = {
      app: "app",
      ruleset: "ruleset",
      recordId: "recordId",
      recordVersion: "recordVersion",
      compiled: "compiled",
      compiledAt: "compiledAt"
    };
    ImportJobScalarFieldEnum = {
      id: "id",
      app: "app",
      import: "import",
      blobName: "blobName",
      status: "status",
      totalRows: "totalRows",
      rowsDone: "rowsDone",
      rowsApplied: "rowsApplied",
      rowsFailed: "rowsFailed",
      errorReport: "errorReport",
      message: "message",
      createdBy: "createdBy",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    UploadClaimScalarFieldEnum = {
      app: "app",
      blobName: "blobName",
      status: "status",
      claimedAt: "claimedAt"
    };
    ReleaseScalarFieldEnum = {
      app: "app",
      number: "number",
      source: "source",
      comment: "comment",
      entries: "entries",
      checksum: "checksum",
      imported: "imported",
      changeSet: "changeSet",
      createdBy: "createdBy",
      createdAt: "createdAt"
    };
    FilesBaselineScalarFieldEnum = {
      app: "app",
      imported: "imported",
      updatedAt: "updatedAt"
    };
    ChangeSetScalarFieldEnum = {
      id: "id",
      app: "app",
      title: "title",
      status: "status",
      baseRelease: "baseRelease",
      release: "release",
      createdBy: "createdBy",
      createdAt: "createdAt",
      updatedAt: "updatedAt",
      publishAt: "publishAt",
      scheduledBy: "scheduledBy",
      scheduledRole: "scheduledRole",
      scheduleComment: "scheduleComment",
      scheduleMappings: "scheduleMappings",
      scheduleError: "scheduleError"
    };
    ChangeSetItemScalarFieldEnum = {
      changeSet: "changeSet",
      kind: "kind",
      name: "name",
      authored: "authored",
      checksum: "checksum",
      updatedBy: "updatedBy",
      updatedAt: "updatedAt"
    };
    ChangeSetReviewScalarFieldEnum = {
      id: "id",
      changeSet: "changeSet",
      actorId: "actorId",
      role: "role",
      contentHash: "contentHash",
      comment: "comment",
      at: "at"
    };
    ChangeSetApprovalScalarFieldEnum = {
      changeSet: "changeSet",
      actorId: "actorId",
      role: "role",
      contentHash: "contentHash",
      at: "at"
    };
    RecordFileScalarFieldEnum = {
      id: "id",
      app: "app",
      entity: "entity",
      recordId: "recordId",
      slot: "slot",
      label: "label",
      status: "status",
      removed: "removed",
      version: "version",
      blobKey: "blobKey",
      fileName: "fileName",
      contentType: "contentType",
      size: "size",
      sha256: "sha256",
      uploadedBy: "uploadedBy",
      uploadedAt: "uploadedAt",
      reviewedBy: "reviewedBy",
      reviewedAt: "reviewedAt",
      reviewNote: "reviewNote",
      createdAt: "createdAt"
    };
    RecordFileVersionScalarFieldEnum = {
      fileId: "fileId",
      version: "version",
      blobKey: "blobKey",
      fileName: "fileName",
      contentType: "contentType",
      size: "size",
      sha256: "sha256",
      uploadedBy: "uploadedBy",
      uploadedAt: "uploadedAt"
    };
    SortOrder = {
      asc: "asc",
      desc: "desc"
    };
    JsonNullValueInput = {
      JsonNull: JsonNull2
    };
    NullableJsonNullValueInput = {
      DbNull: DbNull2,
      JsonNull: JsonNull2
    };
    QueryMode = {
      default: "default",
      insensitive: "insensitive"
    };
    JsonNullValueFilter = {
      DbNull: DbNull2,
      JsonNull: JsonNull2,
      AnyNull: AnyNull2
    };
    NullsOrder = {
      first: "first",
      last: "last"
    };
    defineExtension = runtime2.Extensions.defineExtension;
  }
});

// engine/store/generated/client.ts
import * as path9 from "node:path";
import { fileURLToPath } from "node:url";
import "@prisma/client/runtime/client";
var PrismaClient;
var init_client = __esm({
  "engine/store/generated/client.ts"() {
    "use strict";
    init_enums();
    init_class();
    init_prismaNamespace();
    init_enums();
    init_enums();
    globalThis["__dirname"] = path9.dirname(fileURLToPath(import.meta.url));
    PrismaClient = getPrismaClientClass();
  }
});

// engine/store/database.ts
import { PrismaPg } from "@prisma/adapter-pg";
import pg2 from "pg";
function createDatabase(databaseUrl, options = {}) {
  const pool = new pg2.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 20 });
  pool.on("error", options.onIdleError ?? (() => void 0));
  const client = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 15e3, timeout: 15e3 } });
  return Object.assign(client, { sql: pool, databaseUrl, closers: [] });
}
async function closeDatabase(db) {
  for (const close of db.closers.splice(0)) await close().catch(() => void 0);
  await db.$disconnect();
  if (!db.sql.ending) await db.sql.end();
}
var init_database = __esm({
  "engine/store/database.ts"() {
    "use strict";
    init_client();
    init_client();
  }
});

// engine/lifecycle/definition-permissions.ts
function assertMayView(app, actor) {
  const r = rightsOf(app, actor);
  if (!r?.edit && !r?.publish) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not see the definitions of "${app.id}"`);
}
function assertMayEdit(app, actor, kind) {
  const edit = rightsOf(app, actor)?.edit;
  const may = edit === true || Array.isArray(edit) && (kind === void 0 || edit.includes(kind));
  if (!may) throw new AppError("FORBIDDEN", kind ? `Role "${actor.role}" may not edit ${kind} definitions` : `Role "${actor.role}" may not edit definitions`);
}
function assertMayPublish(app, actor) {
  if (!rightsOf(app, actor)?.publish) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not publish releases`);
}
function assertMayApprove(app, actor) {
  if (!rightsOf(app, actor)?.approve) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not approve change sets`);
}
var rightsOf;
var init_definition_permissions = __esm({
  "engine/lifecycle/definition-permissions.ts"() {
    "use strict";
    init_app_error();
    rightsOf = (app, actor) => app.roles[actor.role]?.definitions;
  }
});

// engine/lifecycle/candidate-app.ts
function candidateApp(definitions, options) {
  const { app, problems } = compileAppFiles(asFiles(definitions), [], "", options);
  if (!app) {
    const errors = problems.filter((p) => p.severity !== "warning");
    throw new AppError("RULE_INVALID", "The app would have problems with this change set", { details: errors.map((p) => ({ path: `${p.file} ${p.path}`, message: p.message })) });
  }
  return app;
}
var init_candidate_app = __esm({
  "engine/lifecycle/candidate-app.ts"() {
    "use strict";
    init_app_error();
    init_compile_app();
    init_release_store();
  }
});

// engine/lifecycle/migrate-records.ts
function assertMappingsFit(next, mappings) {
  const workflows = new Map(next.filter(isWorkflow).map((d) => [d.name, d.content]));
  const details = Object.entries(mappings).flatMap(([name, map]) => {
    const wf = workflows.get(name);
    if (!wf) return [{ path: `$.mappings.${name}`, message: `The release has no workflow "${name}"` }];
    return Object.entries(map).filter(([, to]) => !Object.hasOwn(wf.states, to)).map(([from, to]) => ({ path: `$.mappings.${name}.${from}`, message: `"${to}" is not a state of workflow "${name}"` }));
  });
  if (details.length) throw new AppError("VALIDATION_FAILED", void 0, { details });
}
async function plannedMigrations(tx, app, live, next, mappings) {
  const before = new Map(live.filter(isWorkflow).map((d) => [d.name, d.content]));
  const planned = [];
  const unmapped = [];
  const counts = {};
  for (const d of next.filter(isWorkflow)) {
    const old = before.get(d.name);
    if (!old) continue;
    const removed = Object.keys(old.states).filter((st) => !(st in d.content.states));
    if (!removed.length) continue;
    const rows = await tx.$queryRaw`
      SELECT state, count(*)::int AS n FROM records WHERE app = ${app.id} AND entity = ${d.content.entity} AND state = ANY(${removed}::text[]) AND release IS NULL AND deleted_at IS NULL GROUP BY state ORDER BY state`;
    if (!rows.length) continue;
    const map = mappings[d.name] ?? {};
    const moves = {};
    for (const { state, n } of rows) {
      (counts[d.name] ??= {})[state] = n;
      const to = map[state];
      if (to !== void 0 && Object.hasOwn(d.content.states, to)) moves[state] = to;
      else unmapped.push({ path: `$.mappings.${d.name}.${state}`, message: `${n} ${d.content.entity} record${n === 1 ? " is" : "s are"} in "${state}", which the new workflow removes: map it to one of its states` });
    }
    planned.push({ app: app.id, entity: d.content.entity, workflow: d.name, moves });
  }
  if (unmapped.length) throw new AppError("CONFLICT", "The change set removes states that records are in", { details: unmapped, data: { counts } });
  return planned;
}
async function migrateRecords(tx, m, actor, release, at) {
  for (const [from, to] of Object.entries(m.moves)) {
    await tx.$executeRaw`
      WITH moved AS (
        UPDATE records SET state = ${to}, version = version + 1, updated_at = ${at}
        WHERE app = ${m.app} AND entity = ${m.entity} AND state = ${from} AND release IS NULL AND deleted_at IS NULL
        RETURNING id, app, entity
      ), timeline AS (
        INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, at)
        SELECT id, app, entity, 'release.migrate', ${from}, ${to}, ${actor.id}, ${actor.role}, true, ${`Release ${release} removed "${from}"`}, ${at} FROM moved
      )
      INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, detail, at)
      SELECT app, entity, id, 'record.migrate', 'accepted', ${actor.id}, ${actor.role}, ${JSON.stringify({ state: from })}::jsonb, ${JSON.stringify({ state: to })}::jsonb, ${JSON.stringify({ release, workflow: m.workflow })}::jsonb, ${at} FROM moved`;
  }
}
var isWorkflow;
var init_migrate_records = __esm({
  "engine/lifecycle/migrate-records.ts"() {
    "use strict";
    init_app_error();
    isWorkflow = (d) => d.kind === "workflow" && d.content?.kind === "workflow";
  }
});

// engine/lifecycle/change-sets.ts
import { randomUUID as randomUUID5 } from "node:crypto";
function createChangeSets(ctx, deps) {
  const db = ctx.db;
  async function load(app, id) {
    const row = UUID_RE.test(id) ? await db.changeSet.findUnique({ where: { id } }) : null;
    if (!row || row.app !== app.id) throw new AppError("NOT_FOUND", `No change set "${id}"`);
    return row;
  }
  const open = (row) => {
    if (row.status !== "open") throw new AppError("CONFLICT", `The change set is ${row.status}`);
  };
  const itemsOf = (id) => db.changeSetItem.findMany({ where: { changeSet: id }, orderBy: [{ kind: "asc" }, { name: "asc" }] });
  async function candidate(app, row, items, sql2 = db) {
    const live = await liveRelease(sql2, app.id);
    if (!live) throw new AppError("CONFLICT", `App "${app.id}" has no release yet`);
    const base = row.baseRelease === live.number ? live : await findRelease(sql2, app.id, row.baseRelease);
    const definitions = new Map((await releaseDefinitions(sql2, live)).map((d) => [key(d.kind, d.name), d]));
    const released = new Map(definitions);
    const baseChecksum = new Map((base?.entries ?? []).map((e) => [key(e.kind, e.name), e.checksum]));
    const liveChecksum = new Map(live.entries.map((e) => [key(e.kind, e.name), e.checksum]));
    const stale = items.filter((i) => liveChecksum.get(key(i.kind, i.name)) !== baseChecksum.get(key(i.kind, i.name))).map((i) => key(i.kind, i.name));
    for (const i of items) {
      const k = key(i.kind, i.name);
      if (i.authored === null) definitions.delete(k);
      else definitions.set(k, { kind: i.kind, name: i.name, file: definitions.get(k)?.file ?? conventionalFile(app.id, i.kind, i.name), content: i.authored });
    }
    return { live, released, definitions: [...definitions.values()], stale };
  }
  const contentHash = (items) => checksumOf(items.map((i) => [i.kind, i.name, i.checksum]).sort());
  const approvalsNeeded = (app) => app.definition.changes?.approvals ?? 0;
  async function currentApprovals(sql2, id, items) {
    const hash = contentHash(items);
    return { hash, approvals: await sql2.changeSetApproval.findMany({ where: { changeSet: id, contentHash: hash }, orderBy: { at: "asc" } }) };
  }
  const problemsOf = (definitions) => compileAppFiles(asFiles(definitions), [], "", ctx.compileOptions).problems;
  async function view3(app, row) {
    const items = await itemsOf(row.id);
    const c = row.status === "open" ? await candidate(app, row, items) : void 0;
    const { hash, approvals } = await currentApprovals(db, row.id, items);
    const reviews = await db.changeSetReview.findMany({ where: { changeSet: row.id }, orderBy: { at: "desc" }, take: 50 });
    const names = await actorNames(db, app.id, [row.createdBy, ...items.map((i) => i.updatedBy), ...approvals.map((a) => a.actorId), ...reviews.map((r) => r.actorId)]);
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      baseRelease: row.baseRelease,
      liveRelease: c?.live.number ?? null,
      release: row.release,
      createdBy: row.createdBy,
      createdByName: names.get(row.createdBy) ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      definitions: items.map((i) => ({
        kind: i.kind,
        name: i.name,
        removed: i.authored === null,
        // The draft as authored, so an editor can pick up where the change set left off.
        content: i.authored,
        checksum: i.checksum,
        updatedBy: i.updatedBy,
        updatedByName: names.get(i.updatedBy) ?? null,
        updatedAt: i.updatedAt.toISOString(),
        stale: c?.stale.includes(key(i.kind, i.name)) ?? false,
        // What it changes against the live release, in plain words.
        changes: c ? describeChanges(c.released.get(key(i.kind, i.name))?.content, i.authored ?? void 0) : []
      })),
      // The whole app, checked with the draft applied: publishing needs no error (warnings are told).
      problems: c ? problemsOf(c.definitions) : [],
      publishAt: row.publishAt?.toISOString() ?? null,
      scheduleMappings: row.scheduleMappings ?? null,
      scheduleError: row.scheduleError ?? null,
      contentHash: hash,
      approvals: { needed: approvalsNeeded(app), given: approvals.map((a) => ({ actorId: a.actorId, name: names.get(a.actorId) ?? null, role: a.role, at: a.at.toISOString() })) },
      // Requests for changes, newest first; `current`: made on the content as it is now (it blocks publishing).
      reviews: reviews.map((r) => ({ actorId: r.actorId, name: names.get(r.actorId) ?? null, role: r.role, comment: r.comment, at: r.at.toISOString(), current: r.contentHash === hash }))
    };
  }
  const audit = (tx, app, actor, action, recordId, detail) => appendAudit(tx, { app, entity: "_definitions", recordId, action, actor, detail, at: ctx.clock() });
  async function release(app, actor, make) {
    const made = await db.$transaction(async (tx) => {
      await lockReleases(tx, app.id);
      const out = await make(tx);
      await audit(tx, app.id, actor, out.audit.action, out.audit.recordId, out.audit.detail);
      return out;
    });
    await deps.released(app.id, made.release.number, made.compiled);
    return made.release;
  }
  async function lockChangeSet(tx, app, id, statuses) {
    const rows = await tx.$queryRaw`SELECT id, app, title, status, base_release AS "baseRelease", release, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt" FROM change_sets WHERE id = ${UUID_RE.test(id) ? id : "00000000-0000-0000-0000-000000000000"}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row || row.app !== app.id) throw new AppError("NOT_FOUND", `No change set "${id}"`);
    if (!statuses.includes(row.status)) throw new AppError("CONFLICT", `The change set is ${row.status}`);
    return row;
  }
  async function checkedCandidate(tx, app, id, status) {
    const row = await lockChangeSet(tx, app, id, [status]);
    const items = await tx.changeSetItem.findMany({ where: { changeSet: id } });
    if (!items.length) throw new AppError("CONFLICT", "The change set changes nothing");
    const { approvals, hash } = await currentApprovals(tx, id, items);
    const requested = await tx.changeSetReview.findFirst({ where: { changeSet: id, contentHash: hash }, orderBy: { at: "desc" } });
    if (requested) throw new AppError("CONFLICT", "Changes were requested on this content: edit the change set first", { details: [{ path: "$.reviews", message: requested.comment }] });
    if (approvals.length < approvalsNeeded(app)) {
      throw new AppError("CONFLICT", `This change set needs ${approvalsNeeded(app)} approval(s) of its current content; it has ${approvals.length}`, { details: [{ path: "$.approvals", message: "Approve the change set as it is now (an edit after an approval resets it)" }] });
    }
    const c = await candidate(app, row, items, tx);
    if (c.stale.length) throw new AppError("CONFLICT", "Definitions of this change set were released by someone else since it was opened; put them again from the live release", { details: c.stale.map((k) => ({ path: `$.definitions.${k}`, message: "Changed in the live release since this change set was opened" })) });
    const compiled2 = candidateApp(c.definitions, ctx.compileOptions);
    await assertTestCasesPass(compiled2, ctx.clock());
    return { items, c, compiled: compiled2 };
  }
  async function reviewable(app, actor, id, seen) {
    assertMayApprove(app, actor);
    const row = await load(app, id);
    open(row);
    const items = await itemsOf(id);
    const makers = await db.auditEntry.findMany({ where: { app: app.id, entity: "_definitions", recordId: id, action: { in: ["changes.open", "changes.put", "changes.remove"] }, actorId: actor.id }, select: { id: true }, take: 1 });
    if (row.createdBy === actor.id || makers.length) throw new AppError("FORBIDDEN", "You opened or edited this change set: someone else reviews it");
    if (!items.length) throw new AppError("CONFLICT", "The change set changes nothing");
    const hash = contentHash(items);
    if (seen !== void 0 && seen !== hash) throw new AppError("CONFLICT", "The change set changed since you read it: read it again before reviewing it");
    return { row, hash };
  }
  async function publishNow(app, actor, id, status, comment, mappings) {
    return release(app, actor, async (tx) => {
      const { items, c, compiled: compiled2 } = await checkedCandidate(tx, app, id, status);
      const moves = await plannedMigrations(tx, app, [...c.released.values()], c.definitions, mappings);
      const written = await writeRelease(tx, { app: app.id, source: "admin", comment, changeSet: id, createdBy: actor.id, at: ctx.clock(), definitions: c.definitions });
      for (const m of moves) await migrateRecords(tx, m, actor, written.number, ctx.clock());
      await tx.changeSet.update({ where: { id }, data: { status: "published", release: written.number, updatedAt: ctx.clock() } });
      return { release: written, compiled: compiled2, audit: { action: "changes.publish", recordId: id, detail: { release: written.number, checksum: written.checksum, scheduled: status === "scheduled", definitions: items.map((i) => ({ kind: i.kind, name: i.name, checksum: i.checksum })) } } };
    });
  }
  async function schedule(app, actor, id, at, comment, mappings) {
    if (!(at.getTime() > ctx.clock().getTime())) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.at", message: "A time in the future" }] });
    const row = await db.$transaction(async (tx) => {
      const { c } = await checkedCandidate(tx, app, id, "open");
      assertMappingsFit(c.definitions, mappings);
      const scheduleMappings = Object.keys(mappings).length ? mappings : prismaNamespace_exports.DbNull;
      const updated = await tx.changeSet.update({ where: { id }, data: { status: "scheduled", publishAt: at, scheduledBy: actor.id, scheduledRole: actor.role, scheduleComment: comment ?? null, scheduleMappings, scheduleError: null, updatedAt: ctx.clock() } });
      await audit(tx, app.id, actor, "changes.schedule", id, { at: at.toISOString(), comment, mappings });
      return updated;
    });
    return view3(app, row);
  }
  return {
    async open(appId, actor, body) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor);
      const { title } = validateOpen(body);
      const live = await liveRelease(db, app.id);
      if (!live) throw new AppError("CONFLICT", `App "${app.id}" has no release yet`);
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const created = await tx.changeSet.create({ data: { id: randomUUID5(), app: app.id, title, status: "open", baseRelease: live.number, createdBy: actor.id, createdAt: now, updatedAt: now } });
        await audit(tx, app.id, actor, "changes.open", created.id, { title, baseRelease: live.number });
        return created;
      });
      return view3(app, row);
    },
    async list(appId, actor, query) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const status = query.status === void 0 ? "open" : query.status;
      if (!["open", "scheduled", "published", "discarded"].includes(String(status))) throw new AppError("BAD_REQUEST", void 0, { details: [{ path: "$.query.status", message: "One of open, scheduled, published, discarded" }] });
      const rows = await db.changeSet.findMany({ where: { app: app.id, status: String(status) }, orderBy: { createdAt: "desc" }, take: 100 });
      const names = await actorNames(db, app.id, rows.map((r) => r.createdBy));
      return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, baseRelease: r.baseRelease, release: r.release, createdBy: r.createdBy, createdByName: names.get(r.createdBy) ?? null, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() }));
    },
    async get(appId, actor, id) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      return view3(app, await load(app, id));
    },
    /** Puts a whole authored definition into the change set (saved even with problems; they are answered). */
    async put(appId, actor, id, kind, name, authored) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor, kind);
      const identity = identityOf(authored);
      if (!identity || identity.kind !== kind || identity.name !== name || !NAME.test(name)) {
        throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$", message: `The body is the whole ${kind} definition, with kind: ${kind} and ${kind === "app" ? "id" : "name"}: ${name}` }] });
      }
      const checksum = checksumOf(authored);
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const locked = await lockChangeSet(tx, app, id, ["open"]);
        const before = await tx.changeSetItem.findUnique({ where: { changeSet_kind_name: { changeSet: id, kind, name } } });
        const data = { authored, checksum, updatedBy: actor.id, updatedAt: now };
        await tx.changeSetItem.upsert({ where: { changeSet_kind_name: { changeSet: id, kind, name } }, create: { changeSet: id, kind, name, ...data }, update: data });
        await tx.changeSet.update({ where: { id }, data: { updatedAt: now } });
        await audit(tx, app.id, actor, "changes.put", id, { kind, name, before: before?.checksum ?? null, after: checksum });
        return locked;
      });
      return view3(app, { ...row, updatedAt: now });
    },
    /** Removes a definition in the change set (publishing removes it from the app). */
    async remove(appId, actor, id, kind, name) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor, kind);
      if (kind === "app") throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.kind", message: "An app cannot remove its own app definition" }] });
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const locked = await lockChangeSet(tx, app, id, ["open"]);
        const data = { authored: prismaNamespace_exports.DbNull, checksum: null, updatedBy: actor.id, updatedAt: now };
        await tx.changeSetItem.upsert({ where: { changeSet_kind_name: { changeSet: id, kind, name } }, create: { changeSet: id, kind, name, ...data }, update: data });
        await tx.changeSet.update({ where: { id }, data: { updatedAt: now } });
        await audit(tx, app.id, actor, "changes.remove", id, { kind, name });
        return locked;
      });
      return view3(app, { ...row, updatedAt: now });
    },
    /**
     * Publishes the change set as the next release (refused while the app has problems with it, a
     * saved case fails, or a definition it changes was released by someone else since) now, or at `at`: a scheduled change set is checked now (so its author learns of a
     * problem at once), kept in the database (a restart keeps it), checked again and published when
     * its time comes by the job `changes.publishDue`; if it no longer passes then, it goes back to
     * open with the reason.
     */
    async publish(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayPublish(app, actor);
      const { comment, mappings = {}, at } = validatePublish(body ?? {});
      if (at !== void 0) return schedule(app, actor, id, new Date(at), comment, mappings);
      return releaseView(await publishNow(app, actor, id, "open", comment, mappings), await actorNames(db, app.id, [actor.id]));
    },
    /** The job: publishes every scheduled change set whose time has come, as the admin who scheduled it. */
    async publishDue() {
      const due = await db.changeSet.findMany({ where: { status: "scheduled", publishAt: { lte: ctx.clock() } }, orderBy: { publishAt: "asc" } });
      let published = 0;
      let failed2 = 0;
      for (const row of due) {
        const app = ctx.registry().apps.get(row.app);
        if (!app) continue;
        const actor = { id: row.scheduledBy ?? "scheduler", app: app.id, role: row.scheduledRole ?? "" };
        try {
          assertMayPublish(app, actor);
          await publishNow(app, actor, row.id, "scheduled", row.scheduleComment ?? void 0, row.scheduleMappings ?? {});
          published++;
        } catch (err) {
          failed2++;
          const reason = err instanceof AppError ? `${err.message}${err.details?.length ? `: ${err.details.map((d) => `${d.path} ${d.message}`).join("; ")}` : ""}` : "The publish failed";
          await db.$transaction(async (tx) => {
            const { count: count2 } = await tx.changeSet.updateMany({ where: { id: row.id, status: "scheduled" }, data: { status: "open", scheduleError: reason.slice(0, 2e3), updatedAt: ctx.clock() } });
            if (count2) await audit(tx, app.id, actor, "changes.schedule-failed", row.id, { reason });
          });
          ctx.logger.warn({ app: app.id, changeSet: row.id, reason }, "a scheduled publish was refused; the change set is open again");
        }
      }
      return { published, failed: failed2 };
    },
    /** A simulation (simulate.ts) against the change set's candidate: what the app would do once it is published. */
    async simulate(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const request = parseSimulation(body);
      const row = await load(app, id);
      open(row);
      const c = await candidate(app, row, await itemsOf(id));
      return simulate(candidateApp(c.definitions, ctx.compileOptions), request, ctx.clock());
    },
    /** The app's saved test cases run against the change set's candidate, and the moves no case asks for. */
    async tests(appId, actor, id) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const row = await load(app, id);
      open(row);
      const c = await candidate(app, row, await itemsOf(id));
      return runTestCases(candidateApp(c.definitions, ctx.compileOptions), ctx.clock());
    },
    /**
     * Approves the change set's current content (maker-checker): never by whoever opened it or
     * edited it, and only until the next edit, which changes what would be published.
     */
    async approve(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      const { comment, contentHash: seen } = validateApprove2(body ?? {});
      const { row, hash } = await reviewable(app, actor, id, seen);
      await db.$transaction(async (tx) => {
        await tx.changeSetApproval.upsert({ where: { changeSet_actorId_contentHash: { changeSet: id, actorId: actor.id, contentHash: hash } }, create: { changeSet: id, actorId: actor.id, role: actor.role, contentHash: hash, at: ctx.clock() }, update: {} });
        await audit(tx, app.id, actor, "changes.approve", id, { contentHash: hash, comment });
      });
      return view3(app, row);
    },
    /** A checker asks for changes: this content cannot be published until the change set is edited (their approval of it, if any, is withdrawn). */
    async requestChanges(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      const { comment, contentHash: seen } = validateRequestChanges(body ?? {});
      const { row, hash } = await reviewable(app, actor, id, seen);
      await db.$transaction(async (tx) => {
        await tx.changeSetApproval.deleteMany({ where: { changeSet: id, actorId: actor.id, contentHash: hash } });
        await tx.changeSetReview.create({ data: { id: randomUUID5(), changeSet: id, actorId: actor.id, role: actor.role, contentHash: hash, comment, at: ctx.clock() } });
        await audit(tx, app.id, actor, "changes.request-changes", id, { contentHash: hash, comment });
      });
      return view3(app, row);
    },
    async discard(appId, actor, id) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor);
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const locked = await lockChangeSet(tx, app, id, ["open", "scheduled"]);
        await tx.changeSet.update({ where: { id }, data: { status: "discarded", updatedAt: now } });
        await audit(tx, app.id, actor, "changes.discard", id, {});
        return locked;
      });
      return view3(app, { ...row, status: "discarded", updatedAt: now });
    },
    async releases(appId, actor) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const releases = await listReleases(db, app.id);
      const names = await actorNames(db, app.id, releases.map((r) => r.createdBy));
      return releases.map((r) => releaseView(r, names));
    },
    /** One release with the content of each of its definitions. */
    async release(appId, actor, number) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const r = /^\d{1,9}$/.test(number) ? await findRelease(db, app.id, Number(number)) : void 0;
      if (!r) throw new AppError("NOT_FOUND", `No release ${number} of app "${app.id}"`);
      const content = new Map((await releaseDefinitions(db, r)).map((d) => [key(d.kind, d.name), d.content]));
      const v = releaseView(r, await actorNames(db, app.id, [r.createdBy]));
      return { ...v, definitions: v.definitions.map((d) => ({ ...d, content: content.get(key(d.kind, d.name)) })) };
    },
    /** What release `number` changed against release `against` (default: the one before it), per definition, in sentences. */
    async diff(appId, actor, number, query) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const r = /^\d{1,9}$/.test(number) ? await findRelease(db, app.id, Number(number)) : void 0;
      if (!r) throw new AppError("NOT_FOUND", `No release ${number} of app "${app.id}"`);
      const against = query.against === void 0 ? r.number - 1 : /^\d{1,9}$/.test(String(query.against)) ? Number(query.against) : NaN;
      if (Number.isNaN(against)) throw new AppError("BAD_REQUEST", void 0, { details: [{ path: "$.query.against", message: "A release number" }] });
      const other = against >= 1 ? await findRelease(db, app.id, against) : void 0;
      if (against >= 1 && !other) throw new AppError("NOT_FOUND", `No release ${against} of app "${app.id}"`);
      const before = other ? await releaseDefinitions(db, other) : [];
      return { release: r.number, against: other?.number ?? null, definitions: compareDefinitions(before, await releaseDefinitions(db, r)) };
    },
    /** A new release whose content equals release `number` (checked as any release is). */
    async rollback(appId, actor, number, body) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayPublish(app, actor);
      const { comment, mappings = {} } = validateRollback(body ?? {});
      const made = await release(app, actor, async (tx) => {
        const target2 = /^\d{1,9}$/.test(number) ? await findRelease(tx, app.id, Number(number)) : void 0;
        if (!target2) throw new AppError("NOT_FOUND", `No release ${number} of app "${app.id}"`);
        const live = await liveRelease(tx, app.id);
        const definitions = await releaseDefinitions(tx, target2);
        const compiled2 = candidateApp(definitions, ctx.compileOptions);
        await assertTestCasesPass(compiled2, ctx.clock());
        const moves = await plannedMigrations(tx, app, await releaseDefinitions(tx, live), definitions, mappings);
        const written = await writeRelease(tx, { app: app.id, source: "rollback", comment: comment ?? `Rollback to release ${target2.number}`, createdBy: actor.id, at: ctx.clock(), definitions });
        for (const m of moves) await migrateRecords(tx, m, actor, written.number, ctx.clock());
        return { release: written, compiled: compiled2, audit: { action: "releases.rollback", detail: { to: target2.number, release: written.number, checksum: written.checksum } } };
      });
      return releaseView(made, await actorNames(db, app.id, [actor.id]));
    }
  };
}
var validateOpen, APPROVE_BODY_SCHEMA, validateApprove2, REQUEST_CHANGES_BODY_SCHEMA, validateRequestChanges, PUBLISH_BODY_SCHEMA, ROLLBACK_BODY_SCHEMA, validateRollback, validatePublish, NAME, key, releaseView;
var init_change_sets = __esm({
  "engine/lifecycle/change-sets.ts"() {
    "use strict";
    init_audit_log();
    init_app_error();
    init_compile_app();
    init_describe_changes();
    init_compare_definitions();
    init_actor_names();
    init_resolve_target();
    init_database();
    init_validate_body();
    init_uuid();
    init_definition_permissions();
    init_candidate_app();
    init_run_test_cases();
    init_simulate();
    init_migrate_records();
    init_release_store();
    validateOpen = bodyValidator({ type: "object", additionalProperties: false, required: ["title"], properties: { title: { type: "string", minLength: 1, maxLength: 200 } } });
    APPROVE_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      properties: {
        comment: { type: "string", maxLength: 2e3 },
        contentHash: { type: "string", pattern: "^[0-9a-f]{64}$", description: "The contentHash the approver read: 409 when the change set changed since" }
      }
    };
    validateApprove2 = bodyValidator(APPROVE_BODY_SCHEMA);
    REQUEST_CHANGES_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["comment"],
      properties: { comment: { type: "string", minLength: 1, maxLength: 2e3, description: "What to change" }, contentHash: APPROVE_BODY_SCHEMA.properties.contentHash }
    };
    validateRequestChanges = bodyValidator(REQUEST_CHANGES_BODY_SCHEMA);
    PUBLISH_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      properties: {
        comment: { type: "string", maxLength: 2e3 },
        at: { type: "string", format: "date-time", description: "Publish at this time instead of now (checked now and again then)" },
        mappings: {
          type: "object",
          description: `Per workflow, the state each removed state's records move to: { "lead-status": { "on_hold": "in_discussion" } }`,
          additionalProperties: { type: "object", additionalProperties: { type: "string", minLength: 1, maxLength: 100 } }
        }
      }
    };
    ROLLBACK_BODY_SCHEMA = { type: "object", additionalProperties: false, properties: { comment: PUBLISH_BODY_SCHEMA.properties.comment, mappings: PUBLISH_BODY_SCHEMA.properties.mappings } };
    validateRollback = bodyValidator(ROLLBACK_BODY_SCHEMA);
    validatePublish = bodyValidator(PUBLISH_BODY_SCHEMA);
    NAME = /^[a-z][a-z0-9_-]{0,62}$/;
    key = (kind, name) => `${kind}/${name}`;
    releaseView = (r, names = /* @__PURE__ */ new Map()) => ({ number: r.number, source: r.source, comment: r.comment, checksum: r.checksum, changeSet: r.changeSet, createdBy: r.createdBy, createdByName: names.get(r.createdBy) ?? null, createdAt: r.createdAt.toISOString(), definitions: r.entries.map((e) => ({ kind: e.kind, name: e.name, version: e.version, checksum: e.checksum, file: e.file })) });
  }
});

// engine/lifecycle/migrate-pinned-records.ts
async function migratePinnedRecords(ctx, appId, actor, number, body) {
  const app = resolveApp(ctx.registry(), appId);
  assertMayPublish(app, actor);
  const { entity: entityName, from, mappings = {}, dryRun = false, comment } = validateMigrate(body ?? {});
  const target2 = /^\d{1,9}$/.test(number) ? await findRelease(ctx.db, app.id, Number(number)) : void 0;
  if (!target2) throw new AppError("NOT_FOUND", `No release ${number} of app "${app.id}"`);
  const targetApp = await ctx.releasedApp(app.id, target2.number);
  const wf = targetApp?.entities.get(entityName)?.workflow;
  if (!wf) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.entity", message: `Release ${target2.number} has no workflow for entity "${entityName}"` }] });
  const badMappings = Object.entries(mappings).filter(([, to]) => !Object.hasOwn(wf.states, to));
  if (badMappings.length) throw new AppError("VALIDATION_FAILED", void 0, { details: badMappings.map(([st, to]) => ({ path: `$.mappings.${st}`, message: `"${to}" is not a state of workflow "${wf.name}" in release ${target2.number}` })) });
  const live = await liveRelease(ctx.db, app.id);
  const pinTo = live?.number === target2.number && wf.definition.follows !== "pinned" ? null : target2.number;
  const now = ctx.clock();
  return ctx.db.$transaction(async (tx) => {
    const picked = await tx.$queryRaw`
      SELECT id, release, state FROM records
      WHERE app = ${app.id} AND entity = ${entityName} AND release IS NOT NULL AND release <> ${target2.number}
        AND (${from ?? null}::int IS NULL OR release = ${from ?? null}::int) AND deleted_at IS NULL
      ORDER BY id FOR UPDATE`;
    const counts = {};
    for (const { release, state } of picked) {
      const byState = counts[String(release)] ??= {};
      byState[state ?? ""] = (byState[state ?? ""] ?? 0) + 1;
    }
    const unmapped = Object.entries(counts).flatMap(
      ([release, byState]) => Object.entries(byState).filter(([state]) => state !== "" && !Object.hasOwn(wf.states, state) && !Object.hasOwn(mappings, state)).map(([state, n]) => ({ path: `$.mappings.${state}`, message: `${n} ${entityName} record${n === 1 ? "" : "s"} pinned to release ${release} ${n === 1 ? "is" : "are"} in "${state}", which release ${target2.number} does not have: map it to one of its states` }))
    );
    if (unmapped.length) throw new AppError("CONFLICT", `Records are in states release ${target2.number} does not have`, { details: unmapped, data: { counts } });
    if (dryRun || !picked.length) return { release: target2.number, entity: entityName, counts, migrated: 0, dryRun };
    await tx.$executeRaw`
      WITH moved AS (
        UPDATE records r SET state = COALESCE(${JSON.stringify(mappings)}::jsonb ->> p.old_state, p.old_state), release = ${pinTo}::int,
          version = r.version + 1, updated_at = ${now}
        FROM (SELECT id, release AS old_release, state AS old_state FROM records WHERE id = ANY(${picked.map((r) => r.id)}::uuid[])) p
        WHERE r.id = p.id
        RETURNING r.id, r.app, r.entity, r.state, p.old_state, p.old_release
      ), timeline AS (
        INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, at)
        SELECT id, app, entity, 'release.migrate', old_state, state, ${actor.id}, ${actor.role}, true,
          'Migrated from release ' || old_release || ' to release ' || ${target2.number}::int, ${now} FROM moved
      )
      INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, detail, at)
      SELECT app, entity, id, 'record.migrate', 'accepted', ${actor.id}, ${actor.role}, jsonb_build_object('state', old_state, 'release', old_release),
        jsonb_build_object('state', state, 'release', ${target2.number}::int), ${JSON.stringify({ comment: comment ?? null })}::jsonb, ${now} FROM moved`;
    await appendAudit(tx, { app: app.id, entity: "_definitions", action: "releases.migrate", actor, detail: { release: target2.number, entity: entityName, from: from ?? null, mappings, counts, comment }, at: now });
    return { release: target2.number, entity: entityName, counts, migrated: picked.length, dryRun };
  });
}
var MIGRATE_BODY_SCHEMA, validateMigrate;
var init_migrate_pinned_records = __esm({
  "engine/lifecycle/migrate-pinned-records.ts"() {
    "use strict";
    init_audit_log();
    init_app_error();
    init_resolve_target();
    init_validate_body();
    init_definition_permissions();
    init_release_store();
    MIGRATE_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["entity"],
      properties: {
        entity: { type: "string", minLength: 1, maxLength: 100, description: "The entity whose pinned records move" },
        from: { type: "integer", minimum: 1, description: "Only the records pinned to this release (default: every release but the target)" },
        mappings: {
          type: "object",
          description: 'The state each record in a state the target workflow lacks moves to: { "PAN_SUBMITTED": "MOBILE_VERIFIED" }',
          additionalProperties: { type: "string", minLength: 1, maxLength: 100 }
        },
        dryRun: { type: "boolean", description: "Count what would move; move nothing" },
        comment: { type: "string", maxLength: 2e3 }
      }
    };
    validateMigrate = bodyValidator(MIGRATE_BODY_SCHEMA);
  }
});

// engine/effects/deliver-planned.ts
async function deliverPlanned(steps, deps, modules = effectModules) {
  for (const { effect, step } of steps) await modules[effect].deliver(step, deps);
}
var init_deliver_planned = __esm({
  "engine/effects/deliver-planned.ts"() {
    "use strict";
    init_effect_registry();
  }
});

// engine/effects/prepare-planned.ts
async function preparePlanned(steps, deps, modules = effectModules) {
  const done = [];
  const abandon = async () => {
    for (const p of done) await p.abandon?.().catch((err) => deps.logger.error({ err }, "could not abandon a prepared effect"));
  };
  const fields = {};
  try {
    for (const { effect, step } of steps) {
      const prepared = await modules[effect].prepare(step, { ...deps, record: { ...deps.record, ...fields } });
      done.push(prepared);
      Object.assign(fields, prepared.fields);
    }
  } catch (err) {
    await abandon();
    throw err;
  }
  return { fields, abandon };
}
var NOTHING_PREPARED;
var init_prepare_planned = __esm({
  "engine/effects/prepare-planned.ts"() {
    "use strict";
    init_effect_registry();
    NOTHING_PREPARED = { fields: {}, abandon: async () => {
    } };
  }
});

// engine/records/record-scope.ts
async function scopeValues(sql2, app, actor, scope) {
  const own = actorScopeValues(actor, scope);
  const via = scope.orVia;
  if (!via || !own.length) return own;
  const { rows } = await sql2.query(
    `SELECT DISTINCT data ->> $4 AS v FROM records
      WHERE app = $1 AND entity = $2 AND deleted_at IS NULL AND data ->> $3 = ANY($5::text[]) AND data ->> $4 IS NOT NULL`,
    [app, via.entity, via.field, via.key ?? scope.field, own]
  );
  return [.../* @__PURE__ */ new Set([...own, ...rows.map((r) => r.v)])];
}
async function permittedScopeValues(sql2, app, actor, permission) {
  return permission.scope ? scopeValues(sql2, app, actor, permission.scope) : void 0;
}
async function visibleScopeTags(sql2, app, actor, permission) {
  const values = await permittedScopeValues(sql2, app, actor, permission);
  return values?.map((v) => `${permission.scope.field}:${v}`);
}
async function assertInScope(sql2, app, actor, permission, row) {
  if (!carriesScope(await visibleScopeTags(sql2, app, actor, permission), row)) throw outOfScope(row);
}
var carriesScope, OUT_OF_SCOPE, outOfScope, isOutOfScope;
var init_record_scope = __esm({
  "engine/records/record-scope.ts"() {
    "use strict";
    init_permissions();
    init_app_error();
    carriesScope = (tags, row) => tags === void 0 || tags.some((t) => row.scopeTags.includes(t));
    OUT_OF_SCOPE = /* @__PURE__ */ Symbol("out of scope");
    outOfScope = (row) => new AppError("RECORD_NOT_FOUND", `No ${row.entity} with id "${row.id}"`, { cause: OUT_OF_SCOPE });
    isOutOfScope = (err) => err instanceof AppError && err.cause === OUT_OF_SCOPE;
  }
});

// engine/workflow/journey-status.ts
function journeyStatus(wf, state) {
  if (!wf?.isJourney || state === null) return void 0;
  const def = wf.states[state];
  if (!def) return void 0;
  const stages = Object.values(wf.states).map((s) => s.stage ?? 0);
  const maxStage = Math.max(...stages, 1);
  const stage = def.stage ?? 0;
  return {
    currentStage: stage,
    currentState: state,
    progressPercent: def.progress ?? Math.round(stage / maxStage * 100)
  };
}
var init_journey_status = __esm({
  "engine/workflow/journey-status.ts"() {
    "use strict";
  }
});

// engine/records/followed-workflow.ts
async function followedWorkflow(ctx, app, entity, row) {
  if (row.release === null) return { app, entity };
  const pinned = await ctx.releasedApp(app.id, row.release);
  const pinnedEntity = pinned?.entities.get(entity.name);
  if (!pinned || !pinnedEntity?.workflow) {
    throw new AppError("CONFLICT", `This ${entity.name} follows release ${row.release}, which this server cannot serve: migrate it to the live release`, { data: { release: row.release } });
  }
  return { app: pinned, entity: pinnedEntity };
}
var releaseForNewRecord;
var init_followed_workflow = __esm({
  "engine/records/followed-workflow.ts"() {
    "use strict";
    init_app_error();
    releaseForNewRecord = (ctx, app, entity) => entity.workflow?.definition.follows === "pinned" ? ctx.registry().releases?.get(app.id) ?? null : null;
  }
});

// engine/records/record-store.ts
function toRow(r) {
  return {
    id: r.id,
    app: r.app,
    entity: r.entity,
    state: r.state,
    version: r.version,
    data: r.data,
    release: r.release ?? null,
    scopeTags: r.scope_tags ?? [],
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at
  };
}
async function findRecord(db, app, entity, id) {
  if (!UUID_RE.test(id)) return void 0;
  const { rows } = await db.sql.query({
    name: "rulepath-find-record",
    text: `SELECT ${COLUMN_LIST} FROM records WHERE id = $1::uuid AND app = $2 AND entity = $3 AND deleted_at IS NULL`,
    values: [id, app, entity]
  });
  return rows[0] ? toRow(rows[0]) : void 0;
}
async function recordsInStates(sql2, app, entity, states) {
  const { rows } = await sql2.query(
    `SELECT ${COLUMN_LIST} FROM records WHERE app = $1 AND entity = $2 AND state = ANY($3::text[]) AND deleted_at IS NULL ORDER BY created_at, id`,
    [app, entity, states]
  );
  return rows.map(toRow);
}
async function lockRecord(tx, app, entity, id) {
  if (!UUID_RE.test(id)) return void 0;
  const rows = await tx.$queryRaw`
    SELECT ${COLUMNS} FROM records
    WHERE id = ${id}::uuid AND app = ${app} AND entity = ${entity} AND deleted_at IS NULL
    FOR UPDATE`;
  return rows[0] ? toRow(rows[0]) : void 0;
}
function sortExpression(field, stateField) {
  if (isTimestampSort(field)) return COLUMN_SORTS[field];
  if (field === stateField) return prismaNamespace_exports.sql`COALESCE(to_jsonb(state), 'null'::jsonb)`;
  return prismaNamespace_exports.sql`COALESCE(data -> ${field}, 'null'::jsonb)`;
}
async function listRecords(db, scope, q) {
  const where = [prismaNamespace_exports.sql`app = ${scope.app}`, prismaNamespace_exports.sql`entity = ${scope.entity}`, prismaNamespace_exports.sql`deleted_at IS NULL`];
  if (scope.scopeTags !== void 0) where.push(scope.scopeTags.length ? prismaNamespace_exports.sql`scope_tags && ARRAY[${prismaNamespace_exports.join(scope.scopeTags)}]::text[]` : prismaNamespace_exports.sql`false`);
  for (const f of q.filters) {
    const target2 = f.field === scope.stateField ? prismaNamespace_exports.sql`state` : prismaNamespace_exports.sql`data ->> ${f.field}`;
    where.push(prismaNamespace_exports.sql`${target2} IN (${prismaNamespace_exports.join(f.values)})`);
  }
  const sortExpr = sortExpression(q.sort.field, scope.stateField);
  const isColumn = isTimestampSort(q.sort.field);
  if (q.cursor) {
    const value = isColumn ? prismaNamespace_exports.sql`${String(q.cursor.value)}::timestamptz` : prismaNamespace_exports.sql`${JSON.stringify(q.cursor.value)}::jsonb`;
    where.push(
      q.sort.descending ? prismaNamespace_exports.sql`(${sortExpr}, id) < (${value}, ${q.cursor.id}::uuid)` : prismaNamespace_exports.sql`(${sortExpr}, id) > (${value}, ${q.cursor.id}::uuid)`
    );
  }
  const direction = q.sort.descending ? prismaNamespace_exports.sql`DESC` : prismaNamespace_exports.sql`ASC`;
  const rows = await db.$queryRaw`
    SELECT ${COLUMNS}, ${sortExpr} AS sort_value FROM records
    WHERE ${prismaNamespace_exports.join(where, " AND ")}
    ORDER BY ${sortExpr} ${direction}, id ${direction}
    LIMIT ${q.limit + 1}`;
  return {
    rows: rows.map(toRow),
    sortValues: rows.map((r) => r.sort_value instanceof Date ? r.sort_value.toISOString() : r.sort_value)
  };
}
function keyChanges2(drop, add) {
  return `dropped AS (
       DELETE FROM record_keys k USING updated, jsonb_to_recordset($${drop}::jsonb) AS d("keyName" text, value text)
       WHERE k.record_id = updated.id AND k.app = updated.app AND k.entity = updated.entity AND k.key_name = d."keyName" AND k.value = d.value
     ), added AS (
       INSERT INTO record_keys (app, entity, key_name, value, record_id)
       SELECT updated.app, updated.entity, a."keyName", a.value, updated.id FROM updated, jsonb_to_recordset($${add}::jsonb) AS a("keyName" text, value text)
     )`;
}
function inTransaction(tx) {
  return {
    query: (async (config3, values) => {
      const { text: text3, values: given } = typeof config3 === "string" ? { text: config3, values } : config3;
      return { rows: await tx.$queryRawUnsafe(text3, ...given ?? []) };
    })
  };
}
async function writeTransition(sql2, w) {
  const t = w.timeline;
  const values = [
    w.id,
    w.expectedVersion,
    w.toState,
    JSON.stringify(w.data),
    w.scopeTags,
    w.at,
    t.event,
    t.fromState,
    t.actorId,
    t.role,
    t.override,
    t.remarks ?? null,
    jsonb(t.input),
    w.audit.action,
    jsonb(w.audit.before),
    jsonb(w.audit.after),
    jsonb(w.audit.detail),
    w.outbox
  ];
  const param = (v) => `$${values.push(v)}`;
  const keys = w.dropKeys.length || w.addKeys.length ? `, ${keyChanges2(values.push(JSON.stringify(w.dropKeys)), values.push(JSON.stringify(w.addKeys)))}` : "";
  const compiled2 = w.compiled ? `, compiled AS (
       INSERT INTO compiled_rules (app, ruleset, record_id, record_version, compiled, compiled_at)
       SELECT app, ${param(w.compiled.ruleset)}, id, version, ${param(JSON.stringify(w.compiled.compiled))}::jsonb, $6 FROM updated
       ON CONFLICT (app, ruleset, record_id) DO UPDATE SET record_version = EXCLUDED.record_version, compiled = EXCLUDED.compiled, compiled_at = EXCLUDED.compiled_at
     )` : "";
  const { rows } = await sql2.query({
    name: `rulepath-write-transition${keys ? "-keys" : ""}${compiled2 ? "-compiled" : ""}`,
    text: `WITH updated AS (
       UPDATE records
       SET state = $3, data = $4::jsonb, version = version + 1, scope_tags = $5::text[], updated_at = $6
       WHERE id = $1::uuid AND version = $2 AND deleted_at IS NULL
       RETURNING ${COLUMN_LIST}
     ), timeline AS (
       INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, input, at)
       SELECT id, app, entity, $7, $8, state, $9, $10, $11, $12, $13::jsonb, $6 FROM updated
     ), audit AS (
       INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, detail, at)
       SELECT app, entity, id, $14, 'accepted', $9, $10, $15::jsonb, $16::jsonb, $17::jsonb, $6 FROM updated
     ), outbox AS (
       INSERT INTO outbox_messages (id, app, channel, record_id, template, recipient, payload, idempotency_key, status, last_error, next_attempt_at, created_at)
       SELECT m.id, m.app, m.channel, m."recordId", m.template, m.recipient, m.payload, m."idempotencyKey", m.status, m."lastError", m."nextAttemptAt", m."createdAt"
       FROM updated, jsonb_to_recordset($18::jsonb) AS m(id uuid, app text, channel text, "recordId" uuid, template text, recipient text, payload jsonb,
            "idempotencyKey" text, status text, "lastError" text, "nextAttemptAt" timestamptz, "createdAt" timestamptz)
     )${keys}${compiled2}
     SELECT * FROM updated`,
    values
  });
  return rows[0] ? toRow(rows[0]) : void 0;
}
async function insertRecord(sql2, w) {
  const { rows } = await sql2.query({
    name: "rulepath-insert-record",
    text: `WITH inserted AS (
       INSERT INTO records (id, app, entity, state, version, data, scope_tags, created_by, created_at, updated_at, release)
       VALUES ($1::uuid, $2, $3, $4, 1, $5::jsonb, $6::text[], $7, $8, $8, $13::int)
       RETURNING ${COLUMN_LIST}
     ), keys AS (
       INSERT INTO record_keys (app, entity, key_name, value, record_id)
       SELECT inserted.app, inserted.entity, k."keyName", k.value, inserted.id FROM inserted, jsonb_to_recordset($9::jsonb) AS k("keyName" text, value text)
     ), timeline AS (
       INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, at)
       SELECT id, app, entity, 'create', NULL, state, $7, $10, false, $8 FROM inserted WHERE state IS NOT NULL
     ), audit AS (
       INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, after, at)
       SELECT app, entity, id, 'record.create', 'accepted', $7, $10, $11::jsonb, $8 FROM inserted
     ), outbox AS (
       INSERT INTO outbox_messages (id, app, channel, record_id, template, recipient, payload, idempotency_key, status, last_error, next_attempt_at, created_at)
       SELECT m.id, m.app, m.channel, m."recordId", m.template, m.recipient, m.payload, m."idempotencyKey", m.status, m."lastError", m."nextAttemptAt", m."createdAt"
       FROM inserted, jsonb_to_recordset($12::jsonb) AS m(id uuid, app text, channel text, "recordId" uuid, template text, recipient text, payload jsonb,
            "idempotencyKey" text, status text, "lastError" text, "nextAttemptAt" timestamptz, "createdAt" timestamptz)
     )
     SELECT * FROM inserted`,
    values: [w.id, w.app, w.entity, w.state, JSON.stringify(w.data), w.scopeTags, w.actorId, w.at, JSON.stringify(w.keys), w.role, JSON.stringify({ state: w.state, data: w.data }), w.outbox, w.release ?? null]
  });
  return toRow(rows[0]);
}
async function updateRecordData(sql2, w) {
  const { rows } = await sql2.query({
    name: "rulepath-update-record",
    text: `WITH updated AS (
       UPDATE records SET data = $3::jsonb, version = version + 1, scope_tags = $4::text[], updated_at = $5
       WHERE id = $1::uuid AND version = $2 AND deleted_at IS NULL
       RETURNING ${COLUMN_LIST}
     ), ${keyChanges2(6, 7)}, audit AS (
       INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, at)
       SELECT app, entity, id, 'record.update', 'accepted', $8, $9, $10::jsonb, $3::jsonb, $5 FROM updated
     )
     SELECT * FROM updated`,
    values: [w.id, w.expectedVersion, JSON.stringify(w.data), w.scopeTags, w.at, JSON.stringify(w.dropKeys), JSON.stringify(w.addKeys), w.actorId, w.role, JSON.stringify(w.before)]
  });
  return rows[0] ? toRow(rows[0]) : void 0;
}
async function recordsAfter(sql2, app, entity, scopeTags2, afterId, limit) {
  if (scopeTags2 !== void 0 && !scopeTags2.length) return [];
  const { rows } = await sql2.query(
    `SELECT ${COLUMN_LIST} FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL
       AND ($3::text[] IS NULL OR scope_tags && $3::text[]) AND ($4::uuid IS NULL OR id > $4::uuid)
     ORDER BY id LIMIT $5`,
    [app, entity, scopeTags2 ?? null, afterId, limit]
  );
  return rows.map(toRow);
}
async function scopeFingerprint(sql2, app, entity, scopeTags2) {
  if (scopeTags2 !== void 0 && !scopeTags2.length) return "0";
  const { rows } = await sql2.query(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS n, max(updated_at) FILTER (WHERE deleted_at IS NULL) AS newest,
            sum(version) FILTER (WHERE deleted_at IS NULL) AS versions, max(deleted_at) AS deleted
       FROM records WHERE app = $1 AND entity = $2 AND ($3::text[] IS NULL OR scope_tags && $3::text[])`,
    [app, entity, scopeTags2 ?? null]
  );
  const r = rows[0];
  return `${r.n}|${r.newest?.toISOString() ?? ""}|${r.versions ?? 0}|${r.deleted?.toISOString() ?? ""}`;
}
var COLUMN_LIST, COLUMNS, COLUMN_SORTS, isTimestampSort, jsonb;
var init_record_store = __esm({
  "engine/records/record-store.ts"() {
    "use strict";
    init_database();
    init_uuid();
    COLUMN_LIST = "id, app, entity, state, version, data, release, scope_tags, created_by, created_at, updated_at, deleted_at";
    COLUMNS = prismaNamespace_exports.raw(COLUMN_LIST);
    COLUMN_SORTS = {
      createdAt: prismaNamespace_exports.sql`created_at`,
      updatedAt: prismaNamespace_exports.sql`updated_at`
    };
    isTimestampSort = (field) => Object.hasOwn(COLUMN_SORTS, field);
    jsonb = (v) => v === void 0 ? null : JSON.stringify(v);
  }
});

// engine/records/list-query.ts
function parseListQuery(entity, query, hidden = NONE2, role = "") {
  const details = [];
  const stateField = entity.workflow?.field;
  const filters = [];
  for (const [key2, raw3] of Object.entries(query)) {
    if (RESERVED.has(key2)) continue;
    const values = (Array.isArray(raw3) ? raw3 : [raw3]).filter((v) => typeof v === "string");
    if (hidden.has(key2)) {
      details.push({ path: `$.query.${key2}`, message: `Role "${role}" may not filter on "${key2}"` });
    } else if (!entity.filterable.has(key2) && key2 !== stateField) {
      details.push({ path: `$.query.${key2}`, message: `"${key2}" is not a filterable field of ${entity.name}` });
    } else if (values.length === 0 || values.length > 50) {
      details.push({ path: `$.query.${key2}`, message: "Give between 1 and 50 values" });
    } else filters.push({ field: key2, values });
  }
  let sort = { field: "createdAt", descending: true };
  if (query.sort !== void 0) {
    const s = typeof query.sort === "string" ? query.sort : "";
    const field = s.replace(/^[-+]/, "");
    if (hidden.has(field)) details.push({ path: "$.query.sort", message: `Role "${role}" may not sort on "${field}"` });
    else if (!entity.sortable.has(field)) details.push({ path: "$.query.sort", message: `Sort by one of: ${[...entity.sortable].filter((f) => !hidden.has(f)).join(", ")} (prefix - for descending)` });
    else sort = { field, descending: s.startsWith("-") };
  }
  let limit = 20;
  if (query.limit !== void 0) {
    const n = typeof query.limit === "string" && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) details.push({ path: "$.query.limit", message: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
    else limit = n;
  }
  let cursor;
  if (query.cursor !== void 0) {
    cursor = decodeCursor(query.cursor, entity, sort.field);
    if (!cursor) details.push({ path: "$.query.cursor", message: "The cursor is not one this server issued" });
  }
  if (details.length) throw new AppError("BAD_REQUEST", "The query is not valid", { details });
  return { filters, sort, limit, cursor };
}
function encodeCursor(value, id) {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}
function decodeCursor(raw3, entity, sortField) {
  if (typeof raw3 !== "string" || raw3.length > 2e3) return void 0;
  let parsed;
  try {
    parsed = JSON.parse(Buffer.from(raw3, "base64url").toString("utf8"));
  } catch {
    return void 0;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== "string" || !UUID_RE.test(parsed[1])) return void 0;
  const [value, id] = parsed;
  return fitsSort(value, entity, sortField) ? { value, id } : void 0;
}
function fitsSort(value, entity, sortField) {
  if (isTimestampSort(sortField)) {
    const ms = typeof value === "string" && ISSUED_TIMESTAMP.test(value) ? Date.parse(value) : NaN;
    return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
  }
  const type = entity.fields[sortField]?.type;
  if (value !== null && typeof value === "object" && type !== "object" && type !== "array") return false;
  return jsonbTakes(value);
}
function jsonbTakes(value) {
  if (typeof value === "string") return isStorableText(value);
  if (value === null || typeof value !== "object") return true;
  return Object.entries(value).every(([k, v]) => isStorableText(k) && jsonbTakes(v));
}
var RESERVED, MAX_LIMIT, NONE2, ISSUED_TIMESTAMP;
var init_list_query = __esm({
  "engine/records/list-query.ts"() {
    "use strict";
    init_app_error();
    init_storable_text();
    init_record_store();
    init_uuid();
    RESERVED = /* @__PURE__ */ new Set(["sort", "limit", "cursor"]);
    MAX_LIMIT = 100;
    NONE2 = /* @__PURE__ */ new Set();
    ISSUED_TIMESTAMP = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
  }
});

// engine/records/optimistic-write.ts
async function writeOptimistically(ctx, t, decideAndWrite) {
  const tags = await visibleScopeTags(ctx.db.sql, t.app, t.actor, t.permission);
  for (let attempt = 0; ; attempt++) {
    const current2 = await findRecord(ctx.db, t.app, t.entity, t.id);
    if (!current2) throw new AppError("RECORD_NOT_FOUND", `No ${t.entity} with id "${t.id}"`);
    if (!carriesScope(tags, current2)) throw outOfScope(current2);
    if (t.expectedVersion !== void 0 && t.expectedVersion !== current2.version) throw new AppError("VERSION_MISMATCH", void 0, { data: { currentVersion: current2.version } });
    const written = await decideAndWrite(current2);
    if (written !== void 0) return written;
    if (attempt >= MAX_ATTEMPTS) throw new AppError("CONFLICT", "The record is changing too fast; try again");
    await pause(attempt);
  }
}
var MAX_ATTEMPTS, pause;
var init_optimistic_write = __esm({
  "engine/records/optimistic-write.ts"() {
    "use strict";
    init_app_error();
    init_record_scope();
    init_record_store();
    MAX_ATTEMPTS = 200;
    pause = (attempt) => new Promise((resolve2) => setTimeout(resolve2, Math.random() * Math.min(2 + attempt, 20)));
  }
});

// engine/records/assign-record.ts
async function assignmentApplies(entity, guard, data, actor, now) {
  const rule = entity.definition.assign;
  if (!rule || !isEmpty2(data[rule.field])) return false;
  return !guard || guard({ record: { ...data }, input: {}, actor: { ...actor }, now: nowFacts(now) });
}
async function chooseAssignee(sql2, app, entity, data) {
  const rule = entity.definition.assign;
  await sql2.query("SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))", [`assign:${app}:${entity.name}:${rule.field}`]);
  const matched = await pick(sql2, app, entity, rule, data, true);
  if (matched !== null || rule.fallback !== "any") return matched ?? void 0;
  return await pick(sql2, app, entity, rule, data, false) ?? void 0;
}
async function pick(sql2, app, entity, rule, data, withMatch) {
  const values = [app, rule.role, entity.name, rule.field];
  const param = (v) => `$${values.push(v)}`;
  const where = [];
  if (withMatch) {
    for (const [field, attribute] of Object.entries(rule.match ?? {})) {
      const v = data[field];
      if (typeof v !== "string" && typeof v !== "number") return null;
      const name = param(attribute.slice("attributes.".length));
      const wanted = param(String(v).trim().toLowerCase());
      where.push(`(CASE jsonb_typeof(u.attributes -> ${name})
          WHEN 'string' THEN lower(btrim(u.attributes ->> ${name})) = ${wanted}
          WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(u.attributes -> ${name}) a WHERE lower(btrim(a)) = ${wanted})
          ELSE false END)`);
    }
  }
  const finals = Object.entries(entity.workflow?.states ?? {}).filter(([, s]) => s.final).map(([name]) => name);
  const roundRobin = rule.strategy === "round-robin";
  const open = roundRobin ? "" : `AND (r.state IS NULL OR NOT (r.state = ANY(${param(finals)}::text[])))`;
  const tagged = entity.scopeFields.includes(rule.field) ? `AND r.scope_tags && (SELECT array_agg($4 || ':' || id) FROM candidates)` : "";
  const order = roundRobin ? "l.latest ASC NULLS FIRST" : "coalesce(l.n, 0) ASC";
  const { rows } = await sql2.query(
    `WITH candidates AS (
       SELECT u.id::text AS id FROM users u WHERE u.app = $1 AND u.role = $2 AND u.active ${where.map((w) => `AND ${w}`).join(" ")}
     ), load AS (
       SELECT r.data ->> $4 AS id, count(*) AS n, max(r.created_at) AS latest FROM records r
       WHERE r.app = $1 AND r.entity = $3 AND r.deleted_at IS NULL AND r.data ->> $4 IN (SELECT id FROM candidates) ${open} ${tagged}
       GROUP BY 1
     )
     SELECT c.id FROM candidates c LEFT JOIN load l ON l.id = c.id
     ORDER BY ${order}, c.id::uuid
     LIMIT 1`,
    values
  );
  return rows[0]?.id ?? null;
}
var isEmpty2;
var init_assign_record = __esm({
  "engine/records/assign-record.ts"() {
    "use strict";
    init_condition_guard();
    isEmpty2 = (v) => v === void 0 || v === null || v === "";
  }
});

// engine/records/refused-attempts.ts
async function recordRefusedAttempt(ctx, app, entity, actor, id, attempt, err) {
  if (!entity.definition.timeline?.refused || !isAppError(err) || !RECORDED.has(err.status) || isOutOfScope(err)) return;
  if (actor.role === SYSTEM_ROLE || !UUID_RE.test(id)) return;
  const read = app.roles[actor.role]?.permissions?.[entity.name];
  if (!read?.read) return;
  const wf = entity.workflow;
  const target2 = attempt.target !== void 0 && wf && Object.hasOwn(wf.states, attempt.target) ? attempt.target : null;
  const event = bounded(attempt.event ?? attempt.target ?? "update", 120);
  const remarks = typeof attempt.remarks === "string" && attempt.remarks.length <= 2e3 ? storableText(attempt.remarks) : null;
  const fields = (attempt.fields ?? []).filter((f) => Object.hasOwn(entity.fields, f));
  try {
    const tags = await visibleScopeTags(ctx.db.sql, app.id, actor, read);
    await ctx.db.sql.query(
      `INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, at, outcome, error_code, error_message, fields)
       SELECT id, app, entity, $4, state, $5, $6, $7, $8, $9, $10, 'refused', $11, $12, $13::text[]
       FROM records WHERE id = $1::uuid AND app = $2 AND entity = $3 AND deleted_at IS NULL
         AND ($14::text[] IS NULL OR scope_tags && $14::text[])`,
      [
        id,
        app.id,
        entity.name,
        event,
        target2,
        actor.id,
        actor.role,
        attempt.override === true,
        remarks,
        ctx.clock(),
        err.publicCode ?? err.code,
        bounded(err.message, 500),
        fields.length ? fields : null,
        tags ?? null
      ]
    );
  } catch (writeErr) {
    ctx.logger.error({ err: writeErr, app: app.id, entity: entity.name, id }, "could not record a refused attempt in the timeline");
  }
}
var RECORDED, bounded;
var init_refused_attempts = __esm({
  "engine/records/refused-attempts.ts"() {
    "use strict";
    init_system_role();
    init_app_error();
    init_storable_text();
    init_uuid();
    init_record_scope();
    RECORDED = /* @__PURE__ */ new Set([400, 403, 409, 412, 422, 423]);
    bounded = (s, max) => storableText(s.slice(0, max));
  }
});

// engine/records/record-view.ts
function recordView(entity, row) {
  const view3 = { id: row.id, ...row.data };
  if (entity.workflow) view3[entity.workflow.field] = row.state;
  view3.version = row.version;
  view3.createdBy = row.createdBy;
  view3.createdAt = row.createdAt.toISOString();
  view3.updatedAt = row.updatedAt.toISOString();
  return view3;
}
function answerFor(entity, permission, data) {
  if (permission.read === true) return withoutHidden(data, hiddenFields(permission));
  const keep = ["id", "version", "allowedEvents", "transition", ...entity.workflow ? [entity.workflow.field] : []];
  return Object.fromEntries(keep.filter((k) => k in data).map((k) => [k, data[k]]));
}
var init_record_view = __esm({
  "engine/records/record-view.ts"() {
    "use strict";
    init_hidden_fields();
  }
});

// engine/records/record-service.ts
import { createHash as createHash4, createHmac, randomUUID as randomUUID6 } from "node:crypto";
async function checkDedupe(tx, ctx, app, entity, id, data, now) {
  for (const rule of entity.definition.dedupe ?? []) {
    const value = data[rule.field];
    if (value === void 0 || value === null || value === "") continue;
    const hash = createHmac("sha256", ctx.hashKey).update(`${app}:${entity.name}:${rule.name}:${String(value)}`).digest("hex");
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${hash}, 0))`;
    const since = new Date(now.getTime() - rule.windowDays * 864e5);
    const existing = await tx.recordFingerprint.findFirst({ where: { app, entity: entity.name, name: rule.name, hash, createdAt: { gt: since } }, select: { id: true } });
    if (existing) {
      throw new AppError("DUPLICATE_IN_WINDOW", rule.message ?? `This ${rule.field} was already registered in the last ${rule.windowDays} days`, {
        details: [{ path: `$.${rule.field}`, message: "Already registered" }],
        publicCode: rule.errorCode
      });
    }
    await tx.recordFingerprint.create({ data: { app, entity: entity.name, name: rule.name, hash, recordId: id, createdAt: now } });
  }
}
async function claimRequest(tx, ctx, app, entity, req, id, now, who2) {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_keys (app, key, request_hash, record_id, created_at) VALUES (${app}, ${req.key}, ${req.requestHash}, ${id}::uuid, ${now})
    ON CONFLICT (app, key) DO NOTHING`;
  if (inserted) return;
  await answerRepeat(ctx, app, entity, req, who2);
}
function requestIdOf(entity, body) {
  const field = entity.definition.idempotency?.field;
  if (!field) return void 0;
  const key2 = body[field];
  if (typeof key2 !== "string" || !UUID_RE.test(key2)) {
    throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: `$.${field}`, message: "A request id (UUID) is required" }] });
  }
  const tokenField = entity.definition.proof?.tokenField;
  const hashed = tokenField ? Object.fromEntries(Object.entries(body).filter(([k]) => k !== tokenField)) : body;
  return { key: key2.toLowerCase(), requestHash: createHash4("sha256").update(canonicalJson(hashed)).digest("hex") };
}
async function claimProof(tx, app, proofId, id, now) {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_keys (app, key, request_hash, record_id, created_at) VALUES (${app}, ${`proof:${proofId}`}, '', ${id}::uuid, ${now})
    ON CONFLICT (app, key) DO NOTHING`;
  if (!inserted) throw new AppError("CONFLICT", "This verification was used already; verify the customer again", { details: [{ path: "$", message: "One verification, one record" }] });
}
async function answerRepeat(ctx, app, entity, req, who2) {
  const first = await ctx.db.idempotencyKey.findUnique({ where: { app_key: { app, key: req.key } } });
  if (!first) return;
  if (first.requestHash !== req.requestHash) throw new AppError("IDEMPOTENCY_MISMATCH", void 0, { details: [{ path: "$", message: "The request id was used before with another body" }] });
  const existing = await findRecord(ctx.db, app, entity.name, first.recordId);
  if (existing) await assertInScope(ctx.db.sql, app, who2.actor, who2.permission, existing);
  throw new AppError("DUPLICATE_REQUEST", void 0, { data: existing ? withoutHidden(recordView(entity, existing), hiddenFields(who2.permission)) : { id: first.recordId } });
}
function createRecordService(ctx, deps) {
  const { otp } = deps;
  const target2 = (t) => {
    const app = resolveApp(ctx.registry(), t.app);
    return { app, entity: resolveEntity(app, t.entity) };
  };
  async function loadVisible(t, actor, id, action) {
    const { app, entity } = target2(t);
    const permission = requirePermission(app, actor, entity.name, action);
    const row = await findRecord(ctx.db, app.id, entity.name, id);
    if (!row) throw new AppError("RECORD_NOT_FOUND", `No ${entity.name} with id "${id}"`);
    await assertInScope(ctx.db.sql, app.id, actor, permission, row);
    return { app, entity, permission, row };
  }
  async function shownWorkflow(app, entity, row) {
    try {
      return (await followedWorkflow(ctx, app, entity, row)).entity.workflow;
    } catch (err) {
      ctx.logger.warn({ err, app: app.id, entity: entity.name, id: row.id, release: row.release }, "a pinned record is shown by the live workflow");
      return entity.workflow;
    }
  }
  async function eventsFor(entity, workflow, actor, permission, row) {
    if (!workflow) return void 0;
    if (!permission.transition || row.state === null) return [];
    return allowedEvents(workflow, row.state, actor.role, { record: recordView(entity, row), input: {}, actor: { ...actor }, now: nowFacts(ctx.clock()) });
  }
  return {
    /**
     * Everything a create requires, whatever the route: a request id answered once (a repeat is
     * answered before anything else is checked, so a retry after its verification expired still
     * learns its record exists), a proof spent once, amounts computed by the rules, scope, schema,
     * `set` effects of onCreate; then one transaction (or one statement) writes it all.
     */
    async create(t, actor, body) {
      const { app, entity } = target2(t);
      const permission = requirePermission(app, actor, entity.name, "create");
      if (!isObjectBody(body)) throw new AppError("VALIDATION_FAILED", "The body must be a JSON object");
      assertNoHiddenFields(hiddenFields(permission), actor.role, body);
      assertNotComputed(entity, body);
      const idempotency = requestIdOf(entity, body);
      if (idempotency) await answerRepeat(ctx, app.id, entity, idempotency, { actor, permission });
      const proof = entity.definition.proof ? await deps.recordOtp.checkProof(app, entity.definition.proof, body, actor) : void 0;
      const data = await ctx.hooks.beforeCreate(app, entity.name, actor, { ...proof?.data ?? body });
      applyScopeOnWrite(permission, await permittedScopeValues(ctx.db.sql, app.id, actor, permission), data, true);
      applyFixedOnWrite(actor, permission, data, true);
      if (proof) deps.recordOtp.assertWithinProofScope(app, entity, actor, data, proof);
      const now = ctx.clock();
      const id = randomUUID6();
      const state = entity.workflow?.initial ?? null;
      const onCreate = [...entity.workflow?.onCreate ?? [], ...entity.definition.onCreate ?? []];
      const plan = planEffects(
        onCreate,
        { actor: { ...actor }, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name }, record: { id, ...data, version: 1 } },
        { app, recordId: id, key: `${app.id}:${id}:v1`, after: (set2) => ({ id, ...data, ...set2, ...entity.workflow ? { [entity.workflow.field]: state } : {}, version: 1 }) }
      );
      if (Object.keys(plan.fields).length) assertValid(entity.validatePatch, plan.fields, "$.onCreate");
      Object.assign(data, plan.fields);
      applyComputed(entity.definition.computed, data);
      assertValidFields(entity.fields, entity.validateCreate, data);
      await assertRecordChecks(entity.checks, { id, ...data, ...entity.workflow ? { [entity.workflow.field]: state } : {} });
      await ctx.hooks.beforeWrite(app, entity.name, data);
      const prepared = plan.prepare.length ? await preparePlanned(plan.prepare, {
        app,
        entity: entity.name,
        recordId: id,
        now,
        blob: ctx.blob(app),
        logger: ctx.logger,
        record: { id, ...data, ...entity.workflow ? { [entity.workflow.field]: state } : {}, version: 1, createdBy: actor.id, createdAt: now.toISOString(), updatedAt: now.toISOString() }
      }) : NOTHING_PREPARED;
      Object.assign(data, prepared.fields);
      for (const s of plan.skipped) ctx.logger.debug(s.detail, s.message);
      const messages = plan.outbox;
      const assign = await assignmentApplies(entity, entity.assignWhen, { id, ...data, ...entity.workflow ? { [entity.workflow.field]: state } : {} }, actor, now);
      const insertOf = () => ({
        id,
        app: app.id,
        entity: entity.name,
        state,
        data,
        scopeTags: scopeTags(entity, data),
        keys: uniqueKeyValues(entity, data).map((k) => ({ keyName: k.keyName, value: k.value })),
        actorId: actor.id,
        role: actor.role,
        at: now,
        outbox: outboxRecordset(messages, now),
        release: releaseForNewRecord(ctx, app, entity)
      });
      try {
        if (!idempotency && !proof && !assign && !entity.definition.dedupe?.length && !plan.deliver.length) {
          const row2 = await insertRecord(ctx.db.sql, insertOf());
          if (messages.length) ctx.outboxWritten();
          ctx.hooks.afterCommit(app.id, entity.name);
          return { data: answerFor(entity, permission, recordView(entity, row2)), journeyStatus: journeyStatus(entity.workflow, row2.state) };
        }
        const row = await ctx.db.$transaction(async (tx) => {
          if (idempotency) await claimRequest(tx, ctx, app.id, entity, idempotency, id, now, { actor, permission });
          if (proof) await claimProof(tx, app.id, proof.proofId, id, now);
          await checkDedupe(tx, ctx, app.id, entity, id, data, now);
          if (assign) {
            const assignee = await chooseAssignee(inTransaction(tx), app.id, entity, data);
            if (assignee) data[entity.definition.assign.field] = assignee;
          }
          const created = await insertRecord(inTransaction(tx), insertOf());
          await deliverPlanned(plan.deliver, { tx, otp, app, recordId: id, records: deps.inTransaction });
          return created;
        });
        if (messages.length || plan.deliver.length) ctx.outboxWritten();
        ctx.hooks.afterCommit(app.id, entity.name);
        return { data: answerFor(entity, permission, recordView(entity, row)), journeyStatus: journeyStatus(entity.workflow, row.state) };
      } catch (err) {
        await prepared.abandon();
        if (isUniqueViolation(err)) throw duplicateError(entity, data, err);
        throw err;
      }
    },
    async list(t, actor, query) {
      const { app, entity } = target2(t);
      const permission = requirePermission(app, actor, entity.name, "read");
      const hidden = hiddenFields(permission);
      const q = parseListQuery(entity, query, hidden, actor.role);
      const { rows, sortValues } = await listRecords(
        ctx.db,
        { app: app.id, entity: entity.name, stateField: entity.workflow?.field, scopeTags: await visibleScopeTags(ctx.db.sql, app.id, actor, permission) },
        q
      );
      const page = rows.slice(0, q.limit);
      const last = page.length ? page.length - 1 : -1;
      const nextCursor = rows.length > q.limit && last >= 0 ? encodeCursor(sortValues[last], page[last].id) : null;
      return { items: page.map((r) => withoutHidden(recordView(entity, r), hidden)), nextCursor };
    },
    async get(t, actor, id) {
      const { app, entity, permission, row } = await loadVisible(t, actor, id, "read");
      const workflow = await shownWorkflow(app, entity, row);
      const events = await eventsFor(entity, workflow, actor, permission, row);
      return { data: { ...withoutHidden(recordView(entity, row), hiddenFields(permission)), ...events ? { allowedEvents: events } : {} }, journeyStatus: journeyStatus(workflow, row.state) };
    },
    /** Field changes; a body that also names a new state is one move with those fields, all or nothing. */
    async patch(t, actor, id, body, ifMatch2) {
      const { app, entity } = target2(t);
      const wf = entity.workflow;
      if (wf && isObjectBody(body) && wf.field in body) return deps.transitions.moveTo(t, actor, id, wf.field, body, ifMatch2, "fields");
      if (!isObjectBody(body)) throw new AppError("VALIDATION_FAILED", "The body must be a JSON object");
      const changes = { ...body };
      const now = ctx.clock();
      let merged = {};
      try {
        const permission = requirePermission(app, actor, entity.name, "update");
        const expected = parseIfMatch(ifMatch2);
        checkChangeRequest(entity, permission, actor, await permittedScopeValues(ctx.db.sql, app.id, actor, permission), changes);
        const row = await writeOptimistically(ctx, { app: app.id, entity: entity.name, id, actor, permission, expectedVersion: expected }, async (current2) => {
          assertFieldsEditable(entity, changes, current2.state);
          merged = { ...current2.data, ...changes };
          applyComputed(entity.definition.computed, merged);
          await assertRecordChecks(entity.checks, { id: current2.id, ...merged, ...entity.workflow ? { [entity.workflow.field]: current2.state } : {} });
          await ctx.hooks.beforeWrite(app, entity.name, merged);
          return updateRecordData(ctx.db.sql, {
            id,
            expectedVersion: current2.version,
            data: merged,
            scopeTags: scopeTags(entity, merged),
            ...keyChanges(entity, current2.data, merged),
            actorId: actor.id,
            role: actor.role,
            before: current2.data,
            at: now
          });
        });
        ctx.hooks.afterCommit(app.id, entity.name);
        const workflow = await shownWorkflow(app, entity, row);
        return { data: answerFor(entity, permission, recordView(entity, row)), journeyStatus: journeyStatus(workflow, row.state) };
      } catch (caught) {
        const err = isUniqueViolation(caught) ? duplicateError(entity, merged, caught) : caught;
        await recordRefusedAttempt(ctx, app, entity, actor, id, { fields: Object.keys(changes) }, err);
        throw err;
      }
    },
    async remove(t, actor, id, ifMatch2) {
      const { app, entity } = target2(t);
      const permission = requirePermission(app, actor, entity.name, "delete");
      const expected = parseIfMatch(ifMatch2);
      const now = ctx.clock();
      await ctx.db.$transaction(async (tx) => {
        const current2 = await lockRecord(tx, app.id, entity.name, id);
        if (!current2) throw new AppError("RECORD_NOT_FOUND", `No ${entity.name} with id "${id}"`);
        await assertInScope(ctx.db.sql, app.id, actor, permission, current2);
        if (expected !== void 0 && expected !== current2.version) throw new AppError("VERSION_MISMATCH", void 0, { data: { currentVersion: current2.version } });
        await tx.record.update({ where: { id }, data: { deletedAt: now, version: { increment: 1 } } });
        await tx.recordKey.deleteMany({ where: { recordId: id } });
        await appendAudit(tx, { app: app.id, entity: entity.name, recordId: id, action: "record.delete", actor, before: { state: current2.state, data: current2.data }, at: now });
      });
      ctx.hooks.afterCommit(app.id, entity.name);
      return { id, deleted: true };
    },
    /**
     * A document a `render` effect stored for a record (the quotation's PDF), for whoever may read
     * the record, within their scope: the blob's stream, or — where the store signs its own
     * download URLs (Azure Blob) — a short-lived URL to it. Nothing else is verified on the way.
     */
    async document(t, actor, id, field) {
      const { app, entity, permission, row } = await loadVisible(t, actor, id, "read");
      if (!Object.hasOwn(entity.fields, field) || hiddenFields(permission).has(field)) throw new AppError("NOT_FOUND", `Entity "${entity.name}" has no field "${field}"`);
      const stored = row.data[field];
      if (!stored || typeof stored !== "object" || typeof stored.key !== "string" || !stored.key.startsWith(`documents/${entity.name}/${row.id}/`)) {
        throw new AppError("NOT_FOUND", `This ${entity.name} has no document in "${field}"`);
      }
      const fileName = `${String(stored.document ?? field).replace(/[^A-Za-z0-9_-]/g, "")}-${row.id}.pdf`;
      const contentType = "application/pdf";
      const blob = ctx.blob(app);
      if (blob.signedDownloadUrl) {
        const signed = await blob.signedDownloadUrl(stored.key, { expiresAt: new Date(ctx.clock().getTime() + DOWNLOAD_URL_MS), fileName, contentType });
        return { redirect: signed.url, fileName, sha256: stored.sha256 };
      }
      let stream3;
      try {
        stream3 = await blob.read(stored.key);
      } catch (err) {
        throw new AppError("UNAVAILABLE", "The document store did not answer; try again", { cause: err });
      }
      return { stream: stream3, fileName, contentType, sha256: stored.sha256 };
    },
    /**
     * Every accepted move and, where the entity keeps them, every refused attempt (`refused: true`,
     * its code and message). What the caller's role may not see is left out: the remarks and input
     * a move copies into hidden fields, and the names of hidden fields a refused change asked for.
     */
    async timeline(t, actor, id) {
      const { entity, permission, row } = await loadVisible(t, actor, id, "read");
      const hidden = hiddenFields(permission);
      const parts = hiddenMoveParts(entity.workflow, hidden);
      const entries = await ctx.db.timelineEntry.findMany({ where: { recordId: row.id }, orderBy: { id: "asc" }, take: 1e3 });
      return entries.map((e) => {
        const move = !e.event.startsWith("file.");
        const input = move && e.input && typeof e.input === "object" && !Array.isArray(e.input) && parts.input.size ? Object.fromEntries(Object.entries(e.input).filter(([k]) => !parts.input.has(k))) : e.input;
        const refused = e.outcome === "refused";
        return {
          id: Number(e.id),
          event: e.event,
          from: e.fromState,
          to: e.toState,
          actorId: e.actorId,
          role: e.role,
          override: e.override,
          remarks: move && parts.remarks ? null : e.remarks,
          input,
          at: e.at.toISOString(),
          refused,
          ...refused ? { code: e.errorCode, message: e.errorMessage, fields: (e.fields ?? []).filter((f) => !hidden.has(f)) } : {}
        };
      });
    }
  };
}
var DOWNLOAD_URL_MS;
var init_record_service = __esm({
  "engine/records/record-service.ts"() {
    "use strict";
    init_deliver_planned();
    init_plan_effects();
    init_prepare_planned();
    init_permissions();
    init_record_scope();
    init_audit_log();
    init_app_error();
    init_database_errors();
    init_validate_body();
    init_decide_transition();
    init_condition_guard();
    init_journey_status();
    init_followed_workflow();
    init_derived_columns();
    init_list_query();
    init_uuid();
    init_canonical_json();
    init_record_store();
    init_optimistic_write();
    init_assign_record();
    init_hidden_fields();
    init_refused_attempts();
    init_write_checks();
    init_computed_fields();
    init_record_checks();
    init_record_view();
    init_outbox_store();
    init_resolve_target();
    DOWNLOAD_URL_MS = 5 * 6e4;
  }
});

// engine/records/transition-service.ts
async function assertWithinLimit(sql2, app, entity, state, limit) {
  await sql2.query("SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))", [`limit:${app}:${entity}:${state}`]);
  const { rows } = await sql2.query("SELECT count(*)::int AS n FROM records WHERE app = $1 AND entity = $2 AND state = $3 AND deleted_at IS NULL", [app, entity, state]);
  if (rows[0].n >= limit.max) {
    throw new AppError("LIMIT_REACHED", limit.message ?? `At most ${limit.max} ${entity} records may be "${state}" at once`, { publicCode: limit.errorCode, data: { max: limit.max } });
  }
}
function createTransitionService(ctx, otp, records) {
  async function decide(app, entity, current2, actor, ask, body, inputPath, now, attempt) {
    const input = body.input ?? {};
    const fields = body.fields;
    const actorFacts = { ...actor };
    const followed = await followedWorkflow(ctx, app, entity, current2);
    const wf = followed.entity.workflow;
    if ("event" in ask && !wf.events.has(ask.event)) throw new AppError("EVENT_NOT_FOUND", `Workflow "${wf.name}" has no event "${ask.event}"`);
    assertValidFields(wf.definition.input ?? {}, followed.entity.validateInput, input, inputPath);
    const codeFields = wf.transitions.flatMap((x) => x.otp ? [x.otp.field] : []);
    const storedInput = Object.fromEntries(Object.entries(input).filter(([k]) => !codeFields.includes(k)));
    const state = current2.state ?? wf.initial;
    attempt.from = state;
    const recordFacts = recordView(entity, current2);
    const decision = await decideTransition(
      wf,
      state,
      { role: actor.role, ...ask, override: body.override, remarks: body.remarks },
      { record: recordFacts, input, actor: actorFacts, now: nowFacts(now) }
    );
    const effects = [...wf.commonEffects, ...decision.transition?.effects ?? []];
    if (fields) assertFieldsEditable(entity, fields, current2.state);
    const found = { ...recordFacts, ...fields };
    const plan = planEffects(
      effects,
      { record: found, actor: actorFacts, input: storedInput, remarks: body.remarks, now: now.toISOString(), app: { id: app.id, name: app.name } },
      { app: followed.app, recordId: current2.id, key: `${app.id}:${current2.id}:v${current2.version + 1}`, after: (set2) => ({ ...found, ...set2, [wf.field]: decision.to, version: current2.version + 1 }) }
    );
    if (Object.keys(plan.fields).length) assertValid(entity.validatePatch, plan.fields, "$.effects");
    const changes = { ...fields, ...plan.fields };
    const data = { ...current2.data, ...changes };
    applyComputed(entity.definition.computed, data);
    for (const f of Object.keys(entity.definition.computed ?? {})) if (data[f] !== current2.data[f]) changes[f] = data[f];
    await assertRecordChecks(entity.checks, { id: current2.id, ...data, [wf.field]: decision.to });
    if (fields) await ctx.hooks.beforeWrite(app, entity.name, data);
    attempt.data = data;
    for (const s of plan.skipped) ctx.logger.debug(s.detail, s.message);
    const messages = plan.outbox;
    const write = {
      id: current2.id,
      expectedVersion: current2.version,
      toState: decision.to,
      data,
      scopeTags: scopeTags(entity, data),
      ...keyChanges(entity, current2.data, data),
      at: now,
      timeline: { event: decision.event, fromState: decision.from, actorId: actor.id, role: actor.role, override: decision.override, remarks: body.remarks, input: Object.keys(storedInput).length ? storedInput : void 0 },
      // Before and after of what changed (the state and the fields the effects set), not the
      // whole record: the full picture at any point is the chain of these entries.
      audit: {
        action: decision.override ? "transition.override" : "transition",
        before: { state: current2.state, data: pick2(current2.data, Object.keys(changes)) },
        after: { state: decision.to, data: changes },
        detail: { event: decision.event, remarks: body.remarks }
      },
      outbox: outboxRecordset(messages, now)
    };
    const compiled2 = decision.to !== state ? await ctx.hooks.onEnter(app, entity.name, decision.to, { id: current2.id, version: current2.version, data }) : void 0;
    if (compiled2) write.compiled = { app: app.id, ...compiled2, at: now };
    const prepared = plan.prepare.length ? await preparePlanned(plan.prepare, {
      app,
      entity: entity.name,
      recordId: current2.id,
      now,
      blob: ctx.blob(app),
      logger: ctx.logger,
      record: { ...recordFacts, ...data, [wf.field]: decision.to, version: current2.version + 1, updatedAt: now.toISOString() }
    }) : NOTHING_PREPARED;
    Object.assign(data, prepared.fields);
    Object.assign(changes, prepared.fields);
    return { write, plan, prepared, decision, wf, messages, limit: decision.transition?.limit, code: decision.transition?.otp };
  }
  async function run2(t, actor, id, ask, body, ifMatch2, inputPath) {
    const app = resolveApp(ctx.registry(), t.app);
    const entity = resolveEntity(app, t.entity);
    if (!entity.workflow) throw new AppError("EVENT_NOT_FOUND", `Entity "${entity.name}" has no workflow`);
    const known = "event" in ask && entity.workflow.events.has(ask.event);
    let told = false;
    const counted = (outcome, decided) => {
      if (told) return;
      told = true;
      ctx.metrics.transition(app.id, entity.name, decided ?? ("event" in ask ? known ? ask.event : "(unknown)" : "(none)"), outcome);
    };
    if ("event" in ask && !known && entity.workflow.definition.follows !== "pinned") {
      counted("refused");
      throw new AppError("EVENT_NOT_FOUND", `Workflow "${entity.workflow.name}" has no event "${ask.event}"`);
    }
    const input = body.input ?? {};
    const fields = body.fields;
    const expected = parseIfMatch(ifMatch2);
    const now = ctx.clock();
    const actorFacts = { ...actor };
    const attempt = { from: null, data: {} };
    try {
      const permission = requirePermission(app, actor, entity.name, "transition");
      assertNoHiddenMoveParts(entity.workflow, hiddenFields(permission), actor.role, body.remarks, input, inputPath);
      if (fields) {
        const update = requirePermission(app, actor, entity.name, "update");
        checkChangeRequest(entity, update, actor, await permittedScopeValues(ctx.db.sql, app.id, actor, update), fields);
      }
      const written = await writeOptimistically(ctx, { app: app.id, entity: entity.name, id, actor, permission, expectedVersion: expected }, async (current2) => {
        const { write, plan, prepared, decision: decision2, wf: wf2, messages, limit, code } = await decide(app, entity, current2, actor, ask, body, inputPath, now, attempt);
        const writeIn = async (tx) => {
          const sql2 = inTransaction(tx);
          if (limit) await assertWithinLimit(sql2, app.id, entity.name, decision2.to, limit);
          const row2 = await writeTransition(sql2, write);
          if (!row2) throw new LostRace();
          await deliverPlanned(plan.deliver, { tx, otp, app, recordId: current2.id, records });
          return row2;
        };
        try {
          let row2;
          if (code && typeof input[code.field] !== "string") {
            throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: `${inputPath}.${code.field}`, message: "The code sent for this step is required" }] });
          }
          if (code) row2 = (await otp.verifyLatest(app, code.policy, current2.id, input[code.field], writeIn)).result;
          else if (limit || plan.deliver.length) row2 = await ctx.db.$transaction(writeIn);
          else row2 = await writeTransition(ctx.db.sql, write);
          return row2 && { row: row2, decision: decision2, messages, wf: wf2, delivered: plan.deliver.length > 0 };
        } catch (err) {
          await prepared.abandon();
          if (err instanceof LostRace) return void 0;
          throw err;
        }
      });
      const { row, decision, wf } = written;
      counted("moved", decision.event);
      if (written.messages.length || written.delivered) ctx.outboxWritten();
      ctx.hooks.afterCommit(app.id, entity.name);
      const events = await allowedEvents(wf, decision.to, actor.role, { record: recordView(entity, row), input: {}, actor: actorFacts, now: nowFacts(now) });
      return {
        data: answerFor(entity, permission, { ...recordView(entity, row), allowedEvents: events, transition: { event: decision.event, from: decision.from, to: decision.to, override: decision.override } }),
        journeyStatus: journeyStatus(wf, row.state)
      };
    } catch (caught) {
      counted(isAppError(caught) && caught.status < 500 || isUniqueViolation(caught) ? "refused" : "failed");
      if (isUniqueViolation(caught)) {
        const err2 = duplicateError(entity, attempt.data, caught);
        await recordRefusedAttempt(ctx, app, entity, actor, id, { ...ask, override: body.override, remarks: body.remarks, fields: fields && Object.keys(fields) }, err2);
        throw err2;
      }
      const err = caught;
      if (isAppError(err) && (AUDITED_REFUSALS.has(err.status) || isOutOfScope(err)) && err.code !== "VERSION_MISMATCH") {
        await appendAudit(ctx.db, {
          app: app.id,
          entity: entity.name,
          recordId: id,
          action: "transition",
          outcome: "refused",
          actor,
          detail: { ...ask, from: attempt.from, override: body.override ?? false, remarks: body.remarks, ...fields ? { fields: Object.keys(fields) } : {}, code: err.code },
          at: now
        }).catch((auditErr) => ctx.logger.error({ err: auditErr }, "could not audit a refused transition"));
      }
      await recordRefusedAttempt(ctx, app, entity, actor, id, { ...ask, override: body.override, remarks: body.remarks, fields: fields && Object.keys(fields) }, err);
      throw err;
    }
  }
  return {
    /**
     * The `move` effect's move: an event on another record inside the declaring move's transaction,
     * on behalf of the same actor and judged as if they had asked for it on that record (their
     * permission and scope there, the decision for their role, guards, limits). The row is locked,
     * so the version it is decided on is the one it is written over. Its effects are delivered
     * through `deeper` records (one step further in a chain of effects). A move that needs a code
     * cannot be made this way (refused at load; here, should a release still ask for one).
     */
    async moveIn(tx, app, entityName, id, ask, actorFacts, deeper2) {
      const actor = actorFacts;
      const entity = resolveEntity(app, entityName);
      if (!entity.workflow) throw new AppError("EVENT_NOT_FOUND", `Entity "${entity.name}" has no workflow`);
      const permission = requirePermission(app, actor, entity.name, "transition");
      const current2 = await lockRecord(tx, app.id, entity.name, id);
      if (!current2) throw new AppError("RECORD_NOT_FOUND", `No ${entity.name} with id "${id}"`);
      await assertInScope(inTransaction(tx), app.id, actor, permission, current2);
      const now = ctx.clock();
      const { write, plan, prepared, decision, code, limit } = await decide(app, entity, current2, actor, { event: ask.event }, { input: ask.input, remarks: ask.remarks }, "$.input", now, { from: null, data: {} });
      try {
        if (code) throw new AppError("CONFLICT", `The ${decision.event} move of a ${entity.name} asks for a code, which a move made by another move cannot send`);
        const sql2 = inTransaction(tx);
        if (limit) await assertWithinLimit(sql2, app.id, entity.name, decision.to, limit);
        if (!await writeTransition(sql2, write)) throw new AppError("CONFLICT", `The ${entity.name} changed meanwhile; try again`);
        await deliverPlanned(plan.deliver, { tx, otp, app, recordId: current2.id, records: deeper2 });
      } catch (err) {
        await prepared.abandon();
        throw err;
      }
    },
    /** POST .../{id}/events/{event} { input?, override?, remarks? } */
    fire(t, actor, id, event, body, ifMatch2, inputPath = "$.input") {
      return run2(t, actor, id, { event }, validateEventBody(body ?? {}), ifMatch2, inputPath);
    },
    /**
     * Seed-style status change: the body names the target state in `targetField`. The rest of the
     * body is the move's input (`rest: 'input'`, PATCH /leads/{id}/status), or record fields changed
     * with the move in the same write (`rest: 'fields'`, PATCH /transactions/{id} { invoiceNumber, status }).
     */
    moveTo(t, actor, id, targetField, body, ifMatch2, rest = "input") {
      if (!isObjectBody(body)) throw new AppError("VALIDATION_FAILED", "The body must be a JSON object");
      const fieldsOf = resolveEntity(resolveApp(ctx.registry(), t.app), t.entity).fields;
      const { [targetField]: target2, ...others } = body;
      const steer = (k) => (rest === "input" || !(k in fieldsOf)) && k in others;
      const override = steer("override") ? others.override : void 0;
      const remarks = steer("remarks") ? others.remarks : void 0;
      const remaining = Object.fromEntries(Object.entries(others).filter(([k]) => !((k === "override" || k === "remarks") && steer(k))));
      const details = [];
      if (typeof target2 !== "string" || target2 === "") details.push({ path: `$.${targetField}`, message: `"${targetField}" is required and must be a state name` });
      if (override !== void 0 && typeof override !== "boolean") details.push({ path: "$.override", message: "Must be of type boolean" });
      if (remarks !== void 0 && (typeof remarks !== "string" || remarks.length > 2e3)) details.push({ path: "$.remarks", message: "Must be a string of at most 2000 characters" });
      if (details.length) throw new AppError("VALIDATION_FAILED", void 0, { details });
      const moveBody2 = rest === "input" ? { input: remaining } : { fields: Object.keys(remaining).length ? remaining : void 0 };
      return run2(t, actor, id, { target: target2, targetField }, { ...moveBody2, override, remarks }, ifMatch2, "$");
    }
  };
}
var REMARKS, validateEventBody, LostRace, AUDITED_REFUSALS, pick2;
var init_transition_service = __esm({
  "engine/records/transition-service.ts"() {
    "use strict";
    init_permissions();
    init_audit_log();
    init_app_error();
    init_optimistic_write();
    init_record_store();
    init_deliver_planned();
    init_record_view();
    init_resolve_target();
    init_derived_columns();
    init_record_scope();
    init_followed_workflow();
    init_hidden_fields();
    init_refused_attempts();
    init_computed_fields();
    init_record_checks();
    init_write_checks();
    init_validate_body();
    init_database_errors();
    init_decide_transition();
    init_condition_guard();
    init_journey_status();
    init_plan_effects();
    init_prepare_planned();
    init_outbox_store();
    REMARKS = { type: "string", maxLength: 2e3 };
    validateEventBody = bodyValidator({
      type: "object",
      additionalProperties: false,
      properties: { input: { type: "object" }, override: { type: "boolean" }, remarks: REMARKS }
    });
    LostRace = class extends Error {
    };
    AUDITED_REFUSALS = /* @__PURE__ */ new Set([403, 409, 422, 423]);
    pick2 = (data, keys) => Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, data[k]]));
  }
});

// engine/promotions/compile-rule-record.ts
function compileRuleRecord(rs, record2, g) {
  const d = record2.data;
  const f = rs.fields;
  const condition = d[f.conditions] ?? null;
  const benefit2 = d[f.benefit];
  const productGroups = groupsInCondition(condition);
  if (benefit2.productGroup) productGroups.add(benefit2.productGroup);
  const storeGroup = d[f.storeGroup];
  return {
    id: record2.id,
    version: record2.version,
    name: String(d[f.name ?? ""] ?? record2.id),
    priority: typeof d[f.priority ?? ""] === "number" ? d[f.priority] : 0,
    exclusive: d[f.exclusive ?? ""] === true,
    startDate: d[f.startDate],
    endDate: d[f.endDate],
    condition,
    benefit: benefit2,
    storeGroup,
    productGroups: [...productGroups].sort(),
    resolved: { stores: g.stores.members.get(storeGroup)?.size ?? 0, products: benefit2.productGroup ? g.products.members.get(benefit2.productGroup)?.size ?? 0 : g.products.records.size }
  };
}
var init_compile_rule_record = __esm({
  "engine/promotions/compile-rule-record.ts"() {
    "use strict";
    init_compiled_rule();
  }
});

// engine/promotions/materialized-groups.ts
async function materializeGroups(sql2, app, member, groups) {
  const [memberRows, groupRows] = await Promise.all([
    sql2.query("SELECT data FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL", [app, member.entity]),
    sql2.query("SELECT data FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL ORDER BY created_at, id", [app, groups.entity])
  ]);
  return resolveGroups(
    memberRows.rows.map((r) => r.data),
    groupRows.rows.map((r) => ({ code: r.data[groups.code], filter: r.data[groups.filter] })),
    member
  );
}
function resolveGroups(memberData, groupDefs, member) {
  const records = /* @__PURE__ */ new Map();
  const canonical2 = /* @__PURE__ */ new Map();
  for (const data of memberData) {
    const key2 = data[member.key];
    if (typeof key2 !== "string") continue;
    records.set(key2, data);
    canonical2.set(key2.toLowerCase(), key2);
  }
  const members = /* @__PURE__ */ new Map();
  const groupsOf2 = /* @__PURE__ */ new Map();
  for (const { code, filter } of groupDefs) {
    if (typeof code !== "string") continue;
    const set2 = /* @__PURE__ */ new Set();
    members.set(code, set2);
    const test = compileCondition(filter).test;
    for (const [key2, rec] of records) {
      if (test({ [member.fact]: rec })) {
        set2.add(key2);
        const list3 = groupsOf2.get(key2);
        if (list3) list3.push(code);
        else groupsOf2.set(key2, [code]);
      }
    }
  }
  return { members, groupsOf: groupsOf2, records, canonical: canonical2 };
}
var init_materialized_groups = __esm({
  "engine/promotions/materialized-groups.ts"() {
    "use strict";
    init_compile_condition();
  }
});

// engine/promotions/promotion-index.ts
function buildPromotionIndex(rules, stores, products) {
  const index = /* @__PURE__ */ new Map();
  const codes = /* @__PURE__ */ new Set();
  for (const r of rules) {
    r.json.productGroups.forEach((c) => codes.add(c));
    const byProduct = index.get(r.json.storeGroup) ?? index.set(r.json.storeGroup, /* @__PURE__ */ new Map()).get(r.json.storeGroup);
    const pg9 = r.json.benefit.productGroup ?? ANY;
    (byProduct.get(pg9) ?? byProduct.set(pg9, []).get(pg9)).push(r);
  }
  return {
    rules,
    groupCodes: [...codes],
    candidates(storeKey, skus) {
      const storeGroups = stores.groupsOf.get(storeKey);
      if (!storeGroups) return [];
      const cartGroups = /* @__PURE__ */ new Set([ANY]);
      for (const sku of skus) for (const g of products.groupsOf.get(sku) ?? []) cartGroups.add(g);
      const out = [];
      for (const sg of storeGroups) {
        const byProduct = index.get(sg);
        if (!byProduct) continue;
        for (const pg9 of cartGroups) {
          const list3 = byProduct.get(pg9);
          if (list3) for (const r of list3) out.push(r);
        }
      }
      return out;
    }
  };
}
var ANY;
var init_promotion_index = __esm({
  "engine/promotions/promotion-index.ts"() {
    "use strict";
    ANY = "\0any";
  }
});

// engine/promotions/backtest-promotion.ts
function daysBetween(from, to) {
  const out = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
function createBacktest(setup2) {
  const { candidate, index, stores, products } = setup2;
  const c = candidate.json;
  const skip = c.id || void 0;
  const zeroFor = [.../* @__PURE__ */ new Set([...index.groupCodes, ...c.productGroups])];
  const groupsOf2 = (sku) => products.groupsOf.get(sku) ?? [];
  const candidateStores = stores.members.get(c.storeGroup);
  const perDay = new Map(daysBetween(setup2.from, setup2.to).map((d) => [d, { date: d, transactions: 0, matched: 0, discountPaise: 0 }]));
  const missed = { dates: 0, store: 0, conditions: 0, "no-savings": 0 };
  let seen = 0;
  let matched = 0;
  let grossPaise = 0;
  let discountPaise = 0;
  const ranks = { best: 0, outranked: 0, hidden: 0, alone: 0 };
  const displaced = /* @__PURE__ */ new Map();
  const items = [];
  let more = false;
  function judge(tx, date2, storeKey) {
    if (c.startDate > date2 || c.endDate < date2) return { reason: "dates" };
    if (!storeKey || !candidateStores?.has(storeKey)) return { reason: "store" };
    const facts = cartFacts(tx.lines, setup2.storeFacts(storeKey), void 0, groupsOf2, zeroFor);
    const outcome = evaluateRule(candidate, facts, tx.lines, products, date2);
    if (!outcome.applies) return { reason: outcome.reason === "no-savings" ? "no-savings" : "conditions" };
    return { offer: outcome.offer, facts };
  }
  return {
    add(tx) {
      const date2 = tx.createdAt.toISOString().slice(0, 10);
      const storeKey = tx.storeId === null ? void 0 : stores.canonical.get(tx.storeId.toLowerCase());
      let total = 0;
      for (const l of tx.lines) total += paise2(l.price) * l.quantity;
      seen++;
      const day = perDay.get(date2) ?? perDay.set(date2, { date: date2, transactions: 0, matched: 0, discountPaise: 0 }).get(date2);
      day.transactions++;
      const outcome = judge(tx, date2, storeKey);
      let item;
      if ("reason" in outcome) {
        missed[outcome.reason]++;
        item = { applies: false, reason: outcome.reason, savings: 0, offered: [], rank: null, best: false };
      } else {
        const { offer, facts } = outcome;
        matched++;
        grossPaise += total;
        discountPaise += paise2(offer.savings);
        day.matched++;
        day.discountPaise += paise2(offer.savings);
        const live = candidateOffers(index, products, storeKey, facts, tx.lines, date2, skip);
        const before = rankOffers(live);
        const withCandidate = rankOffers([...live, offer]);
        const at = withCandidate.indexOf(offer);
        if (live.length === 0) ranks.alone++;
        if (at === 0) ranks.best++;
        else if (at > 0) ranks.outranked++;
        else ranks.hidden++;
        const previous = before[0];
        if (at === 0 && previous) {
          const d = displaced.get(previous.promotionId) ?? displaced.set(previous.promotionId, { promotionId: previous.promotionId, name: previous.name, transactions: 0 }).get(previous.promotionId);
          d.transactions++;
        }
        item = { applies: true, reason: null, savings: offer.savings, offered: before.map((o) => ({ promotionId: o.promotionId, name: o.name, savings: o.savings })), rank: at < 0 ? null : at + 1, best: at === 0 };
      }
      if (setup2.page.after && !after(tx, setup2.page.after)) return;
      if (items.length === setup2.page.limit) {
        more = true;
        return;
      }
      items.push({ id: tx.id, createdAt: tx.createdAt.toISOString(), date: date2, storeId: storeKey ?? tx.storeId, promotionId: tx.promotionId, total: total / 100, ...item });
    },
    result() {
      const last = items.at(-1);
      return {
        window: { from: setup2.from, to: setup2.to, days: perDay.size },
        totals: {
          transactions: seen,
          matched,
          gross: grossPaise / 100,
          discount: discountPaise / 100,
          notMatched: { dates: missed.dates, store: missed.store, conditions: missed.conditions, noSavings: missed["no-savings"] }
        },
        perDay: [...perDay.values()].sort((a, b) => a.date.localeCompare(b.date)).map((d) => ({ date: d.date, transactions: d.transactions, matched: d.matched, discount: d.discountPaise / 100 })),
        ranking: {
          matched,
          ...ranks,
          summary: `Would have been the best offer on ${count(ranks.best)} of ${count(matched)} transactions it applies to (${count(seen)} in the window)`,
          displaced: [...displaced.values()].sort((a, b) => b.transactions - a.transactions || a.name.localeCompare(b.name) || a.promotionId.localeCompare(b.promotionId))
        },
        transactions: items,
        next: more && last ? { createdAt: new Date(last.createdAt), id: last.id } : null
      };
    }
  };
}
var DAY_MS, paise2, count, after;
var init_backtest_promotion = __esm({
  "engine/promotions/backtest-promotion.ts"() {
    "use strict";
    init_evaluate_promotions();
    init_ruleset_facts();
    DAY_MS = 864e5;
    paise2 = (amount) => Math.round(amount * 100);
    count = (n) => n.toLocaleString("en-US");
    after = (a, b) => a.createdAt.getTime() > b.createdAt.getTime() || a.createdAt.getTime() === b.createdAt.getTime() && a.id > b.id;
  }
});

// engine/promotions/group-members.ts
function groupMembers(_rs, g, visibleStores) {
  return { storeGroups: view(g.stores, visibleStores), productGroups: view(g.products) };
}
var view;
var init_group_members = __esm({
  "engine/promotions/group-members.ts"() {
    "use strict";
    view = (g, visible) => [...g.members].map(([code, set2]) => ({ code, members: [...set2].filter((k) => !visible || visible.has(k)).sort(), total: set2.size }));
  }
});

// engine/promotions/promotion-candidate.ts
function requireCandidate(body) {
  if (body.promotionId === void 0 && body.promotion === void 0) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$", message: "Give promotionId, promotion, or both (a stored promotion with those fields edited)" }] });
}
function resolveCandidate(rc, entity, stored, edited) {
  const rs = rc.ruleset;
  const at = (path17) => edited ? `$.promotion${path17.slice(1)}` : path17;
  if (edited) {
    const allowed = ruleFields(rs);
    const others = Object.keys(edited).filter((k) => !allowed.includes(k));
    if (others.length) throw new AppError("VALIDATION_FAILED", void 0, { details: others.map((k) => ({ path: `$.promotion.${k}`, message: `Not a rule field; give only ${allowed.join(", ")}` })) });
    assertValidFields(entity.fields, entity.validatePatch, edited, "$.promotion");
  }
  const data = { ...stored?.data ?? {}, ...edited ?? {} };
  const problems = checkRuleComplete(rc, data).map((p) => ({ ...p, path: at(p.path) }));
  if (problems.length) throw new AppError("RULE_INVALID", void 0, { details: problems });
  const rule = compileRuleRecord(rs, { id: stored?.id ?? UNSAVED, version: stored?.version ?? 0, data }, rc);
  const live = stored !== void 0 && !edited && rs.evaluatedIn.includes(stored.state ?? "");
  return { rule, id: stored?.id ?? null, state: stored?.state ?? null, live };
}
var CANDIDATE_PROPERTIES, UNSAVED, ruleFields;
var init_promotion_candidate = __esm({
  "engine/promotions/promotion-candidate.ts"() {
    "use strict";
    init_app_error();
    init_write_checks();
    init_check_rule_record();
    init_compile_rule_record();
    CANDIDATE_PROPERTIES = {
      promotionId: { type: "string", format: "uuid", description: "A stored promotion (with `promotion`: edited by those fields)" },
      promotion: { type: "object", description: "The rule fields of a promotion (name, conditions, benefit, store group, dates, priority, exclusive)" }
    };
    UNSAVED = "";
    ruleFields = (rs) => Object.values(rs.fields);
  }
});

// engine/promotions/backtest-body.ts
function decodeCursor2(cursor) {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (Number.isNaN(createdAt.getTime()) || !id || !UUID_RE.test(id)) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.cursor", message: "Not a cursor this backtest gave" }] });
  return { createdAt, id };
}
var BACKTEST_DAYS, BACKTEST_PAGE, BACKTEST_BODY_SCHEMA, encodeCursor2;
var init_backtest_body = __esm({
  "engine/promotions/backtest-body.ts"() {
    "use strict";
    init_app_error();
    init_uuid();
    init_promotion_candidate();
    BACKTEST_DAYS = { default: 30, max: 90 };
    BACKTEST_PAGE = { default: 100, max: 1e3 };
    BACKTEST_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      properties: {
        ...CANDIDATE_PROPERTIES,
        days: { type: "integer", minimum: 1, maximum: BACKTEST_DAYS.max, description: `Transactions created in the last N days, today included (UTC; default ${BACKTEST_DAYS.default})` },
        limit: { type: "integer", minimum: 1, maximum: BACKTEST_PAGE.max, description: `Per-transaction results in this page (default ${BACKTEST_PAGE.default})` },
        cursor: { type: "string", minLength: 1, maxLength: 200, description: "nextCursor of the previous page" }
      }
    };
    encodeCursor2 = (k) => Buffer.from(`${k.createdAt.toISOString()}|${k.id}`).toString("base64url");
  }
});

// engine/promotions/lint-body.ts
var LINT_BODY_SCHEMA;
var init_lint_body = __esm({
  "engine/promotions/lint-body.ts"() {
    "use strict";
    init_promotion_candidate();
    LINT_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      properties: CANDIDATE_PROPERTIES
    };
  }
});

// engine/conditions/leaf-constraint.ts
function tighter(a, b, lower) {
  if (!a) return b;
  if (a.value !== b.value) return (lower ? a.value > b.value : a.value < b.value) ? a : b;
  return a.inclusive ? b : a;
}
function constraintOf(leaves) {
  const c = { excluded: [] };
  for (const l of leaves) {
    const v = l.value;
    if (LOWER.has(l.operator) && isNumber(v)) c.lo = tighter(c.lo, { value: v, inclusive: l.operator === "greaterThanInclusive" }, true);
    else if (UPPER.has(l.operator) && isNumber(v)) c.hi = tighter(c.hi, { value: v, inclusive: l.operator === "lessThanInclusive" }, false);
    else if (l.operator === "equal") c.values = intersect(c.values, [v]);
    else if (l.operator === "in" && Array.isArray(v)) c.values = intersect(c.values, v);
    else if (l.operator === "notEqual") c.excluded.push(v);
    else if (l.operator === "notIn" && Array.isArray(v)) c.excluded.push(...v);
  }
  return c;
}
function inRange(c, n) {
  if (c.lo && (n < c.lo.value || n === c.lo.value && !c.lo.inclusive)) return false;
  if (c.hi && (n > c.hi.value || n === c.hi.value && !c.hi.inclusive)) return false;
  return true;
}
function allowedValues(c) {
  return c.values?.filter((v) => !c.excluded.includes(v) && (!isNumber(v) || inRange(c, v)));
}
function isEmpty3(c) {
  if (c.lo && c.hi && (c.lo.value > c.hi.value || c.lo.value === c.hi.value && !(c.lo.inclusive && c.hi.inclusive))) return true;
  const allowed = allowedValues(c);
  return allowed !== void 0 && allowed.length === 0;
}
function guarantees(c, q) {
  const allowed = allowedValues(c);
  const v = q.value;
  const excludes = (x) => allowed ? !allowed.includes(x) : c.excluded.includes(x) || isNumber(x) && (c.lo !== void 0 || c.hi !== void 0) && !inRange(c, x);
  if ((LOWER.has(q.operator) || UPPER.has(q.operator)) && isNumber(v)) {
    const wanted = { excluded: [], ...LOWER.has(q.operator) ? { lo: { value: v, inclusive: q.operator === "greaterThanInclusive" } } : { hi: { value: v, inclusive: q.operator === "lessThanInclusive" } } };
    if (allowed) return allowed.every((x) => isNumber(x) && inRange(wanted, x));
    const lower = LOWER.has(q.operator);
    const own = lower ? c.lo : c.hi;
    const want = lower ? wanted.lo : wanted.hi;
    if (!own) return false;
    if (own.value !== want.value) return lower ? own.value > want.value : own.value < want.value;
    return want.inclusive || !own.inclusive;
  }
  switch (q.operator) {
    case "equal":
      return allowed !== void 0 && allowed.every((x) => x === v);
    case "in":
      return allowed !== void 0 && Array.isArray(v) && allowed.every((x) => v.includes(x));
    case "notEqual":
      return excludes(v);
    case "notIn":
      return Array.isArray(v) && v.every(excludes);
    default:
      return false;
  }
}
var isLeaf, leafKey, SYMBOLS, describeLeaf, isNumber, LOWER, UPPER, intersect;
var init_leaf_constraint = __esm({
  "engine/conditions/leaf-constraint.ts"() {
    "use strict";
    isLeaf = (c) => "fact" in c;
    leafKey = (l) => `${l.fact}${l.path ? l.path.slice(1) : ""}`;
    SYMBOLS = { lessThan: "<", lessThanInclusive: "<=", greaterThan: ">", greaterThanInclusive: ">=", equal: "=", notEqual: "!=" };
    describeLeaf = (l) => `${leafKey(l)} ${SYMBOLS[l.operator] ?? l.operator} ${JSON.stringify(l.value)}`;
    isNumber = (v) => typeof v === "number" && Number.isFinite(v);
    LOWER = /* @__PURE__ */ new Set(["greaterThan", "greaterThanInclusive"]);
    UPPER = /* @__PURE__ */ new Set(["lessThan", "lessThanInclusive"]);
    intersect = (a, b) => a ? a.filter((x) => b.includes(x)) : [...b];
  }
});

// engine/conditions/condition-contradiction.ts
function clash(placed) {
  const byKey = /* @__PURE__ */ new Map();
  for (const p of placed) {
    const key2 = leafKey(p.leaf);
    (byKey.get(key2) ?? byKey.set(key2, []).get(key2)).push(p);
  }
  for (const group of byKey.values()) {
    if (!isEmpty3(constraintOf(group.map((p) => p.leaf)))) continue;
    for (const p of group) if (isEmpty3(constraintOf([p.leaf]))) return `${shown2(p)} can never hold`;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        if (isEmpty3(constraintOf([group[i].leaf, group[j].leaf]))) return `${shown2(group[i])} and ${shown2(group[j])} cannot both hold`;
      }
    }
    return `${group.map(shown2).join(", ")} cannot all hold`;
  }
  return void 0;
}
function collect(c, at, leaves, rest) {
  if (isLeaf(c)) leaves.push({ leaf: c, at });
  else if ("all" in c) c.all.forEach((x, i) => collect(x, `${at}.all[${i}]`, leaves, rest));
  else rest.push([c, at]);
}
function never(c, at, context) {
  if ("any" in c) {
    const reasons = c.any.map((branch, i) => never(branch, `${at}.any[${i}]`, context));
    if (!reasons.every(Boolean)) return void 0;
    return reasons.length === 1 ? reasons[0] : `no branch of ${at}.any can hold (${reasons.join("; ")})`;
  }
  if ("not" in c) return void 0;
  const leaves = [];
  const rest = [];
  collect(c, at, leaves, rest);
  const joined = [...context, ...leaves];
  const found = clash(joined);
  if (found) return found;
  for (const [part, where] of rest) {
    const reason = never(part, where, joined);
    if (reason) return reason;
  }
  return void 0;
}
function conditionContradiction(condition, at = "$") {
  return never(condition, at, []);
}
var shown2;
var init_condition_contradiction = __esm({
  "engine/conditions/condition-contradiction.ts"() {
    "use strict";
    init_leaf_constraint();
    shown2 = (p) => `${describeLeaf(p.leaf)} (at ${p.at})`;
  }
});

// engine/conditions/condition-implies.ts
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "undefined";
}
function conjunctLeaves(c) {
  if (isLeaf(c)) return [c];
  if ("all" in c) return c.all.flatMap(conjunctLeaves);
  return [];
}
function implies(p, q) {
  if (sameCondition(p, q)) return true;
  if ("all" in q && q.all.every((x) => implies(p, x))) return true;
  if ("any" in p && p.any.every((x) => implies(x, q))) return true;
  if ("all" in p && p.all.some((x) => implies(x, q))) return true;
  if ("any" in q && q.any.some((x) => implies(p, x))) return true;
  if (isLeaf(q)) {
    const same = conjunctLeaves(p).filter((l) => leafKey(l) === leafKey(q));
    if (same.length && guarantees(constraintOf(same), q)) return true;
  }
  return false;
}
function conditionImplies(p, q) {
  if (q === null) return true;
  if (p === null) return false;
  return implies(p, q);
}
var sameCondition;
var init_condition_implies = __esm({
  "engine/conditions/condition-implies.ts"() {
    "use strict";
    init_leaf_constraint();
    sameCondition = (a, b) => canonical(a) === canonical(b);
  }
});

// engine/promotions/lint-promotions.ts
function alwaysSavesWhere(q, p) {
  if (q.productGroup !== void 0 && q.productGroup !== p.productGroup) return false;
  return q.type === "flatOff" || q.type === "percentOff" && p.type === "percentOff" && q.value >= p.value;
}
function lintPromotions(input) {
  const rules = [...input.rules].sort((a, b) => a.json.name.localeCompare(b.json.name) || a.json.id.localeCompare(b.json.id));
  const warnings = [];
  const warn = (code, message, ...involved) => warnings.push({ code, message, promotions: involved.map(who) });
  const none = /* @__PURE__ */ new Set();
  const storesOf = (code) => input.stores.members.get(code) ?? none;
  const relation = /* @__PURE__ */ new Map();
  const stores = (a, b) => {
    const key2 = `${a}\0${b}`;
    let r = relation.get(key2);
    if (!r) {
      const [sa, sb] = [storesOf(a), storesOf(b)];
      let shared = 0;
      for (const s of sb) if (sa.has(s)) shared++;
      relation.set(key2, r = { shared, covers: shared === sb.size });
    }
    return r;
  };
  const ends = input.ending.map((e) => `job "${e.job}" (${e.schedule} UTC) fires "${e.event}" to move it to ${e.state}`).join("; ");
  const endsNote = ends ? ` (${ends})` : "";
  for (const { json: j, live } of rules) {
    const size = storesOf(j.storeGroup).size;
    if (size === 0) warn("EMPTY_STORE_GROUP", `${quoted(j)}: store group "${j.storeGroup}" has no stores, so it applies nowhere`, j);
    const never2 = j.condition ? conditionContradiction(j.condition, input.conditionsAt) : void 0;
    if (never2) warn("UNSATISFIABLE_CONDITION", `${quoted(j)} can never apply: ${never2}`, j);
    if (j.endDate < input.today) {
      warn("ENDED", live ? `${quoted(j)} ended on ${j.endDate}: evaluation no longer offers it, though it is still in an evaluated state${endsNote}` : `${quoted(j)} ended on ${j.endDate}, before today (${input.today}, UTC): it can no longer be activated`, j);
    } else if (j.endDate === input.today && !live) {
      warn("ENDS_TODAY", `${quoted(j)} ends today (${input.today}, UTC): activated now, it would run for the rest of today only${endsNote}`, j);
    }
  }
  for (let i = 0; i < rules.length; i++) {
    for (let k = 0; k < rules.length; k++) {
      if (i === k) continue;
      const p = rules[i].json;
      const q = rules[k].json;
      if (i < k && p.exclusive && q.exclusive) exclusiveOverlap(p, q);
      if (q.exclusive && !p.exclusive && q.priority > p.priority && hidesEverywhere(q, p)) {
        warn("UNREACHABLE", `${quoted(p)} is never offered: ${quoted(q)} (exclusive, priority ${q.priority} > ${p.priority}) applies wherever ${quoted(p)} does \u2014 its stores, dates, condition and benefit cover ${quoted(p)}'s \u2014 and hides it`, p, q);
      }
    }
  }
  function exclusiveOverlap(a, b) {
    const from = a.startDate > b.startDate ? a.startDate : b.startDate;
    const to = a.endDate < b.endDate ? a.endDate : b.endDate;
    const { shared } = stores(a.storeGroup, b.storeGroup);
    if (from > to || shared === 0) return;
    const both = [a.condition, b.condition].filter((c) => c !== null);
    if (both.length && conditionContradiction({ all: both })) return;
    const where = `at ${shared} shared store${shared === 1 ? "" : "s"} from ${from} to ${to}`;
    if (a.priority === b.priority) {
      warn("EXCLUSIVE_OVERLAP", `${quoted(a)} and ${quoted(b)} are both exclusive ${where} with equal priority ${a.priority}: undecided: by savings per cart (where both apply both are offered, the one saving more first)`, a, b);
      return;
    }
    const [high, low] = a.priority > b.priority ? [a, b] : [b, a];
    warn("EXCLUSIVE_OVERLAP", `${quoted(high)} and ${quoted(low)} are both exclusive ${where}: where both apply both are offered, the one saving more per cart first (exclusivity hides only non-exclusive promotions); ${quoted(high)} wins on equal savings (priority ${high.priority} > ${low.priority})`, high, low);
  }
  function hidesEverywhere(q, p) {
    return storesOf(p.storeGroup).size > 0 && stores(q.storeGroup, p.storeGroup).covers && q.startDate <= p.startDate && q.endDate >= p.endDate && conditionImplies(p.condition, q.condition) && alwaysSavesWhere(q.benefit, p.benefit);
  }
  const order = (w) => LINT_CODES.indexOf(w.code);
  return warnings.sort((a, b) => order(a) - order(b));
}
var LINT_CODES, who, quoted;
var init_lint_promotions = __esm({
  "engine/promotions/lint-promotions.ts"() {
    "use strict";
    init_condition_contradiction();
    init_condition_implies();
    LINT_CODES = ["EMPTY_STORE_GROUP", "UNSATISFIABLE_CONDITION", "ENDED", "ENDS_TODAY", "EXCLUSIVE_OVERLAP", "UNREACHABLE"];
    who = (j) => ({ id: j.id || null, name: j.name });
    quoted = (j) => `"${j.name}"`;
  }
});

// engine/promotions/priced-transactions.ts
function linesOf(items) {
  if (!Array.isArray(items)) return [];
  const out = [];
  for (const i of items) {
    if (i && typeof i.sku === "string" && typeof i.quantity === "number" && typeof i.price === "number") out.push({ sku: i.sku, quantity: i.quantity, price: i.price });
  }
  return out;
}
async function* pricedTransactions(pool, w) {
  const size = w.pageSize ?? 1e3;
  const client = await pool.connect();
  let open = false;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    open = true;
    let last;
    for (; ; ) {
      const { rows } = await client.query(
        `SELECT id, created_at, data -> $3 AS store, data ->> $4 AS promotion, data -> $5 AS items
         FROM records
         WHERE app = $1 AND entity = $2 AND deleted_at IS NULL AND created_at >= $6 AND created_at < $7
           AND ($8::timestamptz IS NULL OR (created_at, id) > ($8::timestamptz, $9::uuid))
           AND ($10::text[] IS NULL OR scope_tags && $10::text[])
         ORDER BY created_at, id
         LIMIT $11`,
        [w.app, w.pricing.entity, w.pricing.storeField, w.pricing.promotionField, w.pricing.itemsField, w.from, w.until, last?.createdAt ?? null, last?.id ?? null, w.scopeTags ?? null, size]
      );
      if (rows.length) {
        yield rows.map((r) => ({ id: r.id, createdAt: r.created_at, storeId: typeof r.store === "string" ? r.store : null, promotionId: r.promotion, lines: linesOf(r.items) }));
        const end = rows.at(-1);
        last = { createdAt: end.created_at, id: end.id };
      }
      if (rows.length < size) break;
    }
    await client.query("COMMIT");
    open = false;
  } finally {
    let broken = false;
    if (open) await client.query("ROLLBACK").catch(() => broken = true);
    client.release(broken);
  }
}
var init_priced_transactions = __esm({
  "engine/promotions/priced-transactions.ts"() {
    "use strict";
  }
});

// engine/promotions/promotions-service.ts
function createPromotionsService(ctx) {
  const caches = /* @__PURE__ */ new Map();
  const feed = startChangeFeed(ctx.db, ctx.logger, (message) => {
    const [appId, entity] = message.split("|");
    if (appId && entity) invalidate(appId, entity);
  });
  const masterData = (rs) => [rs.stores.entity, rs.products.entity, rs.storeGroups.entity, rs.productGroups.entity];
  const rulesets = (app) => app.rulesets.values();
  const watched = (app, entity) => [...rulesets(app)].some((rs) => entity === rs.entity || masterData(rs).includes(entity));
  function invalidate(appId, entity) {
    const app = ctx.registry().apps.get(appId);
    if (!app) return;
    for (const rs of rulesets(app)) {
      const groupsChanged = masterData(rs).includes(entity);
      if (!groupsChanged && entity !== rs.entity) continue;
      const cache2 = cacheOf(app, rs);
      cache2.generation++;
      if (groupsChanged) delete cache2.groups;
      delete cache2.index;
    }
  }
  const cacheOf = (app, rs) => {
    const prefix2 = `${app.id}:${rs.name}:`;
    const key2 = prefix2 + app.checksum;
    let cache2 = caches.get(key2);
    if (!cache2) {
      for (const k of caches.keys()) if (k.startsWith(prefix2)) caches.delete(k);
      caches.set(key2, cache2 = { generation: 0 });
    }
    return cache2;
  };
  function cached(cache2, slot, load) {
    const existing = cache2[slot];
    if (existing) return existing;
    const generation = cache2.generation;
    const p = load();
    cache2[slot] = p;
    const forget = () => {
      if (cache2[slot] === p) delete cache2[slot];
    };
    p.then(() => cache2.generation !== generation && forget(), forget);
    return p;
  }
  function groups(app, rs) {
    return cached(cacheOf(app, rs), "groups", async () => {
      const [stores, products] = await Promise.all([
        materializeGroups(ctx.db.sql, app.id, { entity: rs.stores.entity, key: rs.stores.key, fact: "store" }, rs.storeGroups),
        materializeGroups(ctx.db.sql, app.id, { entity: rs.products.entity, key: rs.products.key, fact: "product" }, rs.productGroups)
      ]);
      return { stores, products };
    });
  }
  function index(app, rs) {
    return cached(cacheOf(app, rs), "index", async () => {
      const g = await groups(app, rs);
      const { rows } = await ctx.db.sql.query(
        `SELECT c.compiled, r.data ->> $5 AS name FROM records r JOIN compiled_rules c ON c.app = r.app AND c.ruleset = $2 AND c.record_id = r.id
         WHERE r.app = $1 AND r.entity = $3 AND r.state = ANY($4::text[]) AND r.deleted_at IS NULL`,
        [app.id, rs.name, rs.entity, rs.evaluatedIn, rs.fields.name ?? ""]
      );
      return buildPromotionIndex(rows.map((r) => liveRule({ ...r.compiled, name: r.name ?? r.compiled.name })), g.stores, g.products);
    });
  }
  const ruleContext = (app, rs, g) => ({ ruleset: rs, storeFields: app.entities.get(rs.stores.entity).fields, stores: g.stores, products: g.products });
  function rulesetNamed(app, name) {
    const rs = app.rulesets.get(name);
    if (!rs) throw new AppError("NOT_FOUND", `App "${app.id}" has no ruleset "${name}"`);
    return rs;
  }
  function priceLines(rs, products, items, at) {
    const details = [];
    const override = rs.unitPrice?.override === true;
    const lines = items.map((item, i) => {
      const sku = products.canonical.get(item.sku.toLowerCase());
      if (!sku) {
        details.push({ path: `${at}[${i}].sku`, message: `Unknown SKU "${item.sku}"` });
        return void 0;
      }
      const listed = rs.products.price ? products.records.get(sku)?.[rs.products.price] : void 0;
      if (typeof listed !== "number") {
        details.push({ path: `${at}[${i}].sku`, message: `SKU "${sku}" has no list price` });
        return void 0;
      }
      let price2 = listed;
      if (item.price !== void 0 && item.price !== listed) {
        if (!override) details.push({ path: `${at}[${i}].price`, message: `The price of "${sku}" is its list price ${listed}; leave it out` });
        else if (item.price <= 0 || item.price > listed) details.push({ path: `${at}[${i}].price`, message: `A price for "${sku}" must be above 0 and at most its list price ${listed}` });
        else price2 = item.price;
      }
      return { sku, quantity: item.quantity, price: price2 };
    });
    if (details.length) throw new AppError("VALIDATION_FAILED", void 0, { details });
    return lines;
  }
  async function storeFacts(app, rs, actor, stores, storeId, at) {
    const key2 = stores.canonical.get(storeId.toLowerCase());
    if (!key2) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: at, message: `Unknown store "${storeId}"` }] });
    const scope = scopeRuleOf(app, actor, rs.stores.entity);
    if (scope && !(await scopeValues(ctx.db.sql, app.id, actor, scope)).includes(key2)) throw new AppError("FORBIDDEN", "This store is outside your scope", { details: [{ path: at, message: "Outside your scope" }] });
    return storeView(rs, stores.records.get(key2));
  }
  async function evaluateCart(app, rs, actor, body) {
    const startedAt = process.hrtime.bigint();
    const [g, idx] = await Promise.all([groups(app, rs), index(app, rs)]);
    const lines = priceLines(rs, g.products, body.items, "$.items");
    const store = await storeFacts(app, rs, actor, g.stores, body.storeId, "$.storeId");
    const storeKey = store[rs.stores.key];
    const facts = cartFacts(lines, store, body.customerId, (sku) => g.products.groupsOf.get(sku) ?? [], idx.groupCodes);
    const today = todayOf(ctx.clock());
    const offers = evaluateCandidates(idx, g.products, storeKey, facts, lines, today);
    ctx.metrics.promotionEvaluatedSince(app.id, rs.name, startedAt);
    return { storeKey, lines, total: facts.cart.total, offers, index: idx, groups: g, facts, today };
  }
  async function candidateOf(app, rs, actor, g, body) {
    let stored;
    if (body.promotionId !== void 0) {
      const row = await findRecord(ctx.db, app.id, rs.entity, body.promotionId);
      const tags = await visibleScopeTags(ctx.db.sql, app.id, actor, requirePermission(app, actor, rs.entity, "read"));
      if (!row || !carriesScope(tags, row)) throw new AppError("RECORD_NOT_FOUND", `No ${rs.entity} ${body.promotionId}`, { details: [{ path: "$.promotionId", message: "Not found" }] });
      stored = row;
    }
    return resolveCandidate(ruleContext(app, rs, g), app.entities.get(rs.entity), stored, body.promotion);
  }
  const candidateView = (c) => ({ id: c.id, name: c.rule.name, state: c.state });
  function endingSteps(app, rs) {
    const wf = app.entities.get(rs.entity)?.workflow;
    if (!wf) return [];
    const steps = [];
    for (const job of [...app.jobs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      for (const step of job.steps) {
        const move = step.entity === rs.entity ? wf.transitions.find((t) => t.event === step.event && wf.states[t.to]?.final) : void 0;
        if (move) steps.push({ job: job.name, schedule: job.schedule, event: step.event, state: wf.states[move.to]?.label ?? move.to });
      }
    }
    return steps;
  }
  return {
    /** Called before a record of `entity` is written: promotions and groups are checked here. */
    async checkWrite(app, entity, data) {
      for (const rs of rulesets(app)) {
        if (entity === rs.entity) {
          const problems = checkRuleRecord(ruleContext(app, rs, await groups(app, rs)), data);
          if (problems.length) throw invalid2(problems);
        }
        for (const [source, member, fact] of [[rs.storeGroups, rs.stores, "store"], [rs.productGroups, rs.products, "product"]]) {
          if (entity !== source.entity || data[source.filter] === void 0) continue;
          const types = attributeTypes(app.entities.get(member.entity).fields, [member.key, ...source.attributes]);
          const problems = checkCondition(data[source.filter], factSetCatalog({ [fact]: types }), `$.${source.filter}`);
          if (problems.length) throw invalid2(problems);
        }
      }
    },
    /**
     * Entering a compile state (activation): everything required, dates valid, groups resolved,
     * conditions compiled. Returns what to store beside the record, or undefined for other moves.
     */
    async compileOnEnter(app, entity, toState, record2) {
      const rs = [...rulesets(app)].find((r) => r.entity === entity && r.compiledOn.includes(toState));
      if (!rs) return void 0;
      const g = await groups(app, rs);
      const problems = checkRuleComplete(ruleContext(app, rs, g), record2.data, todayOf(ctx.clock()));
      if (problems.length) throw invalid2(problems);
      const compiled2 = compileRuleRecord(rs, { ...record2, version: record2.version + 1 }, g);
      if (compiled2.resolved.stores === 0) throw invalid2([{ path: `$.${rs.fields.storeGroup}`, message: `Store group "${compiled2.storeGroup}" has no stores` }]);
      return { ruleset: rs.name, compiled: compiled2 };
    },
    /** After a committed write: drop what the write made stale, here and in every other process. */
    changed(appId, entity) {
      const app = ctx.registry().apps.get(appId);
      if (!app || !watched(app, entity)) return;
      invalidate(appId, entity);
      feed.publish(`${appId}|${entity}`);
    },
    /** POST /v1/promotions/evaluate: the live promotions that apply, highest savings first. */
    async evaluate(appId, rulesetName, actor, rawBody) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, "read");
      const body = validateEvaluate(rawBody);
      const r = await evaluateCart(app, rs, actor, body);
      return { storeId: r.storeKey, date: r.today, cart: { total: r.total, quantity: r.facts.cart.quantity, items: r.lines }, promotions: r.offers };
    },
    /** The test console: every promotion, each condition's result and fact value, and why. */
    async console(appId, rulesetName, actor, rawBody) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, "read");
      const body = validateConsole(rawBody);
      const g = await groups(app, rs);
      const members = g.stores.members.get(body.storeGroup);
      if (!members) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.storeGroup", message: `Unknown store group "${body.storeGroup}"` }] });
      const scope = scopeRuleOf(app, actor, rs.stores.entity);
      const own = scope ? new Set(await scopeValues(ctx.db.sql, app.id, actor, scope)) : void 0;
      const visible = own ? [...members].filter((m) => own.has(m)) : [...members];
      if (own && visible.length === 0) throw new AppError("FORBIDDEN", "None of your stores is in this store group", { details: [{ path: "$.storeGroup", message: "Outside your scope" }] });
      const items = [...body.items ?? [], ...selectionItems(rs, g.products, body.selections ?? {})];
      if (items.length === 0) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.selections", message: "Give field selections (or items) to test with" }] });
      const lines = priceLines(rs, g.products, items, "$.items");
      const storeKey = visible.sort()[0];
      const store = storeView(rs, storeKey ? g.stores.records.get(storeKey) : {});
      const wf = app.entities.get(rs.entity).workflow;
      const over = Object.entries(wf.states).filter(([, st]) => st.final).map(([name]) => name);
      const { rows } = await ctx.db.sql.query(
        `SELECT id, version, state, data FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL AND NOT (state = ANY($3::text[])) ORDER BY created_at, id LIMIT 500`,
        [app.id, rs.entity, over]
      );
      const today = todayOf(ctx.clock());
      const facts = cartFacts(lines, store, body.customerId, (sku) => g.products.groupsOf.get(sku) ?? [], [...g.products.members.keys()]);
      const under = { code: body.storeGroup, members, store: storeKey };
      const results = rows.map((row) => explainPromotion(ruleContext(app, rs, g), row, { facts, lines, today, storeGroup: under }));
      results.sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.savings - a.savings || a.name.localeCompare(b.name));
      return { storeGroup: body.storeGroup, store: storeKey ?? null, date: today, cart: { total: facts.cart.total, items: lines }, facts, promotions: results };
    },
    /**
     * A backtest: what a candidate promotion would have done on the transactions of the last N
     * days (their stores, carts and dates), and how it would have ranked against the promotions
     * live now. An authoring tool: the caller must be allowed to change the ruleset's records
     * (the app's roles say who), and reads the transactions it may read.
     */
    async backtest(appId, rulesetName, actor, rawBody) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, "update");
      const body = validateBacktest(rawBody);
      requireCandidate(body);
      const after2 = body.cursor === void 0 ? void 0 : decodeCursor2(body.cursor);
      const pricing = rs.pricing;
      if (!pricing) throw new AppError("NOT_FOUND", `Ruleset "${rs.name}" prices no records: there are no transactions to replay`);
      const scopeTags2 = await visibleScopeTags(ctx.db.sql, app.id, actor, requirePermission(app, actor, pricing.entity, "read"));
      const [g, idx] = await Promise.all([groups(app, rs), index(app, rs)]);
      const candidate = await candidateOf(app, rs, actor, g, body);
      const days = body.days ?? BACKTEST_DAYS.default;
      const to = todayOf(ctx.clock());
      const start = Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS2;
      const views = /* @__PURE__ */ new Map();
      const run2 = createBacktest({
        candidate: liveRule(candidate.rule),
        index: idx,
        stores: g.stores,
        products: g.products,
        storeFacts: (key2) => views.get(key2) ?? views.set(key2, storeView(rs, g.stores.records.get(key2))).get(key2),
        from: todayOf(new Date(start)),
        to,
        page: { after: after2, limit: body.limit ?? BACKTEST_PAGE.default }
      });
      for await (const page of pricedTransactions(ctx.db.sql, { app: app.id, pricing, from: new Date(start), until: new Date(start + days * DAY_MS2), scopeTags: scopeTags2 })) {
        for (const tx of page) run2.add(tx);
      }
      const { next, ...result } = run2.result();
      return { candidate: candidateView(candidate), ...result, nextCursor: next ? encodeCursor2(next) : null };
    },
    /**
     * Store and product groups with their members now. Needs read on both group entities and on
     * the stores and products; a caller with a store scope sees only their own stores as members.
     */
    async groupMembers(appId, rulesetName, actor) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      for (const entity of [rs.storeGroups.entity, rs.productGroups.entity, rs.stores.entity, rs.products.entity]) requirePermission(app, actor, entity, "read");
      const scope = scopeRuleOf(app, actor, rs.stores.entity);
      const g = await groups(app, rs);
      let visible;
      if (scope) {
        const own = new Set(await scopeValues(ctx.db.sql, app.id, actor, scope));
        visible = new Set([...g.stores.records].filter(([, data]) => own.has(String(data[scope.field]))).map(([key2]) => key2));
      }
      return groupMembers(rs, g, visible);
    },
    /** The conflict lint over the live promotions and, when given, a candidate (same rights as a backtest). */
    async lint(appId, rulesetName, actor, rawBody) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, "update");
      const body = validateLint(rawBody ?? {});
      const [g, idx] = await Promise.all([groups(app, rs), index(app, rs)]);
      const candidate = body.promotionId !== void 0 || body.promotion !== void 0 ? await candidateOf(app, rs, actor, g, body) : void 0;
      const rules = idx.rules.filter((r) => r.json.id !== candidate?.id).map((r) => ({ json: r.json, live: true }));
      if (candidate) rules.push({ json: candidate.rule, live: candidate.live });
      const today = todayOf(ctx.clock());
      const warnings = lintPromotions({ rules, stores: g.stores, today, ending: endingSteps(app, rs), conditionsAt: `$.${rs.fields.conditions}` });
      return { date: today, candidate: candidate ? candidateView(candidate) : null, promotions: rules.length, warnings };
    },
    /**
     * Before a record is created: a record priced by a ruleset (§4.4 "amounts final at creation") has
     * its amounts computed from the promotion it names, which must be live and apply to the cart at
     * the store; amounts sent by a client are refused. Other records pass unchanged.
     */
    async priceOnCreate(app, entity, actor, body) {
      const rs = [...rulesets(app)].find((r) => r.pricing?.entity === entity);
      return rs ? price(app, rs, rs.pricing, actor, body) : body;
    }
  };
  async function price(app, rs, rule, actor, body) {
    const sent = Object.values(rule.amounts).filter((k) => k in body);
    if (sent.length) throw new AppError("VALIDATION_FAILED", void 0, { details: sent.map((k) => ({ path: `$.${k}`, message: "Computed by the server from the promotion; do not send it" })) });
    const scope = scopeRuleOf(app, actor, rs.stores.entity);
    const own = scope ? await scopeValues(ctx.db.sql, app.id, actor, scope) : [];
    const storeId = body[rule.storeField] ?? (own.length === 1 ? own[0] : void 0);
    const cart = validateEvaluate({ storeId, items: body[rule.itemsField] });
    const promotionId = body[rule.promotionField];
    const r = await evaluateCart(app, rs, actor, cart);
    const live = r.index.rules.find((x) => x.json.id === promotionId);
    const offer = live ? r.offers.find((o) => o.promotionId === promotionId) : void 0;
    if (!offer) {
      const why = !live ? "The promotion is not active" : "The promotion does not apply to this cart at this store";
      throw new AppError("PROMOTION_NOT_APPLICABLE", why, { details: [{ path: `$.${rule.promotionField}`, message: why }] });
    }
    return {
      ...body,
      [rule.storeField]: r.storeKey,
      [rule.itemsField]: r.lines,
      [rule.amounts.gross]: r.total,
      [rule.amounts.discount]: offer.savings,
      [rule.amounts.net]: Math.round((r.total - offer.savings) * 100) / 100
    };
  }
}
var ITEM, ITEMS, CUSTOMER, EVALUATE_BODY_SCHEMA, validateEvaluate, CONSOLE_BODY_SCHEMA, validateConsole, validateBacktest, validateLint, DAY_MS2, todayOf, storeView, invalid2;
var init_promotions_service = __esm({
  "engine/promotions/promotions-service.ts"() {
    "use strict";
    init_permissions();
    init_record_scope();
    init_app_error();
    init_resolve_target();
    init_validate_body();
    init_check_rule_record();
    init_check_condition();
    init_compiled_rule();
    init_compile_rule_record();
    init_evaluate_promotions();
    init_test_console();
    init_materialized_groups();
    init_promotion_index();
    init_ruleset_facts();
    init_change_feed();
    init_record_store();
    init_backtest_promotion();
    init_group_members();
    init_backtest_body();
    init_lint_body();
    init_lint_promotions();
    init_priced_transactions();
    init_promotion_candidate();
    ITEM = {
      type: "object",
      additionalProperties: false,
      required: ["sku", "quantity"],
      properties: {
        sku: { type: "string", minLength: 1, maxLength: 40 },
        quantity: { type: "integer", minimum: 1, maximum: 1e3 },
        price: { type: "number", minimum: 0, maximum: 1e9 }
      }
    };
    ITEMS = { type: "array", minItems: 1, maxItems: 100, items: ITEM };
    CUSTOMER = { type: "string", minLength: 1, maxLength: 100 };
    EVALUATE_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["storeId", "items"],
      properties: { storeId: { type: "string", minLength: 1, maxLength: 40 }, items: ITEMS, customerId: CUSTOMER }
    };
    validateEvaluate = bodyValidator(EVALUATE_BODY_SCHEMA);
    CONSOLE_BODY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["storeGroup"],
      properties: {
        storeGroup: { type: "string", minLength: 1, maxLength: 40 },
        selections: { type: "object", maxProperties: 10, additionalProperties: { type: "object", maxProperties: 20, additionalProperties: { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] } } },
        items: ITEMS,
        customerId: CUSTOMER
      }
    };
    validateConsole = bodyValidator(CONSOLE_BODY_SCHEMA);
    validateBacktest = bodyValidator(BACKTEST_BODY_SCHEMA);
    validateLint = bodyValidator(LINT_BODY_SCHEMA);
    DAY_MS2 = 864e5;
    todayOf = (d) => d.toISOString().slice(0, 10);
    storeView = (rs, rec) => Object.fromEntries([rs.stores.key, ...rs.storeGroups.attributes].filter((a) => a in rec).map((a) => [a, rec[a]]));
    invalid2 = (details) => new AppError("RULE_INVALID", void 0, { details });
  }
});

// engine/promotions/promotion-hooks.ts
function promotionHooks(promotions) {
  return {
    // A transaction is priced by the promotion it names (§4.4).
    beforeCreate: promotions.priceOnCreate,
    // Promotions and store/product groups are checked on every write.
    beforeWrite: promotions.checkWrite,
    // Activation compiles the promotion; the compiled form is stored with the move.
    onEnter: promotions.compileOnEnter,
    // Caches of groups and live promotions follow writes, here and in other processes.
    afterCommit: promotions.changed
  };
}
var init_promotion_hooks = __esm({
  "engine/promotions/promotion-hooks.ts"() {
    "use strict";
  }
});

// engine/records/record-hooks.ts
function combineHooks(modules) {
  return {
    async beforeCreate(app, entity, actor, data) {
      let out = data;
      for (const m of modules) if (m.beforeCreate) out = await m.beforeCreate(app, entity, actor, out);
      return out;
    },
    async beforeWrite(app, entity, data) {
      for (const m of modules) await m.beforeWrite?.(app, entity, data);
    },
    async onEnter(app, entity, toState, record2) {
      for (const m of modules) {
        const stored = await m.onEnter?.(app, entity, toState, record2);
        if (stored) return stored;
      }
      return void 0;
    },
    afterCommit(appId, entity) {
      for (const m of modules) m.afterCommit?.(appId, entity);
    }
  };
}
var init_record_hooks = __esm({
  "engine/records/record-hooks.ts"() {
    "use strict";
  }
});

// engine/jobs/run-scheduled-job.ts
async function runScheduledJob(ctx, transitions, appId, jobName) {
  const app = resolveApp(ctx.registry(), appId);
  const job = app.jobs.get(jobName);
  if (!job) throw new Error(`App "${appId}" has no job "${jobName}"`);
  const actor = { id: SYSTEM_ROLE, app: app.id, role: SYSTEM_ROLE };
  const reports = [];
  for (const step of job.steps) {
    const entity = resolveEntity(app, step.entity);
    const wf = entity.workflow;
    const from = [...new Set(wf.transitions.filter((t) => t.event === step.event && t.roles.has(SYSTEM_ROLE)).map((t) => t.from))];
    const guard = step.when ? compileConditionGuard(step.when) : void 0;
    const rows = await recordsInStates(ctx.db.sql, app.id, entity.name, from);
    const report = { entity: entity.name, event: step.event, matched: 0, moved: 0, refused: [] };
    const now = nowFacts(ctx.clock());
    for (const row of rows) {
      const record2 = recordView(entity, row);
      if (guard && !await guard({ record: record2, input: {}, actor: { ...actor }, now })) continue;
      report.matched++;
      try {
        await transitions.fire({ app: app.id, entity: entity.name }, actor, row.id, step.event, {});
        report.moved++;
      } catch (err) {
        if (!isAppError(err)) throw err;
        report.refused.push({ id: row.id, code: err.publicCode ?? err.code, message: err.message });
      }
    }
    ctx.logger.info({ app: app.id, job: job.name, ...report, refused: report.refused.length }, "scheduled job step");
    reports.push(report);
  }
  return reports;
}
var init_run_scheduled_job = __esm({
  "engine/jobs/run-scheduled-job.ts"() {
    "use strict";
    init_app_error();
    init_record_view();
    init_record_store();
    init_resolve_target();
    init_condition_guard();
    init_system_role();
  }
});

// engine/support/byte-limit.ts
import { Transform } from "node:stream";
function byteLimit(max, what = "The file") {
  let seen = 0;
  return new Transform({
    transform(chunk, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new AppError("PAYLOAD_TOO_LARGE", `${what} is larger than ${max} bytes`));
      else done(null, chunk);
    }
  });
}
var init_byte_limit = __esm({
  "engine/support/byte-limit.ts"() {
    "use strict";
    init_app_error();
  }
});

// engine/imports/import-rows.ts
function columnOf(def) {
  const byField = /* @__PURE__ */ new Map();
  for (const [column, c] of Object.entries(def.columns)) {
    const t = targetOf(c);
    if (t) byField.set(t.field, column);
  }
  return (field) => byField.get(field) ?? "";
}
function rowChanges(def, row, rowNumber) {
  const fields = {};
  const problems = [];
  let target2;
  for (const [column, c] of Object.entries(def.columns)) {
    const text3 = row[column];
    if (text3 === void 0 || text3 === "") continue;
    if (!isStorableText(text3)) {
      problems.push({ row: rowNumber, column, message: UNSTORABLE_TEXT_MESSAGE });
      continue;
    }
    if (typeof c === "object" && "transition" in c) {
      target2 = text3;
      continue;
    }
    const { field, type } = targetOf(c);
    if (type === "number" || type === "integer") {
      const n = Number(text3);
      if (!Number.isFinite(n) || type === "integer" && !Number.isInteger(n)) problems.push({ row: rowNumber, column, message: `"${text3}" is not ${type === "integer" ? "a whole number" : "a number"}` });
      else fields[field] = n;
    } else if (type === "boolean") {
      const t = text3.toLowerCase();
      if (TRUE.has(t)) fields[field] = true;
      else if (FALSE.has(t)) fields[field] = false;
      else problems.push({ row: rowNumber, column, message: `"${text3}" is not true or false` });
    } else fields[field] = text3;
  }
  const key2 = fields[def.key];
  if (typeof key2 !== "string" || key2 === "") {
    const column = columnOf(def)(def.key);
    if (!problems.some((p) => p.column === column)) problems.push({ row: rowNumber, column, message: `"${column}" is required to match the row` });
  }
  if (def.key === "id") delete fields.id;
  return { key: typeof key2 === "string" ? key2 : void 0, fields, target: target2, problems };
}
var TRUE, FALSE, targetOf;
var init_import_rows = __esm({
  "engine/imports/import-rows.ts"() {
    "use strict";
    init_storable_text();
    TRUE = /* @__PURE__ */ new Set(["true", "yes", "y", "1"]);
    FALSE = /* @__PURE__ */ new Set(["false", "no", "n", "0"]);
    targetOf = (c) => typeof c === "string" ? { field: c, type: void 0 } : "field" in c ? c : void 0;
  }
});

// engine/imports/upload-claims.ts
function createUploadClaims(sql2) {
  return {
    /** True for exactly one caller per URL, until that caller releases it. */
    async claim(app, blobName, now) {
      const { rowCount } = await sql2.query("INSERT INTO upload_claims (app, blob_name, status, claimed_at) VALUES ($1, $2, 'uploading', $3) ON CONFLICT DO NOTHING", [app, blobName, now]);
      return rowCount === 1;
    },
    /** The file is in place: the URL is spent for good. */
    async complete(app, blobName) {
      await sql2.query("UPDATE upload_claims SET status = 'uploaded' WHERE app = $1 AND blob_name = $2", [app, blobName]);
    },
    /** The upload did not arrive whole: the URL may be used again while it is valid. */
    async release(app, blobName) {
      await sql2.query("DELETE FROM upload_claims WHERE app = $1 AND blob_name = $2 AND status = 'uploading'", [app, blobName]);
    }
  };
}
var init_upload_claims = __esm({
  "engine/imports/upload-claims.ts"() {
    "use strict";
  }
});

// engine/imports/import-service.ts
import { randomUUID as randomUUID7 } from "node:crypto";
import stream from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify/sync";
function view2(j) {
  const percent = j.total_rows ? Math.floor(j.rows_done * 100 / j.total_rows) : j.status === "completed" ? 100 : 0;
  return {
    id: j.id,
    import: j.import,
    status: j.status,
    blobName: j.blob_name,
    totalRows: j.total_rows,
    rowsDone: j.rows_done,
    rowsApplied: j.rows_applied,
    rowsFailed: j.rows_failed,
    percent,
    message: j.message,
    errorReport: j.error_report !== null,
    createdAt: j.created_at.toISOString(),
    updatedAt: j.updated_at.toISOString()
  };
}
function createImportService(ctx, deps) {
  const importOf = (app, name) => {
    const def = app.imports.get(name);
    if (!def) throw new AppError("NOT_FOUND", `No import "${name}"; known: ${[...app.imports.keys()].join(", ") || "none"}`);
    return def;
  };
  const allow = (def, actor) => {
    if (!def.roles.includes(actor.role)) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not run the "${def.name}" import`);
  };
  const maxOf = (def) => def.maxBytes ?? DEFAULT_MAX_BYTES;
  const claims = createUploadClaims(ctx.db.sql);
  async function loadJob(app, actor, id) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND", `No import job "${id}"`);
    const { rows } = await ctx.db.sql.query("SELECT * FROM import_jobs WHERE id = $1 AND app = $2", [id, app.id]);
    const job = rows[0];
    if (!job) throw new AppError("NOT_FOUND", `No import job "${id}"`);
    allow(importOf(app, job.import), actor);
    return job;
  }
  async function actorOf2(app, userId) {
    const user2 = await ctx.db.user.findFirst({ where: { id: userId, app: app.id, active: true } });
    if (!user2) return void 0;
    return { id: user2.id, app: app.id, role: user2.role, email: user2.email ?? void 0, phone: user2.phone ?? void 0, attributes: user2.attributes ?? {} };
  }
  async function progress(id, p) {
    await ctx.db.sql.query("UPDATE import_jobs SET rows_done = $2, rows_applied = $3, rows_failed = $4, total_rows = COALESCE($5, total_rows), updated_at = $6 WHERE id = $1", [id, p.done, p.applied, p.failed, p.total ?? null, ctx.clock()]);
  }
  async function finish(app, job, actor, outcome) {
    const now = ctx.clock();
    const { rows } = await ctx.db.sql.query("UPDATE import_jobs SET status = $2, message = $3, error_report = $4, updated_at = $5 WHERE id = $1 RETURNING *", [job.id, outcome.status, storableText(outcome.message), outcome.report ?? null, now]);
    const done = rows[0];
    const def = app.imports.get(job.import);
    if (def?.notify && actor?.email) {
      const plan = planEffects([{ notify: { template: def.notify.template, to: "{{actor.email}}" } }], { record: view2(done), actor: { ...actor }, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name } }, { app, recordId: job.id, key: `${app.id}:import:${job.id}` });
      for (const s of plan.skipped) ctx.logger.debug(s.detail, s.message);
      const messages = plan.outbox;
      if (messages.length) {
        await ctx.db.outboxMessage.createMany({ data: outboxInsertData(messages, now), skipDuplicates: true });
        ctx.outboxWritten();
      }
    }
    ctx.logger.info({ app: app.id, job: job.id, ...view2(done) }, "import finished");
  }
  async function survey(blob, job, def, caseInsensitive) {
    const counts = /* @__PURE__ */ new Map();
    let total = 0;
    let header = [];
    const keyColumn = columnOf(def)(def.key);
    await pipeline(await blob.read(job.blob_name), parse({ bom: true, trim: true, skip_empty_lines: true, columns: (h) => header = h }), async function* (rows) {
      for await (const row of rows) {
        total++;
        const k = row[keyColumn];
        if (k) {
          const norm = caseInsensitive ? k.toLowerCase() : k;
          counts.set(norm, (counts.get(norm) ?? 0) + 1);
        }
      }
    });
    const unknown = header.filter((h) => !(h in def.columns));
    const missing = [.../* @__PURE__ */ new Set([...def.required ?? [], keyColumn])].filter((c) => !header.includes(c));
    return { total, duplicates: new Set([...counts].filter(([, n]) => n > 1).map(([k]) => k)), unknown, missing };
  }
  async function applyRow(app, def, actor, row, rowNumber) {
    const changes = rowChanges(def, row, rowNumber);
    if (changes.problems.length) return changes.problems;
    const target2 = { app: app.id, entity: def.entity };
    const entity = resolveEntity(app, def.entity);
    const column = columnOf(def);
    try {
      let id;
      if (def.key === "id") id = changes.key;
      else {
        const key2 = uniqueKeyValues(entity, { [def.key]: changes.key }).find((k) => k.fields.length === 1 && k.fields[0] === def.key);
        const found = await ctx.db.recordKey.findFirst({ where: { app: app.id, entity: entity.name, keyName: key2.keyName, value: key2.value }, select: { recordId: true } });
        id = found?.recordId;
      }
      if (!id && def.mode === "update") return [{ row: rowNumber, column: column(def.key), message: `No ${entity.name} "${changes.key}"` }];
      const wf = entity.workflow;
      if (!id) {
        if (wf && changes.target !== void 0 && changes.target !== wf.initial) return [{ row: rowNumber, column: transitionColumnOf(def), message: `A new ${entity.name} starts in "${wf.initial}"` }];
        await deps.records.create(target2, actor, changes.fields);
        return [];
      }
      const { [def.key]: _key, ...fields } = changes.fields;
      const current2 = changes.target !== void 0 || !Object.keys(fields).length ? (await deps.records.get(target2, actor, id)).data : void 0;
      const move = wf && changes.target !== void 0 && current2?.[wf.field] !== changes.target ? { [wf.field]: changes.target } : {};
      if (Object.keys(fields).length || Object.keys(move).length) await deps.records.patch(target2, actor, id, { ...fields, ...move });
      return [];
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code === "INVALID_TRANSITION" || err.code === "LIMIT_REACHED") return [{ row: rowNumber, column: transitionColumnOf(def), message: err.details?.[0]?.message ?? err.message }];
      if (err.code === "RECORD_NOT_FOUND") return [{ row: rowNumber, column: column(def.key), message: err.message }];
      const details = (err.details?.length ? err.details : [{ path: "$", message: err.message }]).map((d) => ({ row: rowNumber, column: column(/^\$\.([A-Za-z0-9_]+)/.exec(d.path)?.[1] ?? ""), message: d.message }));
      const inFile = details.filter((d) => d.column !== "");
      return inFile.length ? inFile : details;
    }
  }
  async function run2(job) {
    const app = ctx.registry().apps.get(job.app);
    const def = app?.imports.get(job.import);
    if (!app || !def) return void await ctx.db.sql.query("UPDATE import_jobs SET status = 'failed', message = 'The import is no longer defined', updated_at = $2 WHERE id = $1", [job.id, ctx.clock()]);
    const actor = await actorOf2(app, job.created_by);
    if (!actor) return finish(app, job, void 0, { status: "failed", message: "The user who registered the file is no longer active" });
    const blob = deps.blob(app.id);
    const entity = resolveEntity(app, def.entity);
    const keyUnique = entity.uniqueKeys.find((k) => k.fields.length === 1 && k.fields[0] === def.key);
    let plan;
    try {
      plan = await survey(blob, job, def, keyUnique?.caseInsensitive ?? false);
    } catch (err) {
      return finish(app, job, actor, { status: "failed", message: `The file could not be read as CSV: ${err.message}` });
    }
    if (plan.unknown.length || plan.missing.length) {
      const parts = [plan.missing.length ? `missing columns: ${plan.missing.join(", ")}` : "", plan.unknown.length ? `unknown columns: ${plan.unknown.join(", ")}` : ""].filter(Boolean);
      return finish(app, job, actor, { status: "failed", message: `The header does not fit the "${def.name}" import (${parts.join("; ")}); expected ${Object.keys(def.columns).join(", ")}` });
    }
    await progress(job.id, { done: 0, applied: 0, failed: 0, total: plan.total });
    const problems = [];
    const keyColumn = columnOf(def)(def.key);
    let done = 0;
    let reported = 0;
    let applied = 0;
    let failed2 = 0;
    let rowNumber = 1;
    const inFlight = /* @__PURE__ */ new Set();
    const claimed = /* @__PURE__ */ new Map();
    const uniqueFields = new Set(entity.uniqueKeys.flatMap((k) => k.fields));
    const uniqueColumns = Object.entries(def.columns).filter(([, c]) => uniqueFields.has(typeof c === "string" ? c : "field" in c ? c.field : "")).map(([column]) => column);
    let fatal;
    const settle = (found) => {
      done++;
      if (found.length) {
        failed2++;
        problems.push(...found);
      } else applied++;
    };
    await pipeline(await blob.read(job.blob_name), parse({ bom: true, trim: true, skip_empty_lines: true, columns: true }), async function* (rows) {
      for await (const row of rows) {
        const n = ++rowNumber;
        const k = row[keyColumn];
        if (k && plan.duplicates.has(keyUnique?.caseInsensitive ? k.toLowerCase() : k)) {
          settle([{ row: n, column: keyColumn, message: `"${k}" appears more than once in this file; none of its rows were applied` }]);
        } else {
          const tokens = uniqueColumns.filter((c) => row[c]).map((c) => `${c}\0${row[c].toLowerCase()}`);
          const before = tokens.map((t) => claimed.get(t)).filter((x) => x !== void 0);
          const p = Promise.all(before).then(() => applyRow(app, def, actor, row, n)).then(settle, (err) => void (fatal ??= err)).finally(() => {
            inFlight.delete(p);
            for (const t of tokens) if (claimed.get(t) === p) claimed.delete(t);
          });
          for (const t of tokens) claimed.set(t, p);
          inFlight.add(p);
          if (inFlight.size >= ROWS_IN_FLIGHT) await Promise.race(inFlight);
        }
        if (fatal) break;
        if (done - reported >= PROGRESS_EVERY) {
          reported = done;
          await progress(job.id, { done, applied, failed: failed2 });
        }
      }
      await Promise.all(inFlight);
    });
    if (fatal) throw fatal;
    problems.sort((a, b) => a.row - b.row);
    await progress(job.id, { done, applied, failed: failed2 });
    let report;
    if (problems.length) {
      report = job.blob_name.replace(/\.csv$/, ".errors.csv");
      await blob.write(report, Buffer.from(stringify(problems, { header: true, columns: ["row", "column", "message"] })), { contentType: "text/csv" });
    }
    await finish(app, job, actor, { status: "completed", message: `${applied} of ${done} rows applied, ${failed2} refused`, report });
  }
  let running;
  let again = false;
  async function drain() {
    for (; ; ) {
      const now = ctx.clock();
      const { rows } = await ctx.db.sql.query(
        `UPDATE import_jobs SET status = 'running', updated_at = $1
         WHERE id = (SELECT id FROM import_jobs WHERE status = 'queued' OR (status = 'running' AND updated_at < $2)
                     ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING *`,
        [now, new Date(now.getTime() - LEASE_MS)]
      );
      if (!rows[0]) return;
      try {
        await run2(rows[0]);
      } catch (err) {
        ctx.logger.error({ err, job: rows[0].id }, "import failed");
        await ctx.db.sql.query("UPDATE import_jobs SET status = 'failed', message = $2, updated_at = $3 WHERE id = $1", [rows[0].id, `Stopped by an internal error (${err.message})`, ctx.clock()]);
      }
    }
  }
  function runPending() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drain();
      } while (again);
    })().finally(() => running = void 0);
    return running;
  }
  return {
    /** GET /v1/csv-jobs/{entity}/sas-url: where to PUT the file, until when, and how large it may be. */
    async uploadUrl(appId, name, actor) {
      const app = resolveApp(ctx.registry(), appId);
      const def = importOf(app, name);
      allow(def, actor);
      const blobName = `imports/${def.name}/${randomUUID7()}.csv`;
      const { token, expiresAt } = await ctx.tokens.issueFor(app.id, "upload", actor.id, { key: blobName, max: maxOf(def) }, (def.uploadMinutes ?? 15) * 60);
      return { uploadPath: `/v1/apps/${app.id}/uploads/${token}`, method: "PUT", blobName, expiresAt: expiresAt.toISOString(), maxBytes: maxOf(def), contentType: "text/csv" };
    },
    /** PUT /v1/apps/{app}/uploads/{token}: the file itself, streamed into the blob store. */
    async receiveUpload(appId, token, body, declaredLength) {
      const app = resolveApp(ctx.registry(), appId);
      const signed = await ctx.tokens.verifyFor(token, app.id, "upload", { expired: "The upload URL has expired; ask for a new one", invalid: "The upload URL is not valid" });
      const key2 = String(signed.key);
      const max = Number(signed.max);
      if (declaredLength !== void 0 && declaredLength > max) throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${max} bytes`);
      const used = () => new AppError("CONFLICT", "This upload URL was used already; ask for a new one");
      if (!await claims.claim(app.id, key2, ctx.clock())) throw used();
      const blob = deps.blob(app.id);
      const store = async () => {
        const limited = stream.pipeline(body, byteLimit(max), () => {
        });
        try {
          return await blob.write(key2, limited, { contentType: typeof signed.type === "string" ? signed.type : "text/csv" });
        } catch (err) {
          const cause = err.cause;
          if (isAppError(cause)) throw cause;
          if (body.readableAborted) throw new AppError("BAD_REQUEST", "The upload was cut off before the end of the file", { cause: err });
          throw err;
        }
      };
      let stat;
      try {
        stat = await blob.exists(key2) ? void 0 : await store();
      } catch (err) {
        await claims.release(app.id, key2).catch((e) => ctx.logger.error({ err: e, app: app.id, blobName: key2 }, "upload claim not released"));
        throw err;
      }
      await claims.complete(app.id, key2);
      if (!stat) throw used();
      return { blobName: key2, size: stat.size, sha256: stat.sha256 };
    },
    /** POST /v1/csv-jobs/{entity}/register { blobName }: queues the import; answers at once. */
    async register(appId, name, actor, body) {
      const app = resolveApp(ctx.registry(), appId);
      const def = importOf(app, name);
      allow(def, actor);
      const { blobName } = validateRegister(body);
      if (!BLOB_NAME.test(blobName) || !blobName.startsWith(`imports/${def.name}/`)) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.blobName", message: `Not an upload of the "${def.name}" import; use the blobName the upload URL came with` }] });
      const stat = await deps.blob(app.id).stat(blobName);
      if (!stat) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.blobName", message: "Nothing was uploaded under this name" }] });
      if (stat.size > maxOf(def)) throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${maxOf(def)} bytes`);
      const now = ctx.clock();
      const id = randomUUID7();
      const { rows } = await ctx.db.sql.query(
        `INSERT INTO import_jobs (id, app, import, blob_name, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $6, $6) ON CONFLICT (app, blob_name) DO NOTHING RETURNING *`,
        [id, app.id, def.name, blobName, actor.id, now]
      );
      if (!rows[0]) throw new AppError("CONFLICT", "This file was registered already");
      void runPending().catch((err) => ctx.logger.error({ err }, "import runner failed"));
      return view2(rows[0]);
    },
    /** GET /v1/csv-jobs/{id}: rows done, total, percent, status. */
    async status(appId, actor, id) {
      return view2(await loadJob(resolveApp(ctx.registry(), appId), actor, id));
    },
    /** GET /v1/csv-jobs/{id}/errors: the error report as CSV (row, column, message). */
    async errorReport(appId, actor, id) {
      const app = resolveApp(ctx.registry(), appId);
      const job = await loadJob(app, actor, id);
      if (!job.error_report) throw new AppError("NOT_FOUND", job.status === "completed" ? "Every row was applied: there is no error report" : "The import has not finished yet");
      return deps.blob(app.id).read(job.error_report);
    },
    /** Runs what is queued (the Agenda job calls this too, so a restart picks up where a crash left off). */
    runPending
  };
}
var DEFAULT_MAX_BYTES, PROGRESS_EVERY, ROWS_IN_FLIGHT, LEASE_MS, BLOB_NAME, validateRegister, transitionColumnOf;
var init_import_service = __esm({
  "engine/imports/import-service.ts"() {
    "use strict";
    init_byte_limit();
    init_app_error();
    init_plan_effects();
    init_outbox_store();
    init_derived_columns();
    init_resolve_target();
    init_storable_text();
    init_validate_body();
    init_import_rows();
    init_upload_claims();
    DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
    PROGRESS_EVERY = 50;
    ROWS_IN_FLIGHT = 8;
    LEASE_MS = 2 * 6e4;
    BLOB_NAME = /^imports\/[a-z][a-z0-9_-]{0,62}\/[0-9a-f-]{36}\.csv$/;
    validateRegister = bodyValidator({ type: "object", additionalProperties: false, required: ["blobName"], properties: { blobName: { type: "string", minLength: 1, maxLength: 200 } } });
    transitionColumnOf = (def) => Object.entries(def.columns).find(([, c]) => typeof c === "object" && "transition" in c)?.[0] ?? "";
  }
});

// engine/files/file-slot.ts
function slotOf(entity, name) {
  const slot = Object.hasOwn(entity.definition.files ?? {}, name) ? entity.definition.files[name] : void 0;
  if (!slot) throw new AppError("NOT_FOUND", `${entity.label} has no file slot "${name}"`, { details: [{ path: "$.slot", message: `Slots: ${Object.keys(entity.definition.files ?? {}).join(", ") || "none"}` }] });
  return slot;
}
function assertSlotRole(slot, slotName2, action, actor) {
  const roles = slot.roles[action] ?? [];
  if (!roles.includes(actor.role)) throw new AppError("FORBIDDEN", `Your role may not ${action} files in "${slotName2}"`);
}
var MAX_SLOT_BYTES, UPLOAD_SECONDS, DOWNLOAD_SECONDS, initialStatus;
var init_file_slot = __esm({
  "engine/files/file-slot.ts"() {
    "use strict";
    init_app_error();
    MAX_SLOT_BYTES = 100 * 1024 * 1024;
    UPLOAD_SECONDS = 900;
    DOWNLOAD_SECONDS = 300;
    initialStatus = (slot) => slot.review?.states[0] ?? null;
  }
});

// engine/files/file-view.ts
function fileView(f) {
  return {
    id: f.id,
    recordId: f.recordId,
    slot: f.slot,
    label: f.label,
    status: f.status,
    removed: f.removed,
    version: f.version,
    fileName: f.fileName,
    contentType: f.contentType,
    size: Number(f.size),
    sha256: f.sha256,
    uploadedBy: f.uploadedBy,
    uploadedAt: f.uploadedAt.toISOString(),
    reviewedBy: f.reviewedBy,
    reviewedAt: f.reviewedAt?.toISOString() ?? null,
    reviewNote: f.reviewNote,
    createdAt: f.createdAt.toISOString()
  };
}
function fileVersionView(v) {
  return { version: v.version, fileName: v.fileName, contentType: v.contentType, size: Number(v.size), sha256: v.sha256, uploadedBy: v.uploadedBy, uploadedAt: v.uploadedAt.toISOString() };
}
var init_file_view = __esm({
  "engine/files/file-view.ts"() {
    "use strict";
  }
});

// engine/files/sniff-content.ts
import { Transform as Transform2 } from "node:stream";
import { fileTypeFromBuffer } from "file-type";
function extensionOf(fileName) {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return m ? m[1].toLowerCase() : void 0;
}
function sniffContent(options) {
  const head = [];
  let headBytes = 0;
  let decided = false;
  const decide = async () => {
    decided = true;
    const sample = Buffer.concat(head);
    if (sample.length === 0) throw new AppError("BAD_REQUEST", "The file is empty", { details: [{ path: "$.file", message: "No bytes were sent" }] });
    const type = await fileTypeFromBuffer(sample);
    if (!type) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `The file's content is not a recognised type; this slot takes ${describe3(options.types)}`, { details: [{ path: "$.file", message: "Unrecognised content" }] });
    if (!options.types.includes(type.mime)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `The file is ${type.mime}; this slot takes ${describe3(options.types)}`, { details: [{ path: "$.file", message: `Content is ${type.mime}` }] });
    }
    const ext = extensionOf(options.fileName);
    if (ext !== void 0 && !(SAME_TYPE[type.ext] ?? [type.ext]).includes(ext)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `The file is named .${ext} but its content is ${type.mime}`, { details: [{ path: "$.file", message: "The name does not match the content" }] });
    }
    options.onSniffed({ mime: type.mime, ext: type.ext });
  };
  return new Transform2({
    transform(chunk, _enc, done) {
      if (decided) return done(null, chunk);
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SAMPLE_BYTES) return done();
      decide().then(() => {
        for (const c of head.splice(0)) this.push(c);
        done();
      }, done);
    },
    flush(done) {
      if (decided) return done();
      decide().then(() => {
        for (const c of head.splice(0)) this.push(c);
        done();
      }, done);
    }
  });
}
var SAMPLE_BYTES, SAME_TYPE, describe3;
var init_sniff_content = __esm({
  "engine/files/sniff-content.ts"() {
    "use strict";
    init_app_error();
    SAMPLE_BYTES = 4100;
    SAME_TYPE = {
      jpg: ["jpg", "jpeg", "jpe", "jfif"],
      tif: ["tif", "tiff"],
      heic: ["heic", "heif"]
    };
    describe3 = (types) => types.join(", ");
  }
});

// engine/files/file-service.ts
import { createHash as createHash5, randomUUID as randomUUID8 } from "node:crypto";
import stream2, { Writable } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
function cleanFileName(raw3) {
  const base = raw3.split(/[\\/]/).pop() ?? "";
  const name = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, MAX_NAME);
  if (!name || !isStorableText(name) || name === "." || name === "..") throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.file", message: "The file needs a name" }] });
  return name;
}
function optionalText(value, path17, max) {
  if (value === void 0 || value === "") return void 0;
  if (value.length > max || !isStorableText(value)) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: path17, message: `At most ${max} characters, without NUL` }] });
  return value;
}
function fileIdOf(value, path17 = "$.fileId") {
  if (value === void 0 || value === "") return void 0;
  if (!UUID_RE.test(value)) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: path17, message: "A file id (UUID)" }] });
  return value.toLowerCase();
}
function createFileService(ctx, deps) {
  async function visible(t, actor, id, slotName2) {
    const app = resolveApp(ctx.registry(), t.app);
    const entity = resolveEntity(app, t.entity);
    const permission = requirePermission(app, actor, entity.name, "read");
    const row = UUID_RE.test(id) ? await findRecord(ctx.db, app.id, entity.name, id) : void 0;
    if (!row) throw new AppError("RECORD_NOT_FOUND", `No ${entity.name} with id "${id}"`);
    await assertInScope(ctx.db.sql, app.id, actor, permission, row);
    const slot = slotName2 === void 0 ? void 0 : slotOf(entity, slotName2);
    return { app, entity, permission, row, slot };
  }
  async function relock(tx, app, entity, actor, id) {
    const row = await lockRecord(tx, app.id, entity.name, id);
    if (!row) throw new AppError("RECORD_NOT_FOUND", `No ${entity.name} with id "${id}"`);
    await assertInScope(ctx.db.sql, app.id, actor, requirePermission(app, actor, entity.name, "read"), row);
    return row;
  }
  async function timeline(tx, app, entity, row, actor, event, detail, remarks, at) {
    await tx.$executeRaw`
      INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, input, at)
      VALUES (${row.id}::uuid, ${app.id}, ${entity.name}, ${event}, ${row.state}, ${row.state}, ${actor.id}, ${actor.role}, false, ${remarks}, ${JSON.stringify(detail)}::jsonb, ${at})`;
  }
  async function activeCount(tx, recordId, slot) {
    return tx.recordFile.count({ where: { recordId, slot, removed: false } });
  }
  const limitReached = (entity, slotName2, slot) => new AppError("LIMIT_REACHED", `This ${entity.label.toLowerCase()} already has ${slot.maxActive} active ${slot.label ?? slotName2}, the most it may have: remove one, or upload a new version of one`, {
    details: [{ path: "$.file", message: `At most ${slot.maxActive} active files in "${slotName2}"` }]
  });
  function assertReuploadable(file, slotName2, slot) {
    if (file.removed) throw new AppError("CONFLICT", "This file was removed; upload a new file instead", { details: [{ path: "$.fileId", message: "Removed" }] });
    if (slot.versioned === false) throw new AppError("CONFLICT", `Files in "${slotName2}" keep one version: remove this one and upload a new file`, { details: [{ path: "$.fileId", message: "Not versioned" }] });
    const allowed = slot.review?.reupload;
    if (allowed && file.status !== null && !allowed.includes(file.status)) {
      throw new AppError("CONFLICT", `A file that is ${file.status} cannot be replaced; a new version may be uploaded while it is ${allowed.join(" or ")}`, { details: [{ path: "$.fileId", message: `Status ${file.status}` }] });
    }
  }
  async function signedDownload(app, actor, blobKey, fileName, contentType) {
    const expiresAt = new Date(ctx.clock().getTime() + DOWNLOAD_SECONDS * 1e3);
    const blob = deps.blob(app.id);
    if (blob.signedDownloadUrl) {
      const signed = await blob.signedDownloadUrl(blobKey, { expiresAt, fileName, contentType });
      return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
    }
    const { token, expiresAt: until } = await ctx.tokens.issueFor(app.id, "download", actor.id, { key: blobKey, name: fileName, type: contentType }, DOWNLOAD_SECONDS);
    return { url: `/v1/apps/${app.id}/downloads/${token}`, expiresAt: until.toISOString() };
  }
  async function commit(a) {
    const { app, entity, row, actor, slotName: slotName2, slot, fileId, existingId, blobKey, fileName, label: label2, contentType, size, sha256 } = a;
    const now = ctx.clock();
    const saved = await ctx.db.$transaction(async (tx) => {
      const current2 = await relock(tx, app, entity, actor, row.id);
      let file;
      if (existingId) {
        const before = await tx.recordFile.findFirst({ where: { id: existingId, recordId: row.id, slot: slotName2 } });
        if (!before) throw noFile(existingId);
        assertReuploadable(before, slotName2, slot);
        const version = before.version + 1;
        await tx.recordFileVersion.create({ data: { fileId, version, blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now } });
        file = await tx.recordFile.update({
          where: { id: fileId },
          data: { version, blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now, status: initialStatus(slot), reviewedBy: null, reviewedAt: null, reviewNote: null, ...label2 ? { label: label2 } : {} }
        });
      } else {
        if (slot.maxActive !== void 0 && await activeCount(tx, row.id, slotName2) >= slot.maxActive) throw limitReached(entity, slotName2, slot);
        file = await tx.recordFile.create({
          data: {
            id: fileId,
            app: app.id,
            entity: entity.name,
            recordId: row.id,
            slot: slotName2,
            label: label2 ?? null,
            status: initialStatus(slot),
            version: 1,
            blobKey,
            fileName,
            contentType,
            size,
            sha256,
            uploadedBy: actor.id,
            uploadedAt: now,
            createdAt: now,
            versions: { create: { version: 1, blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now } }
          }
        });
      }
      const detail = { slot: slotName2, fileId, version: file.version, fileName, contentType, size, sha256, status: file.status };
      await timeline(tx, app, entity, current2, actor, "file.upload", detail, null, now);
      await appendAudit(tx, { app: app.id, entity: entity.name, recordId: row.id, action: "file.upload", actor, after: detail, at: now });
      return file;
    });
    return fileView(saved);
  }
  async function beforeBytes(entity, row, slotName2, slot, existingId) {
    if (existingId) {
      const file = await ctx.db.recordFile.findFirst({ where: { id: existingId, recordId: row.id, slot: slotName2 } });
      if (!file) throw noFile(existingId);
      assertReuploadable(file, slotName2, slot);
    } else if (slot.maxActive !== void 0 && await activeCount(ctx.db, row.id, slotName2) >= slot.maxActive) {
      throw limitReached(entity, slotName2, slot);
    }
  }
  async function changeFile(v, actor, slotName2, fileIdRaw, change) {
    const { app, entity, row } = v;
    const fileId = fileIdOf(fileIdRaw, "$.fileId") ?? "";
    const now = ctx.clock();
    const saved = await ctx.db.$transaction(async (tx) => {
      const current2 = await relock(tx, app, entity, actor, row.id);
      const before = await tx.recordFile.findFirst({ where: { id: fileId, recordId: row.id, slot: slotName2 } });
      if (!before) throw noFile(fileIdRaw);
      if (before.removed) throw new AppError("CONFLICT", change.removed, { details: [{ path: "$.fileId", message: "Removed" }] });
      const file = await tx.recordFile.update({ where: { id: fileId }, data: change.data });
      const detail = { slot: slotName2, fileId, ...change.detail(before, file) };
      await timeline(tx, app, entity, current2, actor, change.event, detail, change.remarks, now);
      await appendAudit(tx, { app: app.id, entity: entity.name, recordId: row.id, action: change.event, actor, before: change.auditBefore(before), after: change.remarks === null ? detail : { ...detail, note: change.remarks }, at: now });
      return file;
    });
    return fileView(saved);
  }
  return {
    /**
     * A file (or a new version of one) into a slot. The caller gives the bytes as a stream; the
     * checks that need no bytes (role, scope, slot, the limit, the file's status) come first, so a
     * refused upload is refused before its bytes are read.
     */
    async upload(t, actor, id, slotName2, incoming) {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName2);
      assertSlotRole(slot, slotName2, "upload", actor);
      const fileName = cleanFileName(incoming.fileName);
      const label2 = optionalText(incoming.label, "$.label", 120);
      const existingId = fileIdOf(incoming.fileId);
      await beforeBytes(entity, row, slotName2, slot, existingId);
      const fileId = existingId ?? randomUUID8();
      const blobKey = `files/${entity.name}/${row.id}/${slotName2}/${fileId}/${randomUUID8()}`;
      const blob = deps.blob(app.id);
      let sniffed;
      let stat;
      try {
        const checked = stream2.pipeline(incoming.content, sniffContent({ types: slot.types, fileName, onSniffed: (s) => sniffed = s }), byteLimit(slot.maxBytes), () => {
        });
        stat = await blob.write(blobKey, checked, { contentType: "application/octet-stream" });
      } catch (err) {
        const cause = err.cause;
        await blob.delete(blobKey).catch(() => void 0);
        if (isAppError(err)) throw err;
        if (isAppError(cause)) throw cause;
        if (incoming.content.readableAborted) throw new AppError("BAD_REQUEST", "The upload was cut off before the end of the file", { cause: err });
        throw new AppError("UNAVAILABLE", "The file could not be stored; try again", { cause: err });
      }
      try {
        return await commit({ app, entity, row, actor, slotName: slotName2, slot, fileId, existingId, blobKey, fileName, label: label2, contentType: sniffed.mime, size: stat.size, sha256: stat.sha256 });
      } catch (err) {
        await blob.delete(blobKey).catch((e) => ctx.logger.warn({ err: e, blobKey }, "an unused upload was not deleted"));
        throw err;
      }
    },
    /**
     * A signed URL to upload a file straight to the blob store (a SAS on Azure Blob; this server's
     * upload route on fs), and the `upload` token that completes it. The checks that need no bytes
     * are made now and again at completion; the bytes are judged at completion.
     */
    async uploadUrl(t, actor, id, slotName2, body) {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName2);
      assertSlotRole(slot, slotName2, "upload", actor);
      const b = isRecord(body) ? body : {};
      if (!isRecord(body) || Object.keys(b).some((k) => !["fileName", "fileId", "label"].includes(k))) throw new AppError("VALIDATION_FAILED", "The body takes { fileName, fileId?, label? }");
      const fileName = cleanFileName(typeof b.fileName === "string" ? b.fileName : "");
      const label2 = optionalText(typeof b.label === "string" ? b.label : void 0, "$.label", 120);
      const existingId = fileIdOf(b.fileId === void 0 ? void 0 : String(b.fileId));
      await beforeBytes(entity, row, slotName2, slot, existingId);
      const fileId = existingId ?? randomUUID8();
      const blobKey = `files/${entity.name}/${row.id}/${slotName2}/${fileId}/${randomUUID8()}`;
      const expiresAt = new Date(ctx.clock().getTime() + UPLOAD_SECONDS * 1e3);
      const blob = deps.blob(app.id);
      const target2 = blob.signedUploadUrl ? await blob.signedUploadUrl(blobKey, { expiresAt }) : { url: `/v1/apps/${app.id}/uploads/${(await ctx.tokens.issueFor(app.id, "upload", actor.id, { key: blobKey, max: slot.maxBytes, type: "application/octet-stream" }, UPLOAD_SECONDS)).token}`, method: "PUT", headers: {}, expiresAt };
      const { token } = await ctx.tokens.issueFor(app.id, "file-upload", actor.id, { key: blobKey, entity: entity.name, record: row.id, slot: slotName2, fileId, existing: Boolean(existingId), name: fileName, label: label2 ?? null }, UPLOAD_SECONDS + 3600);
      return { upload: token, uploadUrl: target2.url, method: "PUT", headers: target2.headers, expiresAt: target2.expiresAt.toISOString(), maxBytes: slot.maxBytes, types: slot.types };
    },
    /**
     * Completes a direct upload: the bytes in the store are read back once, through the sniffer,
     * the size limit and a SHA-256 (a client's PUT to a SAS carries no hash the server made), and
     * then written down as an upload through the API would be. A refused file is deleted.
     */
    async completeUpload(t, actor, id, slotName2, body) {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName2);
      assertSlotRole(slot, slotName2, "upload", actor);
      const token = isRecord(body) && typeof body.upload === "string" && Object.keys(body).length === 1 ? body.upload : void 0;
      if (!token) throw new AppError("VALIDATION_FAILED", "The body takes { upload }: the token the upload URL came with", { details: [{ path: "$.upload", message: "Required" }] });
      const signed = await ctx.tokens.verifyFor(token, app.id, "file-upload", { expired: "The upload has expired; ask for a new upload URL", invalid: "The upload token is not valid" });
      if (signed.sub !== actor.id || signed.entity !== entity.name || signed.record !== row.id || signed.slot !== slotName2) throw new AppError("FORBIDDEN", "This upload was made for another file, record or user");
      const blobKey = String(signed.key);
      if (await ctx.db.recordFileVersion.findFirst({ where: { blobKey }, select: { fileId: true } })) throw new AppError("CONFLICT", "This upload was completed already");
      const blob = deps.blob(app.id);
      const stat = await blob.stat(blobKey);
      if (!stat) throw new AppError("VALIDATION_FAILED", "Nothing was uploaded to the URL yet", { details: [{ path: "$.upload", message: "No file" }] });
      const fileName = String(signed.name);
      const drop = () => blob.delete(blobKey).catch((e) => ctx.logger.warn({ err: e, blobKey }, "a refused upload was not deleted"));
      let sniffed;
      const hash = createHash5("sha256");
      let size = 0;
      try {
        if (stat.size > slot.maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${slot.maxBytes} bytes`);
        const counted = new Writable({
          write(chunk, _enc, done) {
            hash.update(chunk);
            size += chunk.length;
            done();
          }
        });
        await pipeline2(await blob.read(blobKey), sniffContent({ types: slot.types, fileName, onSniffed: (s) => sniffed = s }), byteLimit(slot.maxBytes), counted);
      } catch (err) {
        await drop();
        if (isAppError(err)) throw err;
        throw new AppError("UNAVAILABLE", "The uploaded file could not be read back; try again", { cause: err });
      }
      const existingId = signed.existing ? String(signed.fileId) : void 0;
      try {
        return await commit({ app, entity, row, actor, slotName: slotName2, slot, fileId: String(signed.fileId), existingId, blobKey, fileName, label: typeof signed.label === "string" ? signed.label : void 0, contentType: sniffed.mime, size, sha256: hash.digest("hex") });
      } catch (err) {
        await drop();
        throw err;
      }
    },
    /** The record's files not removed, slot by slot, newest first. */
    async list(t, actor, id, slotName2) {
      const { row } = await visible(t, actor, id, slotName2);
      const files = await ctx.db.recordFile.findMany({ where: { recordId: row.id, removed: false, ...slotName2 ? { slot: slotName2 } : {} }, orderBy: [{ slot: "asc" }, { createdAt: "desc" }, { id: "asc" }], take: 1e3 });
      return files.map(fileView);
    },
    /** One file with every version and a short-lived URL to download the newest (or `version`). */
    async get(t, actor, id, slotName2, fileIdRaw, versionRaw) {
      const { app, row } = await visible(t, actor, id, slotName2);
      const fileId = fileIdOf(fileIdRaw, "$.fileId") ?? "";
      const file = await ctx.db.recordFile.findFirst({ where: { id: fileId, recordId: row.id, slot: slotName2 }, include: { versions: { orderBy: { version: "asc" } } } });
      if (!file) throw noFile(fileIdRaw);
      let wanted = file.versions.at(-1);
      if (versionRaw !== void 0) {
        const n = /^[1-9]\d{0,6}$/.test(versionRaw) ? Number(versionRaw) : NaN;
        const v = file.versions.find((x) => x.version === n);
        if (!v) throw new AppError("NOT_FOUND", `File "${fileId}" has no version "${versionRaw}"`, { details: [{ path: "$.version", message: `Versions 1 to ${file.version}` }] });
        wanted = v;
      }
      const download = await signedDownload(app, actor, wanted.blobKey, wanted.fileName, wanted.contentType);
      return { ...fileView(file), versions: file.versions.map(fileVersionView), download };
    },
    /** Sets a file's review status (a role the slot names as reviewer). */
    async review(t, actor, id, slotName2, fileIdRaw, body) {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName2);
      assertSlotRole(slot, slotName2, "review", actor);
      const b = body ?? {};
      const states = slot.review?.states ?? [];
      if (typeof b !== "object" || Array.isArray(b) || Object.keys(b).some((k) => k !== "status" && k !== "note")) throw new AppError("VALIDATION_FAILED", "The body takes { status, note? }");
      if (typeof b.status !== "string" || !states.includes(b.status)) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.status", message: `One of ${states.join(", ")}` }] });
      const note = optionalText(typeof b.note === "string" ? b.note : b.note === void 0 ? void 0 : String(b.note), "$.note", 2e3);
      return changeFile({ app, entity, row }, actor, slotName2, fileIdRaw, {
        event: "file.review",
        removed: "This file was removed",
        data: { status: b.status, reviewedBy: actor.id, reviewedAt: ctx.clock(), reviewNote: note ?? null },
        remarks: note ?? null,
        detail: (before, file) => ({ version: file.version, from: before.status, status: file.status }),
        auditBefore: (before) => ({ status: before.status })
      });
    },
    /** Removes a file from the record (it no longer counts against the limit); its versions stay in the store. */
    async remove(t, actor, id, slotName2, fileIdRaw) {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName2);
      assertSlotRole(slot, slotName2, "remove", actor);
      return changeFile({ app, entity, row }, actor, slotName2, fileIdRaw, {
        event: "file.remove",
        removed: "This file was removed already",
        data: { removed: true },
        remarks: null,
        detail: (_before, file) => ({ version: file.version, fileName: file.fileName }),
        auditBefore: () => ({ removed: false })
      });
    },
    /** GET /v1/apps/{app}/downloads/{token}: the blob a signed download URL names (the URL is the credential). */
    async download(appId, token) {
      const app = resolveApp(ctx.registry(), appId);
      const signed = await ctx.tokens.verifyFor(token, app.id, "download", { expired: "The download link has expired; ask for a new one", invalid: "The download link is not valid" });
      const key2 = String(signed.key);
      try {
        return { stream: await deps.blob(app.id).read(key2), fileName: String(signed.name), contentType: String(signed.type) };
      } catch (err) {
        throw new AppError("UNAVAILABLE", "The file cannot be read now; try again", { cause: err });
      }
    }
  };
}
var MAX_NAME, isRecord, noFile;
var init_file_service = __esm({
  "engine/files/file-service.ts"() {
    "use strict";
    init_permissions();
    init_audit_log();
    init_app_error();
    init_record_scope();
    init_record_store();
    init_resolve_target();
    init_byte_limit();
    init_storable_text();
    init_uuid();
    init_file_slot();
    init_file_view();
    init_sniff_content();
    MAX_NAME = 200;
    isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
    noFile = (id) => new AppError("NOT_FOUND", `No file "${id}" on this record`);
  }
});

// engine/files/demo-file.ts
async function demoFile(fileName, about, at) {
  if (fileName.toLowerCase().endsWith(".png")) return PNG_1X1;
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: fileName, CreationDate: at, ModDate: at } });
  const chunks = [];
  doc.on("data", (c) => chunks.push(c));
  const done = new Promise((resolve2) => doc.on("end", resolve2));
  doc.font("Helvetica-Bold").fontSize(18).text(fileName);
  doc.moveDown().font("Helvetica").fontSize(11).text(`A demo document for ${about}, made by npm start in development.`);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
var PNG_1X1;
var init_demo_file = __esm({
  "engine/files/demo-file.ts"() {
    "use strict";
    PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
  }
});

// engine/otp/otp-service.ts
import { createHmac as createHmac2, randomInt, randomUUID as randomUUID9, timingSafeEqual } from "node:crypto";
function policyOf(app, name) {
  const p = app.otpPolicies.get(name);
  if (!p) throw new AppError("NOT_FOUND", `App "${app.id}" has no OTP policy "${name}"`);
  return p;
}
async function lockSubject(tx, app, policy, subject) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`otp:${app}:${policy}:${subject}`}, 0))`;
}
async function assertNotLocked(tx, app, policy, subject, now) {
  const lock = await tx.otpLockout.findUnique({ where: { app_policy_subject: { app, policy, subject } } });
  if (lock && lock.lockedUntil > now) {
    throw new AppError("LOCKED", void 0, { data: { retryAfterSeconds: Math.ceil((lock.lockedUntil.getTime() - now.getTime()) / 1e3) } });
  }
}
function createOtpService(ctx) {
  const hash = (id, code) => createHmac2("sha256", ctx.hashKey).update(`${id}:${code}`).digest("hex");
  function generate(policy) {
    if (policy.mode === "fixed") {
      if (ctx.production) throw new AppError("INTERNAL", "Fixed OTP codes are not allowed in production");
      return policy.fixedCode ?? "1234567890".slice(0, policy.digits);
    }
    return String(randomInt(0, 10 ** policy.digits)).padStart(policy.digits, "0");
  }
  return {
    /** Sends a new code to the policy's channels among `targets` (all in one transaction with its messages). */
    async issue(app, policyName, subject, targets) {
      const issued = await ctx.db.$transaction((tx) => this.issueIn(tx, app, policyName, subject, targets));
      ctx.outboxWritten();
      return issued;
    },
    /** The same inside a caller's transaction (e.g. a signup that sends its first code). */
    async issueIn(tx, app, policyName, subject, targets) {
      const policy = policyOf(app, policyName);
      const channels = policy.channels.filter((c) => targets[c]);
      if (!channels.length) throw new AppError("VALIDATION_FAILED", "No channel to send the code to", { details: [{ path: "$", message: `Give one of: ${policy.channels.join(", ")}` }] });
      const now = ctx.clock();
      const id = randomUUID9();
      const code = generate(policy);
      const expiresAt = new Date(now.getTime() + minutes2(policy.validityMinutes));
      const rows = channels.map((channel) => {
        const template = app.templates.get(policy.templates[channel]);
        const out = template.render({ otp: { code, validMinutes: policy.validityMinutes }, app: { id: app.id, name: app.name } });
        const to = targets[channel];
        return {
          app: app.id,
          channel,
          recordId: null,
          template: template.name,
          recipient: to,
          payload: channel === "sms" ? { to, body: out.text } : { to, subject: out.subject, text: out.text, html: out.html },
          idempotencyKey: `${app.id}:otp:${id}:${channel}`
        };
      });
      {
        await lockSubject(tx, app.id, policy.name, subject);
        await assertNotLocked(tx, app.id, policy.name, subject, now);
        if (policy.resend) {
          const since = new Date(now.getTime() - minutes2(policy.resend.withinMinutes));
          const recent = await tx.otpChallenge.findMany({ where: { app: app.id, policy: policy.name, subject, createdAt: { gt: since } }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
          if (recent.length > policy.resend.max) {
            const freeAt = recent[recent.length - policy.resend.max - 1].createdAt.getTime() + minutes2(policy.resend.withinMinutes);
            throw new AppError("RATE_LIMITED", `At most ${policy.resend.max} resends per ${policy.resend.withinMinutes} minutes`, { data: { retryAfterSeconds: Math.ceil((freeAt - now.getTime()) / 1e3) } });
          }
        }
        await tx.otpChallenge.create({
          data: { id, app: app.id, policy: policy.name, subject, codeHash: hash(id, code), channels, maxAttempts: policy.maxAttempts ?? null, expiresAt, createdAt: now }
        });
        await tx.outboxMessage.createMany({ data: outboxInsertData(rows, now) });
      }
      ctx.metrics.otp(app.id, policy.name, "issued");
      return { otpId: id, expiresAt: expiresAt.toISOString(), expiresInSeconds: Math.round(minutes2(policy.validityMinutes) / 1e3), channels };
    },
    /** Checks a code against the newest code sent to a subject (flows that send { leadId, otp }). */
    async verifyLatest(app, policyName, subject, code, andThen) {
      const latest = await ctx.db.otpChallenge.findFirst({ where: { app: app.id, policy: policyName, subject }, orderBy: { createdAt: "desc" }, select: { id: true } });
      if (!latest) throw new AppError("OTP_INVALID", "No code was sent for this");
      return this.verify(app, policyName, latest.id, code, andThen);
    },
    /**
     * Checks a code; returns the subject it proves. Wrong codes are counted even though the call
     * fails. `andThen` runs in the same transaction as the code's consumption: when it throws (the
     * move the code was for is refused), the code is not spent.
     */
    async verify(app, policyName, otpId, code, andThen) {
      const policy = policyOf(app, policyName);
      if (typeof otpId !== "string" || !UUID_RE.test(otpId) || typeof code !== "string" || !new RegExp(`^[0-9]{${policy.digits}}$`).test(code)) {
        throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: typeof otpId === "string" && UUID_RE.test(otpId) ? "$.code" : "$.otpId", message: `Give the otpId you were sent and the ${policy.digits}-digit code` }] });
      }
      const first = await ctx.db.otpChallenge.findUnique({ where: { id: otpId } });
      if (!first || first.app !== app.id || first.policy !== policy.name) throw new AppError("OTP_INVALID");
      const now = ctx.clock();
      const outcome = await ctx.db.$transaction(async (tx) => {
        await lockSubject(tx, app.id, policy.name, first.subject);
        await assertNotLocked(tx, app.id, policy.name, first.subject, now);
        const c = await tx.otpChallenge.findUnique({ where: { id: otpId } });
        if (c.maxAttempts !== null && c.attempts >= c.maxAttempts) throw new AppError("LOCKED", "This code is locked after too many wrong attempts; ask for a new one");
        if (c.consumedAt) throw new AppError("OTP_USED");
        if (c.expiresAt <= now) throw new AppError("OTP_EXPIRED");
        const expected = Buffer.from(c.codeHash, "hex");
        const given = Buffer.from(hash(c.id, code), "hex");
        if (expected.length === given.length && timingSafeEqual(expected, given)) {
          await tx.otpChallenge.update({ where: { id: c.id }, data: { consumedAt: now } });
          return { ok: true, subject: c.subject, result: andThen ? await andThen(tx, c.subject) : void 0 };
        }
        await tx.otpChallenge.update({ where: { id: c.id }, data: { attempts: { increment: 1 } } });
        let locked = false;
        if (policy.lockout) {
          await tx.otpFailure.create({ data: { app: app.id, policy: policy.name, subject: c.subject, at: now } });
          const since = new Date(now.getTime() - minutes2(policy.lockout.withinMinutes));
          const failures = await tx.otpFailure.count({ where: { app: app.id, policy: policy.name, subject: c.subject, at: { gt: since } } });
          if (failures >= policy.lockout.failures) {
            const lockedUntil = new Date(now.getTime() + minutes2(policy.lockout.forMinutes));
            await tx.otpLockout.upsert({ where: { app_policy_subject: { app: app.id, policy: policy.name, subject: c.subject } }, create: { app: app.id, policy: policy.name, subject: c.subject, lockedUntil }, update: { lockedUntil } });
            locked = true;
          }
        }
        const attemptsLeft = c.maxAttempts === null ? void 0 : Math.max(0, c.maxAttempts - c.attempts - 1);
        return { ok: false, locked, attemptsLeft };
      });
      if (!outcome.ok) ctx.metrics.otp(app.id, policy.name, outcome.locked ? "locked" : "failed");
      if (!outcome.ok) throw new AppError("OTP_INVALID", void 0, { data: { attemptsLeft: outcome.attemptsLeft, locked: outcome.locked || void 0 } });
      return { subject: outcome.subject, result: outcome.result };
    }
  };
}
var minutes2;
var init_otp_service = __esm({
  "engine/otp/otp-service.ts"() {
    "use strict";
    init_app_error();
    init_outbox_store();
    init_uuid();
    minutes2 = (n) => Math.round(n * 6e4);
  }
});

// engine/auth/otp-login.ts
function createOtpLogin(ctx, otp, refresh) {
  const policyOf2 = (app) => {
    const policy = app.definition.auth?.otp?.policy;
    if (!policy) throw new AppError("NOT_FOUND", "OTP sign-in is not enabled for this app");
    return policy;
  };
  const refreshHours = (app) => app.definition.auth?.refreshTokenHours ?? 12;
  async function session(app, userId, refreshToken, tx) {
    const user2 = await (tx ?? ctx.db).user.findUnique({ where: { id: userId } });
    if (!user2 || user2.app !== app.id || !user2.active || !(user2.role in app.roles)) throw new AppError("UNAUTHENTICATED", "The account is not active");
    const { familyId, ...r } = refreshToken ?? await refresh.issue(app.id, user2.id, refreshHours(app), void 0, tx);
    const { accessToken, expiresIn } = await ctx.tokens.issue(actorOf(app.id, user2), app.accessTokenMinutes, familyId);
    return { accessToken, tokenType: "Bearer", expiresIn, ...r, user: { id: user2.id, role: user2.role, email: user2.email, phone: user2.phone, displayName: user2.displayName } };
  }
  return {
    /** A code to the user's phone always, and to their email when the profile has one. */
    async request(app, body) {
      const policy = policyOf2(app);
      const { phone } = validateRequest(body);
      const user2 = await ctx.db.user.findUnique({ where: { app_phone: { app: app.id, phone } } });
      if (!user2 || !user2.active) throw new AppError("NOT_FOUND", "No active user with this phone number");
      return otp.issue(app, policy, user2.id, { sms: phone, email: user2.email ?? void 0 });
    },
    async verify(app, body) {
      const { otpId, code } = validateVerify(body);
      const verified = await otp.verify(app, policyOf2(app), otpId, code, (tx, subject) => session(app, subject, void 0, tx));
      return verified.result;
    },
    /**
     * Phone and the code last sent to it, in one call (the seed's POST /auth/login with phone + OTP):
     * the same checks, lockout and one-use code as verify, answering a session with refresh token.
     */
    async signInWithPhone(app, body) {
      const policy = policyOf2(app);
      const { phone, otp: code } = validatePhoneLogin(body);
      const user2 = await ctx.db.user.findUnique({ where: { app_phone: { app: app.id, phone } } });
      if (!user2 || !user2.active) throw new AppError("OTP_INVALID");
      return (await otp.verifyLatest(app, policy, user2.id, code, (tx, subject) => session(app, subject, void 0, tx))).result;
    },
    async refresh(app, token) {
      const rotated = await refresh.rotate(app.id, token, refreshHours(app));
      return session(app, rotated.userId, rotated);
    },
    async logout(app, token) {
      await refresh.revoke(app.id, token);
    }
  };
}
var OTP_REQUEST_SCHEMA, OTP_VERIFY_SCHEMA, validateRequest, PHONE_LOGIN_SCHEMA, validatePhoneLogin, validateVerify;
var init_otp_login = __esm({
  "engine/auth/otp-login.ts"() {
    "use strict";
    init_app_error();
    init_validate_body();
    init_login_service();
    OTP_REQUEST_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["phone"],
      properties: { phone: { type: "string", format: "phone" } }
    };
    OTP_VERIFY_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["otpId", "code"],
      properties: { otpId: { type: "string", format: "uuid" }, code: { type: "string", pattern: "^[0-9]{4,10}$" } }
    };
    validateRequest = bodyValidator(OTP_REQUEST_SCHEMA);
    PHONE_LOGIN_SCHEMA = {
      type: "object",
      additionalProperties: false,
      required: ["phone", "otp"],
      properties: { phone: { type: "string", format: "phone" }, otp: { type: "string", pattern: "^[0-9]{4,10}$" } }
    };
    validatePhoneLogin = bodyValidator(PHONE_LOGIN_SCHEMA);
    validateVerify = bodyValidator(OTP_VERIFY_SCHEMA);
  }
});

// engine/otp/record-otp.ts
function guardOf(condition) {
  let guard = guards.get(condition);
  if (!guard) guards.set(condition, guard = compileConditionGuard(condition));
  return guard;
}
function createRecordOtp(ctx, otp) {
  function recordPolicy(app, policyName, entityName, actor) {
    const policy = app.otpPolicies.get(policyName);
    if (!policy?.record || entityName !== void 0 && entityName !== policy.record.entity) {
      throw new AppError("NOT_FOUND", `No OTP policy "${policyName}" for ${entityName ?? "records"} in app "${app.id}"`);
    }
    const entity = resolveEntity(app, policy.record.entity);
    requirePermission(app, actor, entity.name, "read");
    if (!policy.roles?.includes(actor.role)) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not ask for "${policy.name}" codes`);
    return { policy, entity };
  }
  async function loadEligible(app, entity, when, id, actor, at) {
    const row = await findRecord(ctx.db, app.id, entity.name, id);
    if (!row) throw new AppError("RECORD_NOT_FOUND", `No ${entity.name} with id "${id}"`);
    if (when && !await guardOf(when)({ record: recordView(entity, row), input: {}, actor: { ...actor }, now: nowFacts(ctx.clock()) })) {
      throw new AppError("INVALID_TRANSITION", `This ${entity.label} is not open for verification`, { details: [{ path: at, message: "The condition of this step does not hold" }] });
    }
    return row;
  }
  async function scopesFor(app, entity, actor) {
    const scopes = {};
    for (const e of app.entities.values()) {
      const rule = e.definition.proof;
      const scope = scopeRuleOf(app, actor, e.name);
      if (rule && (rule.entity ?? entity.name) === entity.name && scope) scopes[e.name] = await scopeValues(ctx.db.sql, app.id, actor, scope);
    }
    return scopes;
  }
  return {
    /**
     * A create that needs a proof (a transaction needs the customer's verification): the token must
     * be this app's, issued to this actor, for the record named in the body, which must still pass
     * the condition (the promotion is still active); the record created must fall within the scope
     * the actor had when verifying. The caller claims `proofId` in its transaction: one proof, one record.
     */
    async checkProof(app, rule, body, actor) {
      const { [rule.tokenField]: token, ...rest } = body;
      if (typeof token !== "string" || !token) throw invalidBody(`$.${rule.tokenField}`, "A verification token is required");
      const claims = await ctx.tokens.verifyProof(token, app.id);
      const recordId = rest[rule.recordField];
      if (typeof claims.jti !== "string" || typeof claims.entity !== "string") throw new AppError("UNAUTHENTICATED", "The verification token is not valid");
      if (claims.by !== actor.id) throw new AppError("FORBIDDEN", "The verification was obtained by another user", { details: [{ path: `$.${rule.tokenField}`, message: "Not yours" }] });
      if (typeof recordId !== "string" || claims.recordId !== recordId.toLowerCase()) throw new AppError("FORBIDDEN", "The verification was for another record", { details: [{ path: `$.${rule.recordField}`, message: "Does not match the verification" }] });
      const entity = resolveEntity(app, rule.entity ?? claims.entity);
      if (entity.name !== claims.entity) throw new AppError("FORBIDDEN", "The verification was for another kind of record", { details: [{ path: `$.${rule.tokenField}`, message: "Not a verification for this" }] });
      await loadEligible(app, entity, rule.when, String(recordId), actor, `$.${rule.recordField}`);
      for (const [field, claim] of Object.entries(rule.copy ?? {})) {
        if (claims[claim]) rest[field] = claims[claim];
        else delete rest[field];
      }
      return { data: rest, proofId: claims.jti, scopes: claims.scopes };
    },
    /**
     * After scope stamping: the record's scope value (its store) must be one the actor held when
     * the verification was obtained.
     */
    assertWithinProofScope(app, creating, actor, data, proof) {
      const scope = scopeRuleOf(app, actor, creating.name);
      if (!scope) return;
      const bound = proof.scopes?.[creating.name];
      if (!Array.isArray(bound) || !bound.includes(String(data[scope.field]))) {
        throw new AppError("FORBIDDEN", `The verification was not obtained for this ${scope.field}`, { details: [{ path: `$.${scope.field}`, message: "Outside the verification" }] });
      }
    },
    async request(app, policyName, entityName, id, actor, body) {
      const { policy, entity } = recordPolicy(app, policyName, entityName, actor);
      const { phone, email } = validateRequest2(body);
      const row = await loadEligible(app, entity, policy.record.when, id, actor, "$.id");
      const subject = `${entity.name}:${row.id}:${phone ?? ""}:${email?.toLowerCase() ?? ""}`;
      return otp.issue(app, policy.name, subject, { sms: phone, email });
    },
    async verify(app, policyName, entityName, id, actor, body) {
      const { policy, entity } = recordPolicy(app, policyName, entityName, actor);
      const { otpId, code } = validateVerify2(body);
      const row = await loadEligible(app, entity, policy.record.when, id, actor, "$.id");
      const challenge = await ctx.db.otpChallenge.findUnique({ where: { id: otpId }, select: { subject: true } });
      if (!challenge?.subject.startsWith(`${entity.name}:${row.id}:`)) throw new AppError("OTP_INVALID");
      const { subject } = await otp.verify(app, policy.name, otpId, code);
      const [, , phone, email] = subject.split(":");
      const minutes3 = policy.record.proofMinutes ?? DEFAULT_PROOF_MINUTES;
      const proof = await ctx.tokens.issueProof(app.id, subject, { jti: otpId, entity: entity.name, recordId: row.id, phone: phone ?? "", email: email ?? "", by: actor.id, scopes: await scopesFor(app, entity, actor) }, minutes3);
      return { verificationToken: proof.token, expiresIn: proof.expiresIn, verified: { phone: phone || null, email: email || null } };
    }
  };
}
var RECORD_OTP_REQUEST_SCHEMA, validateRequest2, validateVerify2, DEFAULT_PROOF_MINUTES, guards, invalidBody;
var init_record_otp = __esm({
  "engine/otp/record-otp.ts"() {
    "use strict";
    init_permissions();
    init_record_scope();
    init_app_error();
    init_condition_guard();
    init_record_store();
    init_record_view();
    init_resolve_target();
    init_validate_body();
    init_otp_login();
    RECORD_OTP_REQUEST_SCHEMA = {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: { phone: { type: "string", format: "phone" }, email: { type: "string", format: "email", maxLength: 254 } }
    };
    validateRequest2 = bodyValidator(RECORD_OTP_REQUEST_SCHEMA);
    validateVerify2 = bodyValidator(OTP_VERIFY_SCHEMA);
    DEFAULT_PROOF_MINUTES = 15;
    guards = /* @__PURE__ */ new WeakMap();
    invalidBody = (path17, message) => new AppError("VALIDATION_FAILED", void 0, { details: [{ path: path17, message }] });
  }
});

// engine/auth/revoke-sessions.ts
async function revokeSession(tx, sessionId, at) {
  await tx.$executeRaw`INSERT INTO revoked_sessions (id, kind, revoked_at, expires_at) VALUES (${sessionId}::uuid, 'session', ${at}, ${keptUntil(at)}) ON CONFLICT (id) DO NOTHING`;
}
async function revokeUserSessions(tx, userId, at) {
  await tx.$executeRaw`INSERT INTO revoked_sessions (id, kind, revoked_at, expires_at) VALUES (${userId}::uuid, 'user', ${at}, ${keptUntil(at)})
    ON CONFLICT (id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, expires_at = EXCLUDED.expires_at, txid = EXCLUDED.txid`;
}
var ACCESS_TOKEN_MAX_MINUTES, keptUntil;
var init_revoke_sessions = __esm({
  "engine/auth/revoke-sessions.ts"() {
    "use strict";
    ACCESS_TOKEN_MAX_MINUTES = 1440;
    keptUntil = (at) => new Date(at.getTime() + ACCESS_TOKEN_MAX_MINUTES * 6e4);
  }
});

// engine/auth/refresh-tokens.ts
import { createHash as createHash6, randomBytes as randomBytes2, randomUUID as randomUUID10, timingSafeEqual as timingSafeEqual2 } from "node:crypto";
function parse2(token) {
  if (typeof token !== "string") throw new AppError("UNAUTHENTICATED", "A refresh token is required");
  const [id, secret2] = token.split(".");
  if (!id || !secret2 || !UUID_RE.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret2)) throw new AppError("UNAUTHENTICATED", "The refresh token is not valid");
  return { id, secret: secret2 };
}
function createRefreshTokens(ctx, denylist) {
  async function issue(app, userId, hours, familyId = randomUUID10(), tx = ctx.db) {
    const id = randomUUID10();
    const secret2 = randomBytes2(32).toString("base64url");
    const now = ctx.clock();
    const expiresAt = new Date(now.getTime() + hours * 36e5);
    await tx.refreshToken.create({ data: { id, app, userId, familyId, tokenHash: sha(secret2).toString("hex"), expiresAt, createdAt: now } });
    return { refreshToken: `${id}.${secret2}`, refreshExpiresIn: hours * 3600, familyId };
  }
  async function find(app, token) {
    const { id, secret: secret2 } = parse2(token);
    const row = await ctx.db.refreshToken.findUnique({ where: { id } });
    const expected = row ? Buffer.from(row.tokenHash, "hex") : Buffer.alloc(32);
    if (!row || row.app !== app || !timingSafeEqual2(expected, sha(secret2))) throw new AppError("UNAUTHENTICATED", "The refresh token is not valid");
    return row;
  }
  async function revokeFamily(familyId) {
    const now = ctx.clock();
    await ctx.db.$transaction(async (tx) => {
      await tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
      await revokeSession(tx, familyId, now);
    });
    denylist.reread();
  }
  return {
    issue,
    /** Exchanges a refresh token for a new one of the same family; returns whose it was. */
    async rotate(app, token, hours) {
      const row = await find(app, token);
      const now = ctx.clock();
      if (row.revokedAt) throw new AppError("UNAUTHENTICATED", "The refresh token has been revoked");
      if (row.expiresAt <= now) throw new AppError("UNAUTHENTICATED", "The refresh token has expired");
      const next = await ctx.db.$transaction(async (tx) => {
        const { count: count2 } = await tx.refreshToken.updateMany({ where: { id: row.id, usedAt: null, revokedAt: null }, data: { usedAt: now } });
        return count2 ? issue(app, row.userId, hours, row.familyId, tx) : void 0;
      });
      if (!next) {
        await revokeFamily(row.familyId);
        ctx.logger.warn({ app, userId: row.userId, familyId: row.familyId }, "refresh token reuse: family revoked");
        throw new AppError("UNAUTHENTICATED", "The refresh token was already used; sign in again");
      }
      return { userId: row.userId, ...next };
    },
    /** Logout: the presented token's whole family stops working, and the access tokens issued with it. */
    async revoke(app, token) {
      const row = await find(app, token);
      await revokeFamily(row.familyId);
    }
  };
}
var sha;
var init_refresh_tokens = __esm({
  "engine/auth/refresh-tokens.ts"() {
    "use strict";
    init_app_error();
    init_uuid();
    init_revoke_sessions();
    sha = (s) => createHash6("sha256").update(s).digest();
  }
});

// engine/auth/user-admin.ts
function assertRoleMayManageUsers(app, actor) {
  if (app.roles[actor.role]?.operations?.users !== true) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not manage the users of "${app.id}"`);
}
function assertRole(app, role) {
  if (role !== void 0 && (!Object.hasOwn(app.roles, role) || app.roles[role].public)) {
    throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.role", message: `One of the roles of "${app.id}": ${Object.keys(app.roles).filter((r) => !app.roles[r].public).join(", ")}` }] });
  }
}
async function assertContactsFree(db, app, fields, self) {
  for (const which of ["email", "phone"]) {
    const value = which === "email" ? fields.email?.toLowerCase() : fields.phone;
    if (!value) continue;
    const other = await db.user.findFirst({ where: { app, [which]: value, ...self ? { NOT: { id: self } } : {} }, select: { id: true } });
    if (other) throw new AppError("DUPLICATE", `Another user of this app has this ${which}`, { details: [{ path: `$.${which}`, message: "Already taken in this app" }] });
  }
}
function createUserAdmin(ctx, options = {}) {
  const { db } = ctx;
  const assertMayManageUsers = (app, actor) => {
    if (!options.operator) assertRoleMayManageUsers(app, actor);
  };
  const assertWithinReach = (app, actor, fields, current2) => {
    if (options.operator) return;
    if (current2 && current2.id === actor.id && (fields.role !== void 0 || fields.attributes !== void 0)) {
      throw new AppError("FORBIDDEN", "You cannot change your own role or scope: another user admin does");
    }
    for (const role of [fields.role, current2?.role]) {
      if (role !== void 0 && isPrivileged(app, role)) throw new AppError("FORBIDDEN", `Users of role "${role}" manage users or definitions: they are added and changed by the install's operator (npm run users)`);
    }
  };
  async function find(app, id) {
    const u = UUID_RE.test(id) ? await db.user.findFirst({ where: { id, app: app.id } }) : null;
    if (!u) throw new AppError("NOT_FOUND", `No user "${id}" in "${app.id}"`);
    return u;
  }
  const audit = (tx, app, actor, action, id, before, after2) => appendAudit(tx, { app, entity: "_users", recordId: id, action, actor, before, after: after2, at: ctx.clock() });
  async function change(app, actor, id, fields, action) {
    assertRole(app, fields.role);
    if (fields.active === false && id === actor.id) throw new AppError("CONFLICT", "You cannot deactivate yourself");
    const before = await find(app, id);
    if (fields.active !== void 0 && (before.status === "pending" || before.status === "rejected")) {
      throw new AppError("CONFLICT", `This user is a ${before.status} registration: approve or reject it (POST .../registrations/${id}/approve | reject)`);
    }
    assertWithinReach(app, actor, fields, before);
    await assertContactsFree(db, app.id, fields, id);
    const { password, ...rest } = fields;
    const data = { ...rest, ...rest.active !== void 0 ? { status: rest.active ? "active" : "deactivated" } : {}, ...rest.email ? { email: rest.email.toLowerCase() } : {}, ...rest.attributes ? { attributes: rest.attributes } : {}, ...password ? { passwordHash: await hashPassword(password) } : {} };
    try {
      const changed = await db.$transaction(async (tx) => {
        const after2 = await tx.user.update({ where: { id }, data });
        if (before.active && !after2.active || password || rest.role !== void 0 || rest.attributes !== void 0) {
          const now = ctx.clock();
          await tx.refreshToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: now } });
          await revokeUserSessions(tx, id, now);
        }
        await audit(tx, app.id, actor, action, id, audited(userView(before)), { ...audited(userView(after2)), ...password ? { passwordChanged: true } : {} });
        return userView(after2);
      });
      ctx.denylist?.reread();
      return changed;
    } catch (err) {
      if (isUniqueViolation(err)) throw raced();
      throw err;
    }
  }
  return {
    async list(appId, actor, query) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      const role = typeof query.role === "string" ? query.role : void 0;
      const active = query.active === "true" ? true : query.active === "false" ? false : void 0;
      if (query.active !== void 0 && active === void 0) throw new AppError("BAD_REQUEST", void 0, { details: [{ path: "$.query.active", message: "true or false" }] });
      const rows = await db.user.findMany({ where: { app: app.id, ...role ? { role } : {}, ...active !== void 0 ? { active } : {} }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 500 });
      return rows.map(userView);
    },
    async get(appId, actor, id) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      return userView(await find(app, id));
    },
    async create(appId, actor, body) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      const fields = validateCreate(body ?? {});
      assertRole(app, fields.role);
      assertWithinReach(app, actor, fields);
      if (!fields.email && !fields.phone) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$", message: "An email or a phone, to sign in with" }] });
      await assertContactsFree(db, app.id, fields);
      try {
        return await db.$transaction(async (tx) => {
          const u = await tx.user.create({
            data: {
              app: app.id,
              email: fields.email?.toLowerCase() ?? null,
              phone: fields.phone ?? null,
              role: fields.role,
              displayName: fields.displayName ?? null,
              attributes: fields.attributes ?? {},
              passwordHash: fields.password ? await hashPassword(fields.password) : null
            }
          });
          await audit(tx, app.id, actor, "users.create", u.id, null, audited(userView(u)));
          return userView(u);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw raced();
        throw err;
      }
    },
    async update(appId, actor, id, body) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      return change(app, actor, id, validateUpdate(body ?? {}), "users.update");
    },
    async deactivate(appId, actor, id) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      return change(app, actor, id, { active: false }, "users.deactivate");
    }
  };
}
var ATTRIBUTES, FIELDS2, CREATE_USER_SCHEMA, UPDATE_USER_SCHEMA, validateCreate, validateUpdate, audited, isPrivileged, raced;
var init_user_admin = __esm({
  "engine/auth/user-admin.ts"() {
    "use strict";
    init_audit_log();
    init_app_error();
    init_resolve_target();
    init_database_errors();
    init_uuid();
    init_validate_body();
    init_passwords();
    init_revoke_sessions();
    init_user_view();
    init_privileged_role();
    ATTRIBUTES = {
      type: "object",
      maxProperties: 20,
      propertyNames: { pattern: "^[A-Za-z][A-Za-z0-9_]{0,62}$" },
      additionalProperties: { oneOf: [{ type: "string", maxLength: 200 }, { type: "array", maxItems: 200, items: { type: "string", maxLength: 200 } }] },
      description: `Scope values the role's scopes read, e.g. { "storeId": "S001" }`
    };
    FIELDS2 = {
      email: { type: "string", format: "email", maxLength: 200 },
      phone: { type: "string", format: "phone" },
      role: { type: "string", minLength: 1, maxLength: 100 },
      displayName: { type: "string", minLength: 1, maxLength: 200 },
      password: { type: "string", minLength: 8, maxLength: 200, description: "Stored as a bcrypt hash, never answered" },
      attributes: ATTRIBUTES
    };
    CREATE_USER_SCHEMA = { type: "object", additionalProperties: false, required: ["role"], properties: FIELDS2 };
    UPDATE_USER_SCHEMA = {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: { ...FIELDS2, email: { type: ["string", "null"], format: "email", maxLength: 200 }, phone: { type: ["string", "null"], format: "phone" }, active: { type: "boolean", description: "false deactivates (as POST .../deactivate), true reactivates" } }
    };
    validateCreate = bodyValidator(CREATE_USER_SCHEMA);
    validateUpdate = bodyValidator(UPDATE_USER_SCHEMA);
    audited = (u) => ({ email: u.email, phone: u.phone, role: u.role, displayName: u.displayName, attributes: u.attributes, active: u.active, status: u.status });
    isPrivileged = (app, role) => isPrivilegedRole(app.roles[role]);
    raced = () => new AppError("DUPLICATE", "Another user of this app has this email or phone", { details: [{ path: "$", message: "Taken in this app meanwhile" }] });
  }
});

// engine/records/record-file-summaries.ts
async function fileSummaries(sql2, recordIds) {
  const byRecord = /* @__PURE__ */ new Map();
  if (!recordIds.length) return byRecord;
  const { rows } = await sql2.query(
    `SELECT record_id, id, slot, label, status, version, file_name, content_type, size, sha256, uploaded_at
       FROM record_files WHERE record_id = ANY($1::uuid[]) AND NOT removed ORDER BY created_at, id`,
    [recordIds]
  );
  for (const r of rows) {
    const list3 = byRecord.get(r.record_id) ?? [];
    list3.push({ id: r.id, slot: r.slot, label: r.label, status: r.status, version: r.version, fileName: r.file_name, contentType: r.content_type, size: Number(r.size), sha256: r.sha256, uploadedAt: r.uploaded_at.toISOString() });
    byRecord.set(r.record_id, list3);
  }
  return byRecord;
}
async function filesFingerprint(sql2, app, entity, scopeTags2) {
  if (scopeTags2 !== void 0 && !scopeTags2.length) return "0";
  const { rows } = await sql2.query(
    `SELECT count(*) AS n, sum(hashtext(f.id::text || ':' || f.version || ':' || coalesce(f.status, '') || ':' || f.removed)::bigint) AS digest
       FROM record_files f JOIN records r ON r.id = f.record_id
      WHERE r.app = $1 AND r.entity = $2 AND r.deleted_at IS NULL AND ($3::text[] IS NULL OR r.scope_tags && $3::text[])`,
    [app, entity, scopeTags2 ?? null]
  );
  const r = rows[0];
  return `${r.n}|${r.digest ?? 0}`;
}
var init_record_file_summaries = __esm({
  "engine/records/record-file-summaries.ts"() {
    "use strict";
  }
});

// engine/records/sync-bundle.ts
import { createHash as createHash7 } from "node:crypto";
async function syncBundle(ctx, appId, actor) {
  const registry = ctx.registry();
  const app = resolveApp(registry, appId);
  const declared = app.definition.sync?.entities ?? [];
  if (!declared.length) throw new AppError("NOT_FOUND", `App "${app.id}" declares no sync bundle`);
  const readable2 = [];
  for (const name of declared) {
    const entity = app.entities.get(name);
    let permission;
    try {
      permission = requirePermission(app, actor, name, "read");
    } catch (err) {
      if (isAppError(err) && err.status === 403) continue;
      throw err;
    }
    readable2.push({ entity, scopeTags: await visibleScopeTags(ctx.db.sql, app.id, actor, permission), hidden: hiddenFields(permission) });
  }
  if (!readable2.length) throw new AppError("FORBIDDEN", `Role "${actor.role}" may read none of the records this app syncs`);
  const hash = createHash7("sha256").update(`${app.id}|${registry.releases?.get(app.id) ?? app.checksum}|${actor.role}|${actor.id}`);
  const withFiles = (name) => Object.keys(app.entities.get(name).definition.files ?? {}).length > 0;
  for (const r of readable2) {
    hash.update(`|${r.entity.name}:${await scopeFingerprint(ctx.db.sql, app.id, r.entity.name, r.scopeTags)}`);
    if (withFiles(r.entity.name)) hash.update(`|files:${await filesFingerprint(ctx.db.sql, app.id, r.entity.name, r.scopeTags)}`);
  }
  const etag = `"${hash.digest("base64url")}"`;
  const syncedAt = ctx.clock().toISOString();
  return {
    etag,
    async *chunks() {
      yield `{"success":true,"data":{"syncedAt":${JSON.stringify(syncedAt)},"entities":{`;
      for (const [i, { entity, scopeTags: scopeTags2, hidden }] of readable2.entries()) {
        yield `${i ? "," : ""}${JSON.stringify(entity.name)}:[`;
        let after2 = null;
        let first = true;
        for (; ; ) {
          const rows = await recordsAfter(ctx.db.sql, app.id, entity.name, scopeTags2, after2, BATCH);
          if (!rows.length) break;
          const files = withFiles(entity.name) ? await fileSummaries(ctx.db.sql, rows.map((r) => r.id)) : void 0;
          const views = rows.map((row) => withoutHidden(recordView(entity, row), hidden));
          yield (first ? "" : ",") + views.map((view3, i2) => JSON.stringify(files ? { ...view3, files: files.get(rows[i2].id) ?? [] } : view3)).join(",");
          first = false;
          after2 = rows.at(-1).id;
          if (rows.length < BATCH) break;
        }
        yield "]";
      }
      yield "}}}";
    }
  };
}
var BATCH;
var init_sync_bundle = __esm({
  "engine/records/sync-bundle.ts"() {
    "use strict";
    init_permissions();
    init_record_scope();
    init_app_error();
    init_resolve_target();
    init_record_store();
    init_record_view();
    init_record_file_summaries();
    init_hidden_fields();
    BATCH = 500;
  }
});

// engine/records/records-in-transaction.ts
import { randomUUID as randomUUID11 } from "node:crypto";
function deeper(records, depth) {
  return {
    read: records.read,
    createIn: (t, a, e, d, who2) => records.createIn(t, a, e, d, who2, depth + 1),
    moveIn: (t, a, e, id, ask, who2) => records.moveIn(t, a, e, id, ask, who2, depth + 1)
  };
}
function createRecordsInTransaction(ctx, otp, moves) {
  const records = {
    async moveIn(tx, app, entityName, id, ask, actor, depth = 0) {
      if (depth >= MAX_DEPTH) throw new AppError("CONFLICT", `Records moving records went ${MAX_DEPTH} deep: the definitions loop`);
      await moves().moveIn(tx, app, entityName, id, ask, actor, deeper(records, depth));
    },
    async read(tx, app, entityName, id) {
      const entity = resolveEntity(app, entityName);
      const row = await lockRecord(tx, app.id, entity.name, id);
      return row && recordView((await followedWorkflow(ctx, app, entity, row)).entity, row);
    },
    async createIn(tx, app, entityName, fields, actor, depth = 0) {
      if (depth >= MAX_DEPTH) throw new AppError("CONFLICT", `Records creating records went ${MAX_DEPTH} deep: the definitions loop`);
      const entity = resolveEntity(app, entityName);
      const id = randomUUID11();
      const now = ctx.clock();
      const data = { ...fields };
      const state = entity.workflow?.initial ?? null;
      let prepared = NOTHING_PREPARED;
      try {
        const plan = planEffects(
          [...entity.workflow?.onCreate ?? [], ...entity.definition.onCreate ?? []],
          { actor, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name }, record: { id, ...data, version: 1 } },
          { app, recordId: id, key: `${app.id}:${id}:v1`, after: (set2) => ({ id, ...data, ...set2, ...entity.workflow ? { [entity.workflow.field]: state } : {}, version: 1 }) }
        );
        Object.assign(data, plan.fields);
        applyComputed(entity.definition.computed, data);
        assertValidFields(entity.fields, entity.validateCreate, data);
        await assertRecordChecks(entity.checks, { id, ...data, ...entity.workflow ? { [entity.workflow.field]: state } : {} });
        await ctx.hooks.beforeWrite(app, entity.name, data);
        if (plan.prepare.length) {
          prepared = await preparePlanned(plan.prepare, {
            app,
            entity: entity.name,
            recordId: id,
            now,
            blob: ctx.blob(app),
            logger: ctx.logger,
            record: { id, ...data, ...entity.workflow ? { [entity.workflow.field]: state } : {}, version: 1, createdBy: String(actor.id), createdAt: now.toISOString(), updatedAt: now.toISOString() }
          });
          Object.assign(data, prepared.fields);
        }
        await insertRecord(inTransaction(tx), {
          id,
          app: app.id,
          entity: entity.name,
          state,
          data,
          scopeTags: scopeTags(entity, data),
          keys: uniqueKeyValues(entity, data).map((k) => ({ keyName: k.keyName, value: k.value })),
          actorId: String(actor.id),
          role: String(actor.role),
          at: now,
          outbox: outboxRecordset(plan.outbox, now),
          release: releaseForNewRecord(ctx, app, entity)
        });
        await deliverPlanned(plan.deliver, { tx, otp, app, recordId: id, records: deeper(records, depth) });
      } catch (err) {
        await prepared.abandon();
        if (isAppError(err) && err.code === "VALIDATION_FAILED") {
          throw new AppError("CONFLICT", `The ${entity.name} this move creates is not valid`, { publicCode: err.publicCode, details: (err.details ?? []).map((d) => ({ path: d.path.replace(/^\$/, `$.create.${entity.name}`), message: d.message })) });
        }
        if (isUniqueViolation(err)) throw duplicateError(entity, data, err);
        throw err;
      }
      return id;
    }
  };
  return records;
}
var MAX_DEPTH;
var init_records_in_transaction = __esm({
  "engine/records/records-in-transaction.ts"() {
    "use strict";
    init_deliver_planned();
    init_plan_effects();
    init_prepare_planned();
    init_app_error();
    init_outbox_store();
    init_resolve_target();
    init_computed_fields();
    init_record_checks();
    init_derived_columns();
    init_followed_workflow();
    init_record_store();
    init_record_view();
    init_write_checks();
    init_database_errors();
    MAX_DEPTH = 3;
  }
});

// engine/providers/plugin-catalog.ts
import { existsSync as existsSync3, readdirSync as readdirSync3 } from "node:fs";
import path10 from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv as Ajv4 } from "ajv";
async function loadPluginCatalog(dir) {
  const catalog = /* @__PURE__ */ new Map();
  for (const kind of providerKinds) {
    const kindDir = path10.join(dir, kind);
    if (!existsSync3(kindDir)) continue;
    for (const name of readdirSync3(kindDir).sort()) {
      const entry = ["index.js", "index.ts"].map((f) => path10.join(kindDir, name, f)).find((f) => existsSync3(f));
      if (!entry) continue;
      const mod = await import(pathToFileURL(entry).href);
      const plugin = mod.default;
      if (!plugin || plugin.kind !== kind || plugin.name !== name || typeof plugin.create !== "function") {
        throw new Error(`${path10.relative(dir, entry)} must export default definePlugin({ kind: '${kind}', name: '${name}', configSchema, create })`);
      }
      catalog.set(`${kind}/${name}`, plugin);
    }
  }
  return catalog;
}
function createProvider(catalog, kind, name, rawConfig, deps, env2 = process.env) {
  const plugin = catalog.get(`${kind}/${name}`);
  if (!plugin) throw new ProviderConfigError(`No ${kind} plugin named "${name}" (have: ${[...catalog.keys()].filter((k) => k.startsWith(`${kind}/`)).join(", ") || "none"})`, []);
  const problems = [];
  const config3 = resolveEnvReferences(rawConfig ?? {}, env2, "$", problems);
  const validate = ajv3.compile(plugin.configSchema);
  if (!validate(config3)) problems.push(...ajvProblems(validate.errors));
  if (problems.length) throw new ProviderConfigError(`The config of ${kind} provider "${name}" is not valid`, problems);
  return plugin.create(Object.freeze(config3), deps);
}
var ajv3, ProviderConfigError;
var init_plugin_catalog = __esm({
  "engine/providers/plugin-catalog.ts"() {
    "use strict";
    init_ajv_problems();
    init_field_formats();
    init_provider_kinds();
    init_env_references();
    ajv3 = addFieldFormats(new Ajv4({ allErrors: true, strict: false, useDefaults: true, coerceTypes: true }));
    ProviderConfigError = class extends Error {
      problems;
      constructor(message, problems) {
        super(problems.length ? `${message}: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}` : message);
        this.name = "ProviderConfigError";
        this.problems = problems;
      }
    };
  }
});

// engine/providers/provider-chain.ts
import CircuitBreaker from "opossum";
var DEFAULT_BREAKER, ProviderChain;
var init_provider_chain = __esm({
  "engine/providers/provider-chain.ts"() {
    "use strict";
    init_plugin_api();
    DEFAULT_BREAKER = { errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeoutMs: 3e4, rollingWindowMs: 1e4 };
    ProviderChain = class {
      breakers;
      links;
      constructor(links, options = DEFAULT_BREAKER, watch) {
        if (!links.length) throw new Error("A provider chain needs at least one provider");
        this.links = links;
        this.breakers = new Map(
          links.map((link) => [
            link.name,
            new CircuitBreaker((call) => call(link.impl), {
              timeout: false,
              // providers enforce their own timeouts and report them as transient
              errorThresholdPercentage: options.errorThresholdPercentage,
              volumeThreshold: options.volumeThreshold,
              resetTimeout: options.resetTimeoutMs,
              rollingCountTimeout: options.rollingWindowMs,
              // A permanent error is the request's fault, not the provider's health.
              errorFilter: (err) => err instanceof ProviderError && !err.transient
            })
          ])
        );
        if (watch) {
          for (const [name, breaker] of this.breakers) {
            watch(name, "closed");
            breaker.on("open", () => watch(name, "open"));
            breaker.on("halfOpen", () => watch(name, "half_open"));
            breaker.on("close", () => watch(name, "closed"));
          }
        }
      }
      /** Runs `call` on the first provider that takes it. */
      async run(call) {
        let last;
        for (const link of this.links) {
          const breaker = this.breakers.get(link.name);
          try {
            return { provider: link.name, result: await breaker.fire(call) };
          } catch (err) {
            if (err instanceof ProviderError && !err.transient) throw err;
            last = err;
          }
        }
        if (last instanceof ProviderError) throw last;
        throw new ProviderError(this.links.map((l) => l.name).join(">"), `No provider could take the call: ${last?.message ?? "all breakers open"}`, { transient: true, cause: last });
      }
      shutdown() {
        for (const b of this.breakers.values()) b.shutdown();
      }
    };
  }
});

// engine/providers/app-providers.ts
function refsOf(app, kind, environment) {
  const named = app.definition.providers?.[kind];
  const refs = named === void 0 ? [] : Array.isArray(named) ? named : [named];
  const on = refs.filter((r) => r.enabledBy === void 0 || Boolean(environment.env[r.enabledBy]));
  if (on.length) return on;
  if (refs.length && environment.production) {
    throw new Error(`App "${app.id}": no ${kind} provider is turned on in production; set ${refs.map((r) => r.enabledBy).join(" or ")}`);
  }
  return [{ provider: PROVIDER_KINDS[kind].fallback }];
}
function createAppProviders(catalog, deps, breaker = DEFAULT_BREAKER, environment = { production: false, env: process.env }, metrics) {
  const cache2 = /* @__PURE__ */ new Map();
  const chains = (p) => providerKinds.filter((k) => PROVIDER_KINDS[k].chain).map((k) => p[k]);
  return (app) => {
    const hit = cache2.get(app.id);
    if (hit?.app === app) return hit.providers;
    if (hit) for (const chain of chains(hit.providers)) chain.shutdown();
    const made = {};
    for (const kind of providerKinds) {
      const refs = refsOf(app, kind, environment);
      if (!PROVIDER_KINDS[kind].chain) {
        made[kind] = createProvider(catalog, kind, refs[0].provider, refs[0].config ?? {}, deps, environment.env);
        continue;
      }
      made[kind] = new ProviderChain(
        refs.map((ref2, i, all) => ({
          // The same plugin twice in a chain (two webhooks) needs two names: one breaker each.
          name: all.findIndex((r) => r.provider === ref2.provider) === i ? ref2.provider : `${ref2.provider}#${i + 1}`,
          impl: createProvider(catalog, kind, ref2.provider, ref2.config ?? {}, deps, environment.env)
        })),
        breaker,
        metrics && ((provider, state) => metrics.breakerState(app.id, kind, provider, state))
      );
    }
    const providers = made;
    cache2.set(app.id, { app, providers });
    return providers;
  };
}
var init_app_providers = __esm({
  "engine/providers/app-providers.ts"() {
    "use strict";
    init_plugin_catalog();
    init_provider_chain();
    init_provider_kinds();
  }
});

// engine/notify/outbox-channels.ts
var OUTBOX_CHANNELS;
var init_outbox_channels = __esm({
  "engine/notify/outbox-channels.ts"() {
    "use strict";
    OUTBOX_CHANNELS = {
      sms: (p, m) => p.sms.run((sms) => sms.send(m)),
      email: (p, m) => p.email.run((email) => email.send(m)),
      event: (p, m) => p.events.run((events) => events.publish(m))
    };
  }
});

// engine/notify/backoff.ts
function retryDelayMs(attempt, policy, random = Math.random, retryAfterMs = 0) {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs, Math.round(cap / 2 + random() * (cap / 2)));
}
var DEFAULT_BACKOFF;
var init_backoff = __esm({
  "engine/notify/backoff.ts"() {
    "use strict";
    DEFAULT_BACKOFF = { baseMs: 2e3, maxMs: 15 * 6e4 };
  }
});

// engine/notify/outbox-dispatcher.ts
function createOutboxDispatcher(options) {
  const { db, clock, logger } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 16;
  const leaseMs = options.leaseMs ?? 6e4;
  let running;
  let again = false;
  async function deliver(message, totals) {
    const app = options.registry().apps.get(message.app);
    let attempt;
    const startedAt = process.hrtime.bigint();
    try {
      if (!app) throw new ProviderError("outbox", `App "${message.app}" is not loaded`, { transient: true });
      const channel = Object.hasOwn(OUTBOX_CHANNELS, message.channel) ? OUTBOX_CHANNELS[message.channel] : void 0;
      if (!channel) throw new ProviderError("outbox", `No channel "${message.channel}"`, { transient: false });
      attempt = await channel(options.providers(app), { ...message.payload, idempotencyKey: message.idempotencyKey });
    } catch (err) {
      const transient = !(err instanceof ProviderError) || err.transient;
      const reason = err.message;
      if (transient && message.attempts < message.maxAttempts) {
        const delay2 = retryDelayMs(message.attempts, backoff, Math.random, err instanceof ProviderError ? err.retryAfterMs : 0);
        await markRetry(db, message.id, new Date(clock().getTime() + delay2), reason);
        totals.retried++;
        options.metrics?.outboxDeliverySince(message.channel, err instanceof ProviderError ? err.vendor : void 0, "retried", startedAt);
      } else {
        await markDead(db, message.id, reason);
        totals.dead++;
        options.metrics?.outboxDeliverySince(message.channel, err instanceof ProviderError ? err.vendor : void 0, "dead", startedAt);
        logger.warn({ outboxId: message.id, channel: message.channel, attempts: message.attempts, reason }, "message moved to the dead letter");
      }
      return;
    }
    await markSent(db, { id: message.id, provider: attempt.provider, providerMessageId: attempt.result.providerMessageId, sentAt: clock() });
    totals.sent++;
    options.metrics?.outboxDeliverySince(message.channel, attempt.provider, "sent", startedAt);
  }
  async function pass() {
    const totals = { sent: 0, retried: 0, dead: 0 };
    for (; ; ) {
      const batch = await claimDue(db, clock(), batchSize, leaseMs);
      if (!batch.length) return totals;
      let next = 0;
      let failed2;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
          while (!failed2 && next < batch.length) {
            try {
              await deliver(batch[next++], totals);
            } catch (err) {
              failed2 ??= { err };
            }
          }
        })
      );
      if (failed2) throw failed2.err;
    }
  }
  return {
    /** One pass until nothing is due; concurrent calls share the pass and ask for one more. */
    async runOnce() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        const total = { sent: 0, retried: 0, dead: 0 };
        do {
          again = false;
          const r = await pass();
          total.sent += r.sent;
          total.retried += r.retried;
          total.dead += r.dead;
        } while (again);
        return total;
      })().finally(() => {
        running = void 0;
      });
      return running;
    },
    /** Fire-and-forget pass right after a commit wrote outbox rows (the Agenda job is the safety net). */
    wake() {
      this.runOnce().catch((err) => logger.error({ err }, "outbox pass failed"));
    },
    idle() {
      return running ?? Promise.resolve();
    }
  };
}
var init_outbox_dispatcher = __esm({
  "engine/notify/outbox-dispatcher.ts"() {
    "use strict";
    init_plugin_api();
    init_outbox_channels();
    init_backoff();
    init_outbox_store();
  }
});

// engine/notify/outbox-admin.ts
function requireOutboxRole(registry, appId, actor) {
  const app = resolveApp(registry, appId);
  if (!app.roles[actor.role]?.operations?.outbox) throw new AppError("FORBIDDEN", `Role "${actor.role}" may not manage the outbox`);
  return app;
}
function createOutboxAdmin(db, registry, clock, wake) {
  return {
    async list(appId, actor, query) {
      const app = requireOutboxRole(registry(), appId, actor);
      const status = typeof query.status === "string" ? query.status : "dead";
      if (!STATUSES.has(status)) throw new AppError("BAD_REQUEST", "status must be pending, sent or dead", { details: [{ path: "$.query.status", message: "Unknown status" }] });
      const rows = await db.outboxMessage.findMany({ where: { app: app.id, status }, orderBy: { createdAt: "desc" }, take: 200 });
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        template: r.template,
        recipient: r.recipient,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        provider: r.provider,
        providerMessageId: r.providerMessageId,
        recordId: r.recordId,
        createdAt: r.createdAt.toISOString(),
        nextAttemptAt: r.nextAttemptAt.toISOString(),
        sentAt: r.sentAt?.toISOString() ?? null
      }));
    },
    async retry(appId, actor, id) {
      const app = requireOutboxRole(registry(), appId, actor);
      if (!UUID_RE.test(id)) throw new AppError("NOT_FOUND", `No message "${id}"`);
      const { count: count2 } = await db.outboxMessage.updateMany({
        where: { id, app: app.id, status: "dead" },
        data: { status: "pending", attempts: 0, nextAttemptAt: clock(), lockedUntil: null }
      });
      if (!count2) {
        const exists = await db.outboxMessage.findFirst({ where: { id, app: app.id }, select: { status: true } });
        if (!exists) throw new AppError("NOT_FOUND", `No message "${id}"`);
        throw new AppError("CONFLICT", `The message is ${exists.status}, not dead`);
      }
      wake();
      return { id, status: "pending" };
    }
  };
}
var STATUSES;
var init_outbox_admin = __esm({
  "engine/notify/outbox-admin.ts"() {
    "use strict";
    init_app_error();
    init_resolve_target();
    init_uuid();
    STATUSES = /* @__PURE__ */ new Set(["pending", "sent", "dead"]);
  }
});

// engine/audit/export-audit.ts
function dayKey(app, day) {
  const iso = day.toISOString().slice(0, 10);
  return `audit/${app}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}.jsonl`;
}
function createAuditExport(db, registry, providers) {
  return {
    /** Exports the UTC day that contains `day` for every app. */
    async exportDay(day) {
      const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
      const end = new Date(start.getTime() + 864e5);
      const out = [];
      for (const app of registry().apps.values()) {
        const rows = await db.auditEntry.findMany({ where: { app: app.id, at: { gte: start, lt: end } }, orderBy: { id: "asc" } });
        const lines = rows.map(
          (r) => JSON.stringify({
            id: r.id.toString(),
            entity: r.entity,
            recordId: r.recordId,
            action: r.action,
            outcome: r.outcome,
            actorId: r.actorId,
            role: r.role,
            before: r.before,
            after: r.after,
            detail: r.detail,
            at: r.at.toISOString(),
            prevHash: r.prevHash,
            hash: r.hash,
            hashAlg: r.hashAlg
          })
        );
        const key2 = dayKey(app.id, start);
        const stat = await providers(app).blob.write(key2, Buffer.from(lines.length ? `${lines.join("\n")}
` : ""), { contentType: "application/x-ndjson" });
        out.push({ app: app.id, key: key2, entries: rows.length, sha256: stat.sha256 });
      }
      return out;
    }
  };
}
var init_export_audit = __esm({
  "engine/audit/export-audit.ts"() {
    "use strict";
  }
});

// engine/audit/audit-key.ts
import { createHash as createHash8, createHmac as createHmac3 } from "node:crypto";
import { existsSync as existsSync4 } from "node:fs";
import path11 from "node:path";
function loadAuditKey(options) {
  const fromEnv = options.env !== void 0 && options.env !== "";
  if (!fromEnv && options.create === false && !existsSync4(path11.join(options.dataDir, AUDIT_KEY_FILE))) {
    throw new Error(options.production ? "AUDIT_KEY is required in production" : `No audit key: set AUDIT_KEY, or DATA_DIR to the server's (no ${path11.join(options.dataDir, AUDIT_KEY_FILE)})`);
  }
  return loadSecret({ name: AUDIT_KEY_FILE, envName: "AUDIT_KEY", dataDir: options.dataDir, production: options.production, env: options.env });
}
function blockKey(key2) {
  const k = key2.length > 64 ? createHash8("sha256").update(key2).digest() : Buffer.from(key2);
  return Buffer.concat([k, Buffer.alloc(64 - k.length)]);
}
function hmacPads(key2) {
  const k = blockKey(key2);
  return Buffer.concat([k.map((b) => b ^ 54), k.map((b) => b ^ 92)]).toString("hex");
}
function giveAuditKey(pool, key2) {
  if (pool.totalCount > 0) throw new Error("The audit key must be given to a database pool before its first connection");
  const pads = hmacPads(key2);
  const options = pool.options;
  const before = options.onConnect;
  options.onConnect = async (client) => {
    await before?.(client);
    await client.query("SELECT set_config($1, $2, false)", [SETTING, pads]);
  };
}
var AUDIT_KEY_FILE, checkpointKey, SETTING;
var init_audit_key = __esm({
  "engine/audit/audit-key.ts"() {
    "use strict";
    init_load_secret();
    AUDIT_KEY_FILE = "audit-key";
    checkpointKey = (key2) => createHmac3("sha256", key2).update("rulepath audit checkpoint v1").digest();
    SETTING = "rulepath.audit_key";
  }
});

// engine/audit/audit-checkpoints.ts
import { createHmac as createHmac4, timingSafeEqual as timingSafeEqual3 } from "node:crypto";
import pg3 from "pg";
function canonicalJson2(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson2).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson2(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
function signCheckpoint(key2, body) {
  return { ...body, signature: createHmac4("sha256", checkpointKey(key2)).update(canonicalJson2(body)).digest("hex") };
}
function checkedCheckpoint(key2, content) {
  if (content === null || typeof content !== "object" || typeof content.signature !== "string") return void 0;
  const { signature, ...body } = content;
  const expected = signCheckpoint(key2, body).signature;
  if (signature.length !== expected.length || !timingSafeEqual3(Buffer.from(signature), Buffer.from(expected))) return void 0;
  return content;
}
async function inSnapshot(db, step) {
  const client = db instanceof pg3.Pool ? await db.connect() : db;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      return await step(client);
    } finally {
      await client.query("ROLLBACK");
    }
  } finally {
    if (db instanceof pg3.Pool) client.release();
  }
}
async function headsOfTouchedChains(c, app, afterId, throughId) {
  const { rows } = await c.query(
    `WITH touched AS (SELECT DISTINCT record_id FROM audit_entries WHERE app = $1 AND id > $2::bigint AND id <= $3::bigint)
     SELECT t.record_id::text AS record_id, ${HEAD_COLUMNS} FROM touched t
     CROSS JOIN LATERAL (SELECT id, hash FROM audit_entries a WHERE a.app = $1 AND a.record_id = t.record_id AND a.id <= $3::bigint ORDER BY a.id DESC LIMIT 1) h
     CROSS JOIN LATERAL (SELECT count(*) FROM audit_entries a WHERE a.app = $1 AND a.record_id = t.record_id AND a.id <= $3::bigint) n
     WHERE t.record_id IS NOT NULL
     UNION ALL
     SELECT NULL, ${HEAD_COLUMNS}
     FROM (SELECT id, hash FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id <= $3::bigint ORDER BY id DESC LIMIT 1) h
     CROSS JOIN LATERAL (SELECT count(*) FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id <= $3::bigint) n
     WHERE EXISTS (SELECT 1 FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id > $2::bigint AND id <= $3::bigint)
     ORDER BY 1`,
    [app, afterId, throughId]
  );
  return rows.map((r) => ({ recordId: r.record_id, headId: r.head_id, headHash: r.head_hash, count: r.count }));
}
function createAuditCheckpoints(options) {
  const { db, key: key2, store } = options;
  return {
    /**
     * Writes the app's next checkpoint, unless nothing was appended since the last one. It names the
     * chains changed since the checkpoint *before* the previous one: an entry whose transaction was
     * still open when the previous checkpoint looked (its id drawn, not yet committed) is covered now.
     * Refuses to write after a checkpoint whose signature is not the key's (audit:verify says why).
     */
    async write(app) {
      const stored = await store.list(app);
      const last = stored.length ? checkedCheckpoint(key2, stored.at(-1).content) : void 0;
      if (stored.length && !last) throw new Error(`The newest audit checkpoint of ${app} (${stored.at(-1).key}) is not signed with the audit key; run npm run audit:verify`);
      const twoBack = stored.length > 1 ? checkedCheckpoint(key2, stored.at(-2).content) : void 0;
      return inSnapshot(db, async (c) => {
        const newest = await c.query("SELECT (SELECT max(id) FROM audit_entries WHERE app = $1)::text AS id, audit_legacy_last_id()::text AS legacy", [app]);
        const throughId = newest.rows[0].id;
        if (throughId === null || throughId === last?.throughId) return void 0;
        const body = {
          v: 1,
          app,
          n: (last?.n ?? 0) + 1,
          at: options.clock().toISOString(),
          throughId,
          legacyLastId: newest.rows[0].legacy,
          previous: last?.signature ?? null,
          chains: await headsOfTouchedChains(c, app, twoBack?.throughId ?? "0", throughId)
        };
        const written = await store.put(signCheckpoint(key2, body));
        return { app, key: written, n: body.n, chains: body.chains.length };
      });
    }
  };
}
var HEAD_COLUMNS;
var init_audit_checkpoints = __esm({
  "engine/audit/audit-checkpoints.ts"() {
    "use strict";
    init_audit_key();
    HEAD_COLUMNS = `h.id::text AS head_id, h.hash AS head_hash, n.count::int AS count`;
  }
});

// engine/audit/checkpoint-store.ts
import { buffer } from "node:stream/consumers";
function blobCheckpointStore(blobOf) {
  return {
    async put(checkpoint) {
      const key2 = checkpointKeyOf(checkpoint);
      await blobOf(checkpoint.app).write(key2, Buffer.from(`${JSON.stringify(checkpoint, null, 2)}
`), { contentType: "application/json", immutable: true });
      return key2;
    },
    async list(app) {
      const blob = blobOf(app);
      const keys = [];
      for await (const key2 of blob.list(prefix(app))) if (key2.endsWith(".json")) keys.push(key2);
      keys.sort();
      const out = [];
      for (const key2 of keys) {
        const raw3 = (await buffer(await blob.read(key2))).toString("utf8");
        let content;
        try {
          content = JSON.parse(raw3);
        } catch {
          content = void 0;
        }
        out.push({ key: key2, content });
      }
      return out;
    }
  };
}
var prefix, checkpointKeyOf;
var init_checkpoint_store = __esm({
  "engine/audit/checkpoint-store.ts"() {
    "use strict";
    prefix = (app) => `audit-checkpoints/${app}/`;
    checkpointKeyOf = (c) => `${prefix(c.app)}${String(c.n).padStart(12, "0")}-${c.at.replace(/[:.]/g, "-")}.json`;
  }
});

// engine/support/metrics.ts
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
function createMetrics(sources = {}) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const http2 = new Histogram({ name: "rulepath_http_request_duration_seconds", help: "HTTP requests by method, route template and status, with their latency", labelNames: ["method", "route", "status"], buckets: REQUEST_BUCKETS, registers });
  const transitions = new Counter({ name: "rulepath_transitions_total", help: "Workflow moves asked for, by app, entity, event and outcome (moved, refused: a 4xx, failed: anything else)", labelNames: ["app", "entity", "event", "outcome"], registers });
  const promotions = new Histogram({ name: "rulepath_promotion_evaluation_duration_seconds", help: "Promotion evaluations (a cart against the live promotions) and their latency, by app and ruleset", labelNames: ["app", "ruleset"], buckets: FAST_BUCKETS, registers });
  const otp = new Counter({ name: "rulepath_otp_total", help: "One-time codes by app, policy and outcome (issued, failed: a wrong code, locked: the wrong code that locked the subject out)", labelNames: ["app", "policy", "outcome"], registers });
  const deliveries = new Counter({ name: "rulepath_outbox_deliveries_total", help: "Outbox delivery attempts by channel, provider (none when no provider took it) and outcome (sent, retried, dead)", labelNames: ["channel", "provider", "outcome"], registers });
  const deliveryLatency = new Histogram({ name: "rulepath_outbox_delivery_duration_seconds", help: "Time one outbox message took to go through its provider chain, by channel and the provider that took it", labelNames: ["channel", "provider"], buckets: SLOW_BUCKETS, registers });
  const breakers = new Gauge({ name: "rulepath_provider_breaker_state", help: "Circuit breaker of each provider: 1 for its current state (closed, half_open, open), 0 for the others", labelNames: ["app", "kind", "provider", "state"], registers });
  const jobs = new Histogram({ name: "rulepath_job_run_duration_seconds", help: "Background job runs by job name and outcome (ok, failed), with their duration", labelNames: ["job", "outcome"], buckets: SLOW_BUCKETS, registers });
  const pool = sources.pool;
  if (pool) {
    new Gauge({
      name: "rulepath_db_pool_connections",
      help: "The PostgreSQL pool of the engine: connections open (total), idle, callers waiting for one (waiting), and the pool size (max)",
      labelNames: ["state"],
      registers,
      collect() {
        this.set({ state: "total" }, pool.totalCount);
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "waiting" }, pool.waitingCount);
        this.set({ state: "max" }, pool.options.max ?? 10);
      }
    });
  }
  const outboxCounts = sources.outboxCounts;
  if (outboxCounts) {
    const cacheMs = sources.outboxCacheMs ?? 5e3;
    let cached;
    new Gauge({
      name: "rulepath_outbox_messages",
      help: `Outbox messages waiting to be delivered (pending) and in the dead letter (dead), counted in the database at scrape time (at most every ${cacheMs} ms)`,
      labelNames: ["status"],
      registers,
      async collect() {
        if (!cached || Date.now() - cached.at >= cacheMs) {
          cached = { at: Date.now(), counts: outboxCounts() };
          cached.counts.catch(() => cached = void 0);
        }
        const counts = await cached.counts.catch(() => void 0);
        if (!counts) return;
        this.set({ status: "pending" }, counts.pending);
        this.set({ status: "dead" }, counts.dead);
      }
    });
  }
  const seconds = (startedAt) => Number(process.hrtime.bigint() - startedAt) / 1e9;
  return {
    registry,
    /** A clock reading to pass back to a `…Since` function. */
    now: () => process.hrtime.bigint(),
    httpRequest(method, route, status, durationSeconds) {
      http2.observe({ method, route, status: String(status) }, durationSeconds);
    },
    transition(app, entity, event, outcome) {
      transitions.inc({ app, entity, event, outcome });
    },
    promotionEvaluatedSince(app, ruleset, startedAt) {
      promotions.observe({ app, ruleset }, seconds(startedAt));
    },
    otp(app, policy, outcome) {
      otp.inc({ app, policy, outcome });
    },
    outboxDeliverySince(channel, provider, outcome, startedAt) {
      deliveries.inc({ channel, provider: provider ?? "none", outcome });
      if (provider && outcome === "sent") deliveryLatency.observe({ channel, provider }, seconds(startedAt));
    },
    breakerState(app, kind, provider, state) {
      for (const s of BREAKER_STATES) breakers.set({ app, kind, provider, state: s }, s === state ? 1 : 0);
    },
    jobRunSince(job, outcome, startedAt) {
      jobs.observe({ job, outcome }, seconds(startedAt));
    },
    /** The Prometheus text exposition (version 0.0.4). */
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    }
  };
}
var REQUEST_BUCKETS, FAST_BUCKETS, SLOW_BUCKETS, BREAKER_STATES;
var init_metrics = __esm({
  "engine/support/metrics.ts"() {
    "use strict";
    REQUEST_BUCKETS = [5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    FAST_BUCKETS = [5e-4, 1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    SLOW_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    BREAKER_STATES = ["closed", "half_open", "open"];
  }
});

// engine/notify/outbox-counts.ts
async function countOutbox(db) {
  const { rows } = await db.sql.query({
    name: "rulepath-outbox-counts",
    text: `SELECT (SELECT count(*) FROM outbox_messages WHERE status = 'pending') AS pending,
                  (SELECT count(*) FROM outbox_messages WHERE status = 'dead') AS dead`
  });
  return { pending: Number(rows[0].pending), dead: Number(rows[0].dead) };
}
var init_outbox_counts = __esm({
  "engine/notify/outbox-counts.ts"() {
    "use strict";
  }
});

// engine/store/migrate.ts
import { createHash as createHash9, randomUUID as randomUUID12 } from "node:crypto";
import { readdirSync as readdirSync4, readFileSync as readFileSync5, existsSync as existsSync5 } from "node:fs";
import path12 from "node:path";
import pg4 from "pg";
function readMigrations(dir = MIGRATIONS_DIR) {
  return readdirSync4(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync5(path12.join(dir, d.name, "migration.sql"))).map((d) => d.name).sort().map((name) => {
    const sql2 = readFileSync5(path12.join(dir, name, "migration.sql"), "utf8");
    return { name, sql: sql2, checksum: createHash9("sha256").update(sql2).digest("hex") };
  });
}
async function migrate(databaseUrl, migrations = readMigrations()) {
  const client = new pg4.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(BOOKKEEPING);
    const done = await client.query(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'
    );
    const known = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const migration of migrations) {
      const checksum = known.get(migration.name);
      if (checksum !== void 0) {
        if (checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      const id = randomUUID12();
      await client.query("BEGIN");
      try {
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, migration.checksum, migration.name]
        );
        await client.query(migration.sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${err.message}`, { cause: err });
      }
      applied.push(migration.name);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => void 0);
    await client.end();
  }
  return applied;
}
var MIGRATIONS_DIR, BOOKKEEPING, LOCK_KEY;
var init_migrate = __esm({
  "engine/store/migrate.ts"() {
    "use strict";
    init_project_root();
    MIGRATIONS_DIR = path12.join(PROJECT_ROOT, "prisma", "migrations");
    BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;
    LOCK_KEY = 72707365;
  }
});

// engine/store/embedded-postgres.ts
import { spawn, execFileSync } from "node:child_process";
import { createHash as createHash10 } from "node:crypto";
import fs from "node:fs/promises";
import { existsSync as existsSync6, readFileSync as readFileSync6, statSync as statSync2 } from "node:fs";
import os from "node:os";
import path13 from "node:path";
import pg5 from "pg";
async function startEmbeddedPostgres(options) {
  const { logger } = options;
  const runAs = resolveRunAs();
  const binaries = await reachableBinaries(await packagedBinaries(), runAs, logger);
  const clusterDir = reachableClusterDir(path13.resolve(options.dataDir, "postgres"), runAs, logger);
  await stopStalePostmaster(clusterDir, logger);
  if (!existsSync6(path13.join(clusterDir, "PG_VERSION"))) await initCluster(binaries, clusterDir, runAs, logger);
  const child = await startPostmaster(binaries, clusterDir, options.port, runAs, logger);
  const url2 = embeddedPostgresUrl(options.port, options.database);
  await ensureDatabase(options.port, options.database);
  logger.debug({ clusterDir, port: options.port }, "embedded PostgreSQL ready");
  return {
    url: url2,
    clusterDir,
    stop: () => stopPostmaster(child)
  };
}
async function packagedBinaries() {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const mod = await import(pkg);
  return { initdb: mod.initdb, postgres: mod.postgres };
}
function resolveRunAs() {
  if (os.userInfo().uid !== 0) return void 0;
  const lookup = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim())
  });
  try {
    return lookup();
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return lookup();
  }
}
function traversable(target2, runAs) {
  if (!runAs) return true;
  let dir = path13.resolve(target2);
  for (; ; ) {
    if (existsSync6(dir)) {
      const st = statSync2(dir);
      const ok2 = st.uid === runAs.uid ? (st.mode & 64) !== 0 : st.gid === runAs.gid ? (st.mode & 8) !== 0 : (st.mode & 1) !== 0;
      if (!ok2) return false;
    }
    const parent = path13.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}
async function reachableBinaries(bins, runAs, logger) {
  const nativeDir = path13.dirname(path13.dirname(bins.postgres));
  if (traversable(bins.postgres, runAs)) return bins;
  const version = readFileSync6(path13.join(nativeDir, "..", "package.json"), "utf8").match(/"version":\s*"([^"]+)"/)?.[1] ?? "x";
  const target2 = path13.join("/var/tmp", `rulepath-postgres-${version}`);
  if (!existsSync6(path13.join(target2, ".complete"))) {
    logger.info({ target: target2 }, "copying PostgreSQL binaries where the postgres user can run them");
    const staging = `${target2}.${process.pid}.tmp`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(staging, 493);
    await fs.writeFile(path13.join(staging, ".complete"), "");
    await fs.rm(target2, { recursive: true, force: true });
    await fs.rename(staging, target2).catch(async (err) => {
      if (!existsSync6(path13.join(target2, ".complete"))) throw err;
      await fs.rm(staging, { recursive: true, force: true });
    });
  }
  return { initdb: path13.join(target2, "bin", "initdb"), postgres: path13.join(target2, "bin", "postgres") };
}
function reachableClusterDir(wanted, runAs, logger) {
  if (traversable(path13.dirname(wanted), runAs)) return wanted;
  const hash = createHash10("sha256").update(wanted).digest("hex").slice(0, 12);
  const moved = path13.join("/var/tmp", `rulepath-pgdata-${hash}`);
  logger.info({ wanted, moved }, "DATA_DIR is not reachable by the postgres user; keeping the cluster elsewhere");
  return moved;
}
async function stopStalePostmaster(clusterDir, logger) {
  const pidFile = path13.join(clusterDir, "postmaster.pid");
  if (!existsSync6(pidFile)) return;
  const pid = Number(readFileSync6(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgresProcess(pid)) return;
  logger.warn({ pid }, "stopping a PostgreSQL left running by an earlier process");
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 200 && isAlive(pid); i++) await delay(50);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}
function isPostgresProcess(pid) {
  try {
    return readFileSync6(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return false;
  }
}
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
async function initCluster(bins, clusterDir, runAs, logger) {
  await fs.rm(clusterDir, { recursive: true, force: true });
  await fs.mkdir(path13.dirname(clusterDir), { recursive: true });
  await fs.mkdir(clusterDir, { mode: 448 });
  const pwFile = path13.join(os.tmpdir(), `rulepath-pw-${process.pid}-${Date.now()}`);
  await fs.writeFile(pwFile, `${PASSWORD}
`, { mode: 420 });
  if (runAs) {
    await fs.chown(clusterDir, runAs.uid, runAs.gid);
    await fs.chown(pwFile, runAs.uid, runAs.gid);
  }
  try {
    await run(bins.initdb, [`--pgdata=${clusterDir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${pwFile}`, "--encoding=UTF8", "--locale=C"], runAs);
  } finally {
    await fs.rm(pwFile, { force: true });
  }
  logger.info({ clusterDir }, "initialised embedded PostgreSQL cluster");
}
function run(cmd, args, runAs) {
  return new Promise((resolve2, reject) => {
    const child = spawn(cmd, args, { ...runAs, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c) => output += c.toString());
    child.stderr.on("data", (c) => output += c.toString());
    child.on("error", reject);
    child.on("close", (code) => code === 0 ? resolve2() : reject(new Error(`${path13.basename(cmd)} exited with ${code}: ${output}`)));
  });
}
function startPostmaster(bins, clusterDir, port2, runAs, logger) {
  return new Promise((resolve2, reject) => {
    const args = ["-D", clusterDir, "-p", String(port2), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", "-c", "fsync=on"];
    const child = spawn(bins.postgres, args, { ...runAs, detached: true, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    let output = "";
    let ready = false;
    child.stderr.on("data", (chunk) => {
      const text3 = chunk.toString();
      if (!ready) output += text3;
      if (!ready && text3.includes("ready to accept connections")) {
        ready = true;
        resolve2(child);
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!ready) reject(new Error(`PostgreSQL exited with ${code} during start-up: ${output.slice(-2e3)}`));
      else logger.debug({ code }, "PostgreSQL exited");
    });
    child.unref();
  });
}
async function stopPostmaster(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve2) => child.once("exit", () => resolve2()));
  child.ref();
  child.kill("SIGINT");
  await exited;
}
async function ensureDatabase(port2, database) {
  const client = new pg5.Client({ host: "127.0.0.1", port: port2, user: USER, password: PASSWORD, database: "postgres" });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
function delay(ms) {
  return new Promise((resolve2) => setTimeout(resolve2, ms));
}
var USER, PASSWORD, embeddedPostgresUrl;
var init_embedded_postgres = __esm({
  "engine/store/embedded-postgres.ts"() {
    "use strict";
    USER = "rulepath";
    PASSWORD = "rulepath";
    embeddedPostgresUrl = (port2, database) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port2}/${database}`;
  }
});

// engine/store/start-up-lock.ts
import pg6 from "pg";
async function takeStartUpLock(databaseUrl) {
  const client = new pg6.Client({ connectionString: databaseUrl, application_name: "rulepath start-up" });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [START_UP_LOCK_KEY]);
  } catch (err) {
    await client.end().catch(() => void 0);
    throw err;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query("SELECT pg_advisory_unlock($1)", [START_UP_LOCK_KEY]).catch(() => void 0);
      await client.end().catch(() => void 0);
    }
  };
}
var START_UP_LOCK_KEY;
var init_start_up_lock = __esm({
  "engine/store/start-up-lock.ts"() {
    "use strict";
    START_UP_LOCK_KEY = 72707366;
  }
});

// engine/audit/verify-audit-chain.ts
var init_verify_audit_chain = __esm({
  "engine/audit/verify-audit-chain.ts"() {
    "use strict";
    init_audit_key();
  }
});

// engine/verify-audit.ts
var init_verify_audit = __esm({
  "engine/verify-audit.ts"() {
    "use strict";
    init_compile_app();
    init_load_registry();
    init_app_providers();
    init_audit_checkpoints();
    init_checkpoint_store();
    init_verify_audit_chain();
  }
});

// engine/store/database-roles.ts
import pg7 from "pg";
function withUser(url2, user2, password) {
  const u = new URL(url2);
  u.username = encodeURIComponent(user2);
  u.password = encodeURIComponent(password);
  return u.toString();
}
async function withClient(url2, step) {
  const c = new pg7.Client({ connectionString: url2 });
  await c.connect();
  try {
    return await step(c);
  } finally {
    await c.end();
  }
}
async function ensureEmbeddedAppRole(ownerUrl) {
  await withClient(ownerUrl, async (c) => {
    const found = await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [EMBEDDED_APP_ROLE]);
    if (found.rowCount) return;
    await c.query(`CREATE ROLE ${c.escapeIdentifier(EMBEDDED_APP_ROLE)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${c.escapeLiteral(EMBEDDED_APP_PASSWORD)}`).catch((err) => {
      if (err.code !== "42710" && err.code !== "23505") throw err;
    });
  });
  return withUser(ownerUrl, EMBEDDED_APP_ROLE, EMBEDDED_APP_PASSWORD);
}
async function grantAppRole(ownerUrl, role) {
  await withClient(ownerUrl, async (c) => {
    const r = c.escapeIdentifier(role);
    await c.query("BEGIN");
    try {
      await c.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY2]);
      await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
      await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
      await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
      await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
      await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`);
      await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON TABLE audit_entries FROM ${r}`);
      await c.query(`REVOKE ALL ON TABLE "_prisma_migrations" FROM ${r}`);
      await c.query(`GRANT SELECT ON TABLE "_prisma_migrations" TO ${r}`);
      await c.query(`GRANT USAGE, CREATE ON SCHEMA agenda TO ${r}`);
      const theirs = await c.query(
        `SELECT 'TABLE' AS kind, format('agenda.%I', c.relname) AS name FROM pg_class c
         WHERE c.relnamespace = 'agenda'::regnamespace AND c.relkind IN ('r', 'p') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)
         UNION ALL
         SELECT 'FUNCTION', format('agenda.%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid)) FROM pg_proc p
         WHERE p.pronamespace = 'agenda'::regnamespace AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)`,
        [role]
      );
      for (const o of theirs.rows) await c.query(`ALTER ${o.kind} ${o.name} OWNER TO ${r}`);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK");
      throw new Error(`Could not grant the application's database role ${role} its rights: ${err.message}`, { cause: err });
    }
  });
}
async function prepareDatabase(options) {
  const applied = await migrate(options.ownerUrl);
  const appUrl = options.appUrl ?? await ensureEmbeddedAppRole(options.ownerUrl);
  if (userOf(appUrl) !== userOf(options.ownerUrl)) await grantAppRole(options.ownerUrl, userOf(appUrl));
  return { appUrl, applied };
}
var EMBEDDED_APP_ROLE, EMBEDDED_APP_PASSWORD, LOCK_KEY2, userOf;
var init_database_roles = __esm({
  "engine/store/database-roles.ts"() {
    "use strict";
    init_migrate();
    EMBEDDED_APP_ROLE = "rulepath_app";
    EMBEDDED_APP_PASSWORD = "rulepath_app";
    LOCK_KEY2 = 72707365;
    userOf = (url2) => decodeURIComponent(new URL(url2).username);
  }
});

// engine/jobs/job-runner.ts
import { Agenda } from "agenda";
import { PostgresBackend } from "@agendajs/postgres-backend";
import pg8 from "pg";
async function backendFor(options) {
  if (options.mongoUrl) {
    const { MongoBackend } = await import("@agendajs/mongo-backend");
    return { backend: new MongoBackend({ address: options.mongoUrl }), close: async () => {
    } };
  }
  const pool = new pg8.Pool({ connectionString: options.databaseUrl, max: 4, options: "-c search_path=agenda" });
  pool.on("error", (err) => options.logger.warn({ err }, "agenda database connection lost"));
  const backend = new PostgresBackend({ pool });
  backend.notificationChannel?.on?.(
    "error",
    (err) => options.logger.warn({ err }, "agenda notification connection lost")
  );
  return { backend, close: () => pool.end() };
}
async function startJobRunner(options) {
  const { backend, close } = await backendFor(options);
  const agenda = new Agenda({ backend, name: options.name, processEvery: options.processEvery ?? "2 seconds", defaultLockLifetime: 6e4 });
  agenda.on("error", (err) => options.logger.error({ err }, "agenda error"));
  const current2 = /* @__PURE__ */ new Map();
  const runTimed = async (name) => {
    const startedAt = process.hrtime.bigint();
    try {
      await current2.get(name)?.run();
      options.metrics?.jobRunSince(name, "ok", startedAt);
    } catch (err) {
      options.metrics?.jobRunSince(name, "failed", startedAt);
      throw err;
    }
  };
  const define = (job) => {
    if (!current2.has(job.name)) agenda.define(job.name, () => runTimed(job.name), { concurrency: 1 });
    current2.set(job.name, job);
  };
  const repeat = async (job) => {
    if (job.every) await agenda.every(job.every, job.name, void 0, { timezone: job.timezone ?? "UTC" });
  };
  options.jobs.forEach(define);
  await agenda.start();
  for (const job of options.jobs) await repeat(job);
  return {
    agenda,
    async schedule(jobs) {
      const gone = [...current2.keys()].filter((name) => !jobs.some((j) => j.name === name));
      for (const name of gone) current2.delete(name);
      if (gone.length) await agenda.cancel({ names: gone });
      jobs.forEach(define);
      for (const job of jobs) await repeat(job);
    },
    async stop() {
      await agenda.drain(options.drainMs ?? 3e4).catch(() => agenda.stop());
      await close();
    }
  };
}
var init_job_runner = __esm({
  "engine/jobs/job-runner.ts"() {
    "use strict";
  }
});

// engine/support/trace-context.ts
import { AsyncLocalStorage } from "node:async_hooks";
function runWithTraceId(traceId, fn) {
  return current.run({ traceId }, fn);
}
function currentTraceId() {
  return current.getStore()?.traceId;
}
var current;
var init_trace_context = __esm({
  "engine/support/trace-context.ts"() {
    "use strict";
    current = new AsyncLocalStorage();
  }
});

// engine/support/logger.ts
import { pino } from "pino";
function createLogger(level = process.env.LOG_LEVEL ?? "info", destination) {
  const options = {
    level,
    base: void 0,
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    }
  };
  return destination ? pino(options, destination) : pino(options);
}
var init_logger = __esm({
  "engine/support/logger.ts"() {
    "use strict";
    init_trace_context();
  }
});

// engine/records/document-fields.ts
function documentFieldsOf(entity) {
  if (!entity) return [];
  const wf = entity.workflow?.definition;
  const cells = Object.values(wf?.matrix ?? {}).flatMap((row) => Object.values(row)).flatMap((c) => Array.isArray(c) ? [] : c.effects ?? []);
  const effects = [...entity.definition.onCreate ?? [], ...wf?.onCreate ?? [], ...wf?.effects ?? [], ...(wf?.transitions ?? []).flatMap((t) => t.effects ?? []), ...cells];
  return [...new Set(effects.flatMap((e) => "render" in e ? [e.render.field] : []))];
}
var init_document_fields = __esm({
  "engine/records/document-fields.ts"() {
    "use strict";
  }
});

// engine/registry/order-definition-keys.ts
var init_order_definition_keys = __esm({
  "engine/registry/order-definition-keys.ts"() {
    "use strict";
    init_definition_schemas();
    init_definition_kinds();
  }
});

// engine/lifecycle/definition-file-text.ts
import { Document, isMap, isScalar as isScalar2, isSeq, parseDocument, visit, YAMLMap, YAMLSeq, Scalar } from "yaml";
var init_definition_file_text = __esm({
  "engine/lifecycle/definition-file-text.ts"() {
    "use strict";
    init_canonical_json();
    init_load_definition_files();
    init_order_definition_keys();
  }
});

// engine/lifecycle/export-release.ts
var init_export_release = __esm({
  "engine/lifecycle/export-release.ts"() {
    "use strict";
    init_load_definition_files();
    init_definition_file_text();
    init_release_store();
  }
});

// engine/index.ts
async function createEngine(options) {
  const { db, logger } = options;
  const clock = options.clock ?? (() => /* @__PURE__ */ new Date());
  let current2 = { apps: /* @__PURE__ */ new Map() };
  const env2 = options.env ?? process.env;
  const compileOptions = { production: options.production, env: env2 };
  const secret2 = (name, envName, value) => loadSecret({ name, envName, dataDir: options.dataDir, production: options.production, env: value });
  const denylist = createSessionDenylist(db, clock, logger);
  const tokens = createAccessTokens(secret2("jwt-secret", "JWT_SECRET", options.jwtSecret), clock, denylist.isRevoked);
  const hashKey = secret2("hash-key", "HASH_KEY", options.hashKey);
  const auditKey = loadAuditKey({ dataDir: options.dataDir, production: options.production, env: options.auditKey });
  giveAuditKey(db.sql, auditKey);
  const metrics = createMetrics({ pool: db.sql, outboxCounts: () => countOutbox(db) });
  const providers = createAppProviders(options.plugins, { fetch: options.fetch ?? globalThis.fetch, clock, logger, dataDir: options.dataDir }, options.breaker, { production: options.production, env: env2 }, metrics);
  const outbox = createOutboxDispatcher({ db, registry: () => current2, providers, clock, logger, backoff: options.backoff, leaseMs: options.outboxLeaseMs, metrics });
  const promotions = createPromotionsService({ db, registry: () => current2, logger, clock, metrics });
  const hooks = combineHooks([promotionHooks(promotions)]);
  const releasedApp = createReleasedApps(db, () => current2, compileOptions);
  const ctx = { db, registry: () => current2, releasedApp, tokens, denylist, hashKey, logger, clock, production: options.production, compileOptions, outboxWritten: () => outbox.wake(), hooks, metrics, blob: (app) => providers(app).blob };
  const registryListeners = /* @__PURE__ */ new Set();
  const swapped = () => {
    for (const listener of registryListeners) listener(current2);
  };
  const reload = async () => {
    const before = current2.releases;
    const report = await loadRegistry(db, options.definitionsDir, logger, current2, compileOptions);
    const apps = new Map(report.registry.apps);
    const releases = new Map(report.registry.releases);
    for (const [appId, number] of current2.releases ?? []) {
      if (number > (releases.get(appId) ?? 0)) {
        apps.set(appId, current2.apps.get(appId));
        releases.set(appId, number);
      }
    }
    current2 = { apps, releases };
    report.registry = current2;
    swapped();
    for (const [appId, number] of report.registry.releases ?? []) if (before?.get(appId) !== number) releaseFeed.publish(releaseMessage(appId, number));
    return report;
  };
  const serve = (appId, app, number) => {
    if ((current2.releases?.get(appId) ?? 0) >= number) return;
    current2 = { apps: new Map(current2.apps).set(appId, app), releases: new Map(current2.releases).set(appId, number) };
    logger.info({ app: appId, release: number }, "serving a new release");
    swapped();
  };
  const serveLiveRelease = async (appId, atLeast) => {
    if ((current2.releases?.get(appId) ?? 0) >= atLeast) return;
    const live = await compileRelease(db, appId, compileOptions);
    if (!live) return logger.error({ app: appId, release: atLeast }, "the live release does not compile in this process; it keeps serving the one before");
    serve(appId, live.app, live.release);
  };
  const releaseFeed = startChangeFeed(db, logger, (message) => {
    const release = parseReleaseMessage(message);
    if (release) serveLiveRelease(release.app, release.number).catch((err) => logger.error({ err, app: release.app }, "could not serve a new release"));
  });
  const changes = createChangeSets(ctx, {
    async released(appId, number, compiled2) {
      releaseFeed.publish(releaseMessage(appId, number));
      serve(appId, compiled2, number);
    }
  });
  const auditExport = createAuditExport(db, () => current2, providers);
  const checkpoints = createAuditCheckpoints({ db: db.sql, key: auditKey, store: blobCheckpointStore((appId) => providers(resolveApp(current2, appId)).blob), clock });
  const auditCheckpoints = {
    /** Signs each app's audit chain heads into its blob store (an app with nothing new is skipped). */
    async writeAll() {
      const written = [];
      for (const app of current2.apps.keys()) {
        const w = await checkpoints.write(app);
        if (w) written.push(w);
      }
      return written;
    }
  };
  const otp = createOtpService(ctx);
  const recordOtp = createRecordOtp(ctx, otp);
  const inTransaction2 = createRecordsInTransaction(ctx, otp, () => transitions);
  const transitions = createTransitionService(ctx, otp, inTransaction2);
  const records = createRecordService(ctx, { otp, recordOtp, transitions, inTransaction: inTransaction2 });
  const imports = createImportService(ctx, { records, blob: (appId) => providers(resolveApp(current2, appId)).blob });
  const files = createFileService(ctx, { blob: (appId) => providers(resolveApp(current2, appId)).blob });
  const otpLogin = createOtpLogin(ctx, otp, createRefreshTokens(ctx, denylist));
  const initial = await reload();
  for (const app of current2.apps.values()) providers(app);
  return {
    loadReport: initial,
    registry: () => current2,
    reload,
    /** Change sets and releases: business admins change definitions at runtime. */
    changes,
    /** Moves the records a pinned workflow keeps on earlier releases onto release `number`. */
    migratePinned: (appId, actor, number, body) => migratePinnedRecords(ctx, appId, actor, number, body),
    /** A simulation against the live release (who may see the definitions may simulate them): nothing is written. */
    async simulate(appId, actor, body) {
      const app = resolveApp(current2, appId);
      assertMayView(app, actor);
      return simulate(app, parseSimulation(body), clock());
    },
    /** The app's saved test cases run against the live release, with the moves they cover. */
    async tests(appId, actor) {
      const app = resolveApp(current2, appId);
      assertMayView(app, actor);
      return runTestCases(app, clock());
    },
    /** Calls `listener` after every change of the registry (a reload, a release from any process). */
    onRegistryChange(listener) {
      registryListeners.add(listener);
      return () => registryListeners.delete(listener);
    },
    records,
    /** The sync bundle of an app for a caller: every record it syncs that they may read (streamed). */
    sync: (appId, actor) => syncBundle(ctx, appId, actor),
    /** The app's users as data: list, create, update, deactivate (roles with operations.users). */
    users: createUserAdmin(ctx),
    /** Self-registration with approval, where an app declares `registration`. */
    registrations: createUserRegistration(ctx, otp),
    imports,
    /** Files on records: documents in attachment slots, versioned, reviewed, downloaded by signed URL. */
    files,
    otpLogin,
    otp,
    recordOtp,
    outbox,
    outboxAdmin: createOutboxAdmin(db, () => current2, clock, () => outbox.wake()),
    auditExport,
    auditCheckpoints,
    /** An app's blob store (audit exports, CSV imports and their error reports). */
    blob: (appId) => providers(resolveApp(current2, appId)).blob,
    /** The background jobs of this engine, for the job runner (Agenda). */
    jobs() {
      const defined = [...current2.apps.values()].flatMap(
        (app) => [...app.jobs.values()].map((job) => ({ name: `${app.id}:${job.name}`, every: job.schedule, timezone: job.timezone, run: () => runScheduledJob(ctx, transitions, app.id, job.name) }))
      );
      return [
        ...defined,
        // Imports start at once when registered; this picks up any a stopped process left behind.
        { name: "imports.run", every: "30 seconds", run: () => imports.runPending() },
        { name: "outbox.dispatch", every: "5 seconds", run: () => outbox.runOnce() },
        // Change sets scheduled to publish at a set time (kept in the database: a restart keeps them).
        { name: "changes.publishDue", every: "10 seconds", run: () => changes.publishDue() },
        // Ended sessions whose access tokens have all expired since.
        { name: "auth.purgeRevokedSessions", every: "1 hour", run: () => denylist.purge() },
        // 00:30 UTC: yesterday's audit entries to each app's blob store.
        { name: "audit.export", every: "30 0 * * *", run: () => auditExport.exportDay(new Date(clock().getTime() - 864e5)) },
        // The audit chains' heads, signed, outside the database: what was there cannot quietly go.
        { name: "audit.checkpoint", every: "15 minutes", run: () => auditCheckpoints.writeAll() }
      ];
    },
    transitions,
    /** The promotion engine (its definitions are of kind `rules`): evaluation, the test console, backtest and lint. */
    rules: promotions,
    /** Runs one job definition now (what its schedule does). */
    runJob: (appId, jobName) => runScheduledJob(ctx, transitions, appId, jobName),
    auth: {
      /** Email and password; or, where the app signs in by OTP too, phone and the code last sent (a session with a refresh token). */
      login: (appId, body) => {
        const app = resolveApp(current2, appId);
        const byPhone = body !== null && typeof body === "object" && "phone" in body && app.definition.auth?.otp !== void 0;
        return byPhone ? otpLogin.signInWithPhone(app, body) : login(db, tokens, app, body);
      },
      verify: (token, appId) => tokens.verify(token, appId),
      issue: tokens.issue
    },
    async seedDemoUsers() {
      if (options.production) return {};
      const seeded = {};
      for (const app of current2.apps.values()) seeded[app.id] = await seedDemoUsers(db, app);
      return seeded;
    },
    /** Development only: each app's demo records, the first time it starts without them. */
    async seedDemoData() {
      if (options.production) return {};
      const seeded = {};
      for (const app of current2.apps.values()) {
        try {
          seeded[app.id] = await seedDemoData(db, app, { records, transitions, files, demoFile }, clock());
        } catch (err) {
          logger.error({ err, app: app.id }, "demo data stopped at an entry the definitions now refuse");
          seeded[app.id] = 0;
        }
      }
      return seeded;
    },
    metrics,
    /**
     * Why this engine should not take traffic, or nothing when it may: a migration in this build
     * not applied to its database (an older process migrated, or a rollback), no app served, or a
     * database that does not answer `SELECT 1` within `timeoutMs`.
     */
    async notReady(timeoutMs = 1e3) {
      if (!current2.apps.size) return "no app definitions are loaded";
      const expected = readMigrationNames();
      try {
        const { rows } = await withTimeout(db.sql.query('SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'), timeoutMs);
        const applied = new Set(rows.map((r) => r.name));
        const missing = expected.filter((name) => !applied.has(name));
        return missing.length ? `migrations not applied: ${missing.join(", ")}` : void 0;
      } catch (err) {
        return `the database does not answer: ${err.message}`;
      }
    },
    async health() {
      try {
        await db.sql.query("SELECT 1");
      } catch (err) {
        throw new AppError("UNAVAILABLE", "The database does not answer", { cause: err });
      }
      return { database: "ok" };
    }
  };
}
function readMigrationNames() {
  return migrationNames ??= readMigrations().map((m) => m.name);
}
function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
var migrationNames;
var init_engine = __esm({
  "engine/index.ts"() {
    "use strict";
    init_access_tokens();
    init_session_denylist();
    init_demo_users();
    init_seed_demo_data();
    init_login_service();
    init_load_secret();
    init_load_registry();
    init_released_apps();
    init_change_sets();
    init_release_store();
    init_definition_permissions();
    init_migrate_pinned_records();
    init_run_test_cases();
    init_simulate();
    init_change_feed();
    init_record_service();
    init_resolve_target();
    init_transition_service();
    init_promotions_service();
    init_promotion_hooks();
    init_record_hooks();
    init_run_scheduled_job();
    init_import_service();
    init_file_service();
    init_demo_file();
    init_app_error();
    init_otp_service();
    init_record_otp();
    init_otp_login();
    init_refresh_tokens();
    init_user_admin();
    init_user_registration();
    init_sync_bundle();
    init_records_in_transaction();
    init_app_providers();
    init_outbox_dispatcher();
    init_outbox_admin();
    init_export_audit();
    init_audit_key();
    init_audit_checkpoints();
    init_checkpoint_store();
    init_metrics();
    init_outbox_counts();
    init_migrate();
    init_app_error();
    init_error_catalog();
    init_database();
    init_embedded_postgres();
    init_migrate();
    init_start_up_lock();
    init_verify_audit_chain();
    init_audit_key();
    init_verify_audit();
    init_database_roles();
    init_plugin_catalog();
    init_job_runner();
    init_logger();
    init_metrics();
    init_trace_context();
    init_storable_text();
    init_passwords();
    init_login_service();
    init_resolve_value();
    init_document_fields();
    init_promotions_service();
    init_backtest_body();
    init_lint_body();
    init_lint_promotions();
    init_promotion_candidate();
    init_otp_login();
    init_record_otp();
    init_user_admin();
    init_user_registration();
    init_load_registry();
    init_compile_app();
    init_definition_kinds();
    init_change_sets();
    init_migrate_pinned_records();
    init_simulate();
    init_operation_needs();
    init_release_store();
    init_export_release();
    init_import_app_folder();
    init_compare_definitions();
  }
});

// server/cluster.ts
var cluster_exports = {};
__export(cluster_exports, {
  runClusterPrimary: () => runClusterPrimary
});
import cluster from "node:cluster";
async function runClusterPrimary(config3) {
  const logger = createLogger(config3.logLevel);
  const embedded = config3.databaseUrl || config3.migrationDatabaseUrl ? void 0 : await startEmbeddedPostgres({ dataDir: config3.dataDir, port: config3.embeddedPgPort, database: "rulepath", logger });
  const env2 = (first) => ({
    ...embedded ? { MIGRATION_DATABASE_URL: embedded.url } : {},
    ...first ? {} : { JOBS: "off" }
  });
  let stopping = false;
  let jobsWorker;
  const fork = (first) => {
    const worker = cluster.fork(env2(first));
    const started = Date.now();
    if (first) jobsWorker = worker;
    worker.on("exit", (code, signal) => {
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, "a worker died");
      if (Date.now() - started < MIN_LIFETIME_MS) {
        logger.error("it died during its start: stopping the cluster");
        void stop(1);
        return;
      }
      fork(worker === jobsWorker);
    });
  };
  for (let i = 0; i < config3.workers; i++) fork(i === 0);
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => Boolean(w));
    const exited = Promise.all(workers.map((w) => new Promise((resolve2) => w.isDead() ? resolve2() : w.once("exit", () => resolve2()))));
    for (const w of workers) w.process.kill("SIGTERM");
    const bound = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill("SIGKILL")), STOP_BOUND_MS);
    await exited;
    clearTimeout(bound);
    await embedded?.stop().catch((err) => logger.error({ err }, "could not stop the embedded PostgreSQL"));
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stop(0));
  process.on("SIGHUP", () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGHUP");
  });
  logger.info({ workers: config3.workers, port: config3.port }, "cluster started: the first worker prints where to go");
}
var MIN_LIFETIME_MS, STOP_BOUND_MS;
var init_cluster = __esm({
  "server/cluster.ts"() {
    "use strict";
    init_engine();
    MIN_LIFETIME_MS = 1e4;
    STOP_BOUND_MS = 3e4;
  }
});

// server/main.ts
import cluster2 from "node:cluster";
import { existsSync as existsSync8 } from "node:fs";
import path16 from "node:path";

// server/config.ts
init_project_root();
import path2 from "node:path";
import { z } from "zod";
var ROOT = PROJECT_ROOT;
var BOOLEAN_WORDS = { truthy: ["1", "true", "on", "yes"], falsy: ["0", "false", "off", "no"] };
var flag = () => z.stringbool({ ...BOOLEAN_WORDS, case: "insensitive", error: "must be one of on/off, true/false, yes/no, 1/0" });
var port = () => z.coerce.number({ error: "must be a port number (0-65535)" }).int("must be a port number (0-65535)").min(0, "must be a port number (0-65535)").max(65535, "must be a port number (0-65535)");
var millis = () => z.coerce.number({ error: "must be a whole number of milliseconds" }).int("must be a whole number of milliseconds").positive("must be more than 0");
var url = (schemes) => z.string().refine((v) => {
  try {
    return schemes.includes(new URL(v).protocol.replace(/:$/, ""));
  } catch {
    return false;
  }
}, `must be a ${schemes.join(":// or ")}:// URL`);
var nonNegativeMillis = () => z.coerce.number({ error: "must be a whole number of milliseconds" }).int("must be a whole number of milliseconds").min(0, "must be 0 or more");
var secret = () => z.string().refine((v) => Buffer.byteLength(v) >= 32, "must be at least 32 bytes");
function isOrigin(v) {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.origin === v.replace(/\/$/, "");
  } catch {
    return false;
  }
}
var originList = () => z.string().refine((v) => splitList(v).every(isOrigin), "must be origins such as https://app.example.com, separated by commas (scheme, host, optional port; no path)");
var splitList = (v) => v.split(",").map((o) => o.trim()).filter(Boolean);
var SETTINGS = {
  NODE_ENV: z.enum(["development", "production", "test"], "must be development, production or test").default("development").describe("production: the secrets below are required, development-only definitions (fixed OTP codes, all providers off) are refused, no demo users or data"),
  PORT: port().default(3e3).describe("HTTP port (0: any free port)"),
  HOST: z.string().min(1).default("0.0.0.0").describe("Address the HTTP server binds"),
  WORKERS: z.coerce.number({ error: "must be a whole number from 1 to 64" }).int("must be a whole number from 1 to 64").min(1, "must be a whole number from 1 to 64").max(64, "must be a whole number from 1 to 64").default(1).describe("npm start: number of API processes sharing the port (node:cluster); the first also runs the jobs"),
  DATABASE_URL: url(["postgres", "postgresql"]).optional().describe("PostgreSQL to use; unset: the embedded PostgreSQL under DATA_DIR"),
  MIGRATION_DATABASE_URL: url(["postgres", "postgresql"]).optional().describe("The owner's connection for migrations and grants; DATABASE_URL is then the application's role (rows only). Unset: DATABASE_URL does both (see Audit log)"),
  DATA_DIR: z.string().min(1).default(".data").describe("Development secrets, the embedded PostgreSQL, the file blob store (relative to the project)"),
  EMBEDDED_PG_PORT: port().default(54329).describe("Port of the embedded PostgreSQL (loopback only)"),
  DEFINITIONS_DIR: z.string().min(1).default("definitions").describe("App definitions folder published at start"),
  PLUGINS_DIR: z.string().min(1).optional().describe("Provider plugins folder; default plugins/ (dist/plugins/ when running the build)"),
  JOBS: flag().default(true).describe("off: this process serves HTTP only (run npm run worker elsewhere)"),
  AGENDA_MONGO_URL: url(["mongodb", "mongodb+srv"]).optional().describe("Keep Agenda jobs in MongoDB instead of PostgreSQL"),
  OUTBOX_BACKOFF_BASE_MS: millis().default(2e3).describe("First outbox retry waits base/2..base, doubling"),
  OUTBOX_BACKOFF_MAX_MS: millis().default(9e5).describe("Longest outbox retry wait"),
  OUTBOX_LEASE_MS: millis().default(6e4).describe("How long a claimed outbox message stays with its worker before another may take it"),
  JWT_SECRET: secret().optional().describe("Access-token signing key (required in production; development: generated under DATA_DIR)"),
  HASH_KEY: secret().optional().describe("HMAC key for OTP codes and hashed identifiers (required in production; development: generated under DATA_DIR)"),
  AUDIT_KEY: secret().optional().describe("HMAC key of the audit log (entry hashes, checkpoint signatures), never stored in the database (required in production; development: generated under DATA_DIR)"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], "must be fatal, error, warn, info, debug, trace or silent").default("info").describe("pino log level"),
  ECHO_ROUTE: flag().default(false).describe("on: POST /_echo, the baseline the benchmarks compare against"),
  PUBLIC_URL: url(["http", "https"]).optional().describe("How clients reach this server (behind a proxy), for the upload URLs it hands out"),
  DEMO_DATA: flag().default(true).describe("off: development starts without the apps' demo records"),
  CORS_ORIGINS: originList().optional().describe("Comma-separated origins a browser app may call the API from (e.g. https://app.example.com); unset: no CORS headers"),
  HEADERS_TIMEOUT_MS: millis().default(1e4).describe("A request's headers must arrive within this"),
  REQUEST_TIMEOUT_MS: millis().default(12e4).describe("A whole request (headers and body) must arrive within this: 408"),
  IDLE_TIMEOUT_MS: millis().default(6e4).describe("A connection silent this long (a stalled body, a stuck client) is closed"),
  KEEP_ALIVE_TIMEOUT_MS: millis().default(65e3).describe("An idle keep-alive connection is closed after this (keep it above the load balancer's idle timeout)"),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional().describe("When set, GET /metrics asks for Authorization: Bearer <token>; unset, it is open (see Operations)"),
  METRICS_PORT: port().optional().describe("Also serve /metrics, /livez and /readyz on this port (the worker's only HTTP)"),
  SHUTDOWN_DELAY_MS: nonNegativeMillis().default(0).describe("SIGTERM: keep accepting this long, answering /readyz 503, before closing the port (for load balancers to notice)"),
  SHUTDOWN_GRACE_MS: millis().default(1e4).describe("SIGTERM: how long requests in flight (then running jobs) may take before they are cut off"),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(["http", "https"]).optional().describe("OpenTelemetry tracing on: the OTLP/HTTP collector (traces go to <endpoint>/v1/traces); unset: no tracing, nothing loaded"),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(["http", "https"]).optional().describe("OpenTelemetry tracing on: the full OTLP/HTTP traces URL (wins over OTEL_EXPORTER_OTLP_ENDPOINT)"),
  OTEL_SERVICE_NAME: z.string().min(1).default("rulepath").describe("service.name of the spans")
};
var schema = z.object(SETTINGS).superRefine((v, ctx) => {
  if (v.NODE_ENV !== "production") return;
  for (const name of ["JWT_SECRET", "HASH_KEY", "AUDIT_KEY"]) if (!v[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required in production" });
});
var SECRET_NAMES = /* @__PURE__ */ new Set(["JWT_SECRET", "HASH_KEY", "AUDIT_KEY", "METRICS_TOKEN", "DATABASE_URL", "MIGRATION_DATABASE_URL", "AGENDA_MONGO_URL"]);
var ConfigError = class extends Error {
  name = "ConfigError";
};
function readConfig(env2 = process.env) {
  const given = Object.fromEntries(Object.keys(SETTINGS).flatMap((name) => env2[name] === void 0 || env2[name] === "" ? [] : [[name, env2[name]]]));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "");
      const raw3 = given[name];
      const shown3 = raw3 === void 0 ? "" : SECRET_NAMES.has(name) ? " (value not shown)" : ` (got ${JSON.stringify(raw3)})`;
      return `  ${name}: ${issue.message}${shown3}`;
    });
    throw new ConfigError(`The configuration is refused (${lines.length} ${lines.length === 1 ? "problem" : "problems"}; see Configuration in README.md):
${lines.join("\n")}`);
  }
  const v = parsed.data;
  const built = import.meta.filename.endsWith(".js");
  return {
    production: v.NODE_ENV === "production",
    port: v.PORT,
    host: v.HOST,
    workers: v.WORKERS,
    databaseUrl: v.DATABASE_URL,
    migrationDatabaseUrl: v.MIGRATION_DATABASE_URL,
    dataDir: path2.resolve(ROOT, v.DATA_DIR),
    embeddedPgPort: v.EMBEDDED_PG_PORT,
    definitionsDir: path2.resolve(ROOT, v.DEFINITIONS_DIR),
    // The build compiles plugins/ to dist/plugins/: a built server loads JavaScript, not TypeScript.
    pluginsDir: path2.resolve(ROOT, v.PLUGINS_DIR ?? (built ? "dist/plugins" : "plugins")),
    jobs: v.JOBS,
    agendaMongoUrl: v.AGENDA_MONGO_URL,
    outbox: {
      backoff: { baseMs: v.OUTBOX_BACKOFF_BASE_MS, maxMs: v.OUTBOX_BACKOFF_MAX_MS },
      leaseMs: v.OUTBOX_LEASE_MS
    },
    jwtSecret: v.JWT_SECRET,
    hashKey: v.HASH_KEY,
    auditKey: v.AUDIT_KEY,
    logLevel: v.LOG_LEVEL,
    echoRoute: v.ECHO_ROUTE,
    publicUrl: v.PUBLIC_URL,
    demoData: v.DEMO_DATA,
    http: {
      corsOrigins: splitList(v.CORS_ORIGINS ?? "").map((o) => o.replace(/\/$/, "")),
      headersTimeoutMs: v.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      idleTimeoutMs: v.IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS
    },
    metricsToken: v.METRICS_TOKEN,
    metricsPort: v.METRICS_PORT,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    shutdownDelayMs: v.SHUTDOWN_DELAY_MS,
    otel: {
      tracesEndpoint: v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (v.OTEL_EXPORTER_OTLP_ENDPOINT ? `${v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, "")}/v1/traces` : void 0),
      serviceName: v.OTEL_SERVICE_NAME
    },
    /**
     * The environment as definitions see it: `${NAME}` / `${NAME:-default}` in a definition and a
     * provider's `enabledBy` read app-level variables (OTP_MODE, MSG91_AUTH_KEY) that are the
     * apps' business, validated by the definitions' own schemas, not listed here.
     */
    definitionEnv: Object.freeze({ ...env2 })
  };
}
function readConfigOrExit(env2 = process.env) {
  try {
    return readConfig(env2);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

// server/start-server.ts
init_engine();

// server/app.ts
import { randomUUID as randomUUID13 } from "node:crypto";
import express4 from "express";
import { pinoHttp } from "pino-http";

// server/middleware/check-url-text.ts
init_engine();
var unstorable = (path17) => new AppError("BAD_REQUEST", "The URL holds text that cannot be stored", { details: [{ path: path17, message: UNSTORABLE_TEXT_MESSAGE }] });
var checkUrlText = (req, _res, next) => {
  let path17;
  try {
    path17 = decodeURIComponent(req.path);
  } catch {
    return next(new AppError("BAD_REQUEST", "The path is not valid percent-encoding", { details: [{ path: "$.path", message: "Not valid percent-encoded UTF-8" }] }));
  }
  if (!isStorableText(path17)) return next(unstorable("$.path"));
  for (const [key2, value] of Object.entries(req.query)) {
    if (!isStorableText(key2)) return next(unstorable(`$.query[${JSON.stringify(key2)}]`));
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === "string" && !isStorableText(v)) return next(unstorable(`$.query.${key2}`));
    }
  }
  next();
};

// server/middleware/cors-allow-list.ts
import cors from "cors";
var EXPOSED = ["X-Request-Id", "ETag", "Location", "Allow", "Retry-After", "Content-Disposition"];
function corsAllowList(origins) {
  if (!origins.length) return void 0;
  const allowed = new Set(origins);
  return cors({
    origin: (origin, done) => done(null, origin !== void 0 && allowed.has(origin)),
    // Bearer tokens in headers, or the session cookie of a sign-in made from that origin.
    credentials: true,
    exposedHeaders: EXPOSED,
    maxAge: 600
  });
}

// server/middleware/error-handler.ts
init_engine();
function fromBodyParser(err) {
  switch (err.type) {
    case "entity.too.large":
      return new AppError("PAYLOAD_TOO_LARGE");
    case "entity.parse.failed":
      return new AppError("BAD_REQUEST", "The body is not valid JSON");
    case "charset.unsupported":
    case "encoding.unsupported":
      return new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as UTF-8 JSON");
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new AppError("BAD_REQUEST", "The body could not be read");
  }
  const status = err.status ?? err.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = Object.keys(ERROR_CATALOG).find((c) => ERROR_CATALOG[c].status === status) ?? "BAD_REQUEST";
    return new AppError(code);
  }
  return void 0;
}
function errorBody(err, traceId) {
  return {
    success: false,
    error: { code: err.publicCode ?? err.code, message: err.message, ...err.details?.length ? { details: err.details } : {}, ...err.data !== void 0 ? { data: err.data } : {} },
    traceId
  };
}
var errorHandler = (err, req, res, _next) => {
  const traceId = String(req.id ?? "");
  const appError = isAppError(err) ? err : fromBodyParser(err ?? {});
  if (appError) {
    if (appError.status >= 500) req.log?.error({ err, traceId }, "request failed");
    res.status(appError.status).json(errorBody(appError, traceId));
    return;
  }
  req.log?.error({ err, traceId }, "unhandled error");
  res.status(500).json(errorBody(new AppError("INTERNAL", `Internal error; quote trace id ${traceId}`), traceId));
};
var notFound = (req, _res, next) => {
  next(new AppError("ROUTE_NOT_FOUND", `No route ${req.method} ${req.path}`));
};

// server/middleware/json-body.ts
init_engine();
import express from "express";

// server/middleware/multipart-file.ts
init_engine();
import busboy from "busboy";
var FIELD_BYTES = 4096;
var isMultipart = (req) => (req.headers["content-type"] ?? "").toLowerCase().startsWith("multipart/form-data");
function withMultipartFile(req, res, field, fieldNames, use) {
  if (!isMultipart(req)) return Promise.reject(new AppError("UNSUPPORTED_MEDIA_TYPE", `Send the file as multipart/form-data, in a part named "${field}"`));
  return new Promise((resolve2, reject) => {
    let parser;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: FIELD_BYTES, parts: 21 }, defParamCharset: "utf8" });
    } catch (err) {
      return reject(new AppError("BAD_REQUEST", "The multipart body has no boundary", { cause: err }));
    }
    const fields = {};
    let started = false;
    let settled = false;
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      if (!req.complete) {
        res.setHeader("Connection", "close");
        req.unpipe(parser);
        req.resume();
      }
      if (err) reject(err);
      else resolve2(value);
    };
    parser.on("field", (name, value, info) => {
      if (started) return;
      if (info.valueTruncated) return finish(new AppError("BAD_REQUEST", `The field "${name}" is longer than ${FIELD_BYTES} bytes`, { details: [{ path: `$.${name}`, message: "Too long" }] }));
      if (!fieldNames.includes(name)) return finish(new AppError("VALIDATION_FAILED", void 0, { details: [{ path: `$.${name}`, message: `Unknown field; the parts are ${[field, ...fieldNames].join(", ")}` }] }));
      if (!isStorableText(value)) return finish(new AppError("BAD_REQUEST", "The body holds text that cannot be stored", { details: [{ path: `$.${name}`, message: "NUL or unpaired surrogate" }] }));
      fields[name] = value;
    });
    parser.on("file", (name, stream3, info) => {
      stream3.on("error", () => void 0);
      if (settled) return void stream3.resume();
      if (name !== field) {
        stream3.resume();
        return finish(new AppError("BAD_REQUEST", `The file goes in a part named "${field}"`, { details: [{ path: `$.${name}`, message: "Unexpected file part" }] }));
      }
      started = true;
      use({ fields: { ...fields }, fileName: info.filename ?? "", stream: stream3 }).then(
        (value) => finish(void 0, value),
        (err) => {
          stream3.resume();
          finish(err);
        }
      );
    });
    parser.on("error", (err) => finish(new AppError("BAD_REQUEST", "The multipart body is malformed", { cause: err })));
    parser.on("close", () => {
      if (!started) finish(new AppError("VALIDATION_FAILED", void 0, { details: [{ path: `$.${field}`, message: "A file is required" }] }));
    });
    req.on("aborted", () => finish(new AppError("BAD_REQUEST", "The upload was cut off")));
    req.pipe(parser);
  });
}

// server/middleware/json-body.ts
var BODY_LIMIT = "256kb";
var MAX_DEPTH2 = 32;
var FORBIDDEN_KEYS = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
var parseJson = express.json({ limit: BODY_LIMIT, strict: false, type: () => true });
var jsonBody = (req, res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== void 0 || Number(req.headers["content-length"] ?? 0) > 0;
  if (!hasBody) return next();
  if (isMultipart(req)) return next();
  if (!req.is("application/json") && !req.is("application/*+json")) return next(new AppError("UNSUPPORTED_MEDIA_TYPE"));
  parseJson(req, res, (err) => {
    if (err) return next(err);
    try {
      checkShape(req.body, 0, "$");
    } catch (e) {
      return next(e);
    }
    next();
  });
};
function checkShape(value, depth, path17) {
  if (typeof value === "string") {
    if (!isStorableText(value)) throw unstorable2(path17);
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (depth > MAX_DEPTH2) throw new AppError("BAD_REQUEST", `The body is nested deeper than ${MAX_DEPTH2} levels`, { details: [{ path: path17, message: "Too deep" }] });
  if (Array.isArray(value)) return value.forEach((v, i) => checkShape(v, depth + 1, `${path17}[${i}]`));
  for (const key2 of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key2)) throw new AppError("BAD_REQUEST", `The property name "${key2}" is not allowed`, { details: [{ path: `${path17}.${key2}`, message: "Reserved property name" }] });
    if (!isStorableText(key2)) throw unstorable2(`${path17}[${JSON.stringify(key2)}]`);
    checkShape(value[key2], depth + 1, `${path17}.${key2}`);
  }
}
var unstorable2 = (path17) => new AppError("BAD_REQUEST", "The body holds text that cannot be stored", { details: [{ path: path17, message: UNSTORABLE_TEXT_MESSAGE }] });

// server/openapi/build-openapi.ts
init_engine();

// server/operations/changes-approve.ts
init_engine();

// server/middleware/authenticate.ts
init_engine();

// server/middleware/session-cookies.ts
init_engine();
var ACCESS_COOKIE = "rp_access";
var REFRESH_COOKIE = "rp_refresh";
function isWebClient(req) {
  return String(req.headers["x-client-type"] ?? "").toLowerCase() === "web";
}
function readCookie(req, name) {
  const header = req.headers.cookie;
  if (!header) return void 0;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeCookieValue(name, part.slice(i + 1).trim());
  }
  return void 0;
}
function decodeCookieValue(name, raw3) {
  try {
    return decodeURIComponent(raw3);
  } catch {
    throw new AppError("UNAUTHENTICATED", `The ${name} cookie is not readable; sign in again`);
  }
}
function cookie(name, value, maxAgeSeconds, path17) {
  return `${name}=${encodeURIComponent(value)}; Max-Age=${maxAgeSeconds}; Path=${path17}; HttpOnly; Secure; SameSite=Strict`;
}
function deliverSession(req, res, tokens, basePath) {
  if (!isWebClient(req)) return tokens;
  res.append("Set-Cookie", cookie(ACCESS_COOKIE, tokens.accessToken, tokens.expiresIn, "/"));
  res.append("Set-Cookie", cookie(REFRESH_COOKIE, tokens.refreshToken, tokens.refreshExpiresIn, basePath));
  return { tokenType: "Cookie", expiresIn: tokens.expiresIn, refreshExpiresIn: tokens.refreshExpiresIn, user: tokens.user };
}
function clearSession(res, basePath) {
  res.append("Set-Cookie", `${ACCESS_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict`);
  res.append("Set-Cookie", `${REFRESH_COOKIE}=; Max-Age=0; Path=${basePath}; HttpOnly; Secure; SameSite=Strict`);
}
function presentedRefreshToken(req) {
  const fromBody = req.body?.refreshToken;
  return fromBody ?? readCookie(req, REFRESH_COOKIE);
}

// server/middleware/authenticate.ts
function hasCredentials(req) {
  return req.headers.authorization !== void 0 || (req.headers.cookie ?? "").split(";").some((part) => part.trim().startsWith(`${ACCESS_COOKIE}=`));
}
async function authenticate(engine, req, appId) {
  if (!engine.registry().apps.has(appId)) throw new AppError("APP_NOT_FOUND", `Unknown app "${appId}"`);
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header.trim()) : null;
  const token = match?.[1] ?? (header ? void 0 : readCookie(req, ACCESS_COOKIE));
  if (!token) throw new AppError("UNAUTHENTICATED", header ? 'Use "Authorization: Bearer <token>"' : "Authentication required");
  return engine.auth.verify(token, appId);
}

// server/operations/call-context.ts
init_engine();
var need = (value, what) => {
  if (value === void 0) throw new AppError("NOT_FOUND", `Missing ${what}`);
  return value;
};
var label = (engine, call) => engine.registry().apps.get(call.app)?.entities.get(call.entity ?? "")?.label ?? "Record";
var ifMatch = (req) => req.header("if-match");
var target = (call) => ({ app: call.app, entity: need(call.entity, "entity") });
var appOf = (engine, call) => {
  const app = engine.registry().apps.get(call.app);
  if (!app) throw new AppError("APP_NOT_FOUND", `Unknown app "${call.app}"`);
  return app;
};
async function actorFor(engine, req, call, permission) {
  const app = appOf(engine, call);
  const role = Object.entries(app.roles).find(([, r]) => r.public)?.[0];
  const serves = role !== void 0 && (permission === void 0 || Boolean(app.roles[role].permissions?.[call.entity ?? ""]?.[permission]));
  if (hasCredentials(req) || !role || !serves) return authenticate(engine, req, call.app);
  return { id: "anonymous", app: app.id, role };
}

// server/operations/change-params.ts
init_engine();
var CHANGE_SET_ID = { type: "string", format: "uuid", description: "The change set" };
var DEFINITION_PARAMS = {
  id: CHANGE_SET_ID,
  kind: { type: "string", enum: [...DEFINITION_KINDS], description: "The definition kind" },
  name: { type: "string", pattern: "^[a-z][a-z0-9_-]{0,62}$", description: "The definition name (an app: its id)" }
};
var RELEASE_NUMBER = { type: "integer", minimum: 1, description: "The release number" };

// server/operations/operation-result.ts
var ok = (data, extra = {}, status = 200) => ({
  status,
  body: { success: true, ...extra.message ? { message: extra.message } : {}, data, ...extra.journeyStatus ? { journeyStatus: extra.journeyStatus } : {} }
});
var withEtag = (r, version) => ({ ...r, etag: typeof version === "number" ? `"${version}"` : void 0 });

// server/operations/schemas/schema-ref.ts
var ref = (name) => ({ $ref: `#/components/schemas/${name}` });
var entitySchemaName = (app, entity, kind) => `${app.id}.${entity.name}.${kind}`;
var entityRef = (app, entity, kind) => ref(entitySchemaName(app, entity, kind));

// server/operations/schemas/envelope.ts
function envelope(data, entity) {
  const journey = entity?.workflow?.isJourney === true;
  return {
    type: "object",
    additionalProperties: false,
    required: ["success", "data"],
    properties: { success: { const: true }, message: { type: "string" }, data, ...journey ? { journeyStatus: ref("JourneyStatus") } : {} }
  };
}

// server/operations/changes-approve.ts
var changesApprove = {
  name: "changes.approve",
  method: "POST",
  genericPath: "/v1/apps/{app}/changes/{id}/approve",
  summary: () => "Approve a change set as it is now (maker-checker): not by whoever opened or edited it; an edit afterwards needs a new approval",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => APPROVE_BODY_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref("ChangeSet")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  // Only apps whose roles may approve offer it.
  servedFor: (app) => Object.values(app.roles).some((r) => r.definitions?.approve === true),
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.approve(call.app, actor, need(call.id, "id"), req.body), { message: "Approved" });
  }
};

// server/operations/definitions-managed.ts
var definitionsManaged = (app) => Object.values(app.roles).some((r) => Boolean(r.definitions?.edit || r.definitions?.publish));

// server/operations/changes-open.ts
var changesOpen = {
  name: "changes.open",
  method: "POST",
  genericPath: "/v1/apps/{app}/changes",
  summary: () => "Open a change set on the live release: edit definitions in it, then publish them together",
  auth: "bearer",
  body: () => ({ type: "object", additionalProperties: false, required: ["title"], properties: { title: { type: "string", minLength: 1, maxLength: 200 } } }),
  response: () => ({ status: 201, schema: envelope(ref("ChangeSet")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.open(call.app, actor, req.body), { message: "Change set opened" }, 201);
  }
};

// server/operations/changes-list.ts
var changesList = {
  name: "changes.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/changes",
  summary: () => "The change sets of the app by status (default open), newest first",
  auth: "bearer",
  query: () => ({ status: { type: "string", enum: ["open", "scheduled", "published", "discarded"], description: "Default open" } }),
  response: () => ({ status: 200, schema: envelope({ type: "array", maxItems: 100, items: ref("ChangeSetSummary") }) }),
  errors: ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.list(call.app, actor, req.query));
  }
};

// server/operations/changes-get.ts
var changesGet = {
  name: "changes.get",
  method: "GET",
  genericPath: "/v1/apps/{app}/changes/{id}",
  summary: () => "A change set: its definitions and the whole app\u2019s problems with it applied",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  response: () => ({ status: 200, schema: envelope(ref("ChangeSet")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.get(call.app, actor, need(call.id, "id")));
  }
};

// server/operations/changes-put.ts
var changesPut = {
  name: "changes.put",
  method: "PUT",
  genericPath: "/v1/apps/{app}/changes/{id}/definitions/{kind}/{name}",
  summary: () => "Put a whole definition (as authored: the JSON of its YAML file) into a change set; saved even with problems, which are answered",
  auth: "bearer",
  params: () => DEFINITION_PARAMS,
  body: () => ({ type: "object", required: ["kind"], properties: { kind: { type: "string" } }, description: "The definition, validated by its kind\u2019s JSON Schema (definitions/_schema/) when the app is checked" }),
  response: () => ({ status: 200, schema: envelope(ref("ChangeSet")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const p = call.params ?? {};
    return ok(await engine.changes.put(call.app, actor, need(call.id, "id"), need(p.kind, "kind"), need(p.name, "name"), req.body), { message: "Saved" });
  }
};

// server/operations/changes-remove.ts
var changesRemove = {
  name: "changes.remove",
  method: "DELETE",
  genericPath: "/v1/apps/{app}/changes/{id}/definitions/{kind}/{name}",
  summary: () => "Remove a definition in a change set (publishing removes it from the app)",
  auth: "bearer",
  params: () => DEFINITION_PARAMS,
  response: () => ({ status: 200, schema: envelope(ref("ChangeSet")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const p = call.params ?? {};
    return ok(await engine.changes.remove(call.app, actor, need(call.id, "id"), need(p.kind, "kind"), need(p.name, "name")), { message: "Removed in the change set" });
  }
};

// server/operations/changes-publish.ts
init_engine();
var changesPublish = {
  name: "changes.publish",
  method: "POST",
  genericPath: "/v1/apps/{app}/changes/{id}/publish",
  summary: () => "Publish a change set as the next release, live in every process at once; refused (422) while the app has problems with it, (409) when one of its definitions was released by someone else since, or when it removes workflow states that records are in and `mappings` does not say where they go",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => PUBLISH_BODY_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref("Release")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT", "RULE_INVALID"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.publish(call.app, actor, need(call.id, "id"), req.body), { message: "Published" });
  }
};

// server/operations/changes-discard.ts
var changesDiscard = {
  name: "changes.discard",
  method: "POST",
  genericPath: "/v1/apps/{app}/changes/{id}/discard",
  summary: () => "Discard an open change set (kept, with its history, as discarded)",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  response: () => ({ status: 200, schema: envelope(ref("ChangeSet")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.discard(call.app, actor, need(call.id, "id")), { message: "Discarded" });
  }
};

// server/operations/changes-simulate.ts
init_engine();
var changesSimulate = {
  name: "changes.simulate",
  method: "POST",
  genericPath: "/v1/apps/{app}/changes/{id}/simulate",
  summary: () => "Simulate against an open change set\u2019s candidate (the live release with its definitions applied), writing nothing; refused (422) while the app has problems with it",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => SIMULATION_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("Simulation")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT", "RULE_INVALID"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.simulate(call.app, actor, need(call.id, "id"), req.body));
  }
};

// server/operations/changes-tests.ts
var changesTests = {
  name: "changes.tests",
  method: "GET",
  genericPath: "/v1/apps/{app}/changes/{id}/tests",
  summary: () => "The app\u2019s saved test cases run against an open change set\u2019s candidate (publishing needs them all to pass), and every workflow move with the cases that ask for it and those none does",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  response: () => ({ status: 200, schema: envelope(ref("TestRun")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT", "RULE_INVALID"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.tests(call.app, actor, need(call.id, "id")));
  }
};

// server/operations/releases-list.ts
var releasesList = {
  name: "releases.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/releases",
  summary: () => "The releases of the app, newest (live) first: who, when, from what (files, an admin, a rollback), and the version of each definition",
  auth: "bearer",
  response: () => ({ status: 200, schema: envelope({ type: "array", maxItems: 100, items: ref("Release") }) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.releases(call.app, actor));
  }
};

// server/operations/releases-get.ts
var releasesGet = {
  name: "releases.get",
  method: "GET",
  genericPath: "/v1/apps/{app}/releases/{number}",
  summary: () => "One release with the authored content of each of its definitions",
  auth: "bearer",
  params: () => ({ number: RELEASE_NUMBER }),
  response: () => ({ status: 200, schema: envelope(ref("Release")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.release(call.app, actor, need(call.params?.number, "number")));
  }
};

// server/operations/releases-rollback.ts
init_engine();
var releasesRollback = {
  name: "releases.rollback",
  method: "POST",
  genericPath: "/v1/apps/{app}/releases/{number}/rollback",
  summary: () => "Roll back: a new release whose content equals release {number}, live in every process at once",
  auth: "bearer",
  params: () => ({ number: RELEASE_NUMBER }),
  body: () => ROLLBACK_BODY_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref("Release")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "RULE_INVALID", "CONFLICT"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.rollback(call.app, actor, need(call.params?.number, "number"), req.body), { message: "Rolled back" });
  }
};

// server/operations/releases-migrate.ts
init_engine();
var releasesMigrate = {
  name: "releases.migrate",
  method: "POST",
  genericPath: "/v1/apps/{app}/releases/{number}/migrate",
  summary: () => "Move the records a pinned workflow keeps on other releases onto release {number} (409 with counts while a state it lacks has no mapping)",
  auth: "bearer",
  params: () => ({ number: RELEASE_NUMBER }),
  body: () => MIGRATE_BODY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("Migration")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const report = await engine.migratePinned(call.app, actor, need(call.params?.number, "number"), req.body);
    return ok(report, { message: report.dryRun ? "Counted; nothing moved" : `${report.migrated} record(s) migrated` });
  }
};

// server/operations/releases-diff.ts
var releasesDiff = {
  name: "releases.diff",
  method: "GET",
  genericPath: "/v1/apps/{app}/releases/{number}/diff",
  summary: () => "What release {number} changed against another release (default: the one before it), per definition, in plain-language sentences",
  auth: "bearer",
  params: () => ({ number: RELEASE_NUMBER }),
  query: () => ({ against: { type: "integer", minimum: 1, description: "The release to compare with (default: {number} - 1)" } }),
  response: () => ({ status: 200, schema: envelope(ref("ReleaseDiff")) }),
  errors: ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.diff(call.app, actor, need(call.params?.number, "number"), req.query));
  }
};

// server/operations/changes-request-changes.ts
init_engine();
var changesRequestChanges = {
  name: "changes.requestChanges",
  method: "POST",
  genericPath: "/v1/apps/{app}/changes/{id}/request-changes",
  summary: () => "Ask for changes to a change set as it is now (maker-checker): publishing this content is refused until it is edited; not by whoever opened or edited it",
  auth: "bearer",
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => REQUEST_CHANGES_BODY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("ChangeSet")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  // Only apps whose roles may approve (review) offer it.
  servedFor: (app) => Object.values(app.roles).some((r) => r.definitions?.approve === true),
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.requestChanges(call.app, actor, need(call.id, "id"), req.body), { message: "Changes requested" });
  }
};

// server/operations/users-managed.ts
var usersManaged = (app) => Object.values(app.roles).some((r) => r.operations?.users === true);

// server/operations/users-list.ts
var usersList = {
  name: "users.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/users",
  summary: (t) => `The users of ${t.app.name} (oldest first, at most 500), by role and whether active`,
  auth: "bearer",
  query: () => ({ role: { type: "string", description: "Only this role" }, active: { type: "string", enum: ["true", "false"], description: "Only active or only deactivated users" } }),
  response: () => ({ status: 200, schema: envelope({ type: "array", maxItems: 500, items: ref("User") }) }),
  errors: ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND"],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.list(call.app, actor, req.query));
  }
};

// server/operations/records-sync.ts
import { Readable as Readable2 } from "node:stream";
var matches = (header, etag) => Boolean(header && header.split(",").some((t) => t.trim() === etag || t.trim() === "*" || t.trim() === `W/${etag}`));
var recordsSync = {
  name: "records.sync",
  method: "GET",
  genericPath: "/v1/apps/{app}/sync",
  summary: (t) => `Everything ${t.app.name} syncs (${t.app.definition.sync?.entities.join(", ")}) that the caller may read, within their scope, in one streamed response; If-None-Match with its ETag answers 304 when nothing changed`,
  auth: "bearer",
  response: () => ({ status: 200, schema: envelope(ref("SyncBundle")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => Boolean(app.definition.sync?.entities.length),
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const bundle = await engine.sync(call.app, actor);
    const base = { etag: bundle.etag, body: { success: true, data: null } };
    if (matches(req.header("if-none-match"), bundle.etag)) return { ...base, status: 304 };
    return { ...base, status: 200, json: Readable2.from(bundle.chunks()) };
  }
};

// server/operations/users-create.ts
init_engine();
var usersCreate = {
  name: "users.create",
  method: "POST",
  genericPath: "/v1/apps/{app}/users",
  summary: (t) => `Add a user to ${t.app.name}: a role, an email or a phone to sign in with, scope attributes (audited; the password is stored hashed)`,
  auth: "bearer",
  body: () => CREATE_USER_SCHEMA,
  response: () => ({ status: 201, schema: envelope(ref("User")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND", "DUPLICATE"],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.create(call.app, actor, req.body), { message: "User created" }, 201);
  }
};

// server/operations/user-params.ts
var USER_ID = { type: "string", format: "uuid", description: "The user" };

// server/operations/users-get.ts
var usersGet = {
  name: "users.get",
  method: "GET",
  genericPath: "/v1/apps/{app}/users/{id}",
  summary: () => "One user",
  auth: "bearer",
  params: () => ({ id: USER_ID }),
  response: () => ({ status: 200, schema: envelope(ref("User")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.get(call.app, actor, need(call.id, "id")));
  }
};

// server/operations/users-update.ts
init_engine();
var usersUpdate = {
  name: "users.update",
  method: "PATCH",
  genericPath: "/v1/apps/{app}/users/{id}",
  summary: () => "Change a user: role, contacts, display name, scope attributes, password, active (deactivating revokes every refresh token at once)",
  auth: "bearer",
  params: () => ({ id: USER_ID }),
  body: () => UPDATE_USER_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("User")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "DUPLICATE", "CONFLICT"],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.update(call.app, actor, need(call.id, "id"), req.body), { message: "User updated" });
  }
};

// server/operations/users-deactivate.ts
var usersDeactivate = {
  name: "users.deactivate",
  method: "POST",
  genericPath: "/v1/apps/{app}/users/{id}/deactivate",
  summary: () => "Deactivate a user: they can no longer sign in, and every refresh token they hold stops working at once",
  auth: "bearer",
  params: () => ({ id: USER_ID }),
  response: () => ({ status: 200, schema: envelope(ref("User")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.deactivate(call.app, actor, need(call.id, "id")), { message: "User deactivated" });
  }
};

// server/operations/registrations-otp.ts
init_engine();
var registrationsOtp = {
  name: "registrations.otp",
  method: "POST",
  genericPath: "/v1/apps/{app}/registrations/otp",
  summary: (t) => `Send a code to the phone someone registering for ${t.app.name} gives (it proves the phone; it signs no one in). Limited per phone by the OTP policy and per app per hour`,
  auth: "public",
  body: () => REGISTRATION_OTP_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("IssuedOtp")) }),
  errors: ["VALIDATION_FAILED", "NOT_FOUND", "LOCKED", "RATE_LIMITED", "APP_NOT_FOUND"],
  servedFor: (app) => app.definition.registration?.otp !== void 0,
  handler: async (engine, req, call) => ok(await engine.registrations.requestCode(call.app, req.body), { message: "OTP sent" })
};

// server/operations/registrations-create.ts
init_engine();

// server/operations/registrations-served.ts
var registrationsServed = (app) => app.definition.registration !== void 0;

// server/operations/registrations-create.ts
var registrationsCreate = {
  name: "registrations.create",
  method: "POST",
  genericPath: "/v1/apps/{app}/registrations",
  summary: (t) => `Register for an account of ${t.app.name}: a pending user who cannot sign in until an approver approves them${t.app.definition.registration?.otp ? " (the phone proven by the code sent to it)" : ""}. A taken email or phone is answered the same way, and stores nothing`,
  auth: "public",
  body: () => REGISTRATION_SCHEMA,
  response: () => ({ status: 202, schema: envelope(ref("RegistrationReceived")) }),
  errors: ["VALIDATION_FAILED", "NOT_FOUND", "OTP_INVALID", "OTP_EXPIRED", "OTP_USED", "LOCKED", "RATE_LIMITED", "APP_NOT_FOUND"],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => ok(await engine.registrations.register(call.app, req.body), { message: "Registration received: an approver will review it" }, 202)
};

// server/operations/registrations-list.ts
var registrationsList = {
  name: "registrations.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/registrations",
  summary: (t) => `Registrations to ${t.app.name} awaiting a decision (or the rejected ones), oldest first, at most 500; for the roles that decide them`,
  auth: "bearer",
  query: () => ({ status: { type: "string", enum: ["pending", "rejected"], description: "pending (default) or rejected" } }),
  response: () => ({ status: 200, schema: envelope({ type: "array", maxItems: 500, items: ref("User") }) }),
  errors: ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.registrations.list(call.app, actor, req.query));
  }
};

// server/operations/registrations-approve.ts
init_engine();
var registrationsApprove = {
  name: "registrations.approve",
  method: "POST",
  genericPath: "/v1/apps/{app}/registrations/{id}/approve",
  summary: () => "Approve a pending registration: the user becomes active with the role they asked for, and is told so when the app declares a message (audited)",
  auth: "bearer",
  params: () => ({ id: USER_ID }),
  body: () => APPROVE_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref("User")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.registrations.approve(call.app, actor, need(call.id, "id"), req.body), { message: "Registration approved" });
  }
};

// server/operations/registrations-reject.ts
init_engine();
var registrationsReject = {
  name: "registrations.reject",
  method: "POST",
  genericPath: "/v1/apps/{app}/registrations/{id}/reject",
  summary: () => "Reject a pending registration with a reason: the user never signs in, and their email and phone stay taken (audited)",
  auth: "bearer",
  params: () => ({ id: USER_ID }),
  body: () => REJECT_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("User")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.registrations.reject(call.app, actor, need(call.id, "id"), req.body), { message: "Registration rejected" });
  }
};

// server/operations/apps-tests.ts
var appsTests = {
  name: "apps.tests",
  method: "GET",
  genericPath: "/v1/apps/{app}/tests",
  summary: () => "The app\u2019s saved test cases run against the live release, and every workflow move with the cases that ask for it and those none does",
  auth: "bearer",
  response: () => ({ status: 200, schema: envelope(ref("TestRun")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.tests(call.app, actor));
  }
};

// server/operations/apps-simulate.ts
init_engine();
var appsSimulate = {
  name: "apps.simulate",
  method: "POST",
  genericPath: "/v1/apps/{app}/simulate",
  summary: () => "Simulate against the live release, writing nothing: a move of a record given as data (allowed or not and why, its guards, its planned effects), a template rendered, promotions explained over a cart, an OTP policy in sentences",
  auth: "bearer",
  body: () => SIMULATION_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("Simulation")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND"],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.simulate(call.app, actor, req.body));
  }
};

// server/operations/auth-login.ts
init_engine();
var authLogin = {
  name: "auth.login",
  method: "POST",
  genericPath: "/v1/apps/{app}/auth/login",
  summary: (t) => t.app.definition.auth?.otp ? `Log in to ${t.app.name} with email and password, or with a phone and the code sent to it by SMS (then with a refresh token)` : `Log in to ${t.app.name} with email and password`,
  auth: "public",
  body: (t) => t.app.definition.auth?.otp ? { oneOf: [LOGIN_BODY_SCHEMA, PHONE_LOGIN_SCHEMA] } : LOGIN_BODY_SCHEMA,
  response: (t) => ({ status: 200, schema: envelope(t.app.definition.auth?.otp ? { oneOf: [ref("LoginResult"), ref("SessionTokens")] } : ref("LoginResult")) }),
  errors: ["VALIDATION_FAILED", "INVALID_CREDENTIALS", "OTP_INVALID", "OTP_EXPIRED", "OTP_USED", "LOCKED", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => app.passwordLogin,
  handler: async (engine, req, call) => ok(await engine.auth.login(call.app, req.body), { message: "Logged in" })
};

// server/operations/refresh-token-body.ts
var refreshTokenBody = () => ({
  type: "object",
  properties: { refreshToken: { type: "string", description: "Leave out when the rp_refresh cookie carries it (web)" } }
});

// server/operations/otp-sign-in.ts
var otpSignIn = (app) => Boolean(app.definition.auth?.otp);

// server/operations/auth-logout.ts
var authLogout = {
  name: "auth.logout",
  method: "POST",
  genericPath: "/v1/apps/{app}/auth/logout",
  summary: () => "Revoke the refresh token and its family (and clear the session cookies)",
  auth: "public",
  body: refreshTokenBody,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope({ type: "null" }) }),
  errors: ["UNAUTHENTICATED", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: otpSignIn,
  handler: async (engine, req, call, res) => {
    const app = appOf(engine, call);
    await engine.otpLogin.logout(app, presentedRefreshToken(req));
    clearSession(res, app.basePath);
    return ok(null, { message: "Signed out" });
  }
};

// server/operations/auth-otp-request.ts
init_engine();
var authOtpRequest = {
  name: "auth.otpRequest",
  method: "POST",
  genericPath: "/v1/apps/{app}/auth/otp/request",
  summary: () => "Send a sign-in code to the phone (and email) of a user",
  auth: "public",
  body: () => OTP_REQUEST_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("IssuedOtp")) }),
  errors: ["VALIDATION_FAILED", "NOT_FOUND", "LOCKED", "RATE_LIMITED", "APP_NOT_FOUND"],
  servedFor: otpSignIn,
  handler: async (engine, req, call) => ok(await engine.otpLogin.request(appOf(engine, call), req.body), { message: "OTP sent" })
};

// server/operations/auth-otp-verify.ts
init_engine();

// server/operations/session-answer.ts
var sessionAnswer = () => ({ status: 200, schema: envelope({ oneOf: [ref("SessionTokens"), ref("CookieSession")] }) });

// server/operations/auth-otp-verify.ts
var authOtpVerify = {
  name: "auth.otpVerify",
  method: "POST",
  genericPath: "/v1/apps/{app}/auth/otp/verify",
  summary: () => "Exchange the code for access and refresh tokens (X-Client-Type: web sets cookies instead)",
  auth: "public",
  body: () => OTP_VERIFY_SCHEMA,
  response: sessionAnswer,
  errors: ["VALIDATION_FAILED", "OTP_INVALID", "OTP_EXPIRED", "OTP_USED", "LOCKED", "UNAUTHENTICATED", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: otpSignIn,
  handler: async (engine, req, call, res) => {
    const app = appOf(engine, call);
    return ok(deliverSession(req, res, await engine.otpLogin.verify(app, req.body), app.basePath), { message: "Signed in" });
  }
};

// server/operations/auth-refresh.ts
var authRefresh = {
  name: "auth.refresh",
  method: "POST",
  genericPath: "/v1/apps/{app}/auth/refresh",
  summary: () => "Rotate the refresh token and get a new access token",
  auth: "public",
  body: refreshTokenBody,
  bodyOptional: () => true,
  response: sessionAnswer,
  errors: ["UNAUTHENTICATED", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: otpSignIn,
  handler: async (engine, req, call, res) => {
    const app = appOf(engine, call);
    return ok(deliverSession(req, res, await engine.otpLogin.refresh(app, presentedRefreshToken(req)), app.basePath), { message: "Token refreshed" });
  }
};

// server/operations/import-params.ts
var importName = (call) => need(call.params?.import ?? call.params?.entity, "import");
var importParams = (t) => {
  const name = { type: "string", enum: [...t.app.imports.keys()], description: "The CSV import" };
  return { import: name, entity: name };
};
var importJobParams = () => ({ id: { type: "string", format: "uuid", description: "The import job" } });

// server/operations/imports-errors.ts
var importsErrors = {
  name: "imports.errors",
  method: "GET",
  genericPath: "/v1/apps/{app}/import-jobs/{id}/errors",
  summary: () => "The error report of an import (CSV: row, column, message)",
  auth: "bearer",
  params: importJobParams,
  response: () => ({ status: 200, contentType: "text/csv", schema: { type: "string", description: "CSV with the columns row, column, message" } }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const id = need(call.id, "id");
    const stream3 = await engine.imports.errorReport(call.app, actor, id);
    return { status: 200, body: { success: true, data: null }, file: { contentType: "text/csv; charset=utf-8", name: `import-${id}-errors.csv`, stream: stream3 } };
  }
};

// server/operations/imports-register.ts
var importsRegister = {
  name: "imports.register",
  method: "POST",
  genericPath: "/v1/apps/{app}/imports/{import}/register",
  summary: () => "Register an uploaded CSV file: it is imported in the background",
  auth: "bearer",
  params: importParams,
  body: () => ({ type: "object", additionalProperties: false, required: ["blobName"], properties: { blobName: { type: "string", minLength: 1, maxLength: 200 } } }),
  response: () => ({ status: 202, schema: envelope(ref("ImportJob")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.imports.register(call.app, importName(call), actor, req.body), { message: "Import queued" }, 202);
  }
};

// server/operations/imports-status.ts
var importsStatus = {
  name: "imports.status",
  method: "GET",
  genericPath: "/v1/apps/{app}/import-jobs/{id}",
  summary: () => "Progress of an import: rows done, total, percent, status",
  auth: "bearer",
  params: importJobParams,
  response: () => ({ status: 200, schema: envelope(ref("ImportJob")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.imports.status(call.app, actor, need(call.id, "id")));
  }
};

// server/operations/imports-upload-url.ts
var importsUploadUrl = {
  name: "imports.uploadUrl",
  method: "GET",
  genericPath: "/v1/apps/{app}/imports/{import}/upload-url",
  summary: () => "A signed, expiring URL to PUT a CSV file to (then register it)",
  auth: "bearer",
  params: importParams,
  response: () => ({ status: 200, schema: envelope(ref("UploadUrl")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const r = await engine.imports.uploadUrl(call.app, importName(call), actor);
    const base = req.app.locals.publicUrl ?? `${req.protocol}://${req.get("host")}`;
    return ok({ ...r, uploadUrl: `${base}${r.uploadPath}` });
  }
};

// server/operations/otp-request.ts
init_engine();

// server/operations/record-params.ts
var RECORD_ID = { type: "string", format: "uuid", description: "The record id" };
var recordIdParam = () => ({ id: RECORD_ID });

// server/operations/record-otp-policies.ts
function recordOtpPolicies(app, entity) {
  return [...app.otpPolicies.values()].filter((p) => p.record && p.record.entity === entity?.name).map((p) => p.name);
}

// server/operations/otp-request.ts
var otpRequest = {
  name: "otp.request",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/otp/{policy}/request",
  summary: (t) => `Send a verification code about a ${t.entity.label} to a customer's phone or email`,
  auth: "actor-or-public",
  params: (t) => ({ id: RECORD_ID, policy: { type: "string", enum: recordOtpPolicies(t.app, t.entity) } }),
  body: () => RECORD_OTP_REQUEST_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("IssuedOtp")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RECORD_NOT_FOUND", "ENTITY_NOT_FOUND", "APP_NOT_FOUND", "INVALID_TRANSITION", "LOCKED", "RATE_LIMITED"],
  servedFor: (app, entity) => recordOtpPolicies(app, entity).length > 0,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const policy = need(call.params?.policy ?? call.route?.policy, "policy");
    return ok(await engine.recordOtp.request(appOf(engine, call), policy, call.entity, need(call.id, "id"), actor, req.body), { message: "OTP sent" });
  }
};

// server/operations/otp-verify.ts
init_engine();
var otpVerify = {
  name: "otp.verify",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/otp/{policy}/verify",
  summary: (t) => `Check a customer's code about a ${t.entity.label}; answers a verification token`,
  auth: "actor-or-public",
  params: (t) => ({ id: RECORD_ID, policy: { type: "string", enum: recordOtpPolicies(t.app, t.entity) } }),
  body: () => OTP_VERIFY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref("Verification")) }),
  errors: [
    "VALIDATION_FAILED",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "RECORD_NOT_FOUND",
    "ENTITY_NOT_FOUND",
    "APP_NOT_FOUND",
    "INVALID_TRANSITION",
    "OTP_INVALID",
    "OTP_EXPIRED",
    "OTP_USED",
    "LOCKED"
  ],
  servedFor: (app, entity) => recordOtpPolicies(app, entity).length > 0,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const policy = need(call.params?.policy ?? call.route?.policy, "policy");
    return ok(await engine.recordOtp.verify(appOf(engine, call), policy, call.entity, need(call.id, "id"), actor, req.body), { message: "Verified" });
  }
};

// server/operations/outbox-managed.ts
var outboxManaged = (app) => Object.values(app.roles).some((r) => r.operations?.outbox === true);

// server/operations/outbox-list.ts
var outboxList = {
  name: "outbox.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/outbox",
  summary: () => "Messages of the outbox by status (default dead: undelivered after every attempt), newest first",
  auth: "bearer",
  query: () => ({ status: { type: "string", enum: ["dead", "pending", "sent"], description: "Default dead" } }),
  response: () => ({ status: 200, schema: envelope({ type: "array", maxItems: 200, items: ref("OutboxMessage") }) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "APP_NOT_FOUND"],
  servedFor: outboxManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.outboxAdmin.list(call.app, actor, req.query));
  }
};

// server/operations/outbox-retry.ts
var outboxRetry = {
  name: "outbox.retry",
  method: "POST",
  genericPath: "/v1/apps/{app}/outbox/{id}/retry",
  summary: () => "Put a dead message back in line with a fresh attempt budget (same idempotency key: never a second message)",
  auth: "bearer",
  params: () => ({ id: { type: "string", format: "uuid", description: "The outbox message" } }),
  response: () => ({ status: 200, schema: envelope(ref("OutboxRetry")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND", "CONFLICT"],
  servedFor: outboxManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.outboxAdmin.retry(call.app, actor, need(call.id, "id")), { message: "Queued for another attempt" });
  }
};

// server/operations/schemas/entity-schemas.ts
init_engine();

// server/operations/schemas/public-schema.ts
var SCHEMA_MAPS = ["properties", "patternProperties", "$defs"];
var SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
var SCHEMAS = ["items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"];
function publicSchema(schema2) {
  const out = {};
  const notes = [];
  for (const [key2, value] of Object.entries(schema2)) {
    if (key2 === "label") out.title = value;
    else if (key2 === "errorCode") notes.push(`Invalid values answer the error code ${String(value)}.`);
    else if (key2 === "immutable") notes.push(value ? "Set at creation; never changed afterwards." : "");
    else if (key2 === "editableIn") notes.push(`Can be changed only while the record is in: ${value.join(", ")}.`);
    else if (SCHEMA_MAPS.includes(key2)) out[key2] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, publicSchema(v)]));
    else if (SCHEMA_LISTS.includes(key2)) out[key2] = value.map(publicSchema);
    else if (SCHEMAS.includes(key2) && value !== null && typeof value === "object") out[key2] = publicSchema(value);
    else out[key2] = value;
  }
  const description = [out.description, ...notes].filter(Boolean).join(" ");
  if (description) out.description = description;
  return out;
}

// server/operations/schemas/entity-schemas.ts
var pricingOf = (app, entity) => [...app.rulesets.values()].find((rs) => rs.pricing?.entity === entity.name)?.pricing;
function computedFields(app, entity) {
  return new Set(Object.values(pricingOf(app, entity)?.amounts ?? {}));
}
function filledOnCreate(entity) {
  const set2 = (entity.workflow?.onCreate ?? []).flatMap((e) => "set" in e ? Object.keys(e.set) : []);
  const copied = Object.keys(entity.definition.proof?.copy ?? {});
  return /* @__PURE__ */ new Set([...entity.scopeFields, ...set2, ...copied]);
}
var propertiesOf = (schema2) => schema2.properties;
function createBody(app, entity) {
  const computed = computedFields(app, entity);
  const filled = filledOnCreate(entity);
  const properties = Object.fromEntries(Object.entries(propertiesOf(entity.createSchema)).filter(([k]) => !computed.has(k)).map(([k, v]) => [k, publicSchema(v)]));
  for (const k of filled) {
    if (properties[k]) properties[k] = { ...properties[k], description: [properties[k].description, "Filled by the server when left out (your scope, or the verification)."].filter(Boolean).join(" ") };
  }
  const required = (entity.createSchema.required ?? []).filter((k) => !computed.has(k) && !filled.has(k));
  const pricing = pricingOf(app, entity);
  if (pricing && properties[pricing.itemsField]) {
    const { title, description } = properties[pricing.itemsField];
    properties[pricing.itemsField] = { ...EVALUATE_BODY_SCHEMA.properties.items, ...title ? { title } : {}, ...description ? { description } : {} };
  }
  const proof = entity.definition.proof;
  if (proof) {
    properties[proof.tokenField] = { type: "string", minLength: 1, description: `The verificationToken of a verified record OTP for the ${proof.recordField} record` };
    required.push(proof.tokenField);
  }
  return { type: "object", additionalProperties: false, required, properties };
}
function patchBody(entity, stateField = entity.workflow?.field) {
  const changeable = Object.entries(propertiesOf(entity.patchSchema)).filter(([k]) => entity.fields[k]?.immutable !== true);
  const properties = Object.fromEntries(changeable.map(([k, v]) => [k, publicSchema(v)]));
  const wf = entity.workflow;
  if (wf && stateField) {
    const steer = { override: { type: "boolean", description: "With the state: an override by a role that may" }, remarks: { type: "string", maxLength: 2e3, description: "With the state: kept in the timeline" } };
    for (const [k, v] of Object.entries(steer)) properties[k] ??= v;
    properties[stateField] = { type: "string", enum: Object.keys(wf.states), description: "Move to this state with the fields, in one write" };
  }
  return { type: "object", additionalProperties: false, minProperties: 1, properties };
}
function record(app, entity) {
  const computed = computedFields(app, entity);
  const wf = entity.workflow;
  const properties = { id: { type: "string", format: "uuid" } };
  for (const [k, v] of Object.entries(propertiesOf(entity.createSchema))) {
    properties[k] = computed.has(k) ? { ...publicSchema(v), readOnly: true, description: "Computed by the server at creation" } : publicSchema(v);
  }
  if (wf) properties[wf.field] = { type: "string", enum: Object.keys(wf.states), description: `The ${wf.name} state` };
  Object.assign(properties, {
    version: { type: "integer", minimum: 1, description: "Send it back as If-Match to change this version only" },
    createdBy: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" }
  });
  if (wf) {
    properties.allowedEvents = { type: "array", items: { type: "string", enum: [...wf.events] }, description: "The events you may fire now (a read, or after a move)" };
    properties.transition = { $ref: "#/components/schemas/Transition", description: "The move just made" };
  }
  const blind = Object.values(app.roles).some((r) => {
    const p = r.permissions?.[entity.name];
    return p !== void 0 && !p.read && Boolean(p.create || p.update || p.transition);
  });
  const required = ["id", ...wf ? [wf.field] : [], "version", ...blind ? [] : ["createdBy", "createdAt", "updatedAt"]];
  return { type: "object", required, properties, ...blind ? { description: "A role that may not read these records gets only id, state and version" } : {} };
}
function entitySchemas(app, entity) {
  return { record: record(app, entity), create: createBody(app, entity), patch: patchBody(entity) };
}

// server/operations/record-answer.ts
var SYSTEM = { id: { type: "string", format: "uuid" }, version: { type: "integer" } };
function templateValue(app, entity, template) {
  const m = /^\{\{\s*record\.([A-Za-z0-9_]+)\s*\}\}$/.exec(template);
  const field = m ? SYSTEM[m[1]] ?? entitySchemas(app, entity).record.properties[m[1]] : void 0;
  const { readOnly: _r, description: _d, ...schema2 } = field ?? { type: "string" };
  return { anyOf: [schema2, { type: "null" }] };
}
function shapedRecord(app, entity, alias) {
  const template = alias?.response;
  if (!template) return entityRef(app, entity, "record");
  const properties = Object.fromEntries(Object.entries(template).map(([k, v]) => [k, templateValue(app, entity, v)]));
  return { type: "object", additionalProperties: false, required: Object.keys(template), properties };
}
function recordAnswer(t, status, shaped = false) {
  const entity = t.entity;
  const data = shaped ? shapedRecord(t.app, entity, t.alias) : entityRef(t.app, entity, "record");
  return { status, schema: envelope(data, entity), etag: true };
}

// server/operations/shape-response.ts
init_engine();
function shapeResponse(call, data) {
  const template = call.route?.response;
  if (!template) return data;
  return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, resolveValue(v, { record: data, actor: {}, input: {}, now: "" }) ?? null]));
}

// server/operations/some-role-may.ts
function someRoleMay(app, entity, action) {
  if (!entity) return false;
  return Object.values(app.roles).some((role) => Boolean(role.permissions?.[entity.name]?.[action]));
}

// server/operations/records-create.ts
var recordsCreate = {
  name: "records.create",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}",
  summary: (t) => `Create a ${t.entity.label}`,
  auth: "actor-or-public",
  permission: "create",
  body: (t) => entityRef(t.app, t.entity, "create"),
  // A seed endpoint with its own answer shape keeps the seed's status code too (eKYC signup: 200).
  response: (t) => recordAnswer(t, t.alias?.response ? 200 : 201, true),
  errors: [
    "VALIDATION_FAILED",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "ENTITY_NOT_FOUND",
    "APP_NOT_FOUND",
    "RECORD_NOT_FOUND",
    "DUPLICATE",
    "DUPLICATE_REQUEST",
    "CONFLICT",
    "DUPLICATE_IN_WINDOW",
    "IDEMPOTENCY_MISMATCH",
    "INVALID_TRANSITION",
    "PROMOTION_NOT_APPLICABLE",
    "RULE_INVALID",
    "LOCKED",
    "RATE_LIMITED"
  ],
  servedFor: (app, entity) => someRoleMay(app, entity, "create"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "create");
    const r = await engine.records.create(target(call), actor, req.body);
    return withEtag(ok(shapeResponse(call, r.data), { message: `${label(engine, call)} created`, journeyStatus: r.journeyStatus }, call.route?.response ? 200 : 201), r.data.version);
  }
};

// server/operations/records-delete.ts
var recordsDelete = {
  name: "records.delete",
  method: "DELETE",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}",
  summary: (t) => `Delete a ${t.entity.label} (its unique values become free)`,
  auth: "actor-or-public",
  permission: "delete",
  params: recordIdParam,
  ifMatch: true,
  response: () => ({ status: 200, schema: envelope(ref("DeletedRecord")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "RECORD_NOT_FOUND", "ENTITY_NOT_FOUND", "APP_NOT_FOUND", "VERSION_MISMATCH", "CONFLICT"],
  servedFor: (app, entity) => someRoleMay(app, entity, "delete"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "delete");
    return ok(await engine.records.remove(target(call), actor, need(call.id, "id"), ifMatch(req)), { message: `${label(engine, call)} deleted` });
  }
};

// server/operations/records-document.ts
init_engine();
var FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
var recordsDocument = {
  name: "records.document",
  method: "GET",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/documents/{field}",
  summary: (t) => `The PDF stored for a ${t.entity.label} (a render effect's document), as a download; a store that signs its own URLs answers 302 to one`,
  auth: "actor-or-public",
  permission: "read",
  params: (t) => ({
    id: RECORD_ID,
    ...t.alias?.targetField ? {} : { field: { type: "string", enum: documentFieldsOf(t.entity), description: "The record field holding the stored document" } }
  }),
  response: () => ({ status: 200, contentType: "application/pdf", schema: { type: "string", format: "binary", description: "The PDF as it was stored, never re-rendered" } }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RECORD_NOT_FOUND", "ENTITY_NOT_FOUND", "APP_NOT_FOUND", "VALIDATION_FAILED", "UNAVAILABLE"],
  servedFor: (app, entity) => documentFieldsOf(entity).length > 0 && someRoleMay(app, entity, "read"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const field = call.params?.field ?? call.route?.targetField;
    if (field === void 0) throw new AppError("NOT_FOUND", "Missing field");
    if (!FIELD_NAME.test(field)) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: "$.field", message: "Must be a field name" }] });
    const doc = await engine.records.document(target(call), actor, need(call.id, "id"), field);
    if ("redirect" in doc) return { status: 302, body: { success: true, data: null }, redirect: doc.redirect };
    return { status: 200, body: { success: true, data: null }, file: { contentType: doc.contentType, name: doc.fileName, stream: doc.stream } };
  }
};

// server/operations/records-event.ts
init_engine();

// server/operations/move-errors.ts
var MOVE_ERRORS = [
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "RECORD_NOT_FOUND",
  "ENTITY_NOT_FOUND",
  "APP_NOT_FOUND",
  "EVENT_NOT_FOUND",
  "INVALID_TRANSITION",
  "REMARKS_REQUIRED",
  "STAGE_NOT_REACHED",
  "LIMIT_REACHED",
  "VERSION_MISMATCH",
  "CONFLICT",
  "DUPLICATE",
  "RULE_INVALID",
  "FIELD_LOCKED",
  "OTP_INVALID",
  "OTP_EXPIRED",
  "OTP_USED",
  "LOCKED"
];

// server/operations/records-event.ts
function idAndBody(req, call) {
  const body = req.body ?? {};
  const idFrom = call.route?.idFrom;
  if (!idFrom) return { id: need(call.id, "id"), body };
  const { [idFrom]: id, ...rest } = body;
  if (typeof id !== "string" || !id) throw new AppError("VALIDATION_FAILED", void 0, { details: [{ path: `$.${idFrom}`, message: `"${idFrom}" is required` }] });
  return { id, body: rest };
}
function eventBody(t) {
  const entity = t.entity;
  const input = publicSchema(entity.inputSchema);
  const idFrom = t.alias?.idFrom;
  if (!idFrom) {
    return { type: "object", additionalProperties: false, properties: { input, override: { type: "boolean" }, remarks: { type: "string", maxLength: 2e3 } } };
  }
  const codes = (entity.workflow?.transitions ?? []).filter((x) => x.event === t.alias.event && x.otp).map((x) => x.otp.field);
  return {
    type: "object",
    additionalProperties: false,
    required: [idFrom, ...new Set(codes)],
    properties: { [idFrom]: RECORD_ID, ...input.properties }
  };
}
var recordsEvent = {
  name: "records.event",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/events/{event}",
  summary: (t) => t.alias?.event ? `${t.alias.event} (a ${t.entity.workflow.name} move of a ${t.entity.label})` : `Fire a workflow event on a ${t.entity.label}`,
  auth: "actor-or-public",
  permission: "transition",
  params: (t) => ({ id: RECORD_ID, event: { type: "string", enum: [...t.entity.workflow?.events ?? []] } }),
  ifMatch: true,
  body: eventBody,
  // A move without input needs no body (PUT /promotions/{id}/activate); a flat seed body carries the id.
  bodyOptional: (t) => !t.alias?.idFrom,
  response: (t) => recordAnswer(t, 200, true),
  errors: MOVE_ERRORS,
  servedFor: (app, entity) => Boolean(entity?.workflow) && someRoleMay(app, entity, "transition"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "transition");
    const { id, body } = idAndBody(req, call);
    let eventBody2 = body;
    if (call.route?.idFrom) eventBody2 = { input: body };
    const r = await engine.transitions.fire(target(call), actor, id, need(call.event, "event"), eventBody2, ifMatch(req), call.route?.idFrom ? "$" : "$.input");
    return withEtag(ok(shapeResponse(call, r.data), { message: "Status updated", journeyStatus: r.journeyStatus }), r.data.version);
  }
};

// server/operations/records-get.ts
var recordsGet = {
  name: "records.get",
  method: "GET",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}",
  summary: (t) => `Get a ${t.entity.label}${t.entity.workflow ? " with the events you may fire" : ""}`,
  auth: "actor-or-public",
  permission: "read",
  params: recordIdParam,
  response: (t) => recordAnswer(t, 200),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "RECORD_NOT_FOUND", "ENTITY_NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app, entity) => someRoleMay(app, entity, "read"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const r = await engine.records.get(target(call), actor, need(call.id, "id"));
    return withEtag(ok(r.data, { journeyStatus: r.journeyStatus }), r.data.version);
  }
};

// server/operations/records-list.ts
function listQuery(entity) {
  const filters = [...entity.filterable, ...entity.workflow ? [entity.workflow.field] : []];
  return {
    ...Object.fromEntries(filters.map((f) => [f, { type: "array", items: { type: "string" }, minItems: 1, maxItems: 50, description: `Records whose ${f} is one of these (repeat for OR)` }])),
    sort: { type: "string", enum: [...entity.sortable].flatMap((s) => [s, `-${s}`]), description: "A field, prefixed with - for descending (default -createdAt)" },
    limit: { type: "integer", minimum: 1, maximum: 100, description: "Default 20" },
    cursor: { type: "string", description: "nextCursor of the previous page" }
  };
}
var recordsList = {
  name: "records.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/records/{entity}",
  summary: (t) => `List ${t.entity.label} records you may see`,
  auth: "actor-or-public",
  permission: "read",
  query: (t) => listQuery(t.entity),
  response: (t) => ({
    status: 200,
    schema: envelope({
      type: "object",
      additionalProperties: false,
      required: ["items", "nextCursor"],
      properties: { items: { type: "array", items: entityRef(t.app, t.entity, "record") }, nextCursor: { type: ["string", "null"] } }
    })
  }),
  errors: ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "ENTITY_NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app, entity) => someRoleMay(app, entity, "read"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    return ok(await engine.records.list(target(call), actor, req.query));
  }
};

// server/operations/records-move-to.ts
function moveBody(t) {
  const entity = t.entity;
  const field = t.alias?.targetField ?? "state";
  const input = publicSchema(entity.inputSchema).properties;
  return {
    type: "object",
    additionalProperties: false,
    required: [field],
    properties: {
      [field]: { type: "string", enum: Object.keys(entity.workflow?.states ?? {}), description: "The state to move to" },
      remarks: { type: "string", maxLength: 2e3 },
      override: { type: "boolean", description: "A move outside the matrix, by a role that may override" },
      ...input
    }
  };
}
var recordsMoveTo = {
  name: "records.moveTo",
  method: "PATCH",
  summary: (t) => `Move a ${t.entity.label} to another state`,
  auth: "actor-or-public",
  permission: "transition",
  params: recordIdParam,
  ifMatch: true,
  body: moveBody,
  response: (t) => recordAnswer(t, 200),
  errors: MOVE_ERRORS,
  // No generic route: nothing to describe per app, only its aliases.
  servedFor: () => false,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "transition");
    const r = await engine.transitions.moveTo(target(call), actor, need(call.id, "id"), need(call.targetField, "targetField"), req.body, ifMatch(req));
    return withEtag(ok(r.data, { message: "Status updated", journeyStatus: r.journeyStatus }), r.data.version);
  }
};

// server/operations/records-patch.ts
var recordsPatch = {
  name: "records.patch",
  method: "PATCH",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}",
  summary: (t) => `Change fields of a ${t.entity.label}${t.entity.workflow ? " (and its state, in one write)" : ""}`,
  auth: "actor-or-public",
  permission: "update",
  params: recordIdParam,
  ifMatch: true,
  // An alias may take the new state under its own field name (targetField).
  body: (t) => {
    const wf = t.entity.workflow;
    const field = t.alias?.targetField;
    return wf && field && field !== wf.field ? patchBody(t.entity, field) : entityRef(t.app, t.entity, "patch");
  },
  response: (t) => recordAnswer(t, 200),
  errors: [
    "VALIDATION_FAILED",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "RECORD_NOT_FOUND",
    "ENTITY_NOT_FOUND",
    "APP_NOT_FOUND",
    "EVENT_NOT_FOUND",
    "DUPLICATE",
    "CONFLICT",
    "LIMIT_REACHED",
    "VERSION_MISMATCH",
    "FIELD_LOCKED",
    "RULE_INVALID",
    "INVALID_TRANSITION",
    "REMARKS_REQUIRED",
    "STAGE_NOT_REACHED"
  ],
  servedFor: (app, entity) => someRoleMay(app, entity, "update"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "update");
    const id = need(call.id, "id");
    const statusField = call.route?.targetField;
    const body = req.body;
    const r = statusField && body !== null && typeof body === "object" && statusField in body ? await engine.transitions.moveTo(target(call), actor, id, statusField, body, ifMatch(req), "fields") : await engine.records.patch(target(call), actor, id, body, ifMatch(req));
    return withEtag(ok(r.data, { message: `${label(engine, call)} updated`, journeyStatus: r.journeyStatus }), r.data.version);
  }
};

// server/operations/records-timeline.ts
var recordsTimeline = {
  name: "records.timeline",
  method: "GET",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/timeline",
  summary: (t) => `Every accepted move of a ${t.entity.label}: from, to, event, actor, role, override, remarks, at${t.entity.definition.timeline?.refused ? "; and every refused attempt, marked refused with its code and message" : ""}`,
  auth: "actor-or-public",
  permission: "read",
  params: recordIdParam,
  response: () => ({ status: 200, schema: envelope({ type: "array", items: ref("TimelineEntry") }) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "RECORD_NOT_FOUND", "ENTITY_NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app, entity) => someRoleMay(app, entity, "read"),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    return ok(await engine.records.timeline(target(call), actor, need(call.id, "id")));
  }
};

// server/operations/rules-backtest.ts
init_engine();

// server/operations/schemas/candidate-schema.ts
init_engine();
function candidatePromotionSchema(app, rulesets) {
  const shapes = /* @__PURE__ */ new Map();
  for (const rs of rulesets) {
    const entity = app.entities.get(rs.entity);
    const fields = entity.patchSchema.properties;
    const properties = Object.fromEntries(ruleFields(rs).filter((f) => fields[f]).map((f) => {
      const { editableIn: _editable, immutable: _immutable, ...field } = fields[f];
      return [f, publicSchema(field)];
    }));
    const shape = { type: "object", additionalProperties: false, properties, description: `Rule fields of a ${entity.label} (ruleset ${rs.name}); with promotionId, they replace the stored promotion's` };
    shapes.set(JSON.stringify(shape), shape);
  }
  const list3 = [...shapes.values()];
  return list3.length === 1 ? list3[0] : { anyOf: list3 };
}
function candidateBody(base, app, rulesets, required) {
  return {
    ...base,
    properties: { ...base.properties, promotion: candidatePromotionSchema(app, rulesets) },
    ...required ? { anyOf: [{ required: ["promotionId"] }, { required: ["promotion"] }] } : {}
  };
}

// server/operations/rules-backtest.ts
var priced = (app) => [...app.rulesets.values()].filter((rs) => rs.pricing);
var rulesBacktest = {
  name: "rules.backtest",
  method: "POST",
  genericPath: "/v1/apps/{app}/rules/{ruleset}/backtest",
  summary: () => "Backtest a promotion (stored, new, or edited) on the transactions of the last N days: where it would have applied, its savings, and how it would have ranked against the live promotions",
  auth: "bearer",
  params: (t) => ({ ruleset: { type: "string", enum: priced(t.app).map((rs) => rs.name) } }),
  body: (t) => candidateBody(BACKTEST_BODY_SCHEMA, t.app, priced(t.app), true),
  response: () => ({ status: 200, schema: envelope(ref("Backtest")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RECORD_NOT_FOUND", "APP_NOT_FOUND", "RULE_INVALID"],
  servedFor: (app) => priced(app).length > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, "ruleset");
    return ok(await engine.rules.backtest(call.app, ruleset, actor, req.body));
  }
};

// server/operations/rules-evaluate.ts
init_engine();
var rulesEvaluate = {
  name: "rules.evaluate",
  method: "POST",
  genericPath: "/v1/apps/{app}/rules/{ruleset}/evaluate",
  summary: () => "Evaluate live promotions for a cart at a store, highest savings first; with storeGroup (and selections), the test console",
  auth: "bearer",
  params: (t) => ({ ruleset: { type: "string", enum: [...t.app.rulesets.keys()] } }),
  body: () => ({ oneOf: [EVALUATE_BODY_SCHEMA, CONSOLE_BODY_SCHEMA] }),
  response: () => ({ status: 200, schema: envelope({ oneOf: [ref("Evaluation"), ref("ConsoleEvaluation")] }) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => app.rulesets.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, "ruleset");
    const body = req.body;
    if (body && typeof body === "object" && "storeGroup" in body) return ok(await engine.rules.console(call.app, ruleset, actor, body), { message: "Test evaluation" });
    return ok(await engine.rules.evaluate(call.app, ruleset, actor, body));
  }
};

// server/operations/rules-lint.ts
init_engine();
var rulesLint = {
  name: "rules.lint",
  method: "POST",
  genericPath: "/v1/apps/{app}/rules/{ruleset}/lint",
  summary: () => "Conflict lint of the live promotions, with a candidate (stored, new, or edited) when given: overlapping exclusive promotions, unreachable or impossible promotions, empty store groups, ended dates",
  auth: "bearer",
  params: (t) => ({ ruleset: { type: "string", enum: [...t.app.rulesets.keys()] } }),
  body: (t) => candidateBody(LINT_BODY_SCHEMA, t.app, [...t.app.rulesets.values()], false),
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref("Lint")) }),
  errors: ["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RECORD_NOT_FOUND", "APP_NOT_FOUND", "RULE_INVALID"],
  servedFor: (app) => app.rulesets.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, "ruleset");
    return ok(await engine.rules.lint(call.app, ruleset, actor, req.body));
  }
};

// server/operations/rules-groups.ts
var rulesGroups = {
  name: "rules.groups",
  method: "GET",
  genericPath: "/v1/apps/{app}/rules/{ruleset}/groups",
  summary: () => "The ruleset's store and product groups with the members they resolve to right now (a caller with a store scope sees only their own stores)",
  auth: "bearer",
  params: (t) => ({ ruleset: { type: "string", enum: [...t.app.rulesets.keys()] } }),
  response: () => ({ status: 200, schema: envelope(ref("RulesetGroups")) }),
  errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "APP_NOT_FOUND"],
  servedFor: (app) => app.rulesets.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, "ruleset");
    return ok(await engine.rules.groupMembers(call.app, ruleset, actor));
  }
};

// server/operations/file-params.ts
var slotName = (call) => need(call.route?.slot ?? call.params?.slot, "slot");
var fileIdOf2 = (call) => need(call.params?.fileId, "file id");
var slotNames = (t) => Object.keys(t.entity?.definition.files ?? {});
var slotParams = (t) => ({
  id: RECORD_ID,
  ...t.alias?.slot ? {} : { slot: { type: "string", enum: slotNames(t), description: "The attachment slot" } }
});
var fileParams = (t) => ({ ...slotParams(t), fileId: { type: "string", format: "uuid", description: "The file" } });
var hasSlots = (app, entity) => Object.keys(entity?.definition.files ?? {}).length > 0 && someRoleMay(app, entity, "read");
var FILE_ERRORS = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RECORD_NOT_FOUND", "ENTITY_NOT_FOUND", "APP_NOT_FOUND"];

// server/operations/files-upload.ts
var filesUpload = {
  name: "files.upload",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files/{slot}",
  summary: (t) => `Upload a file to a ${t.entity.label} (multipart/form-data, part "file"; "fileId" before it uploads a new version): its type is judged from its bytes (415), its size while it streams (413), the slot's limit under parallel uploads (409)`,
  auth: "actor-or-public",
  permission: "read",
  multipart: true,
  params: slotParams,
  body: () => ({
    type: "object",
    required: ["file"],
    properties: {
      fileId: { type: "string", format: "uuid", description: "A new version of this file (send it before the file part)" },
      label: { type: "string", maxLength: 120, description: "What the document is (send it before the file part)" },
      file: { type: "string", format: "binary" }
    }
  }),
  response: () => ({ status: 201, schema: envelope(ref("RecordFile")) }),
  errors: [...FILE_ERRORS, "VALIDATION_FAILED", "CONFLICT", "LIMIT_REACHED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "UNAVAILABLE"],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity.definition.files).some((s) => s.roles.upload.length > 0),
  handler: async (engine, req, call, res) => {
    const actor = await actorFor(engine, req, call, "read");
    const slot = slotName(call);
    const id = need(call.id, "id");
    const file = await withMultipartFile(
      req,
      res,
      "file",
      ["fileId", "label"],
      (part) => engine.files.upload(target(call), actor, id, slot, { fileName: part.fileName, content: part.stream, fileId: part.fields.fileId, label: part.fields.label })
    );
    return ok(file, { message: file.version > 1 ? `Version ${file.version} uploaded` : "Uploaded" }, 201);
  }
};

// server/operations/files-list.ts
var filesList = {
  name: "files.list",
  method: "GET",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files",
  summary: (t) => `The files of a ${t.entity.label} not removed (newest version of each, review status)`,
  auth: "actor-or-public",
  permission: "read",
  params: () => ({ id: RECORD_ID }),
  query: (t) => ({ slot: { type: "string", enum: Object.keys(t.entity?.definition.files ?? {}), description: "Only this slot" } }),
  response: () => ({ status: 200, schema: envelope({ type: "array", items: ref("RecordFile") }) }),
  errors: [...FILE_ERRORS, "BAD_REQUEST"],
  servedFor: hasSlots,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const slot = call.route?.slot ?? (typeof req.query.slot === "string" ? req.query.slot : void 0);
    return ok(await engine.files.list(target(call), actor, need(call.id, "id"), slot));
  }
};

// server/operations/files-get.ts
var filesGet = {
  name: "files.get",
  method: "GET",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files/{slot}/{fileId}",
  summary: (t) => `A file of a ${t.entity.label}: every version, and a short-lived URL to download the newest (or ?version=n)`,
  auth: "actor-or-public",
  permission: "read",
  params: fileParams,
  query: () => ({ version: { type: "string", pattern: "^[1-9][0-9]*$", description: "An earlier version" } }),
  response: () => ({
    status: 200,
    schema: envelope(ref("RecordFileDetail"))
  }),
  errors: [...FILE_ERRORS, "VALIDATION_FAILED", "UNAVAILABLE"],
  servedFor: hasSlots,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const version = typeof req.query.version === "string" ? req.query.version : void 0;
    const file = await engine.files.get(target(call), actor, need(call.id, "id"), slotName(call), fileIdOf2(call), version);
    const base = req.app.locals.publicUrl ?? `${req.protocol}://${req.get("host")}`;
    return ok({ ...file, download: { ...file.download, url: file.download.url.startsWith("/") ? `${base}${file.download.url}` : file.download.url } });
  }
};

// server/operations/files-review.ts
var filesReview = {
  name: "files.review",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files/{slot}/{fileId}/review",
  summary: (t) => `Review a file of a ${t.entity.label}: set its review status, with a note (reviewers the slot names)`,
  auth: "actor-or-public",
  permission: "read",
  params: fileParams,
  body: (t) => {
    const states = [...new Set(Object.values(t.entity?.definition.files ?? {}).flatMap((s) => s.review?.states ?? []))];
    return { type: "object", additionalProperties: false, required: ["status"], properties: { status: { type: "string", enum: states }, note: { type: "string", maxLength: 2e3 } } };
  },
  response: () => ({ status: 200, schema: envelope(ref("RecordFile")) }),
  errors: [...FILE_ERRORS, "VALIDATION_FAILED", "CONFLICT"],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity.definition.files).some((s) => s.review),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    return ok(await engine.files.review(target(call), actor, need(call.id, "id"), slotName(call), fileIdOf2(call), req.body), { message: "Reviewed" });
  }
};

// server/operations/files-remove.ts
var filesRemove = {
  name: "files.remove",
  method: "DELETE",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files/{slot}/{fileId}",
  summary: (t) => `Remove a file from a ${t.entity.label}: it no longer counts against the slot's limit; its versions stay in the store`,
  auth: "actor-or-public",
  permission: "read",
  params: fileParams,
  response: () => ({ status: 200, schema: envelope(ref("RecordFile")) }),
  errors: [...FILE_ERRORS, "VALIDATION_FAILED", "CONFLICT"],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity.definition.files).some((s) => s.roles.remove?.length),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    return ok(await engine.files.remove(target(call), actor, need(call.id, "id"), slotName(call), fileIdOf2(call)), { message: "Removed" });
  }
};

// server/operations/files-upload-url.ts
var filesUploadUrl = {
  name: "files.uploadUrl",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files/{slot}/upload-url",
  summary: (t) => `A signed URL to PUT a file of a ${t.entity.label} straight to the blob store (15 minutes), and the token that completes it`,
  auth: "actor-or-public",
  permission: "read",
  params: slotParams,
  body: () => ({
    type: "object",
    additionalProperties: false,
    required: ["fileName"],
    properties: { fileName: { type: "string", minLength: 1, maxLength: 200 }, fileId: { type: "string", format: "uuid", description: "A new version of this file" }, label: { type: "string", maxLength: 120 } }
  }),
  response: () => ({ status: 200, schema: envelope(ref("FileUploadTarget")) }),
  errors: [...FILE_ERRORS, "VALIDATION_FAILED", "CONFLICT", "LIMIT_REACHED"],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity.definition.files).some((s) => s.roles.upload.length > 0),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    const r = await engine.files.uploadUrl(target(call), actor, need(call.id, "id"), slotName(call), req.body);
    const base = req.app.locals.publicUrl ?? `${req.protocol}://${req.get("host")}`;
    return ok({ ...r, uploadUrl: r.uploadUrl.startsWith("/") ? `${base}${r.uploadUrl}` : r.uploadUrl });
  }
};

// server/operations/files-complete.ts
var filesComplete = {
  name: "files.complete",
  method: "POST",
  genericPath: "/v1/apps/{app}/records/{entity}/{id}/files/{slot}/complete",
  summary: (t) => `Complete a direct upload to a ${t.entity.label}: the stored bytes are judged as an upload through the API is (415, 413, 409), and a refused file is deleted`,
  auth: "actor-or-public",
  permission: "read",
  params: slotParams,
  body: () => ({ type: "object", additionalProperties: false, required: ["upload"], properties: { upload: { type: "string", minLength: 1, description: "The token the upload URL came with" } } }),
  response: () => ({ status: 201, schema: envelope(ref("RecordFile")) }),
  errors: [...FILE_ERRORS, "VALIDATION_FAILED", "CONFLICT", "LIMIT_REACHED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "UNAVAILABLE"],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity.definition.files).some((s) => s.roles.upload.length > 0),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, "read");
    return ok(await engine.files.completeUpload(target(call), actor, need(call.id, "id"), slotName(call), req.body), { message: "Uploaded" }, 201);
  }
};

// server/operations/operation-registry.ts
var OPERATION_SPECS = {
  "auth.login": authLogin,
  "auth.otpRequest": authOtpRequest,
  "auth.otpVerify": authOtpVerify,
  "auth.refresh": authRefresh,
  "auth.logout": authLogout,
  "records.create": recordsCreate,
  "records.list": recordsList,
  "records.get": recordsGet,
  "records.patch": recordsPatch,
  "records.delete": recordsDelete,
  "records.timeline": recordsTimeline,
  "records.document": recordsDocument,
  "records.event": recordsEvent,
  "records.moveTo": recordsMoveTo,
  "otp.request": otpRequest,
  "otp.verify": otpVerify,
  "rules.evaluate": rulesEvaluate,
  "rules.backtest": rulesBacktest,
  "rules.lint": rulesLint,
  "rules.groups": rulesGroups,
  "imports.uploadUrl": importsUploadUrl,
  "imports.register": importsRegister,
  "imports.status": importsStatus,
  "imports.errors": importsErrors,
  "outbox.list": outboxList,
  "outbox.retry": outboxRetry,
  "changes.open": changesOpen,
  "changes.list": changesList,
  "changes.get": changesGet,
  "changes.put": changesPut,
  "changes.remove": changesRemove,
  "changes.approve": changesApprove,
  "changes.publish": changesPublish,
  "changes.discard": changesDiscard,
  "changes.simulate": changesSimulate,
  "changes.tests": changesTests,
  "releases.list": releasesList,
  "releases.get": releasesGet,
  "releases.rollback": releasesRollback,
  "releases.migrate": releasesMigrate,
  "releases.diff": releasesDiff,
  "changes.requestChanges": changesRequestChanges,
  "records.sync": recordsSync,
  "users.list": usersList,
  "users.create": usersCreate,
  "users.get": usersGet,
  "users.update": usersUpdate,
  "users.deactivate": usersDeactivate,
  "registrations.otp": registrationsOtp,
  "registrations.create": registrationsCreate,
  "registrations.list": registrationsList,
  "registrations.approve": registrationsApprove,
  "registrations.reject": registrationsReject,
  "apps.tests": appsTests,
  "apps.simulate": appsSimulate,
  "files.uploadUrl": filesUploadUrl,
  "files.complete": filesComplete,
  "files.upload": filesUpload,
  "files.list": filesList,
  "files.get": filesGet,
  "files.review": filesReview,
  "files.remove": filesRemove
};

// server/operations/schemas/shared-schemas.ts
init_engine();
var closed = (properties, required = Object.keys(properties)) => ({ type: "object", additionalProperties: false, required, properties });
var str = { type: "string" };
var nullableStr = { type: ["string", "null"] };
var dateTime = { type: "string", format: "date-time" };
var date = { type: "string", format: "date" };
var uuid = { type: "string", format: "uuid" };
var int = { type: "integer" };
var num2 = { type: "number" };
var bool = { type: "boolean" };
var changeSetStatus = { enum: ["open", "scheduled", "published", "discarded"] };
var nullableUuid = { type: ["string", "null"], format: "uuid" };
var anyJson = { type: ["string", "number", "integer", "boolean", "null", "array", "object"] };
var user = (withPhone) => closed({ id: str, ...withPhone ? { phone: nullableStr } : {}, email: nullableStr, role: str, displayName: nullableStr });
var benefit = closed(
  {
    type: { enum: ["percentOff", "flatOff", "buyXGetY", "fixedPrice"] },
    value: num2,
    cap: num2,
    buy: int,
    get: int,
    productGroup: str
  },
  ["type"]
);
var explained = {
  name: str,
  status: str,
  eligible: bool,
  reasons: { type: "array", items: str },
  storeGroup: closed({ code: str, matches: bool, covers: int }),
  conditions: closed({ result: bool, leaves: { type: "array", items: closed({ condition: str, factValue: anyJson, result: bool }) } }),
  savings: num2
};
var recordFile = {
  id: uuid,
  recordId: uuid,
  slot: str,
  label: nullableStr,
  status: { type: ["string", "null"], description: "The slot's review status (null without review)" },
  removed: bool,
  version: int,
  fileName: str,
  contentType: { type: "string", description: "Judged from the bytes" },
  size: int,
  sha256: str,
  uploadedBy: nullableStr,
  uploadedAt: dateTime,
  reviewedBy: nullableStr,
  reviewedAt: { type: ["string", "null"], format: "date-time" },
  reviewNote: nullableStr,
  createdAt: dateTime
};
var SHARED_SCHEMAS = {
  JourneyStatus: closed({ currentStage: int, currentState: str, progressPercent: int }),
  TimelineEntry: closed(
    {
      id: int,
      event: { type: "string", description: "The event; for a refused attempt, the event or state asked for (update: a change of fields)" },
      from: nullableStr,
      to: { type: ["string", "null"], description: "The state after the move; for a file entry, the record state (null without a workflow); for a refused attempt, the state asked for (null when asked by event)" },
      actorId: nullableStr,
      role: nullableStr,
      override: { type: "boolean", description: "Accepted as a logged override; for a refused attempt, whether an override was asked" },
      remarks: { type: ["string", "null"], description: "Null when the move copies them into a field the caller's role may not see" },
      input: { type: ["object", "null"], description: "The input of the move (codes are never kept; values copied into fields the caller's role may not see are left out)" },
      at: dateTime,
      refused: { type: "boolean", description: "A refused attempt (the entity keeps them: timeline.refused): it changed nothing" },
      code: { type: "string", description: "A refused attempt: the error code it was answered" },
      message: { type: ["string", "null"], description: "A refused attempt: the error message it was answered" },
      fields: { type: "array", items: str, description: "A refused attempt: the record fields it asked to change (names only)" }
    },
    ["id", "event", "from", "to", "actorId", "role", "override", "remarks", "input", "at", "refused"]
  ),
  Transition: closed({ event: str, from: str, to: str, override: bool }),
  DeletedRecord: closed({ id: uuid, deleted: { const: true } }),
  LoginResult: closed({ accessToken: str, tokenType: { const: "Bearer" }, expiresIn: int, user: user(false) }),
  SessionTokens: closed(
    // A refresh answer also carries the user's id at the top level (the rotated token's owner).
    { accessToken: str, tokenType: { const: "Bearer" }, expiresIn: int, refreshToken: str, refreshExpiresIn: int, userId: { type: "string", format: "uuid" }, user: user(true) },
    ["accessToken", "tokenType", "expiresIn", "refreshToken", "refreshExpiresIn", "user"]
  ),
  CookieSession: {
    ...closed({ tokenType: { const: "Cookie" }, expiresIn: int, refreshExpiresIn: int, user: user(true) }),
    description: "X-Client-Type: web: the tokens are in httpOnly cookies (rp_access, rp_refresh), not in the body"
  },
  IssuedOtp: closed({ otpId: uuid, expiresAt: dateTime, expiresInSeconds: int, channels: { type: "array", items: { enum: ["sms", "email"] } } }),
  Verification: closed({
    verificationToken: { type: "string", description: "Send it with the record the verification is for (a transaction) as its proof" },
    expiresIn: int,
    verified: closed({ phone: nullableStr, email: nullableStr })
  }),
  PricedLine: closed({ sku: str, quantity: int, price: num2 }),
  Offer: closed({ promotionId: uuid, name: str, priority: int, exclusive: bool, benefit, appliesTo: num2, savings: num2 }),
  Evaluation: closed({
    storeId: str,
    date,
    cart: closed({ total: num2, quantity: int, items: { type: "array", items: ref("PricedLine") } }),
    promotions: { type: "array", items: ref("Offer"), description: "Live promotions that apply, highest savings first" }
  }),
  ConsoleResult: closed({ promotionId: uuid, ...explained }),
  ConsoleEvaluation: closed({
    storeGroup: str,
    store: nullableStr,
    date,
    cart: closed({ total: num2, items: { type: "array", items: ref("PricedLine") } }),
    facts: closed({
      cart: closed({ total: num2, quantity: int, lines: int, skus: { type: "array", items: str } }),
      store: { type: "object", description: "The store key and the attributes store groups filter on" },
      customer: closed({ id: str }, []),
      groups: { type: "object", additionalProperties: closed({ quantity: num2, amount: num2 }), description: "Per product group code" }
    }),
    promotions: { type: "array", items: ref("ConsoleResult") }
  }),
  PromotionCandidate: {
    ...closed({ id: { ...nullableUuid, description: "null: a promotion that is not stored" }, name: str, state: { ...nullableStr, description: "The stored promotion's state" } }),
    description: "The promotion judged"
  },
  BacktestTransaction: closed({
    id: uuid,
    createdAt: dateTime,
    date,
    storeId: nullableStr,
    promotionId: { ...nullableUuid, description: "The promotion the transaction was priced by" },
    total: { type: "number", description: "The cart at its stored prices" },
    applies: bool,
    reason: { enum: ["dates", "store", "conditions", "no-savings", null], description: "Why the candidate would not have applied" },
    savings: num2,
    offered: { type: "array", items: closed({ promotionId: uuid, name: str, savings: num2 }), description: "Where it applies: the live promotions offered on that date, ranked (without the candidate)" },
    rank: { type: ["integer", "null"], minimum: 1, description: "The candidate's place among them; null where an exclusive one hides it (or it does not apply)" },
    best: bool
  }),
  Backtest: closed({
    candidate: ref("PromotionCandidate"),
    window: closed({ from: date, to: date, days: int }),
    totals: closed({
      transactions: { type: "integer", description: "Seen in the window" },
      matched: { type: "integer", description: "Those the candidate would have applied to" },
      gross: { type: "number", description: "The matched carts" },
      discount: { type: "number", description: "The candidate's savings on them" },
      notMatched: closed({ dates: int, store: int, conditions: int, noSavings: int })
    }),
    perDay: { type: "array", items: closed({ date, transactions: int, matched: int, discount: num2 }), description: "Every day of the window" },
    ranking: closed({
      matched: int,
      best: { type: "integer", description: "Where it would have ranked first" },
      outranked: { type: "integer", description: "Where a live promotion would have saved more (or tied ahead)" },
      hidden: { type: "integer", description: "Where an exclusive live promotion of higher priority would have hidden it" },
      alone: { type: "integer", description: "Where no live promotion applied" },
      summary: str,
      displaced: { type: "array", items: closed({ promotionId: uuid, name: str, transactions: int }), description: "The live promotions it would have taken first place from, and how often" }
    }),
    transactions: { type: "array", items: ref("BacktestTransaction"), description: "This page, oldest first" },
    nextCursor: { ...nullableStr, description: "Send it as cursor for the next page" }
  }),
  LintWarning: closed({
    code: { enum: [...LINT_CODES] },
    message: str,
    promotions: { type: "array", items: closed({ id: { ...nullableUuid, description: "null: the candidate, not stored" }, name: str }) }
  }),
  Lint: closed({
    date,
    candidate: { anyOf: [ref("PromotionCandidate"), { type: "null" }] },
    promotions: { type: "integer", description: "How many were linted (the live ones and the candidate)" },
    warnings: { type: "array", items: ref("LintWarning") }
  }),
  GroupMembers: closed({ code: str, members: { type: "array", items: str, description: "Member keys (store ids, SKUs) the caller may see, sorted" }, total: { type: "integer", description: "Members in all" } }),
  RulesetGroups: closed({ storeGroups: { type: "array", items: ref("GroupMembers") }, productGroups: { type: "array", items: ref("GroupMembers") } }),
  UploadUrl: closed({
    uploadUrl: { type: "string", format: "uri", description: "PUT the CSV file here before it expires; the URL is the credential" },
    uploadPath: str,
    method: { const: "PUT" },
    blobName: { type: "string", description: "Register the import with it" },
    expiresAt: dateTime,
    maxBytes: int,
    contentType: { const: "text/csv" }
  }),
  UploadedFile: closed({ blobName: str, size: int, sha256: str }),
  RecordFile: closed(recordFile),
  RecordFileDetail: closed({ ...recordFile, versions: { type: "array", items: ref("RecordFileVersion") }, download: ref("FileDownload") }),
  RecordFileVersion: closed({ version: int, fileName: str, contentType: str, size: int, sha256: str, uploadedBy: nullableStr, uploadedAt: dateTime }),
  FileUploadTarget: closed({
    upload: { type: "string", description: "Completes the upload (POST .../complete { upload })" },
    uploadUrl: { type: "string", description: "PUT the file here, with `headers`, before `expiresAt`" },
    method: { const: "PUT" },
    headers: { type: "object", additionalProperties: { type: "string" } },
    expiresAt: dateTime,
    maxBytes: int,
    types: { type: "array", items: str }
  }),
  FileDownload: closed({ url: { type: "string", description: "Short-lived; absolute, or a path on this server" }, expiresAt: dateTime }),
  ImportJob: closed({
    id: uuid,
    import: str,
    status: { enum: ["queued", "running", "completed", "failed"] },
    blobName: str,
    totalRows: { type: ["integer", "null"] },
    rowsDone: int,
    rowsApplied: int,
    rowsFailed: int,
    percent: int,
    message: nullableStr,
    errorReport: { type: "boolean", description: "Whether an error report can be downloaded" },
    createdAt: dateTime,
    updatedAt: dateTime
  }),
  OutboxMessage: closed({
    id: uuid,
    channel: { enum: ["sms", "email", "event"] },
    template: nullableStr,
    recipient: str,
    status: { enum: ["pending", "sent", "dead"] },
    attempts: int,
    lastError: nullableStr,
    provider: nullableStr,
    providerMessageId: nullableStr,
    recordId: { type: ["string", "null"], format: "uuid" },
    createdAt: dateTime,
    nextAttemptAt: dateTime,
    sentAt: { type: ["string", "null"], format: "date-time" }
  }),
  OutboxRetry: closed({ id: uuid, status: { const: "pending" } }),
  SyncBundle: closed({
    syncedAt: dateTime,
    entities: { type: "object", description: "Per entity synced, every record the caller may read in their scope (as GET .../records/{entity}/{id} shows it)", additionalProperties: { type: "array", items: { type: "object" } } }
  }),
  User: closed({
    id: uuid,
    email: nullableStr,
    phone: nullableStr,
    role: str,
    displayName: nullableStr,
    attributes: { type: "object", description: "Scope values the role's scopes read" },
    active: bool,
    status: { enum: ["pending", "active", "rejected", "deactivated"], description: "pending (registered, awaiting approval) -> active | rejected; active <-> deactivated. Only an active user signs in" },
    statusReason: { ...nullableStr, description: "Why a registration was rejected" },
    hasPassword: { type: "boolean", description: "Whether the user may sign in with a password (the hash is never answered)" },
    createdAt: dateTime
  }),
  RegistrationReceived: closed({ status: { const: "pending", description: "Awaiting an approver; the same answer whether or not the email or phone already had an account" } }),
  AppSummary: closed({
    id: str,
    name: str,
    basePath: str,
    release: { type: ["integer", "null"], description: "The release this process serves" },
    signIn: closed({ password: { type: "boolean", description: "Email and password" }, otp: { type: "boolean", description: "Phone and a code by SMS" } })
  }),
  Health: closed({ status: { const: "ok" }, database: { const: "ok" }, apps: { type: "array", items: str }, releases: { type: "object", additionalProperties: int, description: "The release each app serves in this process" } }),
  ChangeSetSummary: closed({ id: uuid, title: str, status: changeSetStatus, baseRelease: int, release: { type: ["integer", "null"] }, createdBy: str, createdByName: nullableStr, createdAt: dateTime, updatedAt: dateTime }),
  ChangeSet: closed({
    id: uuid,
    title: str,
    status: changeSetStatus,
    baseRelease: int,
    liveRelease: { type: ["integer", "null"] },
    release: { type: ["integer", "null"] },
    createdBy: str,
    createdByName: { ...nullableStr, description: "The name the user who opened it has now" },
    createdAt: dateTime,
    updatedAt: dateTime,
    definitions: {
      type: "array",
      items: closed({
        kind: str,
        name: str,
        removed: bool,
        content: { type: ["object", "null"], description: "The definition as put in the change set (null: removed)" },
        checksum: nullableStr,
        updatedBy: str,
        updatedByName: nullableStr,
        updatedAt: dateTime,
        stale: { type: "boolean", description: "Released by someone else since this change set was opened: put it again from the live release" },
        changes: {
          type: "array",
          description: 'What it changes against the live release, in plain words ("Move quotation_shared \u2192 won now also allowed for role customer")',
          items: closed({ path: str, kind: { enum: ["added", "removed", "changed"] }, sentence: str, before: anyJson, after: anyJson }, ["path", "kind", "sentence"])
        }
      })
    },
    problems: { type: "array", description: "The whole app checked with this change set applied; publishing needs no error", items: closed({ file: str, path: str, message: str, severity: { enum: ["error", "warning"] } }, ["file", "path", "message"]) },
    publishAt: { type: ["string", "null"], format: "date-time", description: "When a scheduled change set is published" },
    scheduleError: { ...nullableStr, description: "Why a scheduled publish was refused when its time came (the change set is open again)" },
    scheduleMappings: {
      type: ["object", "null"],
      description: "The mappings a scheduled publish carries: per workflow, the state each removed state's records move to when it is published",
      additionalProperties: { type: "object", additionalProperties: str }
    },
    contentHash: { type: "string", description: "What an approval is of: any edit changes it" },
    approvals: closed({ needed: int, given: { type: "array", items: closed({ actorId: str, name: nullableStr, role: str, at: dateTime }) } }),
    reviews: {
      type: "array",
      description: "Requests for changes, newest first; `current` ones were made on the content as it is now and block publishing",
      items: closed({ actorId: str, name: nullableStr, role: str, comment: str, at: dateTime, current: bool })
    }
  }),
  SimulatedMove: closed(
    {
      kind: { const: "move" },
      allowed: bool,
      from: str,
      to: str,
      event: str,
      override: { type: "boolean", description: "Taken as a logged override (a role that may override, with remarks where required)" },
      why: { type: "string", description: "Why, in a sentence or two" },
      code: { type: "string", description: "A refusal: the catalog code" },
      publicCode: { type: "string", description: "The code the definition chose for the refusal, which clients see" },
      message: str,
      details: { type: "array", items: closed({ path: str, message: str }) },
      guards: { type: "array", description: "Each guarded move out of the state and whether its condition holds", items: closed({ move: str, event: str, result: bool }) },
      effects: closed(
        {
          fields: { type: "object", description: "Record fields the move would set" },
          outbox: {
            type: "array",
            description: "Messages and downstream events it would write, rendered",
            items: closed({ channel: { enum: ["sms", "email", "event"] }, template: nullableStr, recipient: str, payload: { type: "object" }, renderError: str }, ["channel", "template", "recipient", "payload"])
          },
          otp: closed({ policy: str, field: str }),
          skipped: { type: "array", items: str }
        },
        ["fields", "outbox", "skipped"]
      ),
      notChecked: { type: "array", description: "What only the database knows, and a simulation therefore does not check", items: str }
    },
    ["kind", "allowed", "from", "override", "why", "guards", "notChecked"]
  ),
  SimulatedTemplate: closed({ kind: { const: "template" }, template: str, channel: { enum: ["sms", "email"] }, subject: str, text: str, html: str }, ["kind", "template", "channel", "text"]),
  SimulatedRules: closed({
    kind: { const: "rules" },
    ruleset: str,
    today: date,
    offers: { type: "array", description: "The promotions that apply, highest savings first", items: closed({ promotion: str, name: str, savings: num2, priority: int, exclusive: bool }) },
    promotions: {
      type: "array",
      description: "Every promotion given, explained; `promotion` is its place in the request",
      items: closed({ promotion: str, ...explained })
    },
    assumptions: str
  }),
  SimulatedOtp: closed({ kind: { const: "otp" }, policy: str, sentences: { type: "array", items: str }, text: str }),
  Simulation: { oneOf: [ref("SimulatedMove"), ref("SimulatedTemplate"), ref("SimulatedRules"), ref("SimulatedOtp")], description: "What would happen, by the kind asked" },
  TestRun: closed({
    passed: { type: "integer", description: "Cases that pass" },
    failed: {
      type: "array",
      items: closed(
        {
          test: str,
          case: str,
          path: str,
          expected: { type: "object", description: "The case\u2019s expectation: allowed, to, code, output" },
          actual: { type: "object", description: "What came out, in the same terms" },
          message: str
        }
      )
    },
    coverage: closed({
      moves: { type: "array", items: closed({ workflow: str, entity: str, from: str, to: str, event: str, roles: { type: "array", items: str }, cases: { type: "array", items: closed({ test: str, case: str }) } }) },
      untested: { type: "array", description: "The moves no case asks for", items: closed({ workflow: str, entity: str, from: str, to: str, event: str, roles: { type: "array", items: str } }) }
    })
  }),
  Release: closed({
    number: int,
    source: { enum: ["files", "admin", "rollback"] },
    comment: nullableStr,
    checksum: str,
    changeSet: { type: ["string", "null"], format: "uuid" },
    createdBy: str,
    createdByName: { ...nullableStr, description: "The name the user who made it has now (null for the files)" },
    createdAt: dateTime,
    definitions: { type: "array", items: closed({ kind: str, name: str, version: int, checksum: str, file: str, content: { type: "object", description: "The authored definition (GET /releases/{number} only)" } }, ["kind", "name", "version", "checksum", "file"]) }
  }),
  ReleaseDiff: closed({
    release: int,
    against: { type: ["integer", "null"], description: "The release compared with (null: nothing before it)" },
    definitions: {
      type: "array",
      items: closed({
        kind: str,
        name: str,
        file: str,
        changes: { type: "array", items: closed({ path: str, kind: { enum: ["added", "removed", "changed"] }, sentence: str, before: anyJson, after: anyJson }, ["path", "kind", "sentence"]) }
      })
    }
  }),
  Migration: closed({
    release: int,
    entity: str,
    counts: {
      type: "object",
      description: 'The pinned records found, per release they followed and per state: { "3": { "PAN_SUBMITTED": 12 } }',
      additionalProperties: { type: "object", additionalProperties: int }
    },
    migrated: { type: "integer", description: "Records moved (0 on a dry run)" },
    dryRun: bool
  })
};

// server/routes/upload-route.ts
var UPLOAD_ROUTE = {
  method: "PUT",
  path: "/v1/apps/{app}/uploads/{token}",
  summary: "The target of a signed upload URL: the raw file \u2014 a CSV import, or a file for a record when the blob store cannot sign URLs itself (no bearer token: the URL is the credential); stored once, a failed or cut-off upload (400) leaves the URL usable",
  status: 201,
  errors: ["BAD_REQUEST", "UNAUTHENTICATED", "CONFLICT", "PAYLOAD_TOO_LARGE", "APP_NOT_FOUND"],
  handler: (engine) => async (req, res) => {
    const length = req.headers["content-length"] ? Number(req.headers["content-length"]) : void 0;
    const data = await engine.imports.receiveUpload(String(req.params.app), String(req.params.token), req, length);
    res.status(201).json({ success: true, message: "Uploaded", data });
  }
};

// server/routes/send-result.ts
function sendResult(res, result) {
  if (result.redirect) {
    res.setHeader("Cache-Control", "no-store");
    res.redirect(302, result.redirect);
    return;
  }
  if (result.file) {
    res.status(result.status).attachment(result.file.name).setHeader("Content-Type", result.file.contentType);
    result.file.stream.on("error", (err) => res.destroy(err));
    result.file.stream.pipe(res);
    return;
  }
  if (result.etag) res.setHeader("ETag", result.etag);
  if (result.status === 304) {
    res.status(304).end();
    return;
  }
  if (result.json) {
    res.status(result.status).type("application/json");
    result.json.on("error", (err) => res.destroy(err));
    result.json.pipe(res);
    return;
  }
  res.status(result.status).json(result.body);
}

// server/routes/download-route.ts
var DOWNLOAD_ROUTE = {
  method: "GET",
  path: "/v1/apps/{app}/downloads/{token}",
  summary: "The target of a signed download URL (no bearer token: the URL is the credential, for a few minutes)",
  status: 200,
  errors: ["UNAUTHENTICATED", "UNAVAILABLE", "APP_NOT_FOUND"],
  handler: (engine) => async (req, res) => {
    const file = await engine.files.download(String(req.params.app), String(req.params.token));
    res.setHeader("Cache-Control", "private, no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    sendResult(res, { status: 200, body: { success: true, data: null }, file: { contentType: file.contentType, name: file.fileName, stream: file.stream } });
  }
};

// server/openapi/app-error-codes.ts
function appErrorCodes(entity) {
  const codes = /* @__PURE__ */ new Map();
  if (!entity) return codes;
  const add = (code, own) => {
    if (typeof own === "string" && !codes.get(code)?.includes(own)) codes.set(code, [...codes.get(code) ?? [], own]);
  };
  for (const f of Object.values(entity.fields)) add("VALIDATION_FAILED", f.errorCode);
  for (const f of Object.values(entity.workflow?.definition.input ?? {})) add("VALIDATION_FAILED", f.errorCode);
  for (const d of entity.definition.dedupe ?? []) add("DUPLICATE_IN_WINDOW", d.errorCode);
  for (const c of entity.definition.checks ?? []) add("VALIDATION_FAILED", c.errorCode);
  for (const t of entity.workflow?.transitions ?? []) add("LIMIT_REACHED", t.limit?.errorCode);
  return codes;
}
function allAppErrorCodes(apps) {
  return [...new Set([...apps].flatMap((app) => [...app.entities.values()].flatMap((e) => [...appErrorCodes(e).values()].flat())))];
}

// server/openapi/error-responses.ts
init_engine();
function errorResponses(codes, instead) {
  const byStatus = /* @__PURE__ */ new Map();
  const lines = /* @__PURE__ */ new Map();
  for (const code of new Set(codes)) {
    const { status, message } = ERROR_CATALOG[code];
    const own = instead.get(code) ?? [];
    byStatus.set(status, [...byStatus.get(status) ?? [], code, ...own]);
    lines.set(status, [...lines.get(status) ?? [], `- \`${code}\`: ${message}${own.length ? ` (or, as this app names it, ${own.map((c) => `\`${c}\``).join(", ")})` : ""}`]);
  }
  return Object.fromEntries(
    [...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, all]) => [
      String(status),
      {
        description: lines.get(status).join("\n"),
        "x-error-codes": all,
        content: {
          "application/json": {
            schema: { allOf: [{ $ref: "#/components/schemas/Error" }, { type: "object", properties: { error: { type: "object", properties: { code: { enum: all } } } } }] }
          }
        }
      }
    ])
  );
}
function errorSchema(codes) {
  return {
    type: "object",
    additionalProperties: false,
    required: ["success", "error", "traceId"],
    properties: {
      success: { const: false },
      error: {
        type: "object",
        additionalProperties: false,
        required: ["code", "message"],
        properties: {
          code: { type: "string", enum: [...codes] },
          message: { type: "string" },
          details: { type: "array", items: { type: "object", additionalProperties: false, required: ["path", "message"], properties: { path: { type: "string" }, message: { type: "string" } } } },
          data: { type: "object", description: "More about the refusal: the existing record of a repeated request, retryAfterSeconds, a limit" }
        }
      },
      traceId: { type: "string", description: "Quote it when reporting a problem" }
    }
  };
}

// server/openapi/describe-operation.ts
var ANY_ROUTE = ["BAD_REQUEST", "INTERNAL"];
var WITH_BODY = ["UNSUPPORTED_MEDIA_TYPE", "PAYLOAD_TOO_LARGE"];
var NOT_AT_CONCRETE_PATHS = /* @__PURE__ */ new Set(["APP_NOT_FOUND", "ENTITY_NOT_FOUND"]);
var SIGNED_IN = [{ bearer: [] }, { accessCookie: [] }];
var IF_MATCH = { name: "If-Match", in: "header", required: false, description: 'The version you read ("3"); a stale one answers 412', schema: { type: "string" } };
var ETAG = { ETag: { description: 'The record version ("3"), for If-Match', schema: { type: "string" } } };
function publicRoleMay(app, spec, t) {
  const role = Object.values(app.roles).find((r) => r.public);
  if (!role) return false;
  if (!spec.permission) return true;
  return Boolean(t.entity && role.permissions?.[t.entity.name]?.[spec.permission]);
}
function securityOf(spec, t) {
  if (spec.auth === "public") return [];
  if (spec.auth === "actor-or-public" && publicRoleMay(t.app, spec, t)) return [{}, ...SIGNED_IN];
  return SIGNED_IN;
}
function describeOperation(spec, t, path17, extra) {
  const params = spec.params?.(t) ?? {};
  const parameters = [...path17.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: params[m[1]] ?? { type: "string" } }));
  for (const [name, schema2] of Object.entries(spec.query?.(t) ?? {})) {
    parameters.push({ name, in: "query", required: false, schema: schema2, ...schema2.type === "array" ? { style: "form", explode: true } : {} });
  }
  if (spec.ifMatch) parameters.push(IF_MATCH);
  const body = spec.body?.(t);
  const answer = spec.response(t);
  const codes = [...ANY_ROUTE, ...body ? WITH_BODY : [], ...spec.errors].filter((c) => !NOT_AT_CONCRETE_PATHS.has(c));
  return {
    operationId: extra.operationId,
    summary: t.alias?.summary ?? spec.summary(t),
    description: `Operation \`${spec.name}\`${t.alias ? " (a seed endpoint, an alias of the generic route)" : ""}.`,
    tags: [extra.tag],
    "x-operation": spec.name,
    security: securityOf(spec, t),
    ...parameters.length ? { parameters } : {},
    ...body ? { requestBody: { required: !spec.bodyOptional?.(t), content: { [spec.multipart ? "multipart/form-data" : "application/json"]: { schema: body } } } } : {},
    responses: {
      [String(answer.status)]: {
        description: "Success",
        ...answer.etag ? { headers: ETAG } : {},
        content: { [answer.contentType ?? "application/json"]: { schema: answer.schema } }
      },
      ...errorResponses(codes, appErrorCodes(t.entity))
    }
  };
}

// server/openapi/operation-id.ts
var words = (text3) => text3.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
var pathWords = (path17) => path17.split("/").filter((s) => s && !s.startsWith("{") && !/^v\d+$/.test(s) && s !== "api").flatMap(words);
function operationId(appId, relativePath, operation, event, generic) {
  const verb = words(operation === "records.event" && event ? event : operation.split(".")[1]);
  const base = [...words(appId), ...generic ? ["generic"] : [], ...pathWords(relativePath)];
  const ends = verb.every((w, i) => base[base.length - verb.length + i] === w);
  return [...base, ...ends ? [] : verb].join("_");
}

// server/openapi/referenced-schemas.ts
var PREFIX = "#/components/schemas/";
function referencedSchemas(paths, schemas) {
  const keep = /* @__PURE__ */ new Set();
  const visit2 = (node) => {
    if (Array.isArray(node)) return node.forEach(visit2);
    if (node === null || typeof node !== "object") return;
    for (const [key2, value] of Object.entries(node)) {
      if (key2 === "$ref" && typeof value === "string" && value.startsWith(PREFIX)) {
        const name = value.slice(PREFIX.length);
        if (!keep.has(name) && schemas[name]) {
          keep.add(name);
          visit2(schemas[name]);
        }
      } else visit2(value);
    }
  };
  visit2(paths);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => keep.has(name)));
}

// server/openapi/build-openapi.ts
function buildOpenApi(registry) {
  const paths = {};
  const schemas = { ...SHARED_SCHEMAS, Error: errorSchema([...Object.keys(ERROR_CATALOG), ...allAppErrorCodes(registry.apps.values())]) };
  const tags = [{ name: "server", description: "Health of the server" }];
  const ids = /* @__PURE__ */ new Set();
  const add = (path17, method, operation) => {
    const id = String(operation.operationId);
    if (ids.has(id)) throw new Error(`Two operations would share the operationId "${id}" (${method} ${path17})`);
    ids.add(id);
    (paths[path17] ??= {})[method.toLowerCase()] = operation;
  };
  for (const app of registry.apps.values()) {
    for (const entity of app.entities.values()) {
      for (const [kind, schema2] of Object.entries(entitySchemas(app, entity))) schemas[entitySchemaName(app, entity, kind)] = schema2;
    }
    const generic = `${app.id} (generic)`;
    tags.push({ name: app.name, description: `${app.name}: the seed's endpoints under ${app.basePath}` }, { name: generic, description: `The REST engine for ${app.name}` });
    const describeGeneric = (spec, t) => {
      const relative = spec.genericPath.replace("/v1/apps/{app}", "").replace("{entity}", t.entity?.name ?? "{entity}");
      const path17 = `/v1/apps/${app.id}${relative}`;
      add(path17, spec.method, describeOperation(spec, t, path17, { operationId: operationId(app.id, relative, spec.name, void 0, true), tag: generic }));
    };
    for (const spec of Object.values(OPERATION_SPECS)) {
      if (!spec.genericPath) continue;
      if (!spec.genericPath.includes("{entity}")) {
        if (spec.servedFor(app)) describeGeneric(spec, { app });
        continue;
      }
      for (const entity of app.entities.values()) if (spec.servedFor(app, entity)) describeGeneric(spec, { app, entity });
    }
    const hasSlots2 = [...app.entities.values()].some((e) => Object.keys(e.definition.files ?? {}).length);
    if (app.imports.size || hasSlots2) add(UPLOAD_ROUTE.path.replace("{app}", app.id), UPLOAD_ROUTE.method, uploadOperation(app));
    if (hasSlots2) add(DOWNLOAD_ROUTE.path.replace("{app}", app.id), DOWNLOAD_ROUTE.method, downloadOperation(app));
    for (const alias of app.routes) {
      const spec = OPERATION_SPECS[alias.operation];
      const t = { app, entity: alias.entity ? app.entities.get(alias.entity) : void 0, alias };
      const path17 = app.basePath + alias.path;
      add(path17, alias.method, describeOperation(spec, t, path17, { operationId: operationId(app.id, alias.path, alias.operation, alias.event, false), tag: app.name }));
    }
  }
  paths["/v1/apps"] = {
    get: {
      operationId: "apps",
      summary: "The apps this server serves, their live release and how their users sign in (what a client needs before sign-in)",
      tags: ["server"],
      security: [],
      responses: { "200": { description: "The apps", content: { "application/json": { schema: envelope({ type: "array", items: ref("AppSummary") }) } } }, ...errorResponses(["BAD_REQUEST", "INTERNAL"], /* @__PURE__ */ new Map()) }
    }
  };
  paths["/healthz"] = {
    get: {
      operationId: "healthz",
      summary: "Liveness and database check",
      tags: ["server"],
      security: [],
      responses: { "200": { description: "Healthy", content: { "application/json": { schema: envelope(ref("Health")) } } }, ...errorResponses(["BAD_REQUEST", "UNAVAILABLE", "INTERNAL"], /* @__PURE__ */ new Map()) }
    }
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Rulepath",
      version: "1.0.0",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
      description: "Generated from the operation specs and the loaded definitions. Every success has the envelope { success, message?, data, journeyStatus? }; every error is components.schemas.Error."
    },
    servers: [{ url: "/" }],
    tags,
    paths,
    components: {
      schemas: referencedSchemas(paths, schemas),
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        accessCookie: { type: "apiKey", in: "cookie", name: "rp_access", description: "Web clients (X-Client-Type: web) get the access token in this httpOnly cookie" }
      }
    }
  };
}
function uploadOperation(app) {
  return {
    operationId: `${app.id}_generic_uploads_put`,
    summary: UPLOAD_ROUTE.summary,
    tags: [`${app.id} (generic)`],
    security: [],
    parameters: [{ name: "token", in: "path", required: true, description: "From the upload URL", schema: { type: "string" } }],
    requestBody: { required: true, content: { ...app.imports.size ? { "text/csv": { schema: { type: "string" } } } : {}, "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
    responses: {
      [String(UPLOAD_ROUTE.status)]: { description: "Stored", content: { "application/json": { schema: envelope(ref("UploadedFile")) } } },
      ...errorResponses(["BAD_REQUEST", "INTERNAL", ...UPLOAD_ROUTE.errors.filter((c) => c !== "APP_NOT_FOUND")], /* @__PURE__ */ new Map())
    }
  };
}
function downloadOperation(app) {
  return {
    operationId: `${app.id}_generic_downloads_get`,
    summary: DOWNLOAD_ROUTE.summary,
    tags: [`${app.id} (generic)`],
    security: [],
    parameters: [{ name: "token", in: "path", required: true, description: "From the download URL", schema: { type: "string" } }],
    responses: {
      [String(DOWNLOAD_ROUTE.status)]: { description: "The file, as an attachment, of the type judged at its upload", content: { "*/*": { schema: { type: "string", format: "binary" } } } },
      ...errorResponses(["BAD_REQUEST", "INTERNAL", ...DOWNLOAD_ROUTE.errors.filter((c) => c !== "APP_NOT_FOUND")], /* @__PURE__ */ new Map())
    }
  };
}

// server/openapi/docs-page.ts
import path14 from "node:path";
import { createRequire } from "node:module";
import express2, { Router } from "express";
var require2 = createRequire(import.meta.url);
var SWAGGER_DIR = path14.dirname(require2.resolve("swagger-ui-dist/package.json"));
var PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rulepath API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
var INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;
function docsRoutes() {
  const router = Router();
  router.get("/docs", (_req, res) => {
    res.type("html").send(PAGE);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(INIT);
  });
  router.use("/docs/assets", express2.static(SWAGGER_DIR, { index: false, maxAge: "1h" }));
  return router;
}

// server/routes/alias-routes.ts
init_engine();

// server/routes/run-operation.ts
init_engine();
function runOperation(spec, engine, req, call, res) {
  if (isMultipart(req) && !spec.multipart) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  return spec.handler(engine, req, call, res);
}

// server/middleware/route-label.ts
var UNMATCHED_ROUTE = "(unmatched)";
function labelRoute(res, template) {
  res.locals.routeTemplate = template;
}
function routeLabel(req, res) {
  const own = res.locals.routeTemplate;
  if (own) return own;
  const route = req.route;
  if (route?.path !== void 0) return Array.isArray(route.path) ? route.path.join("|") : String(route.path);
  if (res.statusCode < 400) return `/${req.path.split("/")[1] ?? ""}/*`;
  return UNMATCHED_ROUTE;
}

// server/routes/alias-routes.ts
var cache = /* @__PURE__ */ new WeakMap();
function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function compileAliases(registry) {
  const hit = cache.get(registry);
  if (hit) return hit;
  const aliases = [];
  for (const app of registry.apps.values()) {
    for (const route of app.routes) {
      const params = [];
      const source = (app.basePath + route.path).split(/(\{[a-zA-Z]+\})/).map((part) => {
        const m = /^\{([a-zA-Z]+)\}$/.exec(part);
        if (!m) return escape(part);
        params.push(m[1]);
        return "([^/]+)";
      }).join("");
      aliases.push({ app: app.id, method: route.method, pattern: new RegExp(`^${source}/?$`), params, route, template: (app.basePath + route.path).replace(/\{([a-zA-Z]+)\}/g, ":$1") });
    }
  }
  cache.set(registry, aliases);
  return aliases;
}
function decodeSegment(raw3) {
  try {
    return decodeURIComponent(raw3);
  } catch {
    throw new AppError("BAD_REQUEST", "The path is not valid percent-encoding", { details: [{ path: "$.path", message: `"${raw3}" is not valid percent-encoded UTF-8` }] });
  }
}
function aliasRoutes(engine) {
  return async (req, res, next) => {
    const aliases = compileAliases(engine.registry());
    for (const alias of aliases) {
      const m = alias.pattern.exec(req.path);
      if (!m) continue;
      if (alias.method !== req.method) continue;
      const values = Object.fromEntries(alias.params.map((p, i) => [p, decodeSegment(m[i + 1])]));
      const { route } = alias;
      labelRoute(res, alias.template);
      sendResult(res, await runOperation(OPERATION_SPECS[route.operation], engine, req, { app: alias.app, route, entity: route.entity, id: values.id, event: route.event, targetField: route.targetField, params: values }, res));
      return;
    }
    next();
  };
}

// server/routes/allowed-methods.ts
init_engine();

// server/routes/ops-routes.ts
init_engine();
import { timingSafeEqual as timingSafeEqual4 } from "node:crypto";
import { Router as Router2 } from "express";
function sameToken(header, token) {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual4(given, expected);
}
var OPS_PATHS = ["/livez", "/readyz", "/metrics"];
function opsRoutes(engine, options) {
  const router = Router2();
  router.get("/livez", (_req, res) => void res.json({ success: true, data: { status: "live" } }));
  router.get("/readyz", async (req, res) => {
    const why = options.serving.draining ? "the process is stopping" : await engine.notReady(options.readyTimeoutMs ?? 1e3);
    if (why) {
      req.log?.warn({ reason: why }, "not ready");
      throw new AppError("UNAVAILABLE", `Not ready: ${why}`);
    }
    res.json({ success: true, data: { status: "ready" } });
  });
  router.get("/metrics", async (req, res) => {
    if (options.metricsToken && !sameToken(req.headers.authorization, options.metricsToken)) {
      res.setHeader("WWW-Authenticate", "Bearer");
      throw new AppError("UNAUTHENTICATED", "The metrics ask for the bearer token set in METRICS_TOKEN");
    }
    const { contentType, body } = await engine.metrics.expose();
    res.type(contentType).send(body);
  });
  return router;
}

// server/routes/allowed-methods.ts
var FIXED = [
  { method: "GET", path: "/healthz" },
  ...OPS_PATHS.map((path17) => ({ method: "GET", path: path17 })),
  { method: "GET", path: "/openapi.json" },
  { method: "GET", path: "/v1/apps" },
  { method: UPLOAD_ROUTE.method, path: UPLOAD_ROUTE.path },
  { method: DOWNLOAD_ROUTE.method, path: DOWNLOAD_ROUTE.path }
];
var pattern = (path17) => new RegExp(`^${path17.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[A-Za-z]+\\?\}/g, "[^/]+")}/?$`);
var GENERIC = [...FIXED, ...Object.values(OPERATION_SPECS).flatMap((s) => s.genericPath ? [{ method: s.method, path: s.genericPath }] : [])].map((r) => ({ method: r.method, pattern: pattern(r.path) }));
function allowedMethods(registry, path17) {
  const methods = /* @__PURE__ */ new Set();
  for (const r of GENERIC) if (r.pattern.test(path17)) methods.add(r.method);
  for (const a of compileAliases(registry)) if (a.pattern.test(path17)) methods.add(a.method);
  return [...methods].sort();
}
function methodNotAllowed(engine) {
  return (req, res, next) => {
    const allowed = allowedMethods(engine.registry(), req.path);
    if (!allowed.length) return next();
    res.setHeader("Allow", allowed.join(", "));
    next(new AppError("METHOD_NOT_ALLOWED", `${req.path} takes ${allowed.join(", ")}, not ${req.method}`));
  };
}

// server/routes/generic-routes.ts
import { Router as Router3 } from "express";
var expressPath = (path17) => path17.replace(/\{([A-Za-z]+)\}/g, ":$1");
var METHODS = { GET: "get", POST: "post", PUT: "put", PATCH: "patch", DELETE: "delete" };
function genericRoutes(engine) {
  const router = Router3();
  const route = (spec) => async (req, res) => {
    const p = req.params;
    const call = { app: p.app, entity: p.entity, id: p.id, event: p.event, params: p };
    sendResult(res, await runOperation(spec, engine, req, call, res));
  };
  for (const spec of Object.values(OPERATION_SPECS)) {
    if (spec.genericPath) router[METHODS[spec.method]](expressPath(spec.genericPath), route(spec));
  }
  return router;
}

// server/app-catalog.ts
function appCatalog(engine) {
  return (_req, res) => {
    const registry = engine.registry();
    const apps = [...registry.apps.values()].map((app) => ({
      id: app.id,
      name: app.name,
      basePath: app.basePath,
      release: registry.releases?.get(app.id) ?? null,
      signIn: { password: app.passwordLogin, otp: Boolean(app.definition.auth?.otp) }
    })).sort((a, b) => a.name.localeCompare(b.name));
    res.json({ success: true, data: apps });
  };
}

// server/studio-routes.ts
init_project_root();
import { existsSync as existsSync7 } from "node:fs";
import path15 from "node:path";
import express3, { Router as Router4 } from "express";
var STUDIO_DIST = path15.join(PROJECT_ROOT, "studio", "dist");
var CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
function studioRoutes(dist = STUDIO_DIST) {
  const router = Router4();
  router.get("/", (_req, res) => res.redirect(302, "/studio/"));
  router.use("/studio", (_req, res, next) => {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  });
  router.use("/studio/assets", express3.static(path15.join(dist, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: false }));
  router.get(["/studio", "/studio/*rest"], (_req, res) => {
    const index = path15.join(dist, "index.html");
    if (!existsSync7(index)) {
      res.status(503).type("text/plain").send("Rulepath Studio is not built: run npm run studio:build (npm install builds it).");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}

// server/middleware/http-metrics.ts
function httpMetrics(metrics) {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    let done = false;
    const record2 = () => {
      if (done) return;
      done = true;
      metrics.httpRequest(req.method, routeLabel(req, res), res.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9);
    };
    res.once("finish", record2);
    res.once("close", record2);
    next();
  };
}

// server/middleware/trace-context.ts
init_engine();
var traceContext = (req, _res, next) => {
  runWithTraceId(String(req.id), next);
};

// server/app.ts
function createHttpApp(engine, logger, options = {}) {
  const app = express4();
  app.disable("x-powered-by");
  app.locals.publicUrl = options.publicUrl?.replace(/\/$/, "");
  app.set("query parser", "simple");
  const serving = options.serving ?? { draining: false };
  if (options.tracing) app.use(options.tracing.middleware);
  app.use(httpMetrics(engine.metrics));
  app.use(
    pinoHttp({
      logger,
      // The request id is the trace id: the span's when tracing is on, else the caller's X-Request-Id or a new one.
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = options.tracing?.traceId() ?? (typeof incoming === "string" && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID13());
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // The closing line may be written outside the request's async context (a client hanging up): named here too.
      customSuccessObject: (req, _res, value) => ({ ...value, traceId: req.id }),
      customErrorObject: (req, _res, _err, value) => ({ ...value, traceId: req.id }),
      // Probes and scrapes every few seconds would drown the log; a failing /readyz logs why itself.
      autoLogging: { ignore: (req) => OPS_PATHS.includes(req.url?.split("?")[0] ?? "") },
      customLogLevel: (_req, res, err) => err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info",
      // A signed upload or download URL is a credential: its token stays out of the log.
      serializers: { req: (req) => ({ method: req.method, url: req.url.replace(/\/(uploads|downloads)\/[^/?]+/, "/$1/[token]") }), res: (res) => ({ statusCode: res.statusCode }) }
    })
  );
  const cors2 = corsAllowList(options.corsOrigins ?? []);
  if (cors2) app.use(cors2);
  app.use(traceContext);
  app.use((_req, res, next) => {
    if (serving.draining) res.setHeader("Connection", "close");
    next();
  });
  app.use(checkUrlText);
  app.put(expressPath(UPLOAD_ROUTE.path), UPLOAD_ROUTE.handler(engine));
  app.use(jsonBody);
  app.get(expressPath(DOWNLOAD_ROUTE.path), DOWNLOAD_ROUTE.handler(engine));
  app.use(opsRoutes(engine, { serving, metricsToken: options.metricsToken }));
  app.get("/healthz", async (_req, res) => {
    const health = await engine.health();
    const registry = engine.registry();
    res.json({ success: true, data: { status: "ok", ...health, apps: [...registry.apps.keys()], releases: Object.fromEntries(registry.releases ?? []) } });
  });
  let openApi;
  app.get("/openapi.json", (_req, res) => {
    const registry = engine.registry();
    if (openApi?.registry !== registry) openApi = { registry, doc: buildOpenApi(registry) };
    res.json(openApi.doc);
  });
  app.use(docsRoutes());
  app.get("/v1/apps", appCatalog(engine));
  app.use(studioRoutes());
  if (options.echoRoute) app.post("/_echo", (req, res) => void res.json({ success: true, data: req.body ?? null }));
  app.use(genericRoutes(engine));
  app.use(aliasRoutes(engine));
  app.use(methodNotAllowed(engine));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

// server/listen-http.ts
import http from "node:http";
function listenHttp(handler, timeouts, port2, host) {
  const server = http.createServer(
    {
      headersTimeout: Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs),
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // How often Node looks for requests past their timeouts (default 30 s): a quarter of the shortest.
      connectionsCheckingInterval: Math.max(100, Math.min(5e3, Math.floor(Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs) / 4)))
    },
    handler
  );
  server.setTimeout(timeouts.idleTimeoutMs);
  return new Promise((resolve2, reject) => {
    server.once("error", reject);
    server.listen(port2, host, () => {
      server.off("error", reject);
      resolve2(server);
    });
  });
}

// server/ops-app.ts
import express5 from "express";
import { pinoHttp as pinoHttp2 } from "pino-http";
function createOpsApp(engine, logger, options) {
  const app = express5();
  app.disable("x-powered-by");
  app.use(pinoHttp2({ logger, autoLogging: false }));
  app.use(opsRoutes(engine, options));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

// server/tracing.ts
async function startTracing(options) {
  if (!options.tracesEndpoint) return void 0;
  const [api, { NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources")
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesEndpoint }))]
  });
  provider.register();
  const tracer = api.trace.getTracer("rulepath");
  const middleware = (req, res, next) => {
    const parent = api.propagation.extract(api.context.active(), req.headers);
    const span = tracer.startSpan(req.method, { kind: api.SpanKind.SERVER, attributes: { "http.request.method": req.method } }, parent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeLabel(req, res);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": res.statusCode });
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: api.SpanStatusCode.ERROR, message: res.writableFinished ? void 0 : "the client hung up" });
      span.end();
    };
    res.once("finish", end);
    res.once("close", end);
    api.context.with(api.trace.setSpan(parent, span), next);
  };
  return {
    middleware,
    traceId: () => api.trace.getActiveSpan()?.spanContext().traceId,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown()
  };
}

// server/start-server.ts
function listen(app, port2, host) {
  return new Promise((resolve2, reject) => {
    const s = app.listen(port2, host, () => resolve2(s));
    s.once("error", reject);
  });
}
function closeServer(server, graceMs, logger) {
  return new Promise((resolve2) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => {
      logger.warn({ graceMs }, "requests still in flight after the shutdown grace: connections cut");
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve2();
    });
    server.closeIdleConnections();
  });
}
var portOf = (server, fallback) => {
  const address = server.address();
  return typeof address === "object" && address ? address.port : fallback;
};
async function startServer(config3, startOptions = {}) {
  const serveHttp = startOptions.http ?? true;
  const logger = createLogger(config3.logLevel);
  const embedded = config3.databaseUrl || config3.migrationDatabaseUrl ? void 0 : await startEmbeddedPostgres({ dataDir: config3.dataDir, port: config3.embeddedPgPort, database: "rulepath", logger });
  const ownerUrl = config3.migrationDatabaseUrl ?? config3.databaseUrl ?? embedded.url;
  let startUp;
  let prepared;
  try {
    startUp = await takeStartUpLock(ownerUrl);
    prepared = await prepareDatabase({ ownerUrl, appUrl: config3.databaseUrl });
  } catch (err) {
    await startUp?.release();
    await embedded?.stop().catch(() => void 0);
    throw err;
  }
  if (prepared.applied.length) logger.info({ applied: prepared.applied }, "migrations applied");
  const databaseUrl = prepared.appUrl;
  const db = createDatabase(databaseUrl, { onIdleError: (err) => logger.warn({ err }, "idle database connection lost") });
  let server;
  let ops;
  let jobs;
  const serving = { draining: false };
  const tracing = await startTracing(config3.otel);
  try {
    const plugins = await loadPluginCatalog(config3.pluginsDir);
    const engine = await createEngine({ db, plugins, backoff: config3.outbox.backoff, outboxLeaseMs: config3.outbox.leaseMs, definitionsDir: config3.definitionsDir, dataDir: config3.dataDir, production: config3.production, logger, jwtSecret: config3.jwtSecret, hashKey: config3.hashKey, auditKey: config3.auditKey, env: config3.definitionEnv });
    if (serveHttp) {
      const seeded = await engine.seedDemoUsers();
      for (const [app, count2] of Object.entries(seeded)) if (count2) logger.info({ app, count: count2 }, "demo users created");
      if (config3.demoData) {
        const records = await engine.seedDemoData();
        for (const [app, count2] of Object.entries(records)) if (count2) logger.info({ app, count: count2 }, "demo records created");
      }
    }
    if (config3.jobs || !serveHttp) {
      jobs = await startJobRunner({ databaseUrl, mongoUrl: config3.agendaMongoUrl, name: `rulepath-${process.pid}`, logger, jobs: engine.jobs(), metrics: engine.metrics, drainMs: config3.shutdownGraceMs });
    }
    await startUp.release();
    let port2 = config3.port;
    if (serveHttp) {
      const http2 = createHttpApp(engine, logger, { echoRoute: config3.echoRoute, publicUrl: config3.publicUrl, corsOrigins: config3.http.corsOrigins, serving, metricsToken: config3.metricsToken, tracing });
      server = await listenHttp(http2, config3.http, config3.port, config3.host);
      port2 = portOf(server, config3.port);
    }
    if (config3.metricsPort !== void 0) ops = await listen(createOpsApp(engine, logger, { serving, metricsToken: config3.metricsToken }), config3.metricsPort, config3.host);
    const running = server;
    const opsServer = ops;
    const runner = jobs;
    if (runner) engine.onRegistryChange(() => void runner.schedule(engine.jobs()).catch((err) => logger.error({ err }, "could not reschedule the jobs")));
    return {
      url: `http://localhost:${port2}`,
      engine,
      logger,
      databaseUrl,
      serving,
      opsUrl: opsServer && `http://localhost:${portOf(opsServer, config3.metricsPort ?? 0)}`,
      async reload() {
        const report = await engine.reload();
        await runner?.schedule(engine.jobs());
        return report;
      },
      async stop() {
        serving.draining = true;
        if (running) {
          if (config3.shutdownDelayMs > 0) await new Promise((resolve2) => setTimeout(resolve2, config3.shutdownDelayMs));
          await closeServer(running, config3.shutdownGraceMs, logger);
        }
        await runner?.stop();
        await engine.outbox.idle();
        if (opsServer) await closeServer(opsServer, 1e3, logger);
        await closeDatabase(db);
        await embedded?.stop();
        await tracing?.shutdown().catch((err) => logger.warn({ err }, "could not send the last spans"));
      }
    };
  } catch (err) {
    await startUp.release();
    server?.close();
    ops?.close();
    await tracing?.shutdown().catch(() => void 0);
    await jobs?.stop().catch(() => void 0);
    await closeDatabase(db).catch(() => void 0);
    await embedded?.stop().catch(() => void 0);
    throw err;
  }
}

// server/reload-on-hangup.ts
function reloadOnHangup(running) {
  process.on("SIGHUP", () => {
    running.reload().then(
      (report) => running.logger.info({ refused: report.refused.map((r) => r.app) }, "definitions reloaded"),
      (err) => running.logger.error({ err }, "definitions reload failed")
    );
  });
}

// server/stop-on-signal.ts
function stopOnSignals(running) {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      running.logger.info({ signal }, "stopping: not ready, draining requests and jobs");
      running.stop().then(
        () => {
          running.logger.info("stopped");
          process.exit(0);
        },
        (err) => {
          console.error(err);
          process.exit(1);
        }
      );
    });
  }
}

// server/main.ts
var config2 = readConfigOrExit();
if (config2.workers > 1 && cluster2.isPrimary) {
  const { runClusterPrimary: runClusterPrimary2 } = await Promise.resolve().then(() => (init_cluster(), cluster_exports));
  await runClusterPrimary2(config2);
} else {
  await serveInThisProcess();
}
async function serveInThisProcess() {
  const running = await startServer(config2).catch((err) => {
    console.error("Rulepath could not start:", err);
    process.exit(1);
  });
  if (cluster2.isWorker && cluster2.worker.id !== 1) console.log(`Rulepath worker ${process.pid} is serving on ${running.url} too`);
  else printWhereToGo(running);
  reloadOnHangup(running);
  stopOnSignals(running);
}
function printWhereToGo(running) {
  const registry = running.engine.registry();
  const lines = [
    "",
    `Rulepath is serving on ${running.url}  (ready ${Math.round(process.uptime() * 1e3)} ms after the process started)`,
    `  Studio       ${running.url}/studio   (business admins: releases, change sets, status matrix, promotions, templates, imports)${existsSync8(path16.join(STUDIO_DIST, "index.html")) ? "" : "  \u2014 not built: npm run studio:build"}`,
    `  API docs     ${running.url}/docs   (OpenAPI: ${running.url}/openapi.json)`,
    `  health       ${running.url}/healthz   (probes: /livez, /readyz; Prometheus: ${running.opsUrl ?? running.url}/metrics)`
  ];
  for (const app of registry.apps.values()) {
    lines.push(`  app ${app.id.padEnd(12)} ${running.url}${app.basePath}  (generic: ${running.url}/v1/apps/${app.id})`);
    if (!config2.production) {
      const otpPolicy = app.definition.auth?.otp ? app.otpPolicies.get(app.definition.auth.otp.policy) : void 0;
      for (const u of app.definition.demoUsers ?? []) {
        const otp = otpPolicy && u.phone ? otpPolicy.mode === "fixed" ? `OTP ${otpPolicy.fixedCode ?? "(fixed)"}` : "OTP by SMS (see the log)" : void 0;
        const ways = [u.password && u.email ? `${u.email} password ${u.password}` : void 0, otp ? `${u.phone} ${otp}` : void 0].filter(Boolean);
        lines.push(`      demo ${u.role.padEnd(12)} ${ways.join("   or ")}`);
      }
      if (config2.demoData && app.demoData.length) lines.push(`      demo data    ${app.demoData.reduce((n, d) => n + d.records.length, 0)} records (see ${path16.join("definitions", app.id, "README.md")})`);
    }
  }
  for (const refused of running.engine.loadReport.refused) {
    lines.push(`  ! app ${refused.app}: definitions refused (${refused.problems.length} problems; ${refused.servingLastPublished ? "serving the last published version" : "not served"}); run npm run validate`);
  }
  console.log(lines.join("\n") + "\n");
}

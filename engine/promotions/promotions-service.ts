// Promotions at runtime: the checks on every write of a promotion or a group, compilation on
// activation, and evaluation (§4.3), the test console (§4.3.1) and transaction pricing (§4.4)
// over an in-memory index that is rebuilt when promotions, groups or master data change.
import { requirePermission, scopeRuleOf } from '../auth/permissions.ts';
import { carriesScope, scopeValues, visibleScopeTags } from '../records/record-scope.ts';
import type { Actor } from '../auth/actor.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError, type ErrorDetail } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { PricingRule, RulesDef } from '../registry/definition-types.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import { bodyValidator } from '../support/validate-body.ts';
import type { PricedLine } from './benefit.ts';
import { checkRuleComplete, checkRuleRecord, type RuleContext } from './check-rule-record.ts';
import { checkCondition, factSetCatalog } from '../conditions/check-condition.ts';
import { liveRule, type CompiledRuleJson } from './compiled-rule.ts';
import { compileRuleRecord } from './compile-rule-record.ts';
import { evaluateCandidates } from './evaluate-promotions.ts';
import { explainPromotion, selectionItems } from './test-console.ts';
import { materializeGroups, type MaterializedGroups } from './materialized-groups.ts';
import { buildPromotionIndex, type PromotionIndex } from './promotion-index.ts';
import { attributeTypes, cartFacts } from './ruleset-facts.ts';
import { startChangeFeed } from '../store/change-feed.ts';
import { findRecord } from '../records/record-store.ts';
import { createBacktest } from './backtest-promotion.ts';
import { groupMembers } from './group-members.ts';
import { BACKTEST_BODY_SCHEMA, BACKTEST_DAYS, BACKTEST_PAGE, decodeCursor, encodeCursor, type BacktestBody } from './backtest-body.ts';
import { LINT_BODY_SCHEMA, type LintBody } from './lint-body.ts';
import { lintPromotions, type EndingStep, type LintRule } from './lint-promotions.ts';
import { pricedTransactions } from './priced-transactions.ts';
import { requireCandidate, resolveCandidate, type Candidate, type CandidateBody } from './promotion-candidate.ts';

interface Groups {
  stores: MaterializedGroups;
  products: MaterializedGroups;
}

interface Cache {
  generation: number;
  groups?: Promise<Groups>;
  index?: Promise<PromotionIndex>;
}

const ITEM = {
  type: 'object',
  additionalProperties: false,
  required: ['sku', 'quantity'],
  properties: {
    sku: { type: 'string', minLength: 1, maxLength: 40 },
    quantity: { type: 'integer', minimum: 1, maximum: 1000 },
    price: { type: 'number', minimum: 0, maximum: 1e9 },
  },
} as const;
const ITEMS = { type: 'array', minItems: 1, maxItems: 100, items: ITEM } as const;
const CUSTOMER = { type: 'string', minLength: 1, maxLength: 100 } as const;

export interface EvaluateBody {
  storeId: string;
  items: { sku: string; quantity: number; price?: number }[];
  customerId?: string;
}
export const EVALUATE_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['storeId', 'items'],
  properties: { storeId: { type: 'string', minLength: 1, maxLength: 40 }, items: ITEMS, customerId: CUSTOMER },
} as const;
const validateEvaluate = bodyValidator<EvaluateBody>(EVALUATE_BODY_SCHEMA);

export interface ConsoleBody {
  storeGroup: string;
  selections?: Record<string, Record<string, string | number | boolean>>;
  items?: EvaluateBody['items'];
  customerId?: string;
}
export const CONSOLE_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['storeGroup'],
  properties: {
    storeGroup: { type: 'string', minLength: 1, maxLength: 40 },
    selections: { type: 'object', maxProperties: 10, additionalProperties: { type: 'object', maxProperties: 20, additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } } },
    items: ITEMS,
    customerId: CUSTOMER,
  },
} as const;
const validateConsole = bodyValidator<ConsoleBody>(CONSOLE_BODY_SCHEMA);

const validateBacktest = bodyValidator<BacktestBody>(BACKTEST_BODY_SCHEMA);
const validateLint = bodyValidator<LintBody>(LINT_BODY_SCHEMA);

const DAY_MS = 86_400_000;
const todayOf = (d: Date) => d.toISOString().slice(0, 10);
/** The store facts: its key and the attributes store groups filter on, nothing else of the record. */
const storeView = (rs: RulesDef, rec: Readonly<Record<string, unknown>>) =>
  Object.fromEntries([rs.stores.key, ...rs.storeGroups.attributes].filter((a) => a in rec).map((a) => [a, rec[a]]));
const invalid = (details: ErrorDetail[]) => new AppError('RULE_INVALID', undefined, { details });

/** What promotions need of the engine: no record services (the record services call promotions through their hooks). */
export type PromotionsContext = Pick<EngineContext, 'db' | 'logger' | 'registry' | 'clock' | 'metrics'>;

export function createPromotionsService(ctx: PromotionsContext) {
  const caches = new Map<string, Cache>();
  // Other processes (a worker running the daily job, other API processes) invalidate through the feed.
  const feed = startChangeFeed(ctx.db, ctx.logger, (message) => {
    const [appId, entity] = message.split('|');
    if (appId && entity) invalidate(appId, entity);
  });

  /** The entities whose records the groups are made of (a write there changes membership). */
  const masterData = (rs: RulesDef) => [rs.stores.entity, rs.products.entity, rs.storeGroups.entity, rs.productGroups.entity];
  const rulesets = (app: CompiledApp) => app.rulesets.values();
  const watched = (app: CompiledApp, entity: string) => [...rulesets(app)].some((rs) => entity === rs.entity || masterData(rs).includes(entity));

  function invalidate(appId: string, entity: string): void {
    const app = ctx.registry().apps.get(appId);
    if (!app) return;
    for (const rs of rulesets(app)) {
      const groupsChanged = masterData(rs).includes(entity);
      if (!groupsChanged && entity !== rs.entity) continue;
      const cache = cacheOf(app, rs);
      cache.generation++;
      if (groupsChanged) delete cache.groups;
      delete cache.index;
    }
  }

  const cacheOf = (app: CompiledApp, rs: RulesDef): Cache => {
    // The checksum keys the cache to one version of the definitions: a reload starts afresh, and
    // the caches of the version it replaced are dropped.
    const prefix = `${app.id}:${rs.name}:`;
    const key = prefix + app.checksum;
    let cache = caches.get(key);
    if (!cache) {
      for (const k of caches.keys()) if (k.startsWith(prefix)) caches.delete(k);
      caches.set(key, (cache = { generation: 0 }));
    }
    return cache;
  };

  /** Loads once and caches, unless the data changed while loading (then the next call loads again). */
  function cached<K extends 'groups' | 'index'>(cache: Cache, slot: K, load: () => NonNullable<Cache[K]>): NonNullable<Cache[K]> {
    const existing = cache[slot];
    if (existing) return existing as NonNullable<Cache[K]>;
    const generation = cache.generation;
    const p = load();
    cache[slot] = p;
    const forget = () => {
      if (cache[slot] === p) delete cache[slot];
    };
    p.then(() => cache.generation !== generation && forget(), forget);
    return p;
  }

  function groups(app: CompiledApp, rs: RulesDef): Promise<Groups> {
    return cached(cacheOf(app, rs), 'groups', async () => {
      const [stores, products] = await Promise.all([
        materializeGroups(ctx.db.sql, app.id, { entity: rs.stores.entity, key: rs.stores.key, fact: 'store' }, rs.storeGroups),
        materializeGroups(ctx.db.sql, app.id, { entity: rs.products.entity, key: rs.products.key, fact: 'product' }, rs.productGroups),
      ]);
      return { stores, products };
    });
  }

  function index(app: CompiledApp, rs: RulesDef): Promise<PromotionIndex> {
    return cached(cacheOf(app, rs), 'index', async () => {
      const g = await groups(app, rs);
      // The rule fields are frozen after activation; the name is not, so it is read as it is now.
      const { rows } = await ctx.db.sql.query<{ compiled: CompiledRuleJson; name: string | null }>(
        `SELECT c.compiled, r.data ->> $5 AS name FROM records r JOIN compiled_rules c ON c.app = r.app AND c.ruleset = $2 AND c.record_id = r.id
         WHERE r.app = $1 AND r.entity = $3 AND r.state = ANY($4::text[]) AND r.deleted_at IS NULL`,
        [app.id, rs.name, rs.entity, rs.evaluatedIn, rs.fields.name ?? ''],
      );
      return buildPromotionIndex(rows.map((r) => liveRule({ ...r.compiled, name: r.name ?? r.compiled.name })), g.stores, g.products);
    });
  }

  const ruleContext = (app: CompiledApp, rs: RulesDef, g: Groups): RuleContext => ({ ruleset: rs, storeFields: app.entities.get(rs.stores.entity)!.fields, stores: g.stores, products: g.products });

  function rulesetNamed(app: CompiledApp, name: string): RulesDef {
    const rs = app.rulesets.get(name);
    if (!rs) throw new AppError('NOT_FOUND', `App "${app.id}" has no ruleset "${name}"`);
    return rs;
  }

  /**
   * Cart lines with prices: the product master's list price, or a price the client sent where the
   * ruleset allows one (above 0, never above the list price). A SKU without a list price cannot be
   * priced: a client could otherwise name any price for it.
   */
  function priceLines(rs: RulesDef, products: MaterializedGroups, items: EvaluateBody['items'], at: string): PricedLine[] {
    const details: ErrorDetail[] = [];
    const override = rs.unitPrice?.override === true;
    const lines = items.map((item, i) => {
      const sku = products.canonical.get(item.sku.toLowerCase());
      if (!sku) {
        details.push({ path: `${at}[${i}].sku`, message: `Unknown SKU "${item.sku}"` });
        return undefined;
      }
      const listed = rs.products.price ? products.records.get(sku)?.[rs.products.price] : undefined;
      if (typeof listed !== 'number') {
        details.push({ path: `${at}[${i}].sku`, message: `SKU "${sku}" has no list price` });
        return undefined;
      }
      let price = listed;
      if (item.price !== undefined && item.price !== listed) {
        if (!override) details.push({ path: `${at}[${i}].price`, message: `The price of "${sku}" is its list price ${listed}; leave it out` });
        else if (item.price <= 0 || item.price > listed) details.push({ path: `${at}[${i}].price`, message: `A price for "${sku}" must be above 0 and at most its list price ${listed}` });
        else price = item.price;
      }
      return { sku, quantity: item.quantity, price };
    });
    if (details.length) throw new AppError('VALIDATION_FAILED', undefined, { details });
    return lines as PricedLine[];
  }

  /** The store's facts, within the actor's scope when their store access is scoped. */
  async function storeFacts(app: CompiledApp, rs: RulesDef, actor: Actor, stores: MaterializedGroups, storeId: string, at: string): Promise<Record<string, unknown>> {
    const key = stores.canonical.get(storeId.toLowerCase());
    if (!key) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: at, message: `Unknown store "${storeId}"` }] });
    const scope = scopeRuleOf(app, actor, rs.stores.entity);
    if (scope && !(await scopeValues(ctx.db.sql, app.id, actor, scope)).includes(key)) throw new AppError('FORBIDDEN', 'This store is outside your scope', { details: [{ path: at, message: 'Outside your scope' }] });
    return storeView(rs, stores.records.get(key)!);
  }

  async function evaluateCart(app: CompiledApp, rs: RulesDef, actor: Actor, body: EvaluateBody) {
    const startedAt = process.hrtime.bigint();
    const [g, idx] = await Promise.all([groups(app, rs), index(app, rs)]);
    const lines = priceLines(rs, g.products, body.items, '$.items');
    const store = await storeFacts(app, rs, actor, g.stores, body.storeId, '$.storeId');
    const storeKey = store[rs.stores.key] as string;
    const facts = cartFacts(lines, store, body.customerId, (sku) => g.products.groupsOf.get(sku) ?? [], idx.groupCodes);
    const today = todayOf(ctx.clock());
    const offers = evaluateCandidates(idx, g.products, storeKey, facts, lines, today);
    // Evaluations that answered, from the request's cart to its offers (index and group loads included).
    ctx.metrics.promotionEvaluatedSince(app.id, rs.name, startedAt);
    return { storeKey, lines, total: facts.cart.total, offers, index: idx, groups: g, facts, today };
  }

  /** A candidate from a backtest or lint body: a stored promotion, a new one, or a stored one edited. */
  async function candidateOf(app: CompiledApp, rs: RulesDef, actor: Actor, g: Groups, body: CandidateBody): Promise<Candidate> {
    let stored: { id: string; version: number; state: string | null; data: Record<string, unknown> } | undefined;
    if (body.promotionId !== undefined) {
      const row = await findRecord(ctx.db, app.id, rs.entity, body.promotionId);
      const tags = await visibleScopeTags(ctx.db.sql, app.id, actor, requirePermission(app, actor, rs.entity, 'read'));
      if (!row || !carriesScope(tags, row)) throw new AppError('RECORD_NOT_FOUND', `No ${rs.entity} ${body.promotionId}`, { details: [{ path: '$.promotionId', message: 'Not found' }] });
      stored = row;
    }
    return resolveCandidate(ruleContext(app, rs, g), app.entities.get(rs.entity)!, stored, body.promotion);
  }

  const candidateView = (c: Candidate) => ({ id: c.id, name: c.rule.name, state: c.state });

  /** The job steps that end a ruleset's promotions: they fire an event moving them to a final state. */
  function endingSteps(app: CompiledApp, rs: RulesDef): EndingStep[] {
    const wf = app.entities.get(rs.entity)?.workflow;
    if (!wf) return [];
    const steps: EndingStep[] = [];
    for (const job of [...app.jobs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      for (const step of job.steps) {
        const move = step.entity === rs.entity ? wf.transitions.find((t) => t.event === step.event && wf.states[t.to]?.final) : undefined;
        if (move) steps.push({ job: job.name, schedule: job.schedule, event: step.event, state: wf.states[move.to]?.label ?? move.to });
      }
    }
    return steps;
  }

  return {
    /** Called before a record of `entity` is written: promotions and groups are checked here. */
    async checkWrite(app: CompiledApp, entity: string, data: Readonly<Record<string, unknown>>): Promise<void> {
      for (const rs of rulesets(app)) {
        if (entity === rs.entity) {
          const problems = checkRuleRecord(ruleContext(app, rs, await groups(app, rs)), data);
          if (problems.length) throw invalid(problems);
        }
        for (const [source, member, fact] of [[rs.storeGroups, rs.stores, 'store'], [rs.productGroups, rs.products, 'product']] as const) {
          if (entity !== source.entity || data[source.filter] === undefined) continue;
          const types = attributeTypes(app.entities.get(member.entity)!.fields, [member.key, ...source.attributes]);
          const problems = checkCondition(data[source.filter], factSetCatalog({ [fact]: types }), `$.${source.filter}`);
          if (problems.length) throw invalid(problems);
        }
      }
    },

    /**
     * Entering a compile state (activation): everything required, dates valid, groups resolved,
     * conditions compiled. Returns what to store beside the record, or undefined for other moves.
     */
    async compileOnEnter(app: CompiledApp, entity: string, toState: string, record: { id: string; version: number; data: Record<string, unknown> }): Promise<{ ruleset: string; compiled: CompiledRuleJson } | undefined> {
      const rs = [...rulesets(app)].find((r) => r.entity === entity && r.compiledOn.includes(toState));
      if (!rs) return undefined;
      const g = await groups(app, rs);
      const problems = checkRuleComplete(ruleContext(app, rs, g), record.data, todayOf(ctx.clock()));
      if (problems.length) throw invalid(problems);
      // The version the move gives the record.
      const compiled = compileRuleRecord(rs, { ...record, version: record.version + 1 }, g);
      if (compiled.resolved.stores === 0) throw invalid([{ path: `$.${rs.fields.storeGroup}`, message: `Store group "${compiled.storeGroup}" has no stores` }]);
      return { ruleset: rs.name, compiled };
    },

    /** After a committed write: drop what the write made stale, here and in every other process. */
    changed(appId: string, entity: string): void {
      const app = ctx.registry().apps.get(appId);
      if (!app || !watched(app, entity)) return;
      invalidate(appId, entity);
      feed.publish(`${appId}|${entity}`);
    },

    /** POST /v1/promotions/evaluate: the live promotions that apply, highest savings first. */
    async evaluate(appId: string, rulesetName: string, actor: Actor, rawBody: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, 'read');
      const body = validateEvaluate(rawBody);
      const r = await evaluateCart(app, rs, actor, body);
      return { storeId: r.storeKey, date: r.today, cart: { total: r.total, quantity: r.facts.cart.quantity, items: r.lines }, promotions: r.offers };
    },

    /** The test console: every promotion, each condition's result and fact value, and why. */
    async console(appId: string, rulesetName: string, actor: Actor, rawBody: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, 'read');
      const body = validateConsole(rawBody);
      const g = await groups(app, rs);
      const members = g.stores.members.get(body.storeGroup);
      if (!members) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.storeGroup', message: `Unknown store group "${body.storeGroup}"` }] });
      // A scoped user tests a store group through their own stores in it, and needs one there.
      const scope = scopeRuleOf(app, actor, rs.stores.entity);
      const own = scope ? new Set(await scopeValues(ctx.db.sql, app.id, actor, scope)) : undefined;
      const visible = own ? [...members].filter((m) => own.has(m)) : [...members];
      if (own && visible.length === 0) throw new AppError('FORBIDDEN', 'None of your stores is in this store group', { details: [{ path: '$.storeGroup', message: 'Outside your scope' }] });
      const items = [...(body.items ?? []), ...selectionItems(rs, g.products, body.selections ?? {})];
      if (items.length === 0) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.selections', message: 'Give field selections (or items) to test with' }] });
      const lines = priceLines(rs, g.products, items, '$.items');
      // A store group stands for its stores: the first by key gives the store facts.
      const storeKey = visible.sort()[0];
      const store = storeView(rs, storeKey ? g.stores.records.get(storeKey)! : {});
      // Every promotion that is not over (final states such as Archived are left out).
      const wf = app.entities.get(rs.entity)!.workflow!;
      const over = Object.entries(wf.states).filter(([, st]) => st.final).map(([name]) => name);
      const { rows } = await ctx.db.sql.query<{ id: string; version: number; state: string; data: Record<string, unknown> }>(
        `SELECT id, version, state, data FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL AND NOT (state = ANY($3::text[])) ORDER BY created_at, id LIMIT 500`,
        [app.id, rs.entity, over],
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
    async backtest(appId: string, rulesetName: string, actor: Actor, rawBody: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, 'update');
      const body = validateBacktest(rawBody);
      requireCandidate(body);
      const after = body.cursor === undefined ? undefined : decodeCursor(body.cursor);
      const pricing = rs.pricing;
      if (!pricing) throw new AppError('NOT_FOUND', `Ruleset "${rs.name}" prices no records: there are no transactions to replay`);
      const scopeTags = await visibleScopeTags(ctx.db.sql, app.id, actor, requirePermission(app, actor, pricing.entity, 'read'));
      const [g, idx] = await Promise.all([groups(app, rs), index(app, rs)]);
      const candidate = await candidateOf(app, rs, actor, g, body);
      // Whole UTC days, today included: two runs on one day read the same window.
      const days = body.days ?? BACKTEST_DAYS.default;
      const to = todayOf(ctx.clock());
      const start = Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS;
      const views = new Map<string, Record<string, unknown>>();
      const run = createBacktest({
        candidate: liveRule(candidate.rule),
        index: idx,
        stores: g.stores,
        products: g.products,
        storeFacts: (key) => views.get(key) ?? views.set(key, storeView(rs, g.stores.records.get(key)!)).get(key)!,
        from: todayOf(new Date(start)),
        to,
        page: { after, limit: body.limit ?? BACKTEST_PAGE.default },
      });
      for await (const page of pricedTransactions(ctx.db.sql, { app: app.id, pricing, from: new Date(start), until: new Date(start + days * DAY_MS), scopeTags })) {
        for (const tx of page) run.add(tx);
      }
      const { next, ...result } = run.result();
      return { candidate: candidateView(candidate), ...result, nextCursor: next ? encodeCursor(next) : null };
    },

    /**
     * Store and product groups with their members now. Needs read on both group entities and on
     * the stores and products; a caller with a store scope sees only their own stores as members.
     */
    async groupMembers(appId: string, rulesetName: string, actor: Actor) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      for (const entity of [rs.storeGroups.entity, rs.productGroups.entity, rs.stores.entity, rs.products.entity]) requirePermission(app, actor, entity, 'read');
      const scope = scopeRuleOf(app, actor, rs.stores.entity);
      const g = await groups(app, rs);
      let visible: Set<string> | undefined;
      if (scope) {
        const own = new Set(await scopeValues(ctx.db.sql, app.id, actor, scope));
        visible = new Set([...g.stores.records].filter(([, data]) => own.has(String(data[scope.field]))).map(([key]) => key));
      }
      return groupMembers(rs, g, visible);
    },

    /** The conflict lint over the live promotions and, when given, a candidate (same rights as a backtest). */
    async lint(appId: string, rulesetName: string, actor: Actor, rawBody: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const rs = rulesetNamed(app, rulesetName);
      requirePermission(app, actor, rs.entity, 'update');
      const body = validateLint(rawBody ?? {});
      const [g, idx] = await Promise.all([groups(app, rs), index(app, rs)]);
      const candidate = body.promotionId !== undefined || body.promotion !== undefined ? await candidateOf(app, rs, actor, g, body) : undefined;
      // A stored candidate stands in for its own live version.
      const rules: LintRule[] = idx.rules.filter((r) => r.json.id !== candidate?.id).map((r) => ({ json: r.json, live: true }));
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
    async priceOnCreate(app: CompiledApp, entity: string, actor: Actor, body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const rs = [...rulesets(app)].find((r) => r.pricing?.entity === entity);
      return rs ? price(app, rs, rs.pricing!, actor, body) : body;
    },
  };

  async function price(app: CompiledApp, rs: RulesDef, rule: PricingRule, actor: Actor, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const sent = Object.values(rule.amounts).filter((k) => k in body);
    if (sent.length) throw new AppError('VALIDATION_FAILED', undefined, { details: sent.map((k) => ({ path: `$.${k}`, message: 'Computed by the server from the promotion; do not send it' })) });
    // A store user with one store need not name it (the create stamps it the same way).
    const scope = scopeRuleOf(app, actor, rs.stores.entity);
    const own = scope ? await scopeValues(ctx.db.sql, app.id, actor, scope) : [];
    const storeId = body[rule.storeField] ?? (own.length === 1 ? own[0] : undefined);
    const cart = validateEvaluate({ storeId, items: body[rule.itemsField] });
    const promotionId = body[rule.promotionField];
    const r = await evaluateCart(app, rs, actor, cart);
    const live = r.index.rules.find((x) => x.json.id === promotionId);
    // Only what the evaluation offers can be redeemed (an exclusive promotion may hide others).
    const offer = live ? r.offers.find((o) => o.promotionId === promotionId) : undefined;
    if (!offer) {
      const why = !live ? 'The promotion is not active' : 'The promotion does not apply to this cart at this store';
      throw new AppError('PROMOTION_NOT_APPLICABLE', why, { details: [{ path: `$.${rule.promotionField}`, message: why }] });
    }
    return {
      ...body,
      [rule.storeField]: r.storeKey,
      [rule.itemsField]: r.lines,
      [rule.amounts.gross]: r.total,
      [rule.amounts.discount]: offer.savings,
      [rule.amounts.net]: Math.round((r.total - offer.savings) * 100) / 100,
    };
  }
}

export type PromotionsService = ReturnType<typeof createPromotionsService>;

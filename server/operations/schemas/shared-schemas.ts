// The answers that are the same in every app, as components: what the engine's services return.
import { LINT_CODES } from '../../../engine/index.ts';
import type { JsonSchema } from '../operation-spec.ts';
import { ref } from './schema-ref.ts';

const closed = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({ type: 'object', additionalProperties: false, required, properties });
const str: JsonSchema = { type: 'string' };
const nullableStr: JsonSchema = { type: ['string', 'null'] };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const date: JsonSchema = { type: 'string', format: 'date' };
const uuid: JsonSchema = { type: 'string', format: 'uuid' };
const int: JsonSchema = { type: 'integer' };
const num: JsonSchema = { type: 'number' };
const bool: JsonSchema = { type: 'boolean' };
const changeSetStatus: JsonSchema = { enum: ['open', 'scheduled', 'published', 'discarded'] };
const nullableUuid: JsonSchema = { type: ['string', 'null'], format: 'uuid' };
const anyJson: JsonSchema = { type: ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] };

const user = (withPhone: boolean) =>
  closed({ id: str, ...(withPhone ? { phone: nullableStr } : {}), email: nullableStr, role: str, displayName: nullableStr });

const benefit = closed(
  {
    type: { enum: ['percentOff', 'flatOff', 'buyXGetY', 'fixedPrice'] },
    value: num,
    cap: num,
    buy: int,
    get: int,
    productGroup: str,
  },
  ['type'],
);

/** A promotion as the test console (and a rules simulation) explains it. */
const explained: Record<string, JsonSchema> = {
  name: str,
  status: str,
  eligible: bool,
  reasons: { type: 'array', items: str },
  storeGroup: closed({ code: str, matches: bool, covers: int }),
  conditions: closed({ result: bool, leaves: { type: 'array', items: closed({ condition: str, factValue: anyJson, result: bool }) } }),
  savings: num,
};

/** A file on a record as listed; the detail adds its versions and a download URL. */
const recordFile: Record<string, JsonSchema> = {
  id: uuid,
  recordId: uuid,
  slot: str,
  label: nullableStr,
  status: { type: ['string', 'null'], description: "The slot's review status (null without review)" },
  removed: bool,
  version: int,
  fileName: str,
  contentType: { type: 'string', description: 'Judged from the bytes' },
  size: int,
  sha256: str,
  uploadedBy: nullableStr,
  uploadedAt: dateTime,
  reviewedBy: nullableStr,
  reviewedAt: { type: ['string', 'null'], format: 'date-time' },
  reviewNote: nullableStr,
  createdAt: dateTime,
};

export const SHARED_SCHEMAS: Record<string, JsonSchema> = {
  JourneyStatus: closed({ currentStage: int, currentState: str, progressPercent: int }),
  TimelineEntry: closed(
    {
      id: int,
      event: { type: 'string', description: 'The event; for a refused attempt, the event or state asked for (update: a change of fields)' },
      from: nullableStr,
      to: { type: ['string', 'null'], description: 'The state after the move; for a file entry, the record state (null without a workflow); for a refused attempt, the state asked for (null when asked by event)' },
      actorId: nullableStr,
      role: nullableStr,
      override: { type: 'boolean', description: 'Accepted as a logged override; for a refused attempt, whether an override was asked' },
      remarks: { type: ['string', 'null'], description: "Null when the move copies them into a field the caller's role may not see" },
      input: { type: ['object', 'null'], description: "The input of the move (codes are never kept; values copied into fields the caller's role may not see are left out)" },
      at: dateTime,
      refused: { type: 'boolean', description: 'A refused attempt (the entity keeps them: timeline.refused): it changed nothing' },
      code: { type: 'string', description: 'A refused attempt: the error code it was answered' },
      message: { type: ['string', 'null'], description: 'A refused attempt: the error message it was answered' },
      fields: { type: 'array', items: str, description: 'A refused attempt: the record fields it asked to change (names only)' },
    },
    ['id', 'event', 'from', 'to', 'actorId', 'role', 'override', 'remarks', 'input', 'at', 'refused'],
  ),
  Transition: closed({ event: str, from: str, to: str, override: bool }),
  DeletedRecord: closed({ id: uuid, deleted: { const: true } }),
  LoginResult: closed({ accessToken: str, tokenType: { const: 'Bearer' }, expiresIn: int, user: user(false) }),
  SessionTokens: closed(
    // A refresh answer also carries the user's id at the top level (the rotated token's owner).
    { accessToken: str, tokenType: { const: 'Bearer' }, expiresIn: int, refreshToken: str, refreshExpiresIn: int, userId: { type: 'string', format: 'uuid' }, user: user(true) },
    ['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'refreshExpiresIn', 'user'],
  ),
  CookieSession: {
    ...closed({ tokenType: { const: 'Cookie' }, expiresIn: int, refreshExpiresIn: int, user: user(true) }),
    description: 'X-Client-Type: web: the tokens are in httpOnly cookies (rp_access, rp_refresh), not in the body',
  },
  IssuedOtp: closed({ otpId: uuid, expiresAt: dateTime, expiresInSeconds: int, channels: { type: 'array', items: { enum: ['sms', 'email'] } } }),
  Verification: closed({
    verificationToken: { type: 'string', description: 'Send it with the record the verification is for (a transaction) as its proof' },
    expiresIn: int,
    verified: closed({ phone: nullableStr, email: nullableStr }),
  }),
  PricedLine: closed({ sku: str, quantity: int, price: num }),
  Offer: closed({ promotionId: uuid, name: str, priority: int, exclusive: bool, benefit, appliesTo: num, savings: num }),
  Evaluation: closed({
    storeId: str,
    date,
    cart: closed({ total: num, quantity: int, items: { type: 'array', items: ref('PricedLine') } }),
    promotions: { type: 'array', items: ref('Offer'), description: 'Live promotions that apply, highest savings first' },
  }),
  ConsoleResult: closed({ promotionId: uuid, ...explained }),
  ConsoleEvaluation: closed({
    storeGroup: str,
    store: nullableStr,
    date,
    cart: closed({ total: num, items: { type: 'array', items: ref('PricedLine') } }),
    facts: closed({
      cart: closed({ total: num, quantity: int, lines: int, skus: { type: 'array', items: str } }),
      store: { type: 'object', description: 'The store key and the attributes store groups filter on' },
      customer: closed({ id: str }, []),
      groups: { type: 'object', additionalProperties: closed({ quantity: num, amount: num }), description: 'Per product group code' },
    }),
    promotions: { type: 'array', items: ref('ConsoleResult') },
  }),
  PromotionCandidate: {
    ...closed({ id: { ...nullableUuid, description: 'null: a promotion that is not stored' }, name: str, state: { ...nullableStr, description: "The stored promotion's state" } }),
    description: 'The promotion judged',
  },
  BacktestTransaction: closed({
    id: uuid,
    createdAt: dateTime,
    date,
    storeId: nullableStr,
    promotionId: { ...nullableUuid, description: 'The promotion the transaction was priced by' },
    total: { type: 'number', description: 'The cart at its stored prices' },
    applies: bool,
    reason: { enum: ['dates', 'store', 'conditions', 'no-savings', null], description: 'Why the candidate would not have applied' },
    savings: num,
    offered: { type: 'array', items: closed({ promotionId: uuid, name: str, savings: num }), description: 'Where it applies: the live promotions offered on that date, ranked (without the candidate)' },
    rank: { type: ['integer', 'null'], minimum: 1, description: "The candidate's place among them; null where an exclusive one hides it (or it does not apply)" },
    best: bool,
  }),
  Backtest: closed({
    candidate: ref('PromotionCandidate'),
    window: closed({ from: date, to: date, days: int }),
    totals: closed({
      transactions: { type: 'integer', description: 'Seen in the window' },
      matched: { type: 'integer', description: 'Those the candidate would have applied to' },
      gross: { type: 'number', description: 'The matched carts' },
      discount: { type: 'number', description: "The candidate's savings on them" },
      notMatched: closed({ dates: int, store: int, conditions: int, noSavings: int }),
    }),
    perDay: { type: 'array', items: closed({ date, transactions: int, matched: int, discount: num }), description: 'Every day of the window' },
    ranking: closed({
      matched: int,
      best: { type: 'integer', description: 'Where it would have ranked first' },
      outranked: { type: 'integer', description: 'Where a live promotion would have saved more (or tied ahead)' },
      hidden: { type: 'integer', description: 'Where an exclusive live promotion of higher priority would have hidden it' },
      alone: { type: 'integer', description: 'Where no live promotion applied' },
      summary: str,
      displaced: { type: 'array', items: closed({ promotionId: uuid, name: str, transactions: int }), description: 'The live promotions it would have taken first place from, and how often' },
    }),
    transactions: { type: 'array', items: ref('BacktestTransaction'), description: 'This page, oldest first' },
    nextCursor: { ...nullableStr, description: 'Send it as cursor for the next page' },
  }),
  LintWarning: closed({
    code: { enum: [...LINT_CODES] },
    message: str,
    promotions: { type: 'array', items: closed({ id: { ...nullableUuid, description: 'null: the candidate, not stored' }, name: str }) },
  }),
  Lint: closed({
    date,
    candidate: { anyOf: [ref('PromotionCandidate'), { type: 'null' }] },
    promotions: { type: 'integer', description: 'How many were linted (the live ones and the candidate)' },
    warnings: { type: 'array', items: ref('LintWarning') },
  }),
  GroupMembers: closed({ code: str, members: { type: 'array', items: str, description: 'Member keys (store ids, SKUs) the caller may see, sorted' }, total: { type: 'integer', description: 'Members in all' } }),
  RulesetGroups: closed({ storeGroups: { type: 'array', items: ref('GroupMembers') }, productGroups: { type: 'array', items: ref('GroupMembers') } }),
  UploadUrl: closed({
    uploadUrl: { type: 'string', format: 'uri', description: 'PUT the CSV file here before it expires; the URL is the credential' },
    uploadPath: str,
    method: { const: 'PUT' },
    blobName: { type: 'string', description: 'Register the import with it' },
    expiresAt: dateTime,
    maxBytes: int,
    contentType: { const: 'text/csv' },
  }),
  UploadedFile: closed({ blobName: str, size: int, sha256: str }),
  RecordFile: closed(recordFile),
  RecordFileDetail: closed({ ...recordFile, versions: { type: 'array', items: ref('RecordFileVersion') }, download: ref('FileDownload') }),
  RecordFileVersion: closed({ version: int, fileName: str, contentType: str, size: int, sha256: str, uploadedBy: nullableStr, uploadedAt: dateTime }),
  FileUploadTarget: closed({
    upload: { type: 'string', description: 'Completes the upload (POST .../complete { upload })' },
    uploadUrl: { type: 'string', description: 'PUT the file here, with `headers`, before `expiresAt`' },
    method: { const: 'PUT' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    expiresAt: dateTime,
    maxBytes: int,
    types: { type: 'array', items: str },
  }),
  FileDownload: closed({ url: { type: 'string', description: 'Short-lived; absolute, or a path on this server' }, expiresAt: dateTime }),
  ImportJob: closed({
    id: uuid,
    import: str,
    status: { enum: ['queued', 'running', 'completed', 'failed'] },
    blobName: str,
    totalRows: { type: ['integer', 'null'] },
    rowsDone: int,
    rowsApplied: int,
    rowsFailed: int,
    percent: int,
    message: nullableStr,
    errorReport: { type: 'boolean', description: 'Whether an error report can be downloaded' },
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
  OutboxMessage: closed({
    id: uuid,
    channel: { enum: ['sms', 'email', 'event'] },
    template: nullableStr,
    recipient: str,
    status: { enum: ['pending', 'sent', 'dead'] },
    attempts: int,
    lastError: nullableStr,
    provider: nullableStr,
    providerMessageId: nullableStr,
    recordId: { type: ['string', 'null'], format: 'uuid' },
    createdAt: dateTime,
    nextAttemptAt: dateTime,
    sentAt: { type: ['string', 'null'], format: 'date-time' },
  }),
  OutboxRetry: closed({ id: uuid, status: { const: 'pending' } }),
  SyncBundle: closed({
    syncedAt: dateTime,
    entities: { type: 'object', description: 'Per entity synced, every record the caller may read in their scope (as GET .../records/{entity}/{id} shows it)', additionalProperties: { type: 'array', items: { type: 'object' } } },
  }),
  User: closed({
    id: uuid,
    email: nullableStr,
    phone: nullableStr,
    role: str,
    displayName: nullableStr,
    attributes: { type: 'object', description: 'Scope values the role\'s scopes read' },
    active: bool,
    status: { enum: ['pending', 'active', 'rejected', 'deactivated'], description: 'pending (registered, awaiting approval) -> active | rejected; active <-> deactivated. Only an active user signs in' },
    statusReason: { ...nullableStr, description: 'Why a registration was rejected' },
    hasPassword: { type: 'boolean', description: 'Whether the user may sign in with a password (the hash is never answered)' },
    createdAt: dateTime,
  }),
  RegistrationReceived: closed({ status: { const: 'pending', description: 'Awaiting an approver; the same answer whether or not the email or phone already had an account' } }),
  AppSummary: closed({
    id: str,
    name: str,
    basePath: str,
    release: { type: ['integer', 'null'], description: 'The release this process serves' },
    signIn: closed({ password: { type: 'boolean', description: 'Email and password' }, otp: { type: 'boolean', description: 'Phone and a code by SMS' } }),
  }),
  Health: closed({ status: { const: 'ok' }, database: { const: 'ok' }, apps: { type: 'array', items: str }, releases: { type: 'object', additionalProperties: int, description: 'The release each app serves in this process' } }),
  ChangeSetSummary: closed({ id: uuid, title: str, status: changeSetStatus, baseRelease: int, release: { type: ['integer', 'null'] }, createdBy: str, createdByName: nullableStr, createdAt: dateTime, updatedAt: dateTime }),
  ChangeSet: closed({
    id: uuid,
    title: str,
    status: changeSetStatus,
    baseRelease: int,
    liveRelease: { type: ['integer', 'null'] },
    release: { type: ['integer', 'null'] },
    createdBy: str,
    createdByName: { ...nullableStr, description: 'The name the user who opened it has now' },
    createdAt: dateTime,
    updatedAt: dateTime,
    definitions: {
      type: 'array',
      items: closed({
        kind: str,
        name: str,
        removed: bool,
        content: { type: ['object', 'null'], description: 'The definition as put in the change set (null: removed)' },
        checksum: nullableStr,
        updatedBy: str,
        updatedByName: nullableStr,
        updatedAt: dateTime,
        stale: { type: 'boolean', description: 'Released by someone else since this change set was opened: put it again from the live release' },
        changes: {
          type: 'array',
          description: 'What it changes against the live release, in plain words ("Move quotation_shared → won now also allowed for role customer")',
          items: closed({ path: str, kind: { enum: ['added', 'removed', 'changed'] }, sentence: str, before: anyJson, after: anyJson }, ['path', 'kind', 'sentence']),
        },
      }),
    },
    problems: { type: 'array', description: 'The whole app checked with this change set applied; publishing needs no error', items: closed({ file: str, path: str, message: str, severity: { enum: ['error', 'warning'] } }, ['file', 'path', 'message']) },
    publishAt: { type: ['string', 'null'], format: 'date-time', description: 'When a scheduled change set is published' },
    scheduleError: { ...nullableStr, description: 'Why a scheduled publish was refused when its time came (the change set is open again)' },
    scheduleMappings: {
      type: ['object', 'null'],
      description: 'The mappings a scheduled publish carries: per workflow, the state each removed state\'s records move to when it is published',
      additionalProperties: { type: 'object', additionalProperties: str },
    },
    contentHash: { type: 'string', description: 'What an approval is of: any edit changes it' },
    approvals: closed({ needed: int, given: { type: 'array', items: closed({ actorId: str, name: nullableStr, role: str, at: dateTime }) } }),
    reviews: {
      type: 'array',
      description: 'Requests for changes, newest first; `current` ones were made on the content as it is now and block publishing',
      items: closed({ actorId: str, name: nullableStr, role: str, comment: str, at: dateTime, current: bool }),
    },
  }),
  SimulatedMove: closed(
    {
      kind: { const: 'move' },
      allowed: bool,
      from: str,
      to: str,
      event: str,
      override: { type: 'boolean', description: 'Taken as a logged override (a role that may override, with remarks where required)' },
      why: { type: 'string', description: 'Why, in a sentence or two' },
      code: { type: 'string', description: 'A refusal: the catalog code' },
      publicCode: { type: 'string', description: 'The code the definition chose for the refusal, which clients see' },
      message: str,
      details: { type: 'array', items: closed({ path: str, message: str }) },
      guards: { type: 'array', description: 'Each guarded move out of the state and whether its condition holds', items: closed({ move: str, event: str, result: bool }) },
      effects: closed(
        {
          fields: { type: 'object', description: 'Record fields the move would set' },
          outbox: {
            type: 'array',
            description: 'Messages and downstream events it would write, rendered',
            items: closed({ channel: { enum: ['sms', 'email', 'event'] }, template: nullableStr, recipient: str, payload: { type: 'object' }, renderError: str }, ['channel', 'template', 'recipient', 'payload']),
          },
          otp: closed({ policy: str, field: str }),
          skipped: { type: 'array', items: str },
        },
        ['fields', 'outbox', 'skipped'],
      ),
      notChecked: { type: 'array', description: 'What only the database knows, and a simulation therefore does not check', items: str },
    },
    ['kind', 'allowed', 'from', 'override', 'why', 'guards', 'notChecked'],
  ),
  SimulatedTemplate: closed({ kind: { const: 'template' }, template: str, channel: { enum: ['sms', 'email'] }, subject: str, text: str, html: str }, ['kind', 'template', 'channel', 'text']),
  SimulatedRules: closed({
    kind: { const: 'rules' },
    ruleset: str,
    today: date,
    offers: { type: 'array', description: 'The promotions that apply, highest savings first', items: closed({ promotion: str, name: str, savings: num, priority: int, exclusive: bool }) },
    promotions: {
      type: 'array',
      description: 'Every promotion given, explained; `promotion` is its place in the request',
      items: closed({ promotion: str, ...explained }),
    },
    assumptions: str,
  }),
  SimulatedOtp: closed({ kind: { const: 'otp' }, policy: str, sentences: { type: 'array', items: str }, text: str }),
  Simulation: { oneOf: [ref('SimulatedMove'), ref('SimulatedTemplate'), ref('SimulatedRules'), ref('SimulatedOtp')], description: 'What would happen, by the kind asked' },
  TestRun: closed({
    passed: { type: 'integer', description: 'Cases that pass' },
    failed: {
      type: 'array',
      items: closed(
        {
          test: str,
          case: str,
          path: str,
          expected: { type: 'object', description: 'The case’s expectation: allowed, to, code, output' },
          actual: { type: 'object', description: 'What came out, in the same terms' },
          message: str,
        },
      ),
    },
    coverage: closed({
      moves: { type: 'array', items: closed({ workflow: str, entity: str, from: str, to: str, event: str, roles: { type: 'array', items: str }, cases: { type: 'array', items: closed({ test: str, case: str }) } }) },
      untested: { type: 'array', description: 'The moves no case asks for', items: closed({ workflow: str, entity: str, from: str, to: str, event: str, roles: { type: 'array', items: str } }) },
    }),
  }),
  Release: closed({
    number: int,
    source: { enum: ['files', 'admin', 'rollback'] },
    comment: nullableStr,
    checksum: str,
    changeSet: { type: ['string', 'null'], format: 'uuid' },
    createdBy: str,
    createdByName: { ...nullableStr, description: 'The name the user who made it has now (null for the files)' },
    createdAt: dateTime,
    definitions: { type: 'array', items: closed({ kind: str, name: str, version: int, checksum: str, file: str, content: { type: 'object', description: 'The authored definition (GET /releases/{number} only)' } }, ['kind', 'name', 'version', 'checksum', 'file']) },
  }),
  ReleaseDiff: closed({
    release: int,
    against: { type: ['integer', 'null'], description: 'The release compared with (null: nothing before it)' },
    definitions: {
      type: 'array',
      items: closed({
        kind: str,
        name: str,
        file: str,
        changes: { type: 'array', items: closed({ path: str, kind: { enum: ['added', 'removed', 'changed'] }, sentence: str, before: anyJson, after: anyJson }, ['path', 'kind', 'sentence']) },
      }),
    },
  }),
  Migration: closed({
    release: int,
    entity: str,
    counts: {
      type: 'object',
      description: 'The pinned records found, per release they followed and per state: { "3": { "PAN_SUBMITTED": 12 } }',
      additionalProperties: { type: 'object', additionalProperties: int },
    },
    migrated: { type: 'integer', description: 'Records moved (0 on a dry run)' },
    dryRun: bool,
  }),
};

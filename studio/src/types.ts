// The shapes the Studio reads from the API (the OpenAPI document at /openapi.json is the reference).

export interface AppSummary {
  id: string;
  name: string;
  basePath: string;
  release: number | null;
  signIn: { password: boolean; otp: boolean };
}

export interface SignedInUser {
  id: string;
  email?: string | null;
  phone?: string | null;
  role: string;
  displayName?: string | null;
}

export interface Session {
  app: string;
  token: string;
  user: SignedInUser;
}

export interface DefinitionProblem {
  file: string;
  path: string;
  message: string;
  severity?: 'warning';
}

export interface ReleaseEntry {
  kind: string;
  name: string;
  version: number;
  checksum: string;
  file: string;
  content?: Record<string, unknown>;
}

export interface Release {
  number: number;
  source: 'files' | 'admin' | 'rollback';
  comment: string | null;
  checksum: string;
  changeSet: string | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  definitions: ReleaseEntry[];
}

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  sentence: string;
  before?: unknown;
  after?: unknown;
}

export interface ChangeSetItem {
  kind: string;
  name: string;
  removed: boolean;
  /** The definition as put in the change set (null: removed). */
  content: Record<string, unknown> | null;
  checksum: string | null;
  updatedBy: string;
  updatedByName: string | null;
  updatedAt: string;
  stale: boolean;
  changes: Change[];
}

export interface ChangeSet {
  id: string;
  title: string;
  status: 'open' | 'scheduled' | 'published' | 'discarded';
  baseRelease: number;
  liveRelease: number | null;
  release: number | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
  definitions: ChangeSetItem[];
  problems: DefinitionProblem[];
  publishAt: string | null;
  scheduleError: string | null;
  scheduleMappings: Record<string, Record<string, string>> | null;
  contentHash: string;
  approvals: { needed: number; given: { actorId: string; name: string | null; role: string; at: string }[] };
  /** Requests for changes; `current` ones were made on the content as it is now and block publishing. */
  reviews: { actorId: string; name: string | null; role: string; comment: string; at: string; current: boolean }[];
}

export interface ChangeSetSummary {
  id: string;
  title: string;
  status: ChangeSet['status'];
  baseRelease: number;
  release: number | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TestCaseFailure {
  test: string;
  case: string;
  path: string;
  expected: unknown;
  actual: unknown;
  message: string;
}

export interface MoveCoverage {
  workflow: string;
  entity: string;
  from: string;
  to: string;
  event: string;
  roles: string[];
  cases?: { test: string; case: string }[];
}

export interface TestRun {
  passed: number;
  failed: TestCaseFailure[];
  coverage: { moves: MoveCoverage[]; untested: MoveCoverage[] };
}

// Every operation of the REST engine, by name: the generic route table, the route aliases and
// /openapi.json all come from here. Adding an operation is one module and one line (and its name
// in engine/registry/operation-needs.ts, which the type below keeps in step).
import type { Operation } from '../../engine/index.ts';
import { changesApprove } from './changes-approve.ts';
import { changesOpen } from './changes-open.ts';
import { changesList } from './changes-list.ts';
import { changesGet } from './changes-get.ts';
import { changesPut } from './changes-put.ts';
import { changesRemove } from './changes-remove.ts';
import { changesPublish } from './changes-publish.ts';
import { changesDiscard } from './changes-discard.ts';
import { changesSimulate } from './changes-simulate.ts';
import { changesTests } from './changes-tests.ts';
import { releasesList } from './releases-list.ts';
import { releasesGet } from './releases-get.ts';
import { releasesRollback } from './releases-rollback.ts';
import { releasesMigrate } from './releases-migrate.ts';
import { releasesDiff } from './releases-diff.ts';
import { changesRequestChanges } from './changes-request-changes.ts';
import { usersList } from './users-list.ts';
import { recordsSync } from './records-sync.ts';
import { usersCreate } from './users-create.ts';
import { usersGet } from './users-get.ts';
import { usersUpdate } from './users-update.ts';
import { usersDeactivate } from './users-deactivate.ts';
import { registrationsOtp } from './registrations-otp.ts';
import { registrationsCreate } from './registrations-create.ts';
import { registrationsList } from './registrations-list.ts';
import { registrationsApprove } from './registrations-approve.ts';
import { registrationsReject } from './registrations-reject.ts';
import { appsTests } from './apps-tests.ts';
import { appsSimulate } from './apps-simulate.ts';
import { authLogin } from './auth-login.ts';
import { authLogout } from './auth-logout.ts';
import { authOtpRequest } from './auth-otp-request.ts';
import { authOtpVerify } from './auth-otp-verify.ts';
import { authRefresh } from './auth-refresh.ts';
import { importsErrors } from './imports-errors.ts';
import { importsRegister } from './imports-register.ts';
import { importsStatus } from './imports-status.ts';
import { importsUploadUrl } from './imports-upload-url.ts';
import type { OperationSpec } from './operation-spec.ts';
import { otpRequest } from './otp-request.ts';
import { sessionsRequestCode } from './sessions-request-code.ts';
import { sessionsResume } from './sessions-resume.ts';
import { otpVerify } from './otp-verify.ts';
import { outboxList } from './outbox-list.ts';
import { outboxRetry } from './outbox-retry.ts';
import { recordsCreate } from './records-create.ts';
import { recordsDelete } from './records-delete.ts';
import { recordsDocument } from './records-document.ts';
import { recordsEvent } from './records-event.ts';
import { recordsGet } from './records-get.ts';
import { recordsList } from './records-list.ts';
import { recordsMoveTo } from './records-move-to.ts';
import { recordsPatch } from './records-patch.ts';
import { recordsTimeline } from './records-timeline.ts';
import { rulesBacktest } from './rules-backtest.ts';
import { rulesEvaluate } from './rules-evaluate.ts';
import { rulesLint } from './rules-lint.ts';
import { rulesGroups } from './rules-groups.ts';
import { filesUpload } from './files-upload.ts';
import { filesList } from './files-list.ts';
import { filesGet } from './files-get.ts';
import { filesReview } from './files-review.ts';
import { filesRemove } from './files-remove.ts';
import { filesUploadUrl } from './files-upload-url.ts';
import { filesComplete } from './files-complete.ts';

// In route-table order: Express tries generic routes in this order.
export const OPERATION_SPECS: { readonly [K in Operation]: OperationSpec<K> } = {
  'auth.login': authLogin,
  'auth.otpRequest': authOtpRequest,
  'auth.otpVerify': authOtpVerify,
  'auth.refresh': authRefresh,
  'auth.logout': authLogout,
  'records.create': recordsCreate,
  'records.list': recordsList,
  'records.get': recordsGet,
  'records.patch': recordsPatch,
  'records.delete': recordsDelete,
  'records.timeline': recordsTimeline,
  'records.document': recordsDocument,
  'records.event': recordsEvent,
  'records.moveTo': recordsMoveTo,
  'sessions.requestCode': sessionsRequestCode,
  'sessions.resume': sessionsResume,
  'otp.request': otpRequest,
  'otp.verify': otpVerify,
  'rules.evaluate': rulesEvaluate,
  'rules.backtest': rulesBacktest,
  'rules.lint': rulesLint,
  'rules.groups': rulesGroups,
  'imports.uploadUrl': importsUploadUrl,
  'imports.register': importsRegister,
  'imports.status': importsStatus,
  'imports.errors': importsErrors,
  'outbox.list': outboxList,
  'outbox.retry': outboxRetry,
  'changes.open': changesOpen,
  'changes.list': changesList,
  'changes.get': changesGet,
  'changes.put': changesPut,
  'changes.remove': changesRemove,
  'changes.approve': changesApprove,
  'changes.publish': changesPublish,
  'changes.discard': changesDiscard,
  'changes.simulate': changesSimulate,
  'changes.tests': changesTests,
  'releases.list': releasesList,
  'releases.get': releasesGet,
  'releases.rollback': releasesRollback,
  'releases.migrate': releasesMigrate,
  'releases.diff': releasesDiff,
  'changes.requestChanges': changesRequestChanges,
  'records.sync': recordsSync,
  'users.list': usersList,
  'users.create': usersCreate,
  'users.get': usersGet,
  'users.update': usersUpdate,
  'users.deactivate': usersDeactivate,
  'registrations.otp': registrationsOtp,
  'registrations.create': registrationsCreate,
  'registrations.list': registrationsList,
  'registrations.approve': registrationsApprove,
  'registrations.reject': registrationsReject,
  'apps.tests': appsTests,
  'apps.simulate': appsSimulate,
  'files.uploadUrl': filesUploadUrl,
  'files.complete': filesComplete,
  'files.upload': filesUpload,
  'files.list': filesList,
  'files.get': filesGet,
  'files.review': filesReview,
  'files.remove': filesRemove,
};

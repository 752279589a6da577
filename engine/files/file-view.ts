// A file as the API shows it: its newest version, its review status, and who did what when.
import type { Prisma } from '../store/database.ts';

type RecordFile = Prisma.RecordFileGetPayload<object>;
type RecordFileVersion = Prisma.RecordFileVersionGetPayload<object>;

export interface FileView {
  id: string;
  recordId: string;
  slot: string;
  label: string | null;
  status: string | null;
  removed: boolean;
  version: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string | null;
  uploadedAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  createdAt: string;
}

export interface FileVersionView {
  version: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string | null;
  uploadedAt: string;
}

export function fileView(f: RecordFile): FileView {
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
    createdAt: f.createdAt.toISOString(),
  };
}

export function fileVersionView(v: RecordFileVersion): FileVersionView {
  return { version: v.version, fileName: v.fileName, contentType: v.contentType, size: Number(v.size), sha256: v.sha256, uploadedBy: v.uploadedBy, uploadedAt: v.uploadedAt.toISOString() };
}

// Sends a file to the signed upload URL the server handed out. The Studio talks to its own origin
// only (the CSP's connect-src 'self' says so too): a URL pointing anywhere else is refused here with
// a sentence, rather than attempted. XMLHttpRequest, not fetch, because it reports upload progress.
import { ApiError } from '../../api.ts';

export interface UploadTarget {
  uploadUrl: string;
  method: 'PUT';
  blobName: string;
  expiresAt: string;
  maxBytes: number;
  contentType: string;
}

/** Why the Studio will not send the file to this URL, or undefined when it is this server. */
export function offOrigin(url: string): string | undefined {
  let target: URL;
  try {
    target = new URL(url, location.href);
  } catch {
    return 'The server gave an upload URL that is not a valid address.';
  }
  if (target.origin === location.origin) return undefined;
  return `The upload URL points at ${target.origin}, not at this server (${location.origin}). The Studio only sends data to its own server, so it will not upload there. Ask an engineer to set PUBLIC_URL to the address you open the Studio at.`;
}

export function uploadFile(target: UploadTarget, file: File, onProgress: (sent: number, total: number) => void): Promise<void> {
  const refused = offOrigin(target.uploadUrl);
  if (refused) return Promise.reject(new ApiError(0, 'OFF_ORIGIN', refused));
  if (file.size > target.maxBytes) return Promise.reject(new ApiError(413, 'PAYLOAD_TOO_LARGE', `The file is ${formatBytes(file.size)}; this import takes at most ${formatBytes(target.maxBytes)}.`));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.uploadUrl);
    // No bearer token: the signed URL is the credential.
    xhr.setRequestHeader('Content-Type', target.contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was cut off. The same file can be sent again.'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } }).error;
      } catch {
        /* not JSON: the status says enough */
      }
      reject(new ApiError(xhr.status, error?.code ?? `HTTP_${xhr.status}`, error?.message ?? `The upload was refused (${xhr.status})`));
    };
    xhr.send(file);
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

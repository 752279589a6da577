// The Content-Disposition a download URL makes Azure answer with. The name is the user's (a record's
// title, a customer's name), so it is quoted, never trusted: no quote, backslash, slash or control
// character reaches the header; a name beyond ASCII also goes as RFC 6266 `filename*` (UTF-8).

export function attachmentDisposition(fileName: string): string {
  const clean = fileName.replace(/[\u0000-\u001f\u007f]/g, '').replace(/[/\\]/g, '_').trim() || 'download';
  const ascii = clean.replace(/"/g, "'").replace(/[^\u0020-\u007e]/g, '_');
  if (ascii === clean) return `attachment; filename="${ascii}"`;
  const utf8 = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

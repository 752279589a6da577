// The keys every blob provider accepts, in one place, so a key the fs store refuses is refused by
// Azure too (an app moved from one store to the other keeps working). Not a plugin folder: the
// catalog only loads plugins/blob/<name>/index.ts.

/** Plain relative paths: segments of letters, digits, ".", "_" and "-", none empty or starting with ".". */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** The fs store keeps a blob's hash beside it under this suffix, so no key may end with it. */
export const META_SUFFIX = '.meta.json';

/** No "..", no absolute paths, no hidden files, no empty segments, at most 512 characters. */
export function isValidBlobKey(key: string): boolean {
  return KEY.test(key) && key.length <= 512 && !key.endsWith(META_SUFFIX);
}

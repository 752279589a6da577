import bcrypt from 'bcryptjs';

const COST = 10;
// Compared against when the user does not exist, so a missing account takes as long as a wrong
// password. Made on first use: hashing costs ~90 ms, which every start would otherwise pay.
let dummyHash: string | undefined;
const noSuchUserHash = () => (dummyHash ??= bcrypt.hashSync('rulepath-no-such-user', COST));

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  return bcrypt.compare(password, hash ?? noSuchUserHash()).then((ok) => ok && Boolean(hash));
}

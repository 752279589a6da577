import bcrypt from 'bcryptjs';

const COST = 10;
// Compared against when the user does not exist, so a missing account takes as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('rulepath-no-such-user', COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  return bcrypt.compare(password, hash ?? DUMMY_HASH).then((ok) => ok && Boolean(hash));
}

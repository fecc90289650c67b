import { createHash, randomBytes } from 'node:crypto';
import type { DashboardRepo, DashboardSession, DashboardUser } from '../../../core/dashboard-ports.ts';
import type { DashboardOptions } from '../deps.ts';

/** The session cookie: the token whose SHA-256 names the stored session. */
export const SESSION_COOKIE = 'bawaba_session';
/** Where the dashboard's cookies are sent. */
export const COOKIE_PATH = '/dashboard';
/** Activity is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

/** The stored name of a session token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a session: the cookie's token (never stored) and the stored session. */
export async function startSession(
  repo: DashboardRepo,
  user: DashboardUser,
  ip: string,
  now: number,
  options: DashboardOptions,
): Promise<{ token: string; session: DashboardSession }> {
  const token = randomBytes(32).toString('base64url');
  const session: DashboardSession = {
    tokenHash: hashToken(token),
    userId: user.id,
    accountId: user.accountId,
    csrfToken: randomBytes(24).toString('base64url'),
    mode: 'test',
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + options.absoluteMs,
    ip,
  };
  await repo.createSession(session);
  return { token, session };
}

/**
 * The live session and user a cookie's token names: none when unknown, past its absolute end,
 * idle too long, or its user disabled (an ended session is deleted).
 */
export async function resumeSession(
  repo: DashboardRepo,
  token: string | undefined,
  now: number,
  options: DashboardOptions,
): Promise<{ session: DashboardSession; user: DashboardUser } | undefined> {
  if (!token || token.length > 100) return undefined;
  const tokenHash = hashToken(token);
  const session = await repo.getSession(tokenHash);
  if (!session) return undefined;
  const user = await repo.getUser(session.userId);
  if (!user || user.disabledAt !== null || now >= session.expiresAt || now - session.lastSeenAt >= options.idleMs) {
    await repo.deleteSession(tokenHash);
    return undefined;
  }
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await repo.touchSession(tokenHash, now, now - TOUCH_EVERY_MS);
  return { session, user };
}

import { issueApiKey } from './api-key-admin.ts';
import type { Clock } from './core/clock.ts';
import {
  DASHBOARD_ROLES,
  type DashboardRepo,
  type DashboardRole,
  type DashboardServices,
  type DashboardUser,
} from './core/dashboard-ports.ts';
import type { IdGenerator } from './core/ids.ts';
import type { AccountRepo } from './core/repositories.ts';
import { liveUrlProblem } from './net/address-policy.ts';
import { generatePassword, hashPassword } from './pages/dashboard/auth/password.ts';
import { DEFAULT_TIME_ZONE, isTimeZone } from './pages/kit/format.ts';
import { EVENT_TYPES } from './server/contract/events.ts';
import { generateWebhookSecret } from './webhooks/sign.ts';

type Deps = { dashboard: DashboardRepo; accounts: AccountRepo; ids: IdGenerator; clock: Clock };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{1,60}$/;

/** Creates a dashboard user; answers it with its password (generated when none is given, shown once). */
export async function createDashboardUser(
  deps: Deps,
  input: { accountId: string; email: string; role: string; password?: string; timeZone?: string },
): Promise<{ user: DashboardUser; password: string }> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new Error(`"${input.email}" is not an e-mail address`);
  if (!(DASHBOARD_ROLES as readonly string[]).includes(input.role)) throw new Error('the role must be admin or viewer');
  if (!(await deps.accounts.getAccount(input.accountId))) throw new Error(`no account ${input.accountId}`);
  if (await deps.dashboard.findUserByEmail(email)) throw new Error(`a dashboard user ${email} exists already`);
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) throw new Error(`"${timeZone}" is not a time zone (e.g. Asia/Qatar)`);
  const password = input.password ?? generatePassword();
  if (password.length < 12) throw new Error('the password must have at least 12 characters');
  const user: DashboardUser = {
    id: deps.ids.next('usr'),
    accountId: input.accountId,
    email,
    role: input.role as DashboardRole,
    passwordHash: await hashPassword(password),
    timeZone,
    createdAt: deps.clock.now(),
    disabledAt: null,
  };
  await deps.dashboard.createUser(user);
  return { user, password };
}

/** Gives a user a new generated password (shown once); answers it. */
export async function resetDashboardPassword(deps: Deps, email: string): Promise<string> {
  const user = await deps.dashboard.findUserByEmail(email.trim().toLowerCase());
  if (!user) throw new Error(`no dashboard user ${email}`);
  const password = generatePassword();
  await deps.dashboard.setPassword(user.id, await hashPassword(password));
  return password;
}

/** The services the dashboard's admin pages call: the same as the API's and the CLI's. */
export function dashboardServices(deps: { accounts: AccountRepo; ids: IdGenerator; clock: Clock }): DashboardServices {
  return {
    eventTypes: EVENT_TYPES,
    newWebhookSecret: generateWebhookSecret,
    liveUrlProblem: (url) => liveUrlProblem(url),
    issueApiKey: (accountId, mode, options) => issueApiKey(deps, accountId, mode, options),
  };
}

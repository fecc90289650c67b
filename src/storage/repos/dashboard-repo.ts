import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, DashboardRepo, DashboardSession, DashboardUser } from '../../core/dashboard-ports.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { DashboardAuditTable, DashboardSessionsTable, DashboardUsersTable, DB } from '../schema.ts';
import { insertJobs } from './job-queue.ts';
import { type JobSignal, transactionWithJobs } from './job-signal.ts';
import { parseStringRecord } from './json.ts';
import { pageById } from './paging.ts';

/** Dashboard users, their sessions and the audit log; `signal` hears of the jobs a test event writes. */
export function createDashboardRepo(db: Kysely<DB>, signal?: JobSignal): DashboardRepo {
  const users = () => db.selectFrom('dashboard_users').selectAll();
  return {
    async sendTestEvent(event, endpointId, deliveryId, job) {
      await transactionWithJobs(db, signal, async (trx, jobs) => {
        await trx
          .insertInto('events')
          .values({
            id: event.id,
            account_id: event.accountId,
            mode: event.mode,
            type: event.type,
            object_id: event.objectId,
            data: JSON.stringify(event.data),
            created_at: event.createdAt,
          })
          .execute();
        await trx
          .insertInto('webhook_deliveries')
          .values({
            id: deliveryId,
            endpoint_id: endpointId,
            event_id: event.id,
            account_id: event.accountId,
            mode: event.mode,
            status: 'pending',
            attempts: 0,
            next_attempt_at: job.runAt,
            last_status_code: null,
            created_at: event.createdAt,
            updated_at: event.createdAt,
          })
          .execute();
        jobs.note(await insertJobs(trx, [job], event.createdAt));
      });
    },
    async createUser(user) {
      await db
        .insertInto('dashboard_users')
        .values({
          id: user.id,
          account_id: user.accountId,
          email: user.email.toLowerCase(),
          role: user.role,
          password_hash: user.passwordHash,
          time_zone: user.timeZone,
          created_at: user.createdAt,
          disabled_at: user.disabledAt,
        })
        .execute();
    },
    async findUserByEmail(email) {
      const row = await users().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row === undefined ? undefined : toUser(row);
    },
    async getUser(id) {
      const row = await users().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toUser(row);
    },
    async listUsers(accountId) {
      const rows = await users().where('account_id', '=', accountId).orderBy('id').execute();
      return rows.map(toUser);
    },
    async setPassword(userId, passwordHash) {
      await db.updateTable('dashboard_users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    },
    async createSession(s) {
      await db
        .insertInto('dashboard_sessions')
        .values({
          token_hash: s.tokenHash,
          user_id: s.userId,
          account_id: s.accountId,
          csrf_token: s.csrfToken,
          mode: s.mode,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          expires_at: s.expiresAt,
          ip: s.ip,
        })
        .execute();
    },
    async getSession(tokenHash) {
      const row = await db
        .selectFrom('dashboard_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row === undefined ? undefined : toSession(row);
    },
    async touchSession(tokenHash, at, notBefore) {
      await db
        .updateTable('dashboard_sessions')
        .set({ last_seen_at: at })
        .where('token_hash', '=', tokenHash)
        .where('last_seen_at', '<', notBefore)
        .execute();
    },
    async setSessionMode(tokenHash, mode) {
      await db.updateTable('dashboard_sessions').set({ mode }).where('token_hash', '=', tokenHash).execute();
    },
    async deleteSession(tokenHash) {
      await db.deleteFrom('dashboard_sessions').where('token_hash', '=', tokenHash).execute();
    },
    async purgeSessions(now, idleBefore) {
      const result = await db
        .deleteFrom('dashboard_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async addAudit(e) {
      await db
        .insertInto('dashboard_audit')
        .values({
          id: e.id,
          account_id: e.accountId,
          mode: e.mode,
          user_id: e.userId,
          user_email: e.userEmail,
          action: e.action,
          object_id: e.objectId,
          detail: JSON.stringify(e.detail),
          ip: e.ip,
          created_at: e.createdAt,
        })
        .execute();
    },
    async listAudit(query) {
      const q = db.selectFrom('dashboard_audit').selectAll().where('account_id', '=', query.accountId);
      const { rows, hasMore } = await pageById(q, query, 'audit');
      return { data: rows.map(toAudit), hasMore };
    },
  };
}

function toUser(row: Selectable<DashboardUsersTable>): DashboardUser {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    role: row.role === 'admin' ? 'admin' : 'viewer',
    passwordHash: row.password_hash,
    timeZone: row.time_zone,
    createdAt: toSafeInteger(row.created_at, 'dashboard_users.created_at'),
    disabledAt: toSafeIntegerOrNull(row.disabled_at, 'dashboard_users.disabled_at'),
  };
}

function toSession(row: Selectable<DashboardSessionsTable>): DashboardSession {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    accountId: row.account_id,
    csrfToken: row.csrf_token,
    mode: row.mode === 'live' ? 'live' : 'test',
    createdAt: toSafeInteger(row.created_at, 'dashboard_sessions.created_at'),
    lastSeenAt: toSafeInteger(row.last_seen_at, 'dashboard_sessions.last_seen_at'),
    expiresAt: toSafeInteger(row.expires_at, 'dashboard_sessions.expires_at'),
    ip: row.ip,
  };
}

function toAudit(row: Selectable<DashboardAuditTable>): AuditEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode === 'live' ? 'live' : 'test',
    userId: row.user_id,
    userEmail: row.user_email,
    action: row.action,
    objectId: row.object_id,
    detail: parseStringRecord(row.detail, 'dashboard_audit.detail'),
    ip: row.ip,
    createdAt: toSafeInteger(row.created_at, 'dashboard_audit.created_at'),
  };
}

import type { DashboardDeps, Viewer } from './deps.ts';

/** Writes one admin action to the audit log: who, what, on which object, from where, when. */
export async function audit(
  deps: DashboardDeps,
  viewer: Viewer,
  action: string,
  objectId: string | null,
  detail: Record<string, string>,
): Promise<void> {
  await deps.repo.addAudit({
    id: deps.ids.next('aud'),
    accountId: viewer.user.accountId,
    mode: viewer.session.mode,
    userId: viewer.user.id,
    userEmail: viewer.user.email,
    action,
    objectId,
    detail,
    ip: viewer.ip,
    createdAt: deps.clock.now(),
  });
}

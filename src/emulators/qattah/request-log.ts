import type { EmulatorClock } from '../kit/clock.ts';

/**
 * How a request presented its api_token: `bearer` (`Bearer <token>`, the official SDKs),
 * `bare` (the token alone, Qattah's API pages), `none` (no Authorization header).
 */
export type AuthForm = 'bearer' | 'bare' | 'none';

/** One merchant API request, as `GET /__control/requests` lists it. */
export type RequestRecord = {
  at: string;
  method: string;
  path: string;
  auth_scheme: AuthForm;
  /** The merchant whose token it presented; null when no token matched. */
  merchant_id: string | null;
  status: number;
};

export function authFormOf(header: string | undefined): AuthForm {
  if (header === undefined || header.trim() === '') return 'none';
  return /^Bearer\s+/i.test(header) ? 'bearer' : 'bare';
}

/** The last `limit` merchant API requests, oldest first. */
export function createRequestLog(clock: EmulatorClock, limit = 1000) {
  let records: RequestRecord[] = [];
  return {
    record(entry: Omit<RequestRecord, 'at'>): void {
      records.push({ at: clock.nowIso(), ...entry });
      if (records.length > limit) records = records.slice(-limit);
    },
    list: (): RequestRecord[] => records.map((r) => ({ ...r })),
    reset(): void {
      records = [];
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;

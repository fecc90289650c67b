import type { ProviderFailure } from '../../core/connector-contract.ts';
import type { Mode } from '../../core/payment/payment.ts';

/**
 * Checkout.com's older hosts (providers.md §1.2, CKO-1 old copy): the default only while an
 * account sets no `prefix`.
 */
export const CHECKOUT_BASE_URLS = {
  test: 'https://api.sandbox.checkout.com',
  live: 'https://api.checkout.com',
} as const;

/** An account's unique base URL prefix: one DNS label of letters and digits. */
const PREFIX = /^[A-Za-z0-9]{1,63}$/;

/** What is wrong with a `prefix` setting (a phrase that follows its name), or undefined. */
export function prefixProblem(value: string): string | undefined {
  return PREFIX.test(value)
    ? undefined
    : 'must be the account’s base URL prefix: 1 to 63 letters or digits, nothing else (no dots, dashes or scheme).';
}

/** The current regional host of a prefix (providers.md §1.2, CKO-1, CKO-3). */
export function prefixedBaseUrl(prefix: string, mode: Mode): string {
  const label = prefix.toLowerCase();
  return mode === 'live' ? `https://${label}.api.checkout.com` : `https://${label}.api.sandbox.checkout.com`;
}

/**
 * Where an account's calls go: an explicit `base_url` (the emulator, a proxy) wins; then the
 * host its `prefix` names; then the connector's default (the older hosts in production). A
 * prefix that is not one is refused, never sent to some other host.
 */
export function checkoutBaseUrl(
  settings: Readonly<Record<string, string>>,
  mode: Mode,
  defaults: { readonly test: string; readonly live: string },
): { readonly url: string } | { readonly failure: ProviderFailure } {
  if (settings.base_url) return { url: settings.base_url };
  const prefix = settings.prefix;
  if (prefix === undefined || prefix === '') return { url: defaults[mode] };
  const problem = prefixProblem(prefix);
  if (problem) {
    return {
      failure: {
        code: 'parameter_invalid',
        message: `The Checkout.com connector's settings.prefix ${problem}`,
        param: 'settings.prefix',
        providerCodes: [],
      },
    };
  }
  return { url: prefixedBaseUrl(prefix, mode) };
}

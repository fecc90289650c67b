import { html } from '../kit/html.ts';
import { type QpayFormState, qpayPages } from '../kit/qpay-page.ts';
import { PAGE_PATH } from './api.ts';
import { formatMajor } from './money.ts';
import { type Lang, TEST_CARD, TEXT } from './page-text.ts';
import type { Charge } from './state.ts';

const PAGES = qpayPages({
  text: TEXT,
  theme: { brand: '#1a1f36', pay: '#2ace82', payText: '#0b2e1c', payHover: '#22b571' },
  switchHref: (token, other) => `${PAGE_PATH}?chg=${encodeURIComponent(token)}&lang=${other}`,
});

export function pickLang(requested: unknown): Lang {
  return requested === 'ar' ? 'ar' : 'en';
}

const money = (charge: Charge): string => `${charge.currency} ${formatMajor(charge.amount, charge.currency)}`;

export type FormState = QpayFormState;

/** The card form of a charge, headed by its merchant's name. */
export function renderPaymentForm(
  charge: Charge,
  merchantName: string | undefined,
  lang: Lang,
  state: FormState = {},
): string {
  return PAGES.form(
    lang,
    charge.pageToken,
    {
      merchantName,
      amount: money(charge),
      description: charge.description,
      action: PAGE_PATH,
      hidden: { name: 'chg', value: charge.pageToken },
      otpAttrs: html`type="text" autocomplete="one-time-code" maxlength="12"`,
      testCard: TEST_CARD,
    },
    state,
  );
}

export function renderNotFound(lang: Lang): string {
  return PAGES.notFound(lang);
}

/** Shown for a charge that can no longer be paid: completed, cancelled, declined or abandoned. */
export function renderNotPayable(charge: Charge, lang: Lang): string {
  return PAGES.notPayable(lang, charge.pageToken, charge.status === 'ABANDONED');
}

/** The page shown after paying when the merchant gave no `redirect.url`. */
export function renderResult(charge: Charge, lang: Lang): string {
  const t = TEXT[lang];
  const status = charge.status as keyof (typeof TEXT)['en']['resultTitle'];
  const extra = html`<p class="muted">${t.chargeLabel}: <code class="ltr" id="charge-id">${charge.id}</code></p>`;
  return PAGES.result(lang, t.resultTitle[status], money(charge), extra);
}

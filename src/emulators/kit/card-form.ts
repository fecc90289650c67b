/** Card checks shared by the hosted pages; the NAPS (QPay) card form is the same whoever hosts it. */

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function normalizeCardNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** 16 to 19 digits (spaces and dashes ignored) passing the Luhn check. */
export function cardNumberValid(value: string): boolean {
  const card = normalizeCardNumber(value);
  return /^\d{16,19}$/.test(card) && luhnValid(card);
}

/** MM/YY, valid through the last day of that month (UTC). */
export function expiryValid(value: string, now: number): boolean {
  const match = /^\s*(\d{2})\s*\/\s*(\d{2})\s*$/.exec(value);
  if (!match) return false;
  const month = Number(match[1]);
  const year = 2000 + Number(match[2]);
  if (month < 1 || month > 12) return false;
  return now < Date.UTC(year, month, 1);
}

/** The fields of the hosted QPay card form. */
export type QpayField = 'card_number' | 'expiry' | 'pin' | 'otp';
export type QpayCardForm = { cardNumber: string; expiry: string; pin: string; otp: string };

/** The QPay card form as posted (a missing field reads as empty). */
export function readQpayForm(body: Record<string, string | undefined>): QpayCardForm {
  return { cardNumber: body.card_number ?? '', expiry: body.expiry ?? '', pin: body.pin ?? '', otp: body.otp ?? '' };
}

/** The fields that are wrong (none: the form can be submitted); `otpValid` is the host's rule for the OTP. */
export function qpayFormErrors(form: QpayCardForm, now: number, otpValid: (otp: string) => boolean): QpayField[] {
  const errors: QpayField[] = [];
  if (!cardNumberValid(form.cardNumber)) errors.push('card_number');
  if (!expiryValid(form.expiry, now)) errors.push('expiry');
  if (!/^\d{3,6}$/.test(form.pin)) errors.push('pin');
  if (!otpValid(form.otp)) errors.push('otp');
  return errors;
}

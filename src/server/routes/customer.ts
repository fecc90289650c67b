import type { Customer } from '../../core/payment/payment.ts';

/** The customer's name, e-mail and phone as a request gave them (absent ones left out). */
export function contactOf(c: { readonly name?: string; readonly email?: string; readonly phone?: string }): Customer {
  return {
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.email !== undefined ? { email: c.email } : {}),
    ...(c.phone !== undefined ? { phone: c.phone } : {}),
  };
}

import { BawabaError, createBawabaClient } from '@bawaba/sdk';

const bawaba = createBawabaClient({
  apiKey: process.env.BAWABA_API_KEY, // sk_test_... or sk_live_...: keep it on your server
  baseUrl: process.env.BAWABA_URL ?? 'http://localhost:4000', // your Bawaba server, without /v1
});

// QAR 15.00 by QPay (amounts are integers of minor units). The Idempotency-Key makes the call
// safe to repeat: the client reuses it when it retries by itself, and a repeat with the same key
// answers the same payment instead of creating a second one.
const payment = await bawaba.payments.create(
  {
    amount: 1500,
    currency: 'QAR',
    payment_method: 'qpay',
    return_url: 'https://shop.example/return',
    reference: 'ORDER-1001',
  },
  { idempotencyKey: 'order-1001' },
);
console.log(payment.status, payment.next_action?.url); // requires_action: send the customer there

// Every payment of that order, newest first, fetching further pages as needed.
for await (const p of bawaba.payments.list({ reference: 'ORDER-1001' })) {
  console.log(p.id, p.status, p.amount, p.currency);
}

// Errors carry a stable code and name the parameter at fault.
try {
  await bawaba.payments.create({
    amount: 15.5,
    currency: 'QAR',
    payment_method: 'qpay',
    return_url: 'https://shop.example/return',
  });
} catch (error) {
  if (!(error instanceof BawabaError)) throw error;
  console.log(error.status, error.code, error.param); // 400 amount_invalid amount
}

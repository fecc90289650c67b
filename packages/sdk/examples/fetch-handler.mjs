import { verifyWebhook, WebhookVerificationError } from '@bawaba/sdk';

// A fetch-style webhook handler (Deno, Bun, Cloudflare-style workers, Next.js route handlers).
export async function POST(request) {
  try {
    const event = await verifyWebhook(await request.text(), request.headers, process.env.BAWABA_WEBHOOK_SECRET);
    if (event.type === 'payment.captured') {
      // Fulfil the order event.data.object.reference. Events may come twice: de-duplicate on
      // the webhook-id header, and trust the payment's updated_at over the arrival order.
    }
    return new Response(null, { status: 204 });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return new Response(error.reason, { status: 400 });
    throw error;
  }
}

import { createServer } from 'node:http';
import { createBawabaClient, verifyWebhook, WebhookVerificationError } from '@bawaba/sdk';

const bawaba = createBawabaClient({
  apiKey: process.env.BAWABA_API_KEY,
  baseUrl: process.env.BAWABA_URL ?? 'http://localhost:4000',
});
let secret; // the endpoint's whsec_... secret

// Your shop's webhook receiver: verify the raw body, exactly as received, before trusting it.
const server = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    const event = await verifyWebhook(Buffer.concat(chunks), request.headers, secret);
    response.writeHead(204).end(); // answer quickly; de-duplicate on the webhook-id header
    console.log('verified', event.type, event.data.object.id);
    server.close();
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    response.writeHead(400).end(error.reason);
  }
});
server.listen(Number(process.env.PORT ?? 3000));
await new Promise((resolve) => server.once('listening', resolve));

// Subscribe it (in test mode, a local URL is fine), then make something happen.
const endpoint = await bawaba.webhookEndpoints.create({
  url: `http://localhost:${server.address().port}/webhooks`,
  enabled_events: ['payment.requires_action'],
});
secret = endpoint.secret; // shown only now: store it
await bawaba.payments.create({
  amount: 1500,
  currency: 'QAR',
  payment_method: 'qpay',
  return_url: 'https://shop.example/return',
});

await new Promise((resolve) => server.once('close', resolve)); // the event arrived
await bawaba.webhookEndpoints.delete(endpoint.id);

import { createTestGateway } from './gateway.ts';

/** The OpenAPI document the app generates from its route schemas. */
export async function openApiDocument(): Promise<unknown> {
  const gw = await createTestGateway();
  try {
    const res = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
    return res.json();
  } finally {
    await gw.close();
  }
}

import { randomUUID } from 'node:crypto';
import { prefixedId } from '../kit/ids.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';

/** Where an entity's webhooks go; `authorization` is sent verbatim as the `Authorization` header. */
export type WebhookEndpoint = { url: string; authorization?: string };

/**
 * One merchant account of the emulated provider, with its own keys and webhook endpoints, and the
 * name its QPay page is headed by (the API never shows it).
 */
export type Entity = {
  id: string;
  name: string;
  secretKey: string;
  publicKey: string;
  webhookSignatureKey: string;
  webhooks: WebhookEndpoint[];
};

export type EntityInput = {
  name?: string;
  secretKey?: string;
  publicKey?: string;
  webhookSignatureKey?: string;
  webhooks?: WebhookEndpoint[];
};

export type EntityRegistry = ReturnType<typeof createEntityRegistry>;

export const generateSecretKey = (): string => prefixedId('sk_sbox_', 27);
export const generatePublicKey = (): string => prefixedId('pk_sbox_', 27);
export const generateEntityId = (): string => prefixedId('ent_', 26);

/** The name of the `n`th entity when none is given. */
const defaultName = (n: number): string => `Emulator Merchant ${n}`;

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const isKey = (value: unknown): value is string => typeof value === 'string' && /^\S+$/.test(value);

function checkEndpoint(value: unknown, at: string): Checked<WebhookEndpoint> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `${at} must be an object {url, authorization?}` };
  }
  const { url, authorization } = value as Record<string, unknown>;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    return { ok: false, error: `${at}.url must be an absolute http(s) URL` };
  }
  if (authorization === undefined || authorization === null) return { ok: true, value: { url: url as string } };
  // A header value cannot hold line breaks; an empty one is the same as none.
  if (typeof authorization !== 'string' || authorization === '' || /[\r\n]/.test(authorization)) {
    return { ok: false, error: `${at}.authorization must be a non-empty single-line string` };
  }
  return { ok: true, value: { url: url as string, authorization } };
}

/** Validates a list of webhook endpoints as given to the control API. */
export function checkWebhooks(value: unknown, at = 'webhooks'): Checked<WebhookEndpoint[]> {
  if (!Array.isArray(value)) return { ok: false, error: `${at} must be an array` };
  const endpoints: WebhookEndpoint[] = [];
  for (const [index, item] of value.entries()) {
    const checked = checkEndpoint(item, `${at}[${index}]`);
    if (!checked.ok) return checked;
    endpoints.push(checked.value);
  }
  return { ok: true, value: endpoints };
}

/** Validates entity input; `names` are the field names to quote in errors (camelCase or snake_case). */
export function checkEntityInput(
  input: Record<string, unknown>,
  names: Record<keyof EntityInput, string>,
): Checked<EntityInput> {
  const out: EntityInput = {};
  const name = input[names.name];
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string' || name.trim() === '')
      return { ok: false, error: `${names.name} must be a non-empty string` };
    out.name = name;
  }
  for (const field of ['secretKey', 'publicKey', 'webhookSignatureKey'] as const) {
    const value = input[names[field]];
    if (value === undefined || value === null) continue;
    if (!isKey(value)) return { ok: false, error: `${names[field]} must be a non-empty string without spaces` };
    out[field] = value;
  }
  const webhooks = input[names.webhooks];
  if (webhooks !== undefined && webhooks !== null) {
    const checked = checkWebhooks(webhooks, names.webhooks);
    if (!checked.ok) return checked;
    out.webhooks = checked.value;
  }
  return { ok: true, value: out };
}

const copyEndpoints = (webhooks: readonly WebhookEndpoint[]): WebhookEndpoint[] => webhooks.map((w) => ({ ...w }));
const copyEntity = (entity: Entity): Entity => ({ ...entity, webhooks: copyEndpoints(entity.webhooks) });

/**
 * The emulated provider's merchant accounts. The first one is created at start and is what
 * `reset()` goes back to, so credentials handed out at start stay valid. With a durable `book`
 * the entities of the last run come back, and its default one stays the default unless other
 * keys are given.
 */
export function createEntityRegistry(initial: EntityInput = {}, book: EmulatorBook = MEMORY_BOOK) {
  const entities = new Map<string, Entity>();
  const save = (entity: Entity): void => book.put('entity', entity.id, entity);
  for (const saved of book.load('entity').values() as Iterable<Entity>) {
    // A store written before entities had names gives them the default ones.
    const entity = saved.name === undefined ? { ...saved, name: defaultName(entities.size + 1) } : saved;
    entities.set(entity.id, entity);
    if (entity !== saved) save(entity);
  }

  function create(input: EntityInput): { entity: Entity; created: boolean } {
    const existing = input.secretKey === undefined ? undefined : bySecretKey(input.secretKey);
    if (existing) {
      if (input.name !== undefined) existing.name = input.name;
      if (input.publicKey !== undefined) existing.publicKey = input.publicKey;
      if (input.webhookSignatureKey !== undefined) existing.webhookSignatureKey = input.webhookSignatureKey;
      if (input.webhooks !== undefined) existing.webhooks = copyEndpoints(input.webhooks);
      save(existing);
      return { entity: copyEntity(existing), created: false };
    }
    const entity: Entity = {
      id: generateEntityId(),
      name: input.name ?? defaultName(entities.size + 1),
      secretKey: input.secretKey ?? generateSecretKey(),
      publicKey: input.publicKey ?? generatePublicKey(),
      webhookSignatureKey: input.webhookSignatureKey ?? randomUUID(),
      webhooks: copyEndpoints(input.webhooks ?? []),
    };
    entities.set(entity.id, entity);
    save(entity);
    return { entity: copyEntity(entity), created: true };
  }

  function bySecretKey(secretKey: string): Entity | undefined {
    for (const entity of entities.values()) if (entity.secretKey === secretKey) return entity;
    return undefined;
  }

  const byRef = (ref: string): Entity | undefined => entities.get(ref) ?? bySecretKey(ref);

  const savedDefault = book.load('meta').get('default_entity') as { id?: string } | undefined;
  const previous = savedDefault?.id === undefined ? undefined : entities.get(savedDefault.id);
  const startKey = initial.secretKey ?? previous?.secretKey;
  const start = copyEntity(create(startKey === undefined ? initial : { ...initial, secretKey: startKey }).entity);
  book.put('meta', 'default_entity', { id: start.id });

  return {
    defaultEntity: (): Entity => copyEntity(entities.get(start.id) ?? start),
    create,
    /** The live entity (not a copy) with this id, for the emulator's own reads. */
    get: (id: string): Entity | undefined => entities.get(id),
    /** Every entity, live, for matching a presented secret key. */
    all: (): Entity[] => [...entities.values()],
    find: (ref: string): Entity | undefined => {
      const entity = byRef(ref);
      return entity && copyEntity(entity);
    },
    list: (): Entity[] => [...entities.values()].map(copyEntity),
    setWebhooks(ref: string, webhooks: readonly WebhookEndpoint[]): Entity | undefined {
      const entity = byRef(ref);
      if (!entity) return undefined;
      entity.webhooks = copyEndpoints(webhooks);
      save(entity);
      return copyEntity(entity);
    },
    reset(): void {
      for (const id of entities.keys()) if (id !== start.id) book.remove('entity', id);
      entities.clear();
      entities.set(start.id, copyEntity(start));
      save(entities.get(start.id) as Entity);
      book.put('meta', 'default_entity', { id: start.id });
    },
  };
}

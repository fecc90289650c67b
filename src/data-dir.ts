/** Files the gateway keeps in its data directory that hold secrets. */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A secret file under the data directory, readable by its owner only. */
export function writeSecretFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The sandbox's encryption key: `BAWABA_ENCRYPTION_KEY`, else one generated once into the data dir. */
export function sandboxEncryptionKey(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'encryption.key');
  if (!existsSync(path)) writeSecretFile(path, `${randomBytes(32).toString('hex')}\n`);
  return readFileSync(path, 'utf8').trim();
}

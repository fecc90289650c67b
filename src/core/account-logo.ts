/**
 * The merchant's logo, shown beside its name on the checkout pages. The pages load nothing from
 * other hosts, so the logo is stored by the gateway and served from its own address. Only PNG
 * and JPEG are taken: an SVG may carry script, and the bytes are checked, not the declared type.
 */
import { BawabaError } from './errors.ts';

/** The largest logo taken, in bytes. */
export const MAX_LOGO_BYTES = 64 * 1024;
/** The widest and tallest logo taken, in pixels: a small file cannot unpack into a huge bitmap. */
export const MAX_LOGO_PIXELS = 2048;

/** The image types a logo may have. */
export type LogoContentType = 'image/png' | 'image/jpeg';

/** A stored logo, without its bytes. */
export interface AccountLogo {
  readonly accountId: string;
  readonly contentType: LogoContentType;
  /** Hex SHA-256 of the bytes: the logo's address changes whenever its bytes do. */
  readonly digest: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  readonly updatedAt: number;
}

/** Logos of accounts. */
export interface AccountLogoRepo {
  /** Stores (or replaces) the account's logo; the digest is worked out from the bytes. */
  put(logo: Omit<AccountLogo, 'digest' | 'size'>, bytes: Uint8Array): Promise<AccountLogo>;
  get(accountId: string): Promise<AccountLogo | undefined>;
  /** A logo's type and bytes by its digest (the address it is served at). */
  bytesByDigest(digest: string): Promise<{ contentType: LogoContentType; bytes: Uint8Array } | undefined>;
  /** True when there was a logo to remove. */
  remove(accountId: string): Promise<boolean>;
}

/** Where the gateway serves a logo: its digest in the name, so it is cached for good. */
export function logoPath(logo: Pick<AccountLogo, 'digest' | 'contentType'>): string {
  return `/c/logo/${logo.digest}.${logo.contentType === 'image/png' ? 'png' : 'jpg'}`;
}

/** What the bytes of an image are, as far as a logo needs to know. */
export interface LogoImage {
  readonly contentType: LogoContentType;
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u32(b: Uint8Array, at: number): number {
  return u16(b, at) * 65536 + u16(b, at + 2);
}

function png(b: Uint8Array): LogoImage | undefined {
  if (b.length < 33 || PNG_SIGNATURE.some((v, i) => b[i] !== v)) return undefined;
  // The first chunk is IHDR: its width and height.
  if (String.fromCharCode(b[12] ?? 0, b[13] ?? 0, b[14] ?? 0, b[15] ?? 0) !== 'IHDR') return undefined;
  return { contentType: 'image/png', width: u32(b, 16), height: u32(b, 20) };
}

/** The markers of a JPEG frame header (SOF0–SOF15 but DHT, JPG and DAC), which hold its size. */
function isFrameMarker(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function jpeg(b: Uint8Array): LogoImage | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    const length = u16(b, at + 2);
    if (length < 2) return undefined;
    if (isFrameMarker(marker)) {
      if (at + 9 > b.length) return undefined;
      return { contentType: 'image/jpeg', height: u16(b, at + 5), width: u16(b, at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/**
 * The bytes as a logo: a PNG or a JPEG (by its bytes) of at most {@link MAX_LOGO_BYTES} and
 * {@link MAX_LOGO_PIXELS} on each side.
 * @throws BawabaError `parameter_invalid` naming `param` otherwise.
 */
export function checkLogo(bytes: Uint8Array, param: string): LogoImage {
  if (bytes.length === 0) throw new BawabaError('parameter_invalid', `${param} is empty.`, param);
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new BawabaError('parameter_invalid', `${param} is larger than ${MAX_LOGO_BYTES} bytes.`, param);
  }
  const image = png(bytes) ?? jpeg(bytes);
  if (!image) throw new BawabaError('parameter_invalid', `${param} must be a PNG or JPEG image.`, param);
  if (image.width < 1 || image.height < 1 || image.width > MAX_LOGO_PIXELS || image.height > MAX_LOGO_PIXELS) {
    throw new BawabaError(
      'parameter_invalid',
      `${param} must be between 1 and ${MAX_LOGO_PIXELS} pixels wide and tall (it is ${image.width}×${image.height}).`,
      param,
    );
  }
  return image;
}

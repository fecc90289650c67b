/**
 * Sending fuzz requests over loopback: through an undici pool, or as raw bytes on a socket for
 * what a client refuses to send. Every send has a deadline; missing it is a hang.
 */
import { connect } from 'node:net';
import { errors, Pool } from 'undici';
import type { FuzzRequest } from './requests.ts';

/** What came back. */
export type Answer =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    }
  | { readonly kind: 'hang' }
  | { readonly kind: 'no_answer'; readonly reason: string };

/** Sends requests to one gateway on 127.0.0.1. */
export interface Sender {
  send(request: FuzzRequest): Promise<Answer>;
  close(): Promise<void>;
}

/** A sender to `origin`, which must be `http://127.0.0.1:<port>`. */
export function createSender(origin: string, timeoutMs: number, connections: number): Sender {
  const url = new URL(origin);
  if (url.hostname !== '127.0.0.1') throw new Error(`the fuzzer only sends to 127.0.0.1, not ${url.hostname}`);
  const port = Number(url.port);
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 5_000 });
  return {
    async send(request) {
      if (request.raw !== undefined) return sendRaw(port, request.raw, timeoutMs);
      try {
        const res = await pool.request({
          method: request.method,
          path: request.target,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const body = request.method === 'HEAD' ? '' : await res.body.text();
        return { kind: 'answer', status: res.statusCode, headers: flatten(res.headers), body };
      } catch (err) {
        if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError)
          return { kind: 'hang' };
        // What the client will not send goes on the wire as it is.
        if (err instanceof errors.InvalidArgumentError) return sendRaw(port, toRaw(request), timeoutMs);
        // The gateway may answer and close before reading a body it refuses (413): ask again
        // without keep-alive, on a socket that reads the answer whatever happens to the body.
        return sendRaw(port, toRaw(request), timeoutMs, `${(err as Error).message}`);
      }
    },
    close: () => pool.close(),
  };
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The request as HTTP/1.1 text, closing the connection after it. */
export function toRaw(request: FuzzRequest): string {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'host: 127.0.0.1'];
  for (const [k, v] of Object.entries(request.headers)) lines.push(`${k}: ${v}`);
  if (request.body !== undefined) lines.push(`content-length: ${Buffer.byteLength(request.body)}`);
  lines.push('connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`;
}

/** Writes `text` (latin1, byte for byte) to a fresh socket and reads the answer until close. */
export function sendRaw(port: number, text: string, timeoutMs: number, note?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const socket = connect({ host: '127.0.0.1', port }, () => {
      // The server may answer and close before it has read everything: that is fine.
      socket.write(Buffer.from(text, 'latin1'), () => {});
    });
    const timer = setTimeout(() => finish({ kind: 'hang' }), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    const done = () => {
      const parsed = parseAnswer(Buffer.concat(chunks));
      finish(parsed ?? { kind: 'no_answer', reason: note ?? 'connection closed without an HTTP answer' });
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', () => {
      // A reset after the answer arrived still leaves the answer to read.
      if (chunks.length === 0) return;
      done();
    });
  });
}

/** Parses one HTTP/1.1 answer (Content-Length, chunked, or until close). */
export function parseAnswer(bytes: Buffer): Answer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
  }
  let body = bytes.subarray(end + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { kind: 'answer', status: Number(status[1]), headers, body: body.toString('utf8') };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

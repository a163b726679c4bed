import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** The metadata encoding of a payload this codec encrypted; any other payload passes through. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** One AES-256 key and the id that encrypted payloads carry, so that a rotated-out key still decodes. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

const text = new TextEncoder();
const fromText = new TextDecoder();

/**
 * Encrypts workflow and activity payloads with AES-256-GCM, so that holders' names and phone
 * numbers never reach Temporal's history in plain text.
 *
 * The first key encrypts; every key decodes the payloads that name it, so rotation is: put the new
 * key first, keep the old ones after it until no open history needs them. Payloads written before
 * encryption was turned on carry another encoding and pass through unchanged.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: PayloadKey;
  private readonly byId: Map<string, Buffer>;

  constructor(keys: readonly PayloadKey[]) {
    const [current] = keys;
    if (!current) throw new Error('AesGcmPayloadCodec needs at least one key: set PAYLOAD_ENCRYPTION_KEYS');
    for (const { id, key } of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`payload key "${id}" has ${key.length} bytes; AES-256 needs ${KEY_BYTES} (44 characters of base64)`);
    }
    this.current = current;
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** Encrypts every payload with the current key. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: text.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text.encode(this.current.id) },
        data: sealed,
      };
    });
  }

  /**
   * Decrypts the payloads this codec encrypted, with the key each one names.
   * @throws Error naming the key id when that key is not configured
   */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || fromText.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? fromText.decode(idBytes) : '';
      const key = this.byId.get(id);
      if (!key) throw new Error(`a payload was encrypted with key "${id}", which PAYLOAD_ENCRYPTION_KEYS does not hold; add it after the current key`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/**
 * Parses `PAYLOAD_ENCRYPTION_KEYS`: comma-separated `id:base64` pairs, the current key first.
 * @throws Error naming the bad entry and the expected form
 */
export function parsePayloadKeys(setting: string): PayloadKey[] {
  return setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([A-Za-z0-9_.-]+):([A-Za-z0-9+/]+={0,2})$/.exec(entry);
      if (!match) throw new Error(`PAYLOAD_ENCRYPTION_KEYS entry "${entry.slice(0, 12)}…" must be id:base64, e.g. 2026a:${randomBytes(KEY_BYTES).toString('base64')}`);
      return { id: match[1]!, key: Buffer.from(match[2]!, 'base64') };
    });
}

/** A fresh key setting, for a first start with no key configured. */
export function generatePayloadKeySetting(id: string): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

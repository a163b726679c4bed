import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { temporal } from '@temporalio/proto';
import { licenceDataConverter } from '../../runtime/data-converter';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, generatePayloadKeySetting, parsePayloadKeys } from '../../runtime/payload-codec';

const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('AES-GCM payload codec', () => {
  const personal = { holder: '威海康宁大药房有限公司', contact: '张敏', phone: '13800138000' };
  const payload = defaultPayloadConverter.toPayload(personal);

  it('encrypts so that no personal detail is readable, and decrypts to the same payload', async () => {
    const codec = new AesGcmPayloadCodec([key('2026a')]);
    const [sealed] = await codec.encode([payload]);
    expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata!['encryption-key-id'])).toBe('2026a');
    for (const value of Object.values(personal)) expect(Buffer.from(sealed!.data!).includes(Buffer.from(value))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(personal);
  });

  it('uses a fresh nonce for every payload', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [first, second] = await codec.encode([payload, payload]);
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
  });

  it('rotates: the new first key encrypts, the old key still decrypts what it sealed', async () => {
    const old = key('2025');
    const current = key('2026');
    const [sealedBefore] = await new AesGcmPayloadCodec([old]).encode([payload]);
    const rotated = new AesGcmPayloadCodec([current, old]);
    const [sealedAfter] = await rotated.encode([payload]);
    expect(text(sealedAfter!.metadata!['encryption-key-id'])).toBe('2026');
    const decoded = await rotated.decode([sealedBefore!, sealedAfter!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([personal, personal]);
  });

  it('names the missing key when a payload was sealed with a key it does not hold', async () => {
    const [sealed] = await new AesGcmPayloadCodec([key('retired')]).encode([payload]);
    await expect(new AesGcmPayloadCodec([key('2026')]).decode([sealed!])).rejects.toThrow(/key "retired".*PAYLOAD_ENCRYPTION_KEYS/);
  });

  it('refuses a tampered payload', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [sealed] = await codec.encode([payload]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
  });

  it('passes through payloads written before encryption was turned on', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    await expect(codec.decode([payload])).resolves.toEqual([payload]);
  });

  it('parses the key setting and explains a bad one', () => {
    const setting = `${generatePayloadKeySetting('new')},${generatePayloadKeySetting('old')}`;
    expect(parsePayloadKeys(setting).map((k) => [k.id, k.key.length])).toEqual([
      ['new', 32],
      ['old', 32],
    ]);
    expect(() => parsePayloadKeys('no-colon-here')).toThrow(/must be id:base64/);
    expect(() => new AesGcmPayloadCodec(parsePayloadKeys('short:AAAA'))).toThrow(/AES-256 needs 32/);
    expect(() => new AesGcmPayloadCodec([])).toThrow(/PAYLOAD_ENCRYPTION_KEYS/);
  });
});

describe("the engine's data converter", () => {
  it('writes failure messages and stack traces encrypted, not in clear', async () => {
    const converter = loadDataConverter(licenceDataConverter(new AesGcmPayloadCodec([key('2026a')])));
    const refusal = ApplicationFailure.nonRetryable('Licence 鲁威药经2023555 is already registered with other details: fix holder.name', 'conflict');
    const failure = await encodeErrorToFailure(converter, refusal);
    const stored = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish());
    expect(stored.includes(Buffer.from('鲁威药经2023555'))).toBe(false);
    expect(stored.includes(Buffer.from('payload-codec.test'))).toBe(false);
    expect(failure.message).toBe('Encoded failure');
    const decoded = await decodeOptionalFailureToOptionalError(converter, failure);
    expect(decoded?.message).toBe(refusal.message);
  });
});

import type { AppConfig } from './config';
import { keptSecret } from './kept-secrets';
import { AesGcmPayloadCodec, generatePayloadKeySetting, parsePayloadKeys } from './payload-codec';

/** Where an all-in-one process keeps the payload key it generated on its first start. */
export const PAYLOAD_KEY_FILE = 'payload-keys';

/**
 * The payload codec of this process: the keys of `PAYLOAD_ENCRYPTION_KEYS`, or else the key kept
 * in `DATA_DIR` (written, readable by its owner only, on the first start).
 */
export function payloadCodecFor(config: Pick<AppConfig, 'PAYLOAD_ENCRYPTION_KEYS' | 'DATA_DIR'>): AesGcmPayloadCodec {
  if (config.PAYLOAD_ENCRYPTION_KEYS) return new AesGcmPayloadCodec(parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS));
  return new AesGcmPayloadCodec(parsePayloadKeys(keptSecret(config.DATA_DIR, PAYLOAD_KEY_FILE, () => generatePayloadKeySetting('local-1'))));
}

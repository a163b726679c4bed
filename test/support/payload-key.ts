import { AesGcmPayloadCodec, parsePayloadKeys } from '../../runtime/payload-codec';

/** The tests' payload key, as a worker process takes it from PAYLOAD_ENCRYPTION_KEYS. */
export const TEST_PAYLOAD_KEYS = 'test-1:tXub/uKT1NZLmD53WUV+tZruWeWvAa+kLTOL0PZFBnY=';

/** The codec every test client, worker and replay uses, so that the tests run encrypted as production does. */
export const testPayloadCodec = new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS));

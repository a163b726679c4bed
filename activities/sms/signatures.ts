import { createHash, createHmac } from 'node:crypto';

/**
 * RFC 3986 percent-encoding as Aliyun's RPC signature wants it: `encodeURIComponent` leaves
 * `!'()*` alone, Aliyun does not.
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Aliyun RPC signature (SignatureVersion 1.0, HMAC-SHA1) over the request's parameters,
 * `Signature` itself excluded: base64 HMAC-SHA1 keyed `secret&` of `POST&%2F&<encoded sorted query>`.
 */
export function aliyunRpcSignature(method: 'GET' | 'POST', parameters: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(parameters)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(parameters[name]!)}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/** The parts of a Tencent Cloud API 3.0 request that its TC3-HMAC-SHA256 signature covers. */
export interface Tc3Request {
  host: string;
  service: string;
  /** Unix seconds, as sent in `X-TC-Timestamp`. */
  timestamp: number;
  contentType: string;
  payload: string;
}

/**
 * Tencent Cloud TC3-HMAC-SHA256 signature of a POST to `/` signing `content-type;host`.
 * @returns the hex signature.
 */
export function tc3Signature(request: Tc3Request, secretKey: string): string {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${request.contentType}\nhost:${request.host}\n`,
    'content-type;host',
    sha256Hex(request.payload),
  ].join('\n');
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(request.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), request.service), 'tc3_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

/** The `Authorization` header of a TC3-signed request. */
export function tc3Authorization(request: Tc3Request, secretId: string, secretKey: string): string {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  return (
    `TC3-HMAC-SHA256 Credential=${secretId}/${date}/${request.service}/tc3_request, ` +
    `SignedHeaders=content-type;host, Signature=${tc3Signature(request, secretKey)}`
  );
}

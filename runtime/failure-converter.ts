import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into an encoded payload, which the payload codec then
 * encrypts: a refusal's message names a licence number and what to fix, and a stack trace names
 * source paths, none of which belongs in Temporal's history in clear. Loaded by path, so that the
 * workflow sandbox uses it too.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

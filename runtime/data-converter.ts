import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Loaded by path, so that the workflow sandbox uses it too; a prebuilt workflow bundle must carry it (worker/workflow-bundle.ts). */
export const LICENCE_FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** How this engine's clients and workers write payloads and failures: encrypted, messages included. */
export function licenceDataConverter(payloadCodec: PayloadCodec): DataConverter {
  return { payloadCodecs: [payloadCodec], failureConverterPath: LICENCE_FAILURE_CONVERTER_PATH };
}

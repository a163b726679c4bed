import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** How this engine's clients and workers write payloads and failures: encrypted, messages included. */
export function licenceDataConverter(payloadCodec: PayloadCodec): DataConverter {
  return { payloadCodecs: [payloadCodec], failureConverterPath: require.resolve('./failure-converter') };
}

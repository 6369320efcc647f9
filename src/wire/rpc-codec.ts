/* Every RPC message codec, by name (exported from the wire door as `codecs`). */
export type { Codec } from './codec-base.js';
export { emptyCodec, errorResponse1, errorResponse2, initRequest } from './codec-base.js';
export { processorInitResponse, processBatchRequest, processBatchResponse } from './processor-codec.js';
export { inputInitResponse, readResponse, ackRequest } from './input-codec.js';
export { outputInitResponse, sendRequest } from './output-codec.js';

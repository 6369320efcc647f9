import type { MethodDefinition } from '@grpc/grpc-js';
import * as c from './rpc-codec.js';
import type { Codec } from './rpc-codec.js';
import type {
  AckRequest, EmptyRequest, ErrorResponse, InitRequest, InputInitResponse, OutputInitResponse,
  ProcessBatchRequest, ProcessBatchResponse, ProcessorInitResponse, ReadResponse, SendRequest,
} from './types.js';

/*
 * grpc-js service definitions for the three plugin services, with the exact
 * method paths of the contract. The host's client and the TS SDK's server
 * both use these, so both speak the host's model and share one codec.
 *
 * Server implementations are keyed by the camelCase names below
 * (`server.addService(ProcessorService, { init, processBatch, close })`).
 */

const PACKAGE = 'redpanda.runtime.v1alpha1';

function method<Req, Res>(service: string, name: string, req: Codec<Req>, res: Codec<Res>): MethodDefinition<Req, Res> {
  return {
    path: `/${PACKAGE}.${service}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: req.encode,
    requestDeserialize: req.decode,
    responseSerialize: res.encode,
    responseDeserialize: res.decode,
    originalName: name,
  };
}

export const ProcessorService = {
  init: method<InitRequest, ProcessorInitResponse>('BatchProcessorService', 'Init', c.initRequest, c.processorInitResponse),
  processBatch: method<ProcessBatchRequest, ProcessBatchResponse>('BatchProcessorService', 'ProcessBatch', c.processBatchRequest, c.processBatchResponse),
  close: method<EmptyRequest, ErrorResponse>('BatchProcessorService', 'Close', c.emptyCodec, c.errorResponse1),
} as const;

export const InputService = {
  init: method<InitRequest, InputInitResponse>('BatchInputService', 'Init', c.initRequest, c.inputInitResponse),
  connect: method<EmptyRequest, ErrorResponse>('BatchInputService', 'Connect', c.emptyCodec, c.errorResponse1),
  readBatch: method<EmptyRequest, ReadResponse>('BatchInputService', 'ReadBatch', c.emptyCodec, c.readResponse),
  ack: method<AckRequest, ErrorResponse>('BatchInputService', 'Ack', c.ackRequest, c.errorResponse2),
  close: method<EmptyRequest, ErrorResponse>('BatchInputService', 'Close', c.emptyCodec, c.errorResponse1),
} as const;

export const OutputService = {
  init: method<InitRequest, OutputInitResponse>('BatchOutputService', 'Init', c.initRequest, c.outputInitResponse),
  connect: method<EmptyRequest, ErrorResponse>('BatchOutputService', 'Connect', c.emptyCodec, c.errorResponse1),
  send: method<SendRequest, ErrorResponse>('BatchOutputService', 'Send', c.sendRequest, c.errorResponse1),
  close: method<EmptyRequest, ErrorResponse>('BatchOutputService', 'Close', c.emptyCodec, c.errorResponse1),
} as const;

export type ProcessorServiceDef = typeof ProcessorService;
export type InputServiceDef = typeof InputService;
export type OutputServiceDef = typeof OutputService;

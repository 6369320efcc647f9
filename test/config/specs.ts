import type { ComponentSpec } from '../../src/core/spec.js';

/**
 * Specs shaped like the streams helper's built-ins, so config tests do not
 * depend on src/pipeline (config never imports it).
 */
export const testSpecs: ComponentSpec[] = [
  {
    name: 'http_server',
    kind: 'input',
    fields: [
      { name: 'path', type: 'string', default: '/post' },
      { name: 'allowed_verbs', type: 'string', kind: 'list', default: ['POST'] },
      { name: 'timeout', type: 'duration', default: '5s' },
      {
        name: 'sync_response',
        type: 'object',
        default: {},
        fields: [
          { name: 'status', type: 'string', default: '200', interpolated: true },
          { name: 'headers', type: 'string', kind: 'map', default: { 'Content-Type': 'application/octet-stream' }, interpolated: true },
        ],
      },
    ],
  },
  {
    name: 'broker',
    kind: 'input',
    fields: [
      { name: 'inputs', type: 'input', kind: 'list' },
      { name: 'batching', type: 'object', optional: true, fields: [
        { name: 'count', type: 'int', default: 0 },
        { name: 'period', type: 'duration', default: '0' },
        { name: 'check', type: 'string', optional: true, expression: 'query' },
      ] },
    ],
  },
  { name: 'generate', kind: 'input', fields: [
    { name: 'mapping', type: 'string', expression: 'mapping' },
    { name: 'interval', type: 'duration', default: '1s' },
    { name: 'count', type: 'int', default: 0 },
  ] },
  { name: 'mapping', kind: 'processor', value: { name: 'mapping', type: 'string', expression: 'mapping' } },
  { name: 'catch', kind: 'processor', value: { name: 'catch', type: 'processor', kind: 'list' } },
  { name: 'switch', kind: 'processor', value: { name: 'switch', type: 'object', kind: 'list', fields: [
    { name: 'check', type: 'string', optional: true, expression: 'query' },
    { name: 'processors', type: 'processor', kind: 'list', default: [] },
  ] } },
  { name: 'log', kind: 'processor', fields: [
    { name: 'level', type: 'string', default: 'INFO', enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] },
    { name: 'message', type: 'string', default: '', interpolated: true },
  ] },
  { name: 'sync_response', kind: 'output', fields: [] },
  { name: 'drop', kind: 'output', fields: [] },
  { name: 'stdout', kind: 'output', fields: [] },
  { name: 'http_client', kind: 'output', fields: [
    { name: 'url', type: 'string', interpolated: true },
    { name: 'verb', type: 'string', default: 'POST' },
    { name: 'retries', type: 'int', default: 3 },
    { name: 'retry_period', type: 'duration', default: '1s' },
    { name: 'batch_as_multipart', type: 'bool', default: false },
    { name: 'max_in_flight', type: 'int', default: 64 },
    { name: 'batching', type: 'object', default: {}, fields: [
      { name: 'count', type: 'int', default: 0 },
      { name: 'byte_size', type: 'int', default: 0 },
      { name: 'period', type: 'duration', default: '0' },
      { name: 'processors', type: 'processor', kind: 'list', default: [] },
    ] },
  ] },
];

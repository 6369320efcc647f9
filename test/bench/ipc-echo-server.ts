// bench:ipc — the floor: a bare grpc-js unary echo (bytes in, the same bytes out), no codec at all.
// A separate process, serving on REDPANDA_CONNECT_PLUGIN_ADDRESS like a plugin; exits when stdin closes.
import { Server, ServerCredentials } from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;
const server = new Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
server.addService(
  {
    echo: {
      path: '/bench.Echo/Echo',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  },
  { echo: (call: { request: Buffer }, cb: (err: null, res: Buffer) => void) => cb(null, call.request) },
);
server.bindAsync(process.env['REDPANDA_CONNECT_PLUGIN_ADDRESS'] ?? '', ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

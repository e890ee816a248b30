// Preloaded (`node -r`) into the Kinesis emulators that KinesisEmulator starts.
//
// 1. Keeps every TCP server of the process on the loopback interface. Neither kinesalite nor
//    kinesis-local has a bind-address option (kinesis-local hard-codes 0.0.0.0), so
//    net.Server.prototype.listen (which http, https, tls and http2 servers inherit) is wrapped
//    to force the host to MINIETL_LISTEN_HOST (127.0.0.1 by default).
// 2. With MINIETL_EXIT_WITH_PARENT=1, exits when stdin reaches end of file: the JVM that
//    started the emulator holds the other end of the pipe, so the emulator dies with it even
//    when the JVM is killed with SIGKILL and no shutdown hook runs.
'use strict';
const net = require('net');

const host = process.env.MINIETL_LISTEN_HOST || '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (isPort(first)) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string') {
      args[1] = host;
    } else {
      args.splice(1, 0, host);
    }
  } else if (first !== null && typeof first === 'object' && !(first instanceof net.Server)
      && first.path === undefined && first.fd === undefined && first.handle === undefined
      && first._handle === undefined) {
    // listen(options[, callback])
    args[0] = Object.assign({}, first, { host });
  }
  // Anything else (a Unix socket path, a handle) is not a TCP listener: leave it alone.
  return originalListen.apply(this, args);
};

if (process.env.MINIETL_EXIT_WITH_PARENT === '1') {
  const exit = () => process.exit(0);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  process.stdin.on('error', exit);
  process.stdin.resume();
}

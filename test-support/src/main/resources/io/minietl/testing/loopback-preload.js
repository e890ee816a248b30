// Preloaded (`node -r`) into the Kinesis emulators that KinesisEmulator starts.
//
// 1. Keeps every TCP server of the process on the loopback interface. Neither kinesalite nor
//    kinesis-local has a bind-address option (kinesis-local hard-codes 0.0.0.0), so
//    net.Server.prototype.listen (which http, https, tls and http2 servers inherit) is wrapped
//    to force the host to MINIETL_LISTEN_HOST (127.0.0.1 by default).
// 2. With MINIETL_PARENT_PID=<pid>, exits when its parent is no longer that process: the JVM
//    that started the emulator died (even by SIGKILL, when no shutdown hook runs) and the
//    emulator was re-parented. Polling the parent pid depends on nothing the JVM might close by
//    accident (an earlier version exited at end of file on stdin).
// 3. Survives clients that hang up mid-request. kinesalite attaches
//    `req.on('error', err => { throw err })` to every request, and Node destroys a request whose
//    client closed the connection before the response with an ECONNRESET "aborted" error: the
//    throw kills the emulator. A runner interrupted, timed out or SIGKILLed mid-call is exactly
//    what the tests do, so that one error is logged and ignored; any other stays fatal.
// 4. Says in its output (the log file) why it exits, so that a test that finds the emulator
//    gone can tell a crash from a stop.
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

const parentPid = Number(process.env.MINIETL_PARENT_PID || 0);
if (parentPid > 0) {
  const watch = setInterval(() => {
    if (process.ppid !== parentPid) {
      process.stderr.write(`minietl-preload: parent ${parentPid} is gone; exiting\n`);
      process.exit(0);
    }
  }, 500);
  watch.unref();
}

process.on('uncaughtException', (err) => {
  if (err && err.code === 'ECONNRESET' && err.message === 'aborted') {
    process.stderr.write('minietl-preload: a client hung up mid-request (ignored)\n');
    return;
  }
  process.stderr.write(`minietl-preload: uncaught exception: ${err && err.stack ? err.stack : err}\n`);
  process.exit(70);
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    process.stderr.write(`minietl-preload: ${signal} received; exiting\n`);
    process.exit(0);
  });
}

process.on('exit', (code) => {
  process.stderr.write(`minietl-preload: exit code ${code}\n`);
});

/**
 * The bare reference relay for the sync bench: @y/websocket-server@0.1.1 (the Yjs-13 line),
 * no auth, no persistence. It is what attn's server is measured against.
 *
 * This mirrors the package's own bin (src/server.js) but on `ws` 8 (the same major attn uses,
 * so the socket layer is not a variable) and on port 0 with a parseable "listening" line.
 *
 * Run: node --import tsx tests/bench/reference-server.ts   (PORT, HOST optional)
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';

// utils.js reads YPERSISTENCE and CALLBACK_URL when it is first evaluated: clear them before
// the dynamic import so this relay never writes to disk or calls out, whatever the shell says.
delete process.env.YPERSISTENCE;
delete process.env.CALLBACK_URL;
const { setupWSConnection, setPersistence } = await import('@y/websocket-server/utils');
setPersistence(null);

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '0');

const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('okay');
});

// The document name is the URL path (`/<roomId>/board`), exactly as in the package's bin.
wss.on('connection', (conn, req) => setupWSConnection(conn, req));
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`reference listening on http://${host}:${actualPort}`);
});

const shutdown = () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
  // Keep-alive HTTP sockets can hold close() open; the bench does not need a graceful drain.
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

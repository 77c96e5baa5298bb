import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What a lingering close still reads, at most, after the response: then the connection is cut. */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 2_000;

/**
 * Ends the connection once the response is out without reading the rest of the request body — and without losing
 * the response. node:http destroys a `Connection: close` socket as soon as the response is written; bytes the
 * client is still sending then arrive at a closed socket, the kernel answers them with a reset, and a reset can
 * discard the response before the client has read it. So, as web servers do ("lingering close"): send FIN after
 * the response, read and discard what still comes for up to 1 MiB or 2 s, then close.
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // node:http calls destroySoon() on the socket when a `Connection: close` response has finished.
  socket.destroySoon = () => {
    let discarded = 0;
    const cut = (): void => {
      socket.destroy();
    };
    const timer = setTimeout(cut, LINGER_MS);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) cut();
    });
    socket.once('end', cut);
    socket.once('close', () => clearTimeout(timer));
    socket.end();
    socket.resume();
  };
}

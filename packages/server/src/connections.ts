import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Once closing, how long a connection that has not sent a byte gets to send its request before it is closed. Node
 * does not count such a connection as idle (server.close() leaves it open, as it should: its request may be on its
 * way) and stops checking its headers timeout on close, so without this it would hold the shutdown until the
 * shutdown timeout and make it a forced one.
 */
export const SILENT_CONNECTION_GRACE_MS = 1_000;

/** Requests dropped at the shutdown timeout: their log line says so (request-log.ts), whatever was written. */
const droppedResponses = new WeakSet<ServerResponse>();

export function wasDropped(res: ServerResponse): boolean {
  return droppedResponses.has(res);
}

/** The server's open connections, and how many it has accepted: what its shutdown needs to know of them. */
export class Connections {
  private readonly open = new Set<Socket>();
  /** Connections accepted so far. */
  accepted = 0;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.accepted += 1;
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
    });
  }

  /** Closes the connections that have not sent a byte. */
  closeSilent(): void {
    for (const socket of this.open) if (socket.bytesRead === 0) socket.destroy();
  }

  /** Marks every response not yet finished as dropped (wasDropped); returns how many. */
  markDropped(responses: Iterable<ServerResponse>): number {
    let n = 0;
    for (const res of responses) {
      if (res.writableFinished) continue;
      droppedResponses.add(res);
      n += 1;
    }
    return n;
  }
}

import type { FastifyInstance } from 'fastify';

/** Reads answered between two looks at the sockets, when appends share the process with them. */
const READS_BETWEEN_POLLS = 8;

/**
 * Work run `perTurn` items per check phase of the event loop (setImmediate), in arrival order.
 * What is left waits for the next turn, after the event loop has looked at the sockets again.
 */
export function fewPerTurn(perTurn: number): (work: () => void) => void {
  const waiting: (() => void)[] = [];
  const runSome = () => {
    try {
      for (let i = 0; i < perTurn && waiting.length > 0; i++) waiting.shift()!();
    } finally {
      if (waiting.length > 0) setImmediate(runSome);
    }
  };
  return (work) => {
    if (waiting.push(work) === 1) setImmediate(runSome);
  };
}

/**
 * Appends first, when the store has a writer thread (SQLite on a file). A turn of the event loop
 * takes in every request that has arrived; were each read answered as it comes, an append would
 * wait behind all of them, at its arrival and again for its answer. So a GET's work waits in a
 * queue worked through a few reads a turn (READS_BETWEEN_POLLS), with a look at the sockets
 * between: an append that arrives meanwhile is parsed, decided and queued after a few reads, not
 * after all of them. Before each GET's work the store hands its queue to an idle writer and takes
 * in finished commits (EventStore.pump). Without reads nothing changes: appends go to the writer
 * at the end of the turn, together.
 */
export function writesFirst(fastify: FastifyInstance, pump: () => void): void {
  const later = fewPerTurn(READS_BETWEEN_POLLS);
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'GET') pump();
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.method !== 'GET') return done();
    later(() => {
      pump();
      done();
    });
  });
}

interface TestPostgresServer {
  stop(): Promise<void>;
}

/** Jest global teardown: stops the server the global setup started (and removes its data). */
export default async function tearDown(): Promise<void> {
  const holder = globalThis as { __treatyLedgerPostgres?: TestPostgresServer };
  const server = holder.__treatyLedgerPostgres;
  if (!server) return;
  holder.__treatyLedgerPostgres = undefined;
  delete process.env.TEST_DATABASE_URL;
  await server.stop();
}

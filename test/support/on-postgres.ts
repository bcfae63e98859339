/** Jest setup file of the `postgres` project: startApp() then runs each app on a fresh PostgreSQL database. */
process.env.TEST_DB = 'postgres';

/** The database is damaged, belongs to something else, or lost a safeguard: the server must not use it. */
export class DatabaseRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseRefused';
  }
}

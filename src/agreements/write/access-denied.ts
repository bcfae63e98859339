/** The caller's key may not write to this agreement (answered 403). */
export class AccessDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

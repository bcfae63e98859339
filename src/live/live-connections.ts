import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { ReplaySubject } from 'rxjs';

/**
 * Ends every open live feed when the application shuts down. The HTTP server waits for
 * open responses before it closes, and a live feed never ends by itself.
 */
@Injectable()
export class LiveConnections implements BeforeApplicationShutdown {
  private readonly closing = new ReplaySubject<void>(1);
  readonly closing$ = this.closing.asObservable();

  beforeApplicationShutdown(): void {
    this.closing.next();
    this.closing.complete();
  }
}

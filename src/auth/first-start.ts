import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { API_KEY_STORE, type ApiKeyStore } from './api-key.js';

/** A fresh install gets one admin key, printed once (ADMIN_API_KEY chooses it, for automation). */
@Injectable()
export class FirstStartAdminKey implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstStart');

  constructor(
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.keys.count()) > 0) return;
    const { key, record } = await this.keys.create({
      name: 'admin',
      role: 'admin',
      parties: [],
      ...(this.config.adminApiKey ? { key: this.config.adminApiKey } : {}),
    });
    if (this.config.adminApiKey) {
      this.logger.log(`Created the admin key ${record.keyId} from ADMIN_API_KEY`);
      return;
    }
    // Printed once, to the console only: it is never stored in clear.
    const host = this.config.host === '0.0.0.0' ? 'localhost' : this.config.host;
    process.stdout.write(
      [
        '',
        '  Treaty Ledger: first start. An admin API key was created; it is shown only this once:',
        '',
        `    ${key}`,
        '',
        `  Sign the browser in: http://${host}:${this.config.port}/#key=${key}`,
        '  Use it from scripts as: Authorization: Bearer <key>.  More keys: npm run keys -- create --role viewer --name "…"',
        '',
      ].join('\n') + '\n',
    );
  }
}

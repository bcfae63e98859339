import { Module } from '@nestjs/common';
import { LogController } from './log.controller.js';
import { MerkleLog } from './merkle-log.js';
import { ProofBundleController } from './proof-bundle.controller.js';

/** The signed Merkle log over every event: its store comes from the persistence module (LOG_STORE). */
@Module({ controllers: [LogController, ProofBundleController], providers: [MerkleLog], exports: [MerkleLog] })
export class LogModule {}

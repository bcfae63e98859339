import { importAtopFolder } from '../src/import/atop/atop.importer.js';
import { runImportCli } from '../src/import/import-cli.js';

const USAGE = `Usage: npm run import:atop -- <folder> [--strict]

Imports the ATOP 4.01 alliance data (atop-alliance-level.csv, atop-member-level.csv,
atop-alliancephase-level.csv, cow-country-codes.csv) from <folder> into the database named by
DATABASE_URL (default sqlite:data/treaty-ledger.db). Running it again adds nothing.

  --strict   any warning about the data is a failure: nothing is written, exit code 1`;

runImportCli('ATOP', USAGE, importAtopFolder);

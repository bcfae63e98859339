import { importDcadFolder } from '../src/import/dcad/dcad.importer.js';
import { runImportCli } from '../src/import/import-cli.js';

const USAGE = `Usage: npm run import:dcad -- <folder> [--strict]

Imports the Defense Cooperation Agreement Dataset (DCAD v1.0, Kinne 2020: DCAD-v1.0-main.csv)
from <folder> into the database named by DATABASE_URL (default sqlite:data/treaty-ledger.db).
Running it again adds nothing; over an earlier import it retracts what the data no longer says.

  --strict   any warning about the data is a failure: nothing is written, exit code 1`;

runImportCli('DCAD', USAGE, importDcadFolder);

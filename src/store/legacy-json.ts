/**
 * The data files of the JSON-file store that came before the SQLite database. Only read, to
 * migrate a data directory once; psygraph no longer writes them.
 *
 *   <dataDir>/graph.json      {format: "psygraph.graph", patterns, relations, situations}
 *   <dataDir>/scenarios.json  {format: "psygraph.scenarios", scenarios}
 *
 * Everything read is validated as strictly as before: a damaged file is a StoreDataError naming
 * the file (and the record), and the migration does not start.
 */
import path from 'node:path';
import {
  type Catalog,
  InvalidInputError,
  type Scenario,
  StoreDataError,
  validateCatalog,
} from '../model/index.js';
import { readJsonIfExists } from '../read-input.js';
import { parseScenarios } from './queries.js';

export const LEGACY_GRAPH_FILE = 'graph.json';
export const LEGACY_SCENARIOS_FILE = 'scenarios.json';
/** What a legacy file is renamed to once its content is committed to the database. */
export const MIGRATED_SUFFIX = '.migrated';

const GRAPH_FORMAT = 'psygraph.graph';
const SCENARIOS_FORMAT = 'psygraph.scenarios';

export interface LegacyData {
  /** graph.json, when the directory has one (else the store still serves its seed). */
  catalog?: Catalog;
  /** scenarios.json, when the directory has one. */
  scenarios?: Scenario[];
  /** The legacy files read, as paths. */
  files: string[];
}

/** Reads the legacy files of a data directory; `files` is empty when there are none. */
export async function readLegacyData(dataDir: string): Promise<LegacyData> {
  const graphFile = path.join(dataDir, LEGACY_GRAPH_FILE);
  const scenariosFile = path.join(dataDir, LEGACY_SCENARIOS_FILE);
  const out: LegacyData = { files: [] };
  const graph = await readFormatted(graphFile, GRAPH_FORMAT);
  if (graph) {
    const { catalog, problems } = validateCatalog({
      patterns: [{ file: graphFile, data: graph.patterns }],
      relations: [{ file: graphFile, data: graph.relations }],
      situations: [{ file: graphFile, data: graph.situations }],
    });
    if (problems.length) throw new StoreDataError(`data file ${graphFile} is invalid`, problems);
    out.catalog = catalog;
    out.files.push(graphFile);
  }
  const scenarios = await readFormatted(scenariosFile, SCENARIOS_FORMAT);
  if (scenarios) {
    if (!Array.isArray(scenarios.scenarios)) {
      throw new StoreDataError(`data file ${scenariosFile}: "scenarios" must be an array`);
    }
    try {
      out.scenarios = parseScenarios(scenarios.scenarios);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      throw new StoreDataError(`data file ${scenariosFile} is invalid: ${err.message}`, err.problems);
    }
    out.files.push(scenariosFile);
  }
  return out;
}

async function readFormatted(file: string, format: string): Promise<Record<string, unknown> | undefined> {
  const raw = await readJsonIfExists(
    file,
    (reason) => new StoreDataError(`data file ${file} is not valid JSON: ${reason}`),
  );
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== format) {
    throw new StoreDataError(`data file ${file} is not a ${format} file`);
  }
  return raw as Record<string, unknown>;
}

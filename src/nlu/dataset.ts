/**
 * Reading the labelled utterance lists kept in src/nlu/data/ (train.tsv, test.tsv).
 *
 * Format: one `utterance<TAB>intent` per line. Lines starting with `#` are comments, except `# @section NAME`,
 * which starts a named section (test.tsv uses it to keep the shared dev set apart from our own questions).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findProjectPath } from '../project-files';
import { INTENTS, type Intent } from './intents';

export interface LabelledUtterance {
  readonly text: string;
  readonly intent: Intent;
  /** The `# @section` the line is in, or '' before the first marker. */
  readonly section: string;
  /** 1-based line number in the file, for error messages and reports. */
  readonly line: number;
}

/**
 * Folder holding train.tsv and test.tsv. Next to this file when run from source (tsx, mocha); tsc does not copy
 * the .tsv files, so compiled code finds the source folder above it (or above the working directory).
 */
export const NLU_DATA_DIR = dirname(findProjectPath(join('src', 'nlu', 'data', 'train.tsv'), __dirname) ?? join(__dirname, 'data', 'train.tsv'));

const SECTION_MARKER = /^#\s*@section\s+(\S+)/;

function isIntent(value: string): value is Intent {
  return (INTENTS as readonly string[]).includes(value);
}

/** Parses the TSV text; throws on a malformed line or an unknown intent, so a typo in the data fails loudly. */
export function parseLabelledTsv(content: string, source = 'tsv'): LabelledUtterance[] {
  const result: LabelledUtterance[] = [];
  let section = '';
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const marker = SECTION_MARKER.exec(raw);
    if (marker) {
      section = marker[1];
      return;
    }
    if (raw.startsWith('#') || raw.trim() === '') return;
    const columns = raw.split('\t');
    if (columns.length !== 2) {
      throw new Error(`${source}:${line}: expected "utterance<TAB>intent", got ${JSON.stringify(raw)}`);
    }
    const [text, label] = columns;
    const intent = label.trim();
    if (!isIntent(intent)) {
      throw new Error(`${source}:${line}: unknown intent ${JSON.stringify(intent)}`);
    }
    result.push({ text, intent, section, line });
  });
  return result;
}

/** Loads one of the data files by name, e.g. `loadLabelledFile('train.tsv')`. */
export function loadLabelledFile(fileName: string, dir = NLU_DATA_DIR): LabelledUtterance[] {
  const path = join(dir, fileName);
  return parseLabelledTsv(readFileSync(path, 'utf8'), path);
}

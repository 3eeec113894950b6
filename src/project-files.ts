import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds a file or folder the project ships outside the compiled code (`locales/`, the NLU's `.tsv`
 * lists): in `from` or a folder above it (so from `src/` under tsx and from `dist/src/` alike), else
 * in the working directory or above it, for a build compiled elsewhere. Null when neither has it.
 */
export function findProjectPath(relative: string, from: string, cwd: string = process.cwd()): string | null {
  for (const start of [from, cwd]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, relative);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

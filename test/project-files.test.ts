import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectPath } from '../src/project-files';

describe('findProjectPath', () => {
  const root = mkdtempSync(join(tmpdir(), 'vistka-files-'));
  const project = join(root, 'project');
  const elsewhere = join(root, 'build', 'src', 'nlu');
  before(() => {
    mkdirSync(join(project, 'locales', 'uk'), { recursive: true });
    mkdirSync(join(project, 'dist', 'src'), { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(project, 'locales', 'uk', 'bot.json'), '{}');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds what the project ships above the compiled code', () => {
    expect(findProjectPath(join('locales', 'uk'), join(project, 'dist', 'src'), root)).to.equal(join(project, 'locales', 'uk'));
  });

  it('falls back to the working directory for a build compiled elsewhere, and says null when neither has it', () => {
    expect(findProjectPath(join('locales', 'uk'), elsewhere, project)).to.equal(join(project, 'locales', 'uk'));
    expect(findProjectPath(join('locales', 'uk'), elsewhere, root)).to.equal(null);
  });
});

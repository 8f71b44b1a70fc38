import { LineCounter, isMap, isNode, isScalar, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';
import { InvalidInput } from '../errors/index.js';
import type { JobIssue, JobSpec } from './job-validation.js';
import { checkJobShape } from './job-validation.js';

/** One YAML file of a pipelines folder: its path as shown in messages, and its text. */
export interface JobFile {
  path: string;
  text: string;
}

/** An issue located in a file (lines and columns from 1). */
export interface JobFileIssue {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A job read from a file, with what is wrong with it so far. */
export interface JobFromFile {
  file: string;
  spec: JobSpec;
  /** Places a path of the definition in its file. */
  locate(issue: JobIssue): JobFileIssue;
}

/**
 * Reads every job of the files (one job per YAML document; `---` separates several in
 * one file) and checks each on its own. Syntax errors and shape issues come back with
 * their line and column; jobs with issues are left out.
 */
export function readJobFiles(files: JobFile[]): { jobs: JobFromFile[]; issues: JobFileIssue[] } {
  const jobs: JobFromFile[] = [];
  const issues: JobFileIssue[] = [];
  for (const file of files) {
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(file.text, { lineCounter })) {
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          const at = e.linePos?.[0] ?? { line: 1, col: 1 };
          issues.push({
            file: file.path,
            line: at.line,
            column: at.col,
            message: e.message.split('\n')[0] ?? e.message,
          });
        }
        continue;
      }
      if (doc.contents === null) continue;
      const locate = (issue: JobIssue): JobFileIssue => {
        const offset = offsetOf(doc, issue.path);
        const pos = lineCounter.linePos(offset);
        return { file: file.path, line: pos.line, column: pos.col, message: issue.message };
      };
      const { spec, issues: shape } = checkJobShape(doc.toJS());
      if (shape.length > 0) issues.push(...shape.map(locate));
      else jobs.push({ file: file.path, spec, locate });
    }
  }
  const seen = new Map<string, JobFromFile>();
  for (const job of jobs) {
    const first = seen.get(job.spec.name);
    if (first === undefined) seen.set(job.spec.name, job);
    else {
      const where = job.locate({ path: ['name'], message: '' });
      issues.push({
        ...where,
        message: `the job "${job.spec.name}" is also defined in ${first.file}:${first.locate({ path: ['name'], message: '' }).line}`,
      });
    }
  }
  return { jobs, issues };
}

/**
 * Where a path points in the document: the key itself for a key (so "unknown key"
 * points at it), else the value, else the nearest enclosing node that exists.
 */
function offsetOf(doc: Document, path: (string | number)[]): number {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const last = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      const at = rangeStart(pair?.key);
      if (at !== undefined) return at;
    }
    const node = doc.getIn(path.slice(0, depth), true);
    const at = rangeStart(node);
    if (at !== undefined) return at;
  }
  return rangeStart(doc.contents) ?? 0;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[0] : undefined;
}

/** The error for YAML jobs: one line per issue, `file:line:column: message`. */
export function invalidJobFiles(issues: JobFileIssue[]): InvalidInput {
  const sorted = [...issues].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
  const lines = sorted.map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`);
  return new InvalidInput(
    'INVALID_JOB_FILE',
    `${sorted.length} problem${sorted.length === 1 ? '' : 's'} in the job files; nothing was applied:\n${lines.join('\n')}`,
    {
      hint: 'Fix each line listed and apply the folder again.',
      details: { issues: sorted },
    },
  );
}

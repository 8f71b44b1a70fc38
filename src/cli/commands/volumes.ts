import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { UploadedFile } from '../../catalog/index.js';
import { parseNamespace, parseVolumeName } from '../../catalog/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { uploadAll, uploadItems } from './volume-upload.js';

interface JsonOption {
  json?: boolean;
}

const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

export function registerVolumes(program: Command, out: Output): void {
  const volumes = withExamples(
    program
      .command('volumes')
      .alias('volume')
      .description('volumes of unstructured files (images, documents): create, upload, query'),
    'volumes create bronze.media.photos --description "Flower photos"',
    'volumes upload bronze.media.photos ./photos/',
    'query "SELECT path, image_width FROM bronze.media.photos WHERE exif_make = \'Canon\'"',
  );

  withExamples(
    volumes
      .command('create')
      .description('create a volume in an existing namespace (CREATE_VOLUME); you own it')
      .argument('<volume>', 'e.g. bronze.media.photos')
      .option('--description <text>', 'what the volume holds (Markdown)')
      .action(async (name: string, options: { description?: string }, command: Command) => {
        const ident = parseVolumeName(name);
        const created = await withSession(globals(command), (s) =>
          s.services.volumes.create(s.caller, ident, {
            ...(options.description === undefined ? {} : { description: options.description }),
          }),
        );
        out.stdout.write(`Created volume ${created.name} at ${created.location}\n`);
      }),
    'volumes create bronze.media.photos --description "Flower photos"',
  );

  withExamples(
    volumes
      .command('list')
      .description('the volumes of a namespace that you may see')
      .argument('<namespace>', 'e.g. bronze.media')
      .option('--json', 'print JSON')
      .action(async (namespace: string, options: JsonOption, command: Command) => {
        const path = parseNamespace(namespace);
        const list = await withSession(globals(command), (s) =>
          s.services.volumes.list(s.caller, path),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['VOLUME', 'OWNER', 'DESCRIPTION'],
          list.map((v) => [v.name, v.owner, v.description]),
        );
      }),
    'volumes list bronze.media',
  );

  withExamples(
    volumes
      .command('show')
      .description('describe a volume: owner, location, file count and total size')
      .argument('<volume>')
      .option('--json', 'print JSON')
      .action(async (name: string, options: JsonOption, command: Command) => {
        const ident = parseVolumeName(name);
        const v = await withSession(globals(command), (s) =>
          s.services.volumes.describe(s.caller, ident),
        );
        if (options.json) return printJson(out, v);
        printFields(out, [
          ['volume', v.name],
          ['description', v.description],
          ['owner', v.owner],
          ['location', v.location],
          ['files', v.fileCount],
          ['total bytes', v.totalBytes],
          ['created', v.createdAt],
          ['updated', v.updatedAt],
        ]);
      }),
    'volumes show bronze.media.photos',
  );

  withExamples(
    volumes
      .command('rename')
      .description('rename a volume (ALTER); its files stay where they are')
      .argument('<volume>')
      .argument('<new-name>')
      .action(async (from: string, to: string, _o: unknown, command: Command) => {
        const [source, target] = [parseVolumeName(from), parseVolumeName(to)];
        const renamed = await withSession(globals(command), (s) =>
          s.services.volumes.rename(s.caller, source, target),
        );
        out.stdout.write(`Renamed ${from} to ${renamed.name}\n`);
      }),
    'volumes rename bronze.media.photos bronze.media.flowers',
  );

  withExamples(
    volumes
      .command('drop')
      .description('drop a volume and delete every file in it (DROP)')
      .argument('<volume>')
      .action(async (name: string, _o: unknown, command: Command) => {
        const ident = parseVolumeName(name);
        await withSession(globals(command), (s) => s.services.volumes.drop(s.caller, ident));
        out.stdout.write(`Dropped volume ${name} and its files\n`);
      }),
    'volumes drop bronze.media.photos',
  );

  registerFileCommands(volumes, out);
}

function registerFileCommands(volumes: Command, out: Output): void {
  withExamples(
    volumes
      .command('upload')
      .description('upload files and folders (recursively), streamed; metadata is extracted')
      .argument('<volume>')
      .argument('<paths...>', 'files or folders')
      .option('--to <dir>', 'folder inside the volume to upload into')
      .option('--overwrite', 'replace files that are already there')
      .option('--json', 'print JSON')
      .action(
        async (
          name: string,
          paths: string[],
          options: JsonOption & { to?: string; overwrite?: boolean },
          command: Command,
        ) => {
          const ident = parseVolumeName(name);
          const items = await uploadItems(paths, options.to);
          const uploaded = await withSession(globals(command), (s) =>
            uploadAll(s, ident, items, {
              overwrite: options.overwrite === true,
              stderr: out.stderr,
            }),
          );
          if (options.json) return printJson(out, uploaded);
          printUploadSummary(out, name, uploaded);
        },
      ),
    'volumes upload bronze.media.photos ./photos/',
    'volumes upload bronze.media.docs report.pdf --to 2024/q1 --overwrite',
  );

  withExamples(
    volumes
      .command('ls')
      .description('the files of a volume with their metadata (READ_VOLUME)')
      .argument('<volume>')
      .argument('[prefix]', 'only paths starting with it, e.g. daisy/')
      .option('--json', 'print JSON (with every extracted field)')
      .action(
        async (name: string, prefix: string | undefined, options: JsonOption, command: Command) => {
          const ident = parseVolumeName(name);
          const files = await withSession(globals(command), (s) =>
            s.services.volumes.files.list(s.caller, ident, prefix),
          );
          if (options.json) return printJson(out, files);
          printRows(
            out,
            ['PATH', 'SIZE', 'TYPE', 'DETAILS', 'UPLOADED'],
            files.map((f) => [
              f.path,
              f.sizeBytes,
              f.contentType,
              details(f.metadata),
              f.uploadedAt,
            ]),
          );
        },
      ),
    'volumes ls bronze.media.photos daisy/',
  );

  withExamples(
    volumes
      .command('download')
      .description('download a file (READ_VOLUME); "-" as output writes to stdout')
      .argument('<volume>')
      .argument('<file>', 'path inside the volume')
      .option('--output <path>', 'where to write it (default: its name, here)')
      .action(
        async (name: string, file: string, options: { output?: string }, command: Command) => {
          const ident = parseVolumeName(name);
          const output = options.output ?? basename(file);
          const written = await withSession(globals(command), async (s) => {
            const { file: info, stream } = await s.services.volumes.files.download(
              s.caller,
              ident,
              file,
            );
            await pipeline(stream, output === '-' ? out.stdout : createWriteStream(output), {
              end: output !== '-',
            });
            return info;
          });
          if (output !== '-') out.stderr.write(`Wrote ${written.sizeBytes} bytes to ${output}\n`);
        },
      ),
    'volumes download bronze.media.photos daisy/1001.jpg --output flower.jpg',
  );

  withExamples(
    volumes
      .command('rm')
      .description('delete a file (WRITE_VOLUME)')
      .argument('<volume>')
      .argument('<file>')
      .action(async (name: string, file: string, _o: unknown, command: Command) => {
        const ident = parseVolumeName(name);
        await withSession(globals(command), (s) =>
          s.services.volumes.files.delete(s.caller, ident, file),
        );
        out.stdout.write(`Deleted ${file} from ${name}\n`);
      }),
    'volumes rm bronze.media.photos daisy/1001.jpg',
  );

  withExamples(
    volumes
      .command('duplicates')
      .description('files with the same content (SHA-256), here or in volumes you can see')
      .argument('<volume>')
      .option('--json', 'print JSON')
      .action(async (name: string, options: JsonOption, command: Command) => {
        const ident = parseVolumeName(name);
        const groups = await withSession(globals(command), (s) =>
          s.services.volumes.files.duplicates(s.caller, ident),
        );
        if (options.json) return printJson(out, groups);
        printRows(
          out,
          ['SHA256', 'SIZE', 'FILES'],
          groups.map((g) => [
            g.sha256.slice(0, 12),
            g.sizeBytes,
            g.files.map((f) => `${f.volume}:${f.path}`).join(', '),
          ]),
        );
      }),
    'volumes duplicates bronze.media.photos',
  );
}

function printUploadSummary(out: Output, volume: string, uploaded: UploadedFile[]): void {
  for (const file of uploaded) {
    if (file.duplicateOf !== null) {
      const { volume: v, path } = file.duplicateOf;
      out.stdout.write(`${file.path}: same content as ${v}:${path}\n`);
    }
    if (typeof file.metadata.extraction_error === 'string') {
      out.stdout.write(`${file.path}: metadata incomplete (${file.metadata.extraction_error})\n`);
    }
  }
  const bytes = uploaded.reduce((sum, f) => sum + f.sizeBytes, 0);
  out.stdout.write(`Uploaded ${uploaded.length} file(s), ${bytes} bytes, to ${volume}\n`);
}

/** The few extracted facts worth a column: dimensions, pages, lines. */
function details(metadata: Record<string, string | number | null>): string {
  const parts: string[] = [];
  if (metadata.image_width != null) parts.push(`${metadata.image_width}x${metadata.image_height}`);
  if (metadata.exif_make != null)
    parts.push(`${metadata.exif_make} ${metadata.exif_model ?? ''}`.trim());
  if (metadata.pdf_pages != null) parts.push(`${metadata.pdf_pages} pages`);
  if (metadata.text_line_count != null)
    parts.push(`${metadata.text_line_count} lines, ${metadata.text_encoding}`);
  if (metadata.extraction_error != null) parts.push('extraction error');
  return parts.join('; ');
}

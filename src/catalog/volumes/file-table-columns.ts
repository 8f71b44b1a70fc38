import type { PrimitiveType, Schema } from '../../iceberg/index.js';
import type { VolumeFileRecord } from '../../metastore/index.js';
import { nameAndExtension } from './volume-names.js';

interface FileColumn {
  name: string;
  type: PrimitiveType;
  required: boolean;
  value: (file: VolumeFileRecord, duplicateOf: string | null) => unknown;
}

/** A column read from the extracted metadata under its own name. */
function extracted(name: string, type: PrimitiveType): FileColumn {
  return { name, type, required: false, value: (f) => f.metadata[name] ?? null };
}

function fact(name: string, type: PrimitiveType, value: FileColumn['value']): FileColumn {
  return { name, type, required: true, value };
}

/** The columns of a volume's file table, in order: one row per file. */
const COLUMNS: FileColumn[] = [
  fact('path', 'string', (f) => f.path),
  fact('name', 'string', (f) => nameAndExtension(f.path).name),
  fact('extension', 'string', (f) => nameAndExtension(f.path).extension),
  fact('size_bytes', 'long', (f) => f.sizeBytes),
  fact('sha256', 'string', (f) => f.sha256),
  fact('content_type', 'string', (f) => f.contentType),
  fact('uploaded_by', 'string', (f) => f.uploadedBy),
  fact('uploaded_at', 'timestamptz', (f) => f.uploadedAt.toISOString()),
  extracted('image_width', 'int'),
  extracted('image_height', 'int'),
  extracted('exif_make', 'string'),
  extracted('exif_model', 'string'),
  extracted('exif_taken_at', 'timestamp'),
  extracted('gps_latitude', 'double'),
  extracted('gps_longitude', 'double'),
  extracted('gps_altitude', 'double'),
  extracted('pdf_pages', 'int'),
  extracted('text_encoding', 'string'),
  extracted('text_line_count', 'long'),
  { name: 'duplicate_of', type: 'string', required: false, value: (_f, dup) => dup },
  extracted('extraction_error', 'string'),
  extracted('exif_orientation', 'int'),
  extracted('exif_exposure_time', 'double'),
  extracted('exif_iso', 'int'),
  extracted('exif_focal_length', 'double'),
];

export const FILE_TABLE_SCHEMA: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: COLUMNS.map((c, i) => ({ id: i + 1, name: c.name, required: c.required, type: c.type })),
};

/**
 * Within one volume, each file whose content an earlier file already has (earliest
 * upload first, then path order) is a duplicate of that file: path → earlier path.
 */
export function duplicatesWithin(files: readonly VolumeFileRecord[]): Map<string, string> {
  const first = new Map<string, VolumeFileRecord>();
  const ordered = [...files].sort(
    (a, b) =>
      a.uploadedAt.getTime() - b.uploadedAt.getTime() ||
      (a.path === b.path ? 0 : a.path < b.path ? -1 : 1),
  );
  const duplicates = new Map<string, string>();
  for (const file of ordered) {
    const original = first.get(file.sha256);
    if (original === undefined) first.set(file.sha256, file);
    else duplicates.set(file.path, original.path);
  }
  return duplicates;
}

/** The rows of a volume's file table as JSON objects (column name → value). */
export function fileRows(files: readonly VolumeFileRecord[]): Record<string, unknown>[] {
  const duplicates = duplicatesWithin(files);
  return files.map((file) =>
    Object.fromEntries(
      COLUMNS.map((c) => [c.name, c.value(file, duplicates.get(file.path) ?? null)]),
    ),
  );
}

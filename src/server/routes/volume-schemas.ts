/** JSON schemas of volumes and their files, as the API answers them. */

const nullableString = { type: ['string', 'null'] } as const;

export const volumeSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', examples: ['bronze.media.photos'] },
    namespace: { type: 'array', items: { type: 'string' } },
    volume: { type: 'string' },
    location: { type: 'string' },
    description: nullableString,
    owner: nullableString,
    fileCount: { type: 'integer' },
    totalBytes: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const fileLocationSchema = {
  type: 'object',
  properties: { volume: { type: 'string' }, path: { type: 'string' } },
} as const;

const fileProperties = {
  id: { type: 'string' },
  path: { type: 'string', examples: ['daisy/1001.jpg'] },
  name: { type: 'string' },
  extension: { type: 'string' },
  sizeBytes: { type: 'integer' },
  sha256: { type: 'string' },
  contentType: { type: 'string', examples: ['image/jpeg'] },
  uploadedBy: { type: 'string' },
  uploadedAt: { type: 'string' },
  metadata: {
    type: 'object',
    description:
      'image_width, image_height, exif_*, gps_*, pdf_pages, text_encoding, text_line_count, extraction_error …',
    additionalProperties: { type: ['string', 'number', 'null'] },
  },
} as const;

export const volumeFileSchema = { type: 'object', properties: fileProperties } as const;

export const listedFileSchema = {
  type: 'object',
  properties: { ...fileProperties, duplicateOf: nullableString },
} as const;

export const uploadedFileSchema = {
  type: 'object',
  properties: {
    ...fileProperties,
    duplicateOf: { anyOf: [fileLocationSchema, { type: 'null' }] },
    duplicates: { type: 'array', items: fileLocationSchema },
  },
} as const;

export const duplicateGroupSchema = {
  type: 'object',
  properties: {
    sha256: { type: 'string' },
    sizeBytes: { type: 'integer' },
    files: { type: 'array', items: fileLocationSchema },
  },
} as const;

export const volumeParam = {
  type: 'object',
  required: ['volume'],
  properties: {
    volume: { type: 'string', description: 'Dotted name, e.g. bronze.media.photos' },
  },
} as const;

export const volumeFileParams = {
  type: 'object',
  required: ['volume', '*'],
  properties: {
    volume: { type: 'string', description: 'Dotted name, e.g. bronze.media.photos' },
    '*': { type: 'string', description: 'The file path inside the volume, e.g. daisy/1001.jpg' },
  },
} as const;

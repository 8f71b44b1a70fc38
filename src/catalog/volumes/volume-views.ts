import type { VolumeFileRecord, VolumeMetadataValue, VolumeRecord } from '../../metastore/index.js';
import type { VolumeFileInfo } from '../contract.js';
import { formatVolumeName, nameAndExtension } from './volume-names.js';

/** A volume as listings show it. */
export interface VolumeInfo {
  /** Dotted name, e.g. 'bronze.media.photos'. */
  name: string;
  namespace: string[];
  volume: string;
  /** Where its files are kept, e.g. file:///srv/lakehouse/bronze/media/photos/files/. */
  location: string;
  description: string | null;
  owner: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VolumeDescription extends VolumeInfo {
  fileCount: number;
  totalBytes: number;
}

/** A file with what was extracted from it. */
export interface VolumeFile {
  id: string;
  path: string;
  name: string;
  extension: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
  /** image_width, exif_make, pdf_pages, text_encoding, extraction_error … */
  metadata: Record<string, VolumeMetadataValue>;
}

/** Where else the same content is: a volume and a path in it. */
export interface FileLocation {
  volume: string;
  path: string;
}

export interface UploadedFile extends VolumeFile {
  /** The first other file with the same content (this volume first), or null. */
  duplicateOf: FileLocation | null;
  /** Every other file with the same content in a volume the caller can see. */
  duplicates: FileLocation[];
}

/** Files with one content, at least one of them in the volume asked about. */
export interface DuplicateGroup {
  sha256: string;
  sizeBytes: number;
  files: FileLocation[];
}

export function volumeInfo(record: VolumeRecord, locationUri: string): VolumeInfo {
  return {
    name: formatVolumeName(record),
    namespace: record.namespace,
    volume: record.name,
    location: locationUri,
    description: record.description,
    owner: record.owner,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function volumeFile(record: VolumeFileRecord): VolumeFile {
  const { name, extension } = nameAndExtension(record.path);
  return {
    id: record.id,
    path: record.path,
    name,
    extension,
    sizeBytes: record.sizeBytes,
    sha256: record.sha256,
    contentType: record.contentType,
    uploadedBy: record.uploadedBy,
    uploadedAt: record.uploadedAt.toISOString(),
    metadata: record.metadata,
  };
}

/** What search needs of a file (VolumeFileReader). */
export function volumeFileInfo(record: VolumeFileRecord): VolumeFileInfo {
  return {
    id: record.id,
    path: record.path,
    sizeBytes: record.sizeBytes,
    sha256: record.sha256,
    contentType: record.contentType,
    uploadedBy: record.uploadedBy,
    uploadedAt: record.uploadedAt.toISOString(),
    metadata: record.metadata,
    text: record.text,
  };
}

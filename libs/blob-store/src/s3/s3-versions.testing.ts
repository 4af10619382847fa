import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Endpoint } from '@support-desk/service-kit/testing';

/** A raw client for looking around the adapter (what the bucket really holds). */
export function rawClient(server: S3Endpoint): S3Client {
  return new S3Client({ ...server, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

/** Every version and delete marker stored under exactly `key` ("kind:versionId"). */
export async function storedVersions(server: S3Endpoint, key: string): Promise<string[]> {
  const s3 = rawClient(server);
  try {
    const found: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: server.bucket, Prefix: key, KeyMarker, VersionIdMarker }));
      for (const v of page.Versions ?? []) if (v.Key === key) found.push(`version:${v.VersionId}`);
      for (const m of page.DeleteMarkers ?? []) if (m.Key === key) found.push(`marker:${m.VersionId}`);
      ({ NextKeyMarker: KeyMarker, NextVersionIdMarker: VersionIdMarker } = page);
      if (!page.IsTruncated) break;
    } while (KeyMarker);
    return found;
  } finally {
    s3.destroy();
  }
}

// Layout of the R2 `FILES` bucket. Keys carry the version so a replaced file never overwrites the one served.
export function resourceFileKey(resourceId: string, versionId: string, fileName: string): string {
  return `resources/${resourceId}/${versionId}/${fileName}`;
}

export function organizationLogoKey(organizationId: string, fileName: string): string {
  return `organizations/${organizationId}/logo/${fileName}`;
}

export function showcaseImageKey(showcaseId: string, fileName: string): string {
  return `showcases/${showcaseId}/${fileName}`;
}

/** The public portal path of a stored resource file (served by the Worker after `can()`). */
export function resourceDownloadPath(datasetId: string, resourceId: string, fileName: string): string {
  return `/dataset/${datasetId}/resource/${resourceId}/download/${encodeURIComponent(fileName)}`;
}

export function publicFilePath(key: string): string {
  return `/api/files/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

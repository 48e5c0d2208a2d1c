/**
 * Uploads a file the way an OSS browser client does with GetJobDataUploadParams'
 * answer: a multipart form POST of key, OSSAccessKeyId, policy, Signature,
 * success_action_status and the file last.
 */
export interface UploadParams {
  AccessId: string;
  Expire: number;
  Folder: string;
  Host: string;
  Policy: string;
  Signature: string;
}

export async function postUpload(
  params: UploadParams,
  body: Uint8Array | string,
  override: Partial<{ key: string; policy: string; signature: string; fileName: string }> = {},
): Promise<{ status: number; json: any }> {
  const form = new FormData();
  form.append('key', override.key ?? params.Folder);
  form.append('OSSAccessKeyId', params.AccessId);
  form.append('policy', override.policy ?? params.Policy);
  form.append('Signature', override.signature ?? params.Signature);
  form.append('success_action_status', '200');
  form.append('file', new Blob([body as BlobPart]), override.fileName ?? params.Folder.slice(params.Folder.lastIndexOf('/') + 1));
  const response = await fetch(params.Host, { method: 'POST', body: form });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** Polls `read` until `done` holds (up to 60 s of real time: background work runs in real time). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let waited = 0; waited < 60_000; waited += 100) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

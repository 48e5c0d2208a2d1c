import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { ApiError, invalidParameter } from '../../domain/errors.ts';
import { checkKey, pathOfKey, UnsafeKeyError } from '../../files/data-paths.ts';
import {
  checkDownload,
  encodePolicy,
  newSigningSecret,
  PolicyError,
  signDownload,
  signPolicy,
  SIGNING_SECRET_SETTING,
  verifyPolicy,
} from '../../files/signing.ts';
import type { InstanceService } from '../instance-service.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { FileSettings } from './file-settings.ts';

/** Upload policies are valid for this long. */
export const UPLOAD_POLICY_TTL_MS = 60 * 60 * 1000;
/** Largest contact file accepted (a million rows of a dozen columns fit easily). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** Download URLs handed out on request are valid for this long. */
export const DOWNLOAD_URL_TTL_MS = 24 * 60 * 60 * 1000;

export const UPLOAD_PATH = '/_files/upload';
export const DOWNLOAD_PATH = '/_files/download/';

export interface UploadParams {
  AccessId: string;
  Expire: number;
  Folder: string;
  Host: string;
  Policy: string;
  Signature: string;
}

export interface UploadForm {
  key?: string;
  policy?: string;
  signature?: string;
}

/**
 * Files in and out of the data dir under the server's signature (docs/files.md):
 * signed form-upload policies (GetJobDataUploadParams) and the uploads they allow,
 * and signed, expiring download URLs for task outputs.
 */
export class UploadService {
  private secret: Promise<string> | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: FileSettings,
    private readonly instances: InstanceService,
  ) {}

  async uploadParams(accountId: string, instanceId: string, fileName: string, uniqueId?: string): Promise<UploadParams> {
    await this.instances.require(accountId, instanceId);
    const name = fileName.trim();
    if (!name || /[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..') {
      throw invalidParameter('FileName', 'a file name without path separators or control characters');
    }
    const prefix = `UPLOADED/JOB/${instanceId}/`;
    const unique = uniqueId?.trim() ? uniqueId.trim().replace(/[^\w.-]/g, '_') : this.deps.ids.next();
    const folder = `${prefix}${unique}_${name}`;
    try {
      checkKey(folder);
    } catch (error) {
      throw invalidParameter('FileName', (error as Error).message);
    }
    const expiresAt = this.deps.clock.now() + UPLOAD_POLICY_TTL_MS;
    const policy = encodePolicy({
      expiration: new Date(expiresAt).toISOString(),
      conditions: [
        ['content-length-range', 1, MAX_UPLOAD_BYTES],
        ['starts-with', '$key', prefix],
      ],
    });
    return {
      AccessId: 'outboundbot',
      Expire: Math.floor(expiresAt / 1000),
      Folder: folder,
      Host: this.settings.baseUrl() + UPLOAD_PATH,
      Policy: policy,
      Signature: signPolicy(await this.signingSecret(), policy),
    };
  }

  /** Checks a form upload's policy and key before its file is read; returns the key's absolute path and the size range. */
  async checkUpload(form: UploadForm): Promise<{ key: string; path: string; minSize: number; maxSize: number }> {
    if (!form.policy || !form.signature || !form.key) throw new ApiError('InvalidPolicyDocument', 'the form needs key, policy and Signature before the file');
    let terms;
    try {
      terms = verifyPolicy(await this.signingSecret(), form.policy, form.signature, this.deps.clock.now());
    } catch (error) {
      if (error instanceof PolicyError) {
        throw error.kind === 'malformed' ? new ApiError('InvalidPolicyDocument', error.message) : new ApiError('AccessDenied', error.message);
      }
      throw error;
    }
    if (!terms.keyPrefix.startsWith('UPLOADED/') || !form.key.startsWith(terms.keyPrefix)) {
      throw new ApiError('InvalidPolicyDocument', 'the key is outside the prefix the policy allows');
    }
    try {
      return { key: form.key, path: pathOfKey(this.settings.dataDir, form.key), minSize: terms.minSize, maxSize: Math.min(terms.maxSize, MAX_UPLOAD_BYTES) };
    } catch (error) {
      if (error instanceof UnsafeKeyError) throw new ApiError('InvalidPolicyDocument', `unsafe key: ${error.message}`);
      throw error;
    }
  }

  /** Stores an uploaded file under its key: written aside, then renamed, so a failed upload leaves nothing. */
  async storeUpload(target: { path: string; minSize: number; maxSize: number }, file: Readable, truncated: () => boolean): Promise<number> {
    await mkdir(dirname(target.path), { recursive: true });
    const partial = `${target.path}.${this.deps.ids.next()}.part`;
    const handle = await open(partial, 'w');
    let size = 0;
    try {
      for await (const chunk of file) {
        size += (chunk as Buffer).length;
        if (size > target.maxSize) break;
        await handle.write(chunk as Buffer);
      }
    } finally {
      await handle.close();
    }
    if (size > target.maxSize || truncated() || size < target.minSize) {
      file.resume();
      await rm(partial, { force: true });
      throw new ApiError('InvalidPolicyDocument', `the file size is outside the policy's content-length-range (${target.minSize} to ${target.maxSize} bytes)`);
    }
    await rename(partial, target.path);
    return size;
  }

  /** The file a signed download URL names, or an ApiError (AccessDenied, NotExist.File). */
  async openDownload(key: string, expires: string | undefined, signature: string | undefined): Promise<{ path: string; size: number; name: string }> {
    await this.verifyDownload(key, expires, signature);
    let path: string;
    try {
      if (!key.startsWith('tasks/')) throw new UnsafeKeyError('only task outputs are downloadable');
      path = pathOfKey(this.settings.dataDir, key);
    } catch {
      throw new ApiError('NotExist.File');
    }
    const found = await stat(path).catch(() => undefined);
    if (!found?.isFile()) throw new ApiError('NotExist.File');
    return { path, size: found.size, name: key.slice(key.lastIndexOf('/') + 1) };
  }

  /** Throws AccessDenied unless `Expires` and `Signature` are this server's, for `key`, and not yet expired. */
  async verifyDownload(key: string, expires: string | undefined, signature: string | undefined): Promise<void> {
    const verdict = checkDownload(await this.signingSecret(), DOWNLOAD_PATH + key, expires, signature, this.deps.clock.now());
    if (verdict === 'forged') throw new ApiError('AccessDenied', 'The download URL signature does not match.');
    if (verdict === 'expired') throw new ApiError('AccessDenied', 'The download URL has expired.');
  }

  /** A signed URL that downloads the data dir's file at `key` until `expiresAt`. */
  async downloadUrl(key: string, expiresAt: number): Promise<string> {
    const path = DOWNLOAD_PATH + key;
    const encoded = DOWNLOAD_PATH + key.split('/').map(encodeURIComponent).join('/');
    return `${this.settings.baseUrl()}${encoded}?${signDownload(await this.signingSecret(), path, expiresAt)}`;
  }

  /**
   * The server's signing secret: generated once, kept in the store's settings, never
   * logged. Nodes sharing a database that generate one at the same moment all keep
   * the one stored first, so a URL signed by one node is honoured by every other.
   */
  private signingSecret(): Promise<string> {
    this.secret ??= this.deps.store.initSetting(SIGNING_SECRET_SETTING, newSigningSecret());
    return this.secret;
  }
}

/**
 * Where a repository's objects live on S3, and the S3 client configured from the environment
 * (layer: store).
 *
 * `s3://BUCKET/PREFIX` names a bucket and a key prefix ('' or `a/b`, no leading or trailing
 * slash); every object of a repository is under `PREFIX/`. The client takes everything from the
 * SDK's standard sources (environment variables, `~/.aws/config` and `~/.aws/credentials`,
 * instance roles): `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, `AWS_REGION` (else the
 * profile's region, else `us-east-1`), `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` for an
 * S3-compatible server, and path-style addressing when `AWS_S3_FORCE_PATH_STYLE=true`. Secrets
 * are never part of a URL or of the repository's configuration.
 *
 * Failures are retried by the SDK's standard retry strategy (exponential backoff with jitter
 * for 5xx, throttling and timeouts; `AWS_MAX_ATTEMPTS`, default here 5); a connection that does
 * not open in 5 s or a request that goes silent for 60 s counts as a timeout and is retried.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '../../core/errors.js';

export interface S3Location {
  readonly bucket: string;
  /** '' or `a/b` (no leading or trailing slash). */
  readonly prefix: string;
}

/** DNS-compatible bucket names (lowercase letters, digits, dots, hyphens; 3 to 63 chars). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://BUCKET/PREFIX` (PREFIX optional); anything else is `InvalidArgumentError`. */
export function parseS3Url(url: string): S3Location {
  const refuse = (why: string): never => {
    throw new InvalidArgumentError('S3 store URL', url, why);
  };
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!match) return refuse('expected s3://BUCKET/PREFIX');
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    return refuse(
      `'${bucket}' is not a valid bucket name (3-63 lowercase letters, digits, '.', '-')`,
    );
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  const badPart = (part: string) => part === '' || part === '.' || part === '..';
  if (prefix !== '' && prefix.split('/').some(badPart))
    return refuse('the prefix has an empty, "." or ".." part');
  return { bucket, prefix };
}

/** `s3://bucket/prefix`, for messages. */
export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
}

/** `prefix/name` (or `name` at the bucket's root). */
export function keyUnder(location: S3Location, name: string): string {
  return location.prefix ? `${location.prefix}/${name}` : name;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_REGION = 'us-east-1';

/**
 * Without `AWS_REGION`: the region the SDK's own chain finds (the profile in `~/.aws/config`),
 * else `us-east-1` (an S3-compatible server mostly ignores it, and AWS redirects to the bucket's
 * region).
 */
async function regionFromConfigFiles(): Promise<string> {
  const probe = new S3Client({});
  try {
    return (await probe.config.region()) || DEFAULT_REGION;
  } catch {
    return DEFAULT_REGION;
  } finally {
    probe.destroy();
  }
}

/** Connections per client: as many as `S3PackChunkStore.getMany` keeps in flight. */
const MAX_SOCKETS = 256;

/** The client settings `s3ClientFromEnvironment` uses, from `env`. */
export function s3ClientConfigFromEnvironment(env: NodeJS.ProcessEnv): S3ClientConfig {
  const endpoint = env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'];
  const config: S3ClientConfig = {
    region: env['AWS_REGION'] || regionFromConfigFiles,
    retryMode: env['AWS_RETRY_MODE'] || 'standard',
    maxAttempts: Number(env['AWS_MAX_ATTEMPTS']) || DEFAULT_MAX_ATTEMPTS,
    // Sockets for the store's parallel ranged GETs (the SDK's default is 50 per client).
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 60_000,
      httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
    },
  };
  if (endpoint) {
    config.endpoint = endpoint;
    // S3-compatible servers often predate the SDK's default CRC checksum on every request.
    if (!env['AWS_REQUEST_CHECKSUM_CALCULATION'])
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
    if (!env['AWS_RESPONSE_CHECKSUM_VALIDATION'])
      config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (env['AWS_S3_FORCE_PATH_STYLE'] === 'true') config.forcePathStyle = true;
  return config;
}

/**
 * An S3 client from the SDK's standard environment and config files (see the module header).
 * `env` defaults to the process's: the SDK's own credential and config chain reads the same
 * variables, so the S3 settings are resolved from them here, in this one place.
 */
export function s3ClientFromEnvironment(
  // eslint-disable-next-line no-restricted-properties -- the SDK reads these variables anyway
  env: NodeJS.ProcessEnv = process.env,
): S3Client {
  return new S3Client(s3ClientConfigFromEnvironment(env));
}

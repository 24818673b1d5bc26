/**
 * `s3://BUCKET/PREFIX` parsing (bad URLs refused naming the URL) and the client settings taken
 * from the SDK's standard environment variables.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/errors.js';
import { formatS3Url, keyUnder, parseS3Url, s3ClientConfigFromEnvironment } from './s3-location.js';

describe('parseS3Url', () => {
  it('splits bucket and prefix, trimming trailing slashes', () => {
    expect(parseS3Url('s3://my-bucket/team/repo')).toEqual({
      bucket: 'my-bucket',
      prefix: 'team/repo',
    });
    expect(parseS3Url('s3://my-bucket/team/repo/')).toEqual({
      bucket: 'my-bucket',
      prefix: 'team/repo',
    });
    expect(parseS3Url('s3://my.bucket')).toEqual({ bucket: 'my.bucket', prefix: '' });
    expect(parseS3Url('s3://my.bucket/')).toEqual({ bucket: 'my.bucket', prefix: '' });
    expect(formatS3Url(parseS3Url('s3://abc/x/y'))).toBe('s3://abc/x/y');
    expect(keyUnder({ bucket: 'abc', prefix: '' }, 'packs/1')).toBe('packs/1');
    expect(keyUnder({ bucket: 'abc', prefix: 'x' }, 'packs/1')).toBe('x/packs/1');
  });

  it('refuses anything else with InvalidArgumentError naming the URL', () => {
    for (const url of [
      'http://bucket/x',
      's3:/bucket',
      's3://',
      's3://Bucket/x',
      's3://ab/x',
      's3://bucket//x',
      's3://bucket/a/../b',
      's3://a..b/x',
      'bucket/x',
    ]) {
      let error: unknown;
      try {
        parseS3Url(url);
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message, url).toContain(`'${url}'`);
    }
  });
});

describe('s3ClientConfigFromEnvironment', () => {
  it('defaults the region, sets retries and timeouts, and needs no endpoint', async () => {
    const config = s3ClientConfigFromEnvironment({});
    // The SDK's chain (this process's AWS_REGION or ~/.aws/config), else us-east-1.
    const region = config.region as () => Promise<string>;
    expect(await region()).toBe(process.env['AWS_REGION'] || 'us-east-1');
    expect(config.retryMode).toBe('standard');
    expect(config.maxAttempts).toBe(5);
    expect(config.requestHandler).toEqual({
      connectionTimeout: 5_000,
      requestTimeout: 60_000,
      // As many sockets as getMany keeps ranged GETs in flight (the SDK's default is 50).
      httpAgent: { keepAlive: true, maxSockets: 256 },
      httpsAgent: { keepAlive: true, maxSockets: 256 },
    });
    expect(config.endpoint).toBeUndefined();
    expect(config.forcePathStyle).toBeUndefined();
  });

  it('takes region, endpoint, path style and attempts from the standard variables', () => {
    const config = s3ClientConfigFromEnvironment({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://generic:1',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_MAX_ATTEMPTS: '8',
    });
    expect(config).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      maxAttempts: 8,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    expect(s3ClientConfigFromEnvironment({ AWS_ENDPOINT_URL: 'http://generic:1' }).endpoint).toBe(
      'http://generic:1',
    );
    expect(s3ClientConfigFromEnvironment({ AWS_S3_FORCE_PATH_STYLE: 'false' }).forcePathStyle).toBe(
      undefined,
    );
  });
});

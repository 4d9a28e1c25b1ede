// Google's official Node client (@google-cloud/storage 7.x) against the emulator's Cloud Storage JSON API.
// Configured only through STORAGE_EMULATOR_HOST, exactly as a user of the real client would do it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Storage } from '@google-cloud/storage';

const emulatorHost = process.env.STORAGE_EMULATOR_HOST;
if (!emulatorHost) {
  throw new Error('STORAGE_EMULATOR_HOST is not set; start the emulator and export the line it prints');
}

const storage = new Storage({ projectId: 'test' });
const bucketName = `interop-storage-${Date.now()}-${randomBytes(3).toString('hex')}`;
const bucket = storage.bucket(bucketName);
let scratch;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'storage-interop-'));
  await storage.createBucket(bucketName);
});

after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const md5 = (buffer) => createHash('md5').update(buffer).digest('base64');

test('the client picks the emulator up from STORAGE_EMULATOR_HOST alone', () => {
  assert.equal(storage.apiEndpoint, emulatorHost.replace(/\/+$/, ''));
  assert.equal(storage.customEndpoint, true);
});

test('bucket create, then exists and get metadata', async () => {
  const name = `${bucketName}-admin`;
  const [existedBefore] = await storage.bucket(name).exists();
  assert.equal(existedBefore, false);

  const [created] = await storage.createBucket(name);
  assert.equal(created.name, name);

  const [exists] = await storage.bucket(name).exists();
  assert.equal(exists, true);
  const [metadata] = await storage.bucket(name).getMetadata();
  assert.equal(metadata.name, name);
  assert.equal(metadata.kind, 'storage#bucket');
  await assert.rejects(storage.createBucket(name), (error) => {
    assert.equal(error.code, 409);
    return true;
  });
});

test('simple upload (resumable: false) then download returns the same bytes', async () => {
  const data = randomBytes(100_000);
  const file = bucket.file('simple/data.bin');

  await file.save(data, { resumable: false });
  const [downloaded] = await file.download();

  assert.deepEqual(downloaded, data);
  const [metadata] = await file.getMetadata();
  assert.equal(Number(metadata.size), data.length);
  assert.equal(metadata.md5Hash, md5(data));
});

test('resumable upload in 256 KiB chunks of a few MB round-trips', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 12_345);
  const file = bucket.file('resumable/chunked.bin');

  await file.save(data, { resumable: true, chunkSize: 256 * 1024 });
  const [downloaded] = await file.download();

  assert.equal(downloaded.length, data.length);
  assert.ok(downloaded.equals(data), 'downloaded bytes differ from the uploaded ones');
});

test('resumable upload in one streamed request (createWriteStream) round-trips', async () => {
  const data = randomBytes(1024 * 1024 + 7);
  const file = bucket.file('resumable/streamed.bin');

  await pipeline(Readable.from([data.subarray(0, 500_000), data.subarray(500_000)]),
    file.createWriteStream({ resumable: true, contentType: 'application/x-test' }));
  const [downloaded] = await file.download();
  const [metadata] = await file.getMetadata();

  assert.ok(downloaded.equals(data), 'downloaded bytes differ from the uploaded ones');
  assert.equal(metadata.contentType, 'application/x-test');
});

test('bucket.upload of a local file round-trips', async () => {
  const data = randomBytes(600_000);
  const path = join(scratch, 'local.bin');
  await writeFile(path, data);

  const [file] = await bucket.upload(path, { destination: 'uploaded/local.bin' });
  const [downloaded] = await bucket.file('uploaded/local.bin').download();

  assert.equal(file.name, 'uploaded/local.bin');
  assert.ok(downloaded.equals(data), 'downloaded bytes differ from the uploaded file');
});

test('ranged download returns exactly the requested bytes', async () => {
  const data = randomBytes(50_000);
  const file = bucket.file('ranged.bin');
  await file.save(data, { resumable: false });

  const [middle] = await file.download({ start: 1000, end: 1999 });
  const [tail] = await file.download({ start: 49_990 });

  assert.deepEqual(middle, data.subarray(1000, 2000));
  assert.deepEqual(tail, data.subarray(49_990));
});

test('content type and custom metadata round-trip', async () => {
  const file = bucket.file('meta/result.json');
  const body = Buffer.from(JSON.stringify({ id: 'job-1', status: 'ok' }));

  await file.save(body, {
    resumable: false,
    contentType: 'application/json',
    metadata: { metadata: { job: 'job-1', attempt: '2' } },
  });
  const [metadata] = await file.getMetadata();

  assert.equal(metadata.contentType, 'application/json');
  assert.deepEqual(metadata.metadata, { job: 'job-1', attempt: '2' });
  assert.equal(metadata.name, 'meta/result.json');
  assert.match(String(metadata.generation), /^\d+$/);
});

test('list with prefix and pagination returns every name once', async () => {
  const names = Array.from({ length: 25 }, (_, i) => `list/item-${String(i).padStart(2, '0')}.txt`);
  await Promise.all(names.map((name) => bucket.file(name).save(Buffer.from(name), { resumable: false })));
  await bucket.file('other/not-listed.txt').save(Buffer.from('x'), { resumable: false });

  const seen = [];
  let pages = 0;
  let query = { prefix: 'list/', maxResults: 10, autoPaginate: false };
  while (query) {
    const [files, nextQuery] = await bucket.getFiles(query);
    seen.push(...files.map((file) => file.name));
    pages += 1;
    assert.ok(pages <= 3, 'more pages than 25 objects at 10 per page need');
    query = nextQuery;
  }

  assert.equal(pages, 3);
  assert.deepEqual(seen, names);
});

test('ifGenerationMatch: 0 over an existing object rejects with 412, and the object is unchanged', async () => {
  const file = bucket.file('create-only.json');
  await file.save(Buffer.from('first'), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });

  for (const resumable of [false, true]) {
    await assert.rejects(
      file.save(Buffer.from('second'), { resumable, preconditionOpts: { ifGenerationMatch: 0 } }),
      (error) => {
        assert.equal(error.code, 412, `resumable=${resumable}: expected code 412, got ${error.code}: ${error.message}`);
        return true;
      });
  }

  const [contents] = await file.download();
  assert.equal(contents.toString(), 'first');
});

test('delete removes the object', async () => {
  const file = bucket.file('to-delete.txt');
  await file.save(Buffer.from('bye'), { resumable: false });

  await file.delete();
  const [exists] = await file.exists();

  assert.equal(exists, false);
  await assert.rejects(file.download(), (error) => {
    assert.equal(error.code, 404);
    return true;
  });
});

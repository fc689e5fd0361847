import * as assert from 'assert';
import * as fs from 'fs';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startAzurite, type AzuriteHandle } from '../../devkit/azurite';

describe('devkit/azurite: the real Azurite blob service', function () {
  this.timeout(60_000);
  let az: AzuriteHandle;
  before(async () => {
    az = await startAzurite();
  });
  after(async () => {
    await az?.stop();
  });

  it('listens on 127.0.0.1 with a free port', () => {
    assert.match(az.blobUrl, /^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    assert.ok(fs.existsSync(az.location));
  });

  it('creates a container, uploads with metadata and lists (shared key)', async () => {
    const svc = new BlobServiceClient(az.blobUrl, new StorageSharedKeyCredential(az.accountName, az.accountKey));
    const container = svc.getContainerClient('azureml-blobstore-test');
    await container.create();
    const blob = container.getBlockBlobClient('LocalUpload/abc/src/train.py');
    await blob.upload('print(1)\n', 9, { metadata: { upload_status: 'completed' } });
    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: 'LocalUpload/', includeMetadata: true })) {
      names.push(b.name);
      assert.strictEqual(b.metadata?.['upload_status'], 'completed');
    }
    assert.deepStrictEqual(names, ['LocalUpload/abc/src/train.py']);
    assert.strictEqual((await blob.downloadToBuffer()).toString(), 'print(1)\n');
  });

  it('works with the connection string too', async () => {
    const svc = BlobServiceClient.fromConnectionString(az.connectionString);
    const containers: string[] = [];
    for await (const c of svc.listContainers()) containers.push(c.name);
    assert.ok(containers.includes('azureml-blobstore-test'));
  });

  it('stop() ends the process and removes its folder', async () => {
    const other = await startAzurite();
    await other.stop();
    assert.ok(!fs.existsSync(other.location));
    assert.throws(() => process.kill(other.pid, 0), /ESRCH/);
  });
});

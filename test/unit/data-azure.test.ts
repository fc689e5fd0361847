import { strict as assert } from 'node:assert';
import { ContainerSASPermissions, ContainerClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { startEmulator, Emulator } from '../../emulator';
import { startAzurite, AzuriteHandle } from '../../devkit/azurite';
import { productWorkspace } from '../../devkit/emulator-clients';
import type { Workspace } from '../../shared/azureml/workspace';
import { DataWorkspace, openData } from '../../shared/data/open-data';
import { blobUrlLocation, withoutSecrets } from '../../shared/data/sources/azure';
import { allRows, rejectsWithUserError } from '../support/data-rows';

/**
 * Reading Azure sources the way a task does: data assets and datastore paths resolved through the
 * emulated Azure ML workspace, bytes from a real Azurite, the storage clients built as the code
 * upload builds them. Nothing is ever written to Azure by reading.
 */
describe('data: Azure sources (emulator + Azurite)', function () {
  let azurite: AzuriteHandle;
  let emulator: Emulator;
  let ws: Workspace;
  let container: ContainerClient;
  let masked: string[];
  let ctx: DataWorkspace;
  const SAS_CONTAINER = 'shared-data';

  const put = (name: string, body: string | Uint8Array, into: ContainerClient = container) =>
    into.getBlockBlobClient(name).upload(body, typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  const rows = allRows;
  const rejects = rejectsWithUserError;

  before(async () => {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: 5,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    const { workspace, credential } = await productWorkspace(emulator, 'data-test');
    ws = workspace;
    masked = [];
    ctx = { workspace: ws, mask: (s) => masked.push(s), credential };
    const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    container = new ContainerClient(`${azurite.blobUrl}/${emulator.datastore.containerName}`, key);

    await put('data/credit.csv', 'age,income\n43,52000\n51,\n');
    await put('data/credit-v2.csv', 'age,income\n22,31000\n');
    await put('parts/part-0001.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [1, 2], type: 'INT32' }] })));
    await put('parts/part-0000.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [0], type: 'INT32' }] })));
    await put('parts/_SUCCESS', '');
    await put(
      'tables/credit/MLTable',
      'paths:\n  - pattern: ./csv/*.csv\n  - file: azureml://datastores/workspaceblobstore/paths/data/credit-v2.csv\ntransformations:\n  - read_delimited:\n      include_path_column: true\n',
    );
    await put('tables/credit/csv/a.csv', 'age,income\n30,40000\n');
    const event = (data: unknown) =>
      JSON.stringify({
        specversion: '1.0',
        id: 'i',
        source: 's',
        type: 'azureml.inference.model_inputs',
        time: '2024-05-25T08:00:00Z',
        data,
      });
    await put('modelDataCollector/ep/blue/model_inputs/2024/05/25/08/a.jsonl', `${event([{ age: 43 }, { age: 51 }])}\n`);
    await put('modelDataCollector/ep/blue/model_inputs/2024/05/25/09/b.jsonl', `${event({ age: 22 })}\n`);

    emulator.assets.seed('data', 'credit', '1', {
      dataType: 'uri_file',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/data/credit.csv',
    });
    emulator.assets.seed('data', 'credit', '2', {
      dataType: 'uri_file',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/data/credit-v2.csv',
    });
    emulator.assets.seed('data', 'parts', '1', { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/parts/' });
    emulator.assets.seed('data', 'credit-table', '1', {
      dataType: 'mltable',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/tables/credit',
    });
    emulator.assets.seed('data', 'gone', '1', {
      dataType: 'uri_file',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/data/deleted.csv',
    });

    // A second datastore that holds only a SAS, over another container of the same account.
    const sas = generateBlobSASQueryParameters(
      { containerName: SAS_CONTAINER, permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + 3_600_000) },
      key,
    ).toString();
    await emulator.datastores.seed({ name: 'shared', containerName: SAS_CONTAINER, credentials: 'Sas', sasToken: sas });
    await emulator.datastores.seed({ name: 'lake', containerName: 'lake', credentials: 'None' });
    await emulator.datastores.seed({ name: 'files', containerName: 'share', datastoreType: 'AzureFile' });
    await put('reference/train.jsonl', '{"a":1}\n', new ContainerClient(`${azurite.blobUrl}/${SAS_CONTAINER}`, key));
  });

  after(async () => {
    await emulator?.stop();
    await azurite?.stop();
  });

  it('reads a uri_file data asset by version and @latest (newest created)', async () => {
    const v1 = await openData('azureml:credit:1', { workspace: ctx });
    assert.equal(v1.description, 'azureml:credit:1');
    assert.deepEqual(v1.columns, ['age', 'income']);
    assert.deepEqual(await rows(v1), [
      ['43', '52000'],
      ['51', null],
    ]);
    assert.deepEqual(await rows(await openData('azureml:credit@latest', { workspace: ctx })), [['22', '31000']]);
    assert.ok(masked.includes(azurite.accountKey), 'the datastore key is masked before use');
  });

  it('reads a uri_folder asset file by file in sorted order, skipping _SUCCESS', async () => {
    const source = await openData('azureml:parts:1', { workspace: ctx });
    assert.deepEqual(source.declaredTypes, ['integer']);
    assert.deepEqual(await rows(source), [[0], [1], [2]]);
  });

  it('reads an mltable asset whose paths mix a relative pattern and an azureml:// file', async () => {
    const source = await openData('azureml:credit-table:1', { workspace: ctx });
    assert.deepEqual(source.columns, ['age', 'income', 'Path']);
    assert.deepEqual(await rows(source), [
      ['30', '40000', 'azureml://datastores/workspaceblobstore/paths/tables/credit/csv/a.csv'],
      ['22', '31000', 'azureml://datastores/workspaceblobstore/paths/data/credit-v2.csv'],
    ]);
  });

  it('reads datastore URIs, short and long, and a folder of data collector files', async () => {
    assert.deepEqual(await rows(await openData('azureml://datastores/workspaceblobstore/paths/data/credit.csv', { workspace: ctx })), [
      ['43', '52000'],
      ['51', null],
    ]);
    const long = `azureml://subscriptions/${emulator.subscriptionId}/resourcegroups/${emulator.resourceGroup}/workspaces/${emulator.workspaceName}/datastores/workspaceblobstore/paths/data/credit-v2.csv`;
    assert.deepEqual(await rows(await openData(long, { workspace: ctx })), [['22', '31000']]);
    const collected = await openData('azureml://datastores/workspaceblobstore/paths/modelDataCollector/ep/blue/model_inputs/', {
      workspace: ctx,
    });
    assert.deepEqual(collected.columns, ['age']);
    assert.deepEqual(await rows(collected), [[43], [51], [22]]);
  });

  it('reads a datastore that holds a SAS, and a blob URL with a SAS that is masked and never shown', async () => {
    assert.deepEqual(await rows(await openData('azureml://datastores/shared/paths/reference/train.jsonl', { workspace: ctx })), [[1]]);
    const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    const sas = generateBlobSASQueryParameters(
      {
        containerName: emulator.datastore.containerName,
        permissions: ContainerSASPermissions.parse('rl'),
        expiresOn: new Date(Date.now() + 3_600_000),
      },
      key,
    ).toString();
    const url = `${azurite.blobUrl}/${emulator.datastore.containerName}/data/credit.csv?${sas}`;
    const source = await openData(url, { workspace: ctx });
    assert.equal(source.description, `${azurite.blobUrl}/${emulator.datastore.containerName}/data/credit.csv`);
    assert.ok(!source.description.includes('sig='));
    assert.ok(masked.includes(sas));
    assert.equal((await rows(source)).length, 2);
    // Without a SAS (and no identity over plain HTTP) the private container refuses: the message says what to add.
    await rejects(
      openData(`${azurite.blobUrl}/${emulator.datastore.containerName}/data/credit.csv`, { workspace: ctx }).then(rows),
      /data\/credit\.csv cannot be read: access denied \(HTTP 40\d.*\); add a SAS with read and list permissions to the URL/,
    );
    const expired = generateBlobSASQueryParameters(
      {
        containerName: emulator.datastore.containerName,
        permissions: ContainerSASPermissions.parse('rl'),
        startsOn: new Date(Date.now() - 7_200_000),
        expiresOn: new Date(Date.now() - 3_600_000),
      },
      key,
    ).toString();
    await assert.rejects(
      openData(`${azurite.blobUrl}/${emulator.datastore.containerName}/data/credit.csv?${expired}`, { workspace: ctx }).then(rows),
      (e: Error) => !e.message.includes('sig=') && /access denied/.test(e.message),
    );
  });

  it('names what is missing and what it cannot read, with the fix', async () => {
    await rejects(
      openData('azureml:nothing:3', { workspace: ctx }),
      /Data asset 'nothing' has no version '3' in workspace '.*' \('azureml:nothing:3'\); check the name and version/,
    );
    await rejects(openData('azureml:nothing@latest', { workspace: ctx }), /Data asset 'nothing' has no versions/);
    await rejects(
      openData('azureml:gone:1', { workspace: ctx }),
      /The data 'azureml:gone:1' does not exist \(the data asset points at azureml:\/\/datastores\/workspaceblobstore\/paths\/data\/deleted\.csv\)/,
    );
    await rejects(
      openData('azureml://datastores/nostore/paths/x.csv', { workspace: ctx }),
      /Datastore 'nostore' was not found in workspace/,
    );
    await rejects(
      openData('azureml://datastores/files/paths/x.csv', { workspace: ctx }),
      /Datastore 'files' is a AzureFile datastore; data can be read from Azure Blob and Azure Data Lake Gen2 datastores/,
    );
    await rejects(
      openData('azureml://datastores/lake/paths/x.csv', { workspace: { ...ctx, credential: undefined } }),
      /Datastore 'lake' uses identity-based access \(no key or SAS\), and no credential was given/,
    );
    await rejects(
      openData(
        `azureml://subscriptions/${emulator.subscriptionId}/resourcegroups/other-rg/workspaces/other-ws/datastores/workspaceblobstore/paths/x.csv`,
        { workspace: ctx },
      ),
      /is in workspace 'other-ws' \(resource group 'other-rg'\), not in/,
    );
  });

  it('only reads: no write reaches Azure ML (listSecrets is the one POST)', () => {
    const writes = emulator
      .requests()
      .filter((r) => r.method !== 'GET' && !(r.method === 'POST' && /\/listSecrets$/i.test(r.path)) && !/oauth2|token/i.test(r.path));
    assert.deepEqual(
      writes.map((r) => `${r.method} ${r.path}`),
      [],
    );
  });
});

describe('data: blob URLs', () => {
  it('name the blob without a SAS or user info; wasbs:// and abfss:// through the blob endpoint', () => {
    assert.equal(
      withoutSecrets('https://u:p@acct.blob.core.windows.net/c/x.csv?sv=2024&sig=secret'),
      'https://acct.blob.core.windows.net/c/x.csv',
    );
    assert.equal(
      withoutSecrets('wasbs://data@acct.blob.core.windows.net/titanic.csv'),
      'wasbs://data@acct.blob.core.windows.net/titanic.csv',
    );
    assert.equal(withoutSecrets('azureml:credit:1'), 'azureml:credit:1');
    assert.equal(
      blobUrlLocation('https://acct.blob.core.windows.net/c/dir/a%20b.csv?sv=1&sig=x', undefined).description,
      'https://acct.blob.core.windows.net/c/dir/a b.csv',
    );
    assert.equal(
      blobUrlLocation('wasbs://data@acct.blob.core.windows.net/dir/t.csv', undefined).description,
      'https://acct.blob.core.windows.net/data/dir/t.csv',
    );
    assert.equal(
      blobUrlLocation('abfss://fs@acct.dfs.core.windows.net/dir/t.csv', undefined).description,
      'https://acct.blob.core.windows.net/fs/dir/t.csv',
    );
    assert.equal(
      blobUrlLocation('http://127.0.0.1:10000/devstoreaccount1/c/x.csv', undefined).description,
      'http://127.0.0.1:10000/devstoreaccount1/c/x.csv',
    );
    assert.throws(() => blobUrlLocation('https://example.com/c/x.csv', undefined), /is not an Azure Blob Storage URL/);
    assert.throws(() => blobUrlLocation('http://acct.blob.core.windows.net/c/x.csv', undefined), /is not a URL this task reads/);
    assert.throws(() => blobUrlLocation('https://acct.blob.core.windows.net/', undefined), /names no blob container/);
  });
});

import { expect } from 'chai';
import { Harness } from '../helpers/harness';

describe('GET /healthz and /readyz', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness().start();
  });
  afterEach(() => h.stop());

  it('are 200 while the database answers and the worker runs', async () => {
    expect(await h.http('GET', '/healthz')).to.include({ status: 200 });
    const ready = await h.http('GET', '/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.json).to.deep.equal({ status: 'ready', database: 'ok', worker: 'running' });
  });

  it('/readyz is 503 once the worker has stopped, while /healthz stays 200', async () => {
    await h.vistka.worker.stop();
    const ready = await h.http('GET', '/readyz');
    expect(ready.status).to.equal(503);
    expect(ready.json).to.deep.equal({ status: 'not_ready', database: 'ok', worker: 'stopped' });
    expect((await h.http('GET', '/healthz')).status).to.equal(200);
  });

  it('both are 503 when the database does not answer', async () => {
    await h.vistka.worker.stop();
    await h.vistka.db.close();
    const ready = await h.http('GET', '/readyz');
    expect(ready.status).to.equal(503);
    expect(ready.json.database).to.equal('unavailable');
    const health = await h.http('GET', '/healthz');
    expect([health.status, health.headers['retry-after'], ready.headers['retry-after']]).to.deep.equal([503, '5', '5']);
  });
});

import { expect } from 'chai';
import { connect } from 'node:net';
import { request } from 'undici';
import { sleep, waitFor } from '../fakes/http';
import { viberCallbacks } from '../fakes/viber-api';
import { Harness } from '../helpers/harness';

describe('POST /viber/webhook', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
  });
  after(() => h.stop());

  describe('signature', () => {
    it('answers 401 at once for a missing signature', async () => {
      const reply = await h.viber.callback(h.webhook, viberCallbacks.subscribed('sig-user-1', h.nextToken()), null);
      expect(reply.status).to.equal(401);
      expect(JSON.parse(reply.body).error.code).to.equal('invalid_signature');
    });

    it('answers 401 for a signature over other bytes or with another key', async () => {
      const body = viberCallbacks.subscribed('sig-user-2', h.nextToken());
      expect((await h.viber.callback(h.webhook, body, h.viber.sign(body + ' '))).status).to.equal(401);
      expect((await h.viber.callback(h.webhook, body, 'ab'.repeat(32))).status).to.equal(401);
      expect((await h.viber.callback(h.webhook, body, 'not-hex')).status).to.equal(401);
    });

    it('checks the raw bytes: the same JSON re-serialised does not pass', async () => {
      const body = viberCallbacks.subscribed('sig-user-3', h.nextToken());
      const reformatted = JSON.stringify(JSON.parse(body), null, 1);
      expect((await h.viber.callback(h.webhook, reformatted, h.viber.sign(body))).status).to.equal(401);
      expect((await h.viber.callback(h.webhook, body)).status).to.equal(200);
    });

    it('answers 400 for signed bytes that are not JSON, and 405 for other methods', async () => {
      expect((await h.viber.callback(h.webhook, '{"event":')).status).to.equal(400);
      const get = await request(h.webhook, { method: 'GET' });
      expect(get.statusCode).to.equal(405);
      expect(get.headers.allow).to.equal('POST');
      await get.body.text();
    });

    it('refuses a request without a signature before its body arrives', async () => {
      const { hostname, port } = new URL(h.webhook);
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          // Headers only: the promised 1000 bytes never come.
          socket.write('POST /viber/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        setTimeout(() => socket.destroy(), 5000);
      });
      expect(answer).to.match(/^HTTP\/1\.1 401/);
      expect(Date.now() - started).to.be.below(2000);
    });

    it('answers 200, not 500, for a signed callback with an object where a token or an id belongs', async () => {
      for (const body of [
        '{"event":"message","timestamp":1,"message_token":{"a":1},"sender":{"id":"odd-1","name":"x"},"message":{"type":"text","text":"привіт"}}',
        '{"event":"unsubscribed","timestamp":1,"user_id":{"toString":1},"message_token":1}',
        '{"event":"delivered","timestamp":1,"message_token":[1,2],"user_id":"odd-1"}',
      ]) {
        expect((await h.viber.callback(h.webhook, body)).status, body).to.equal(200);
      }
    });
  });

  describe('conversation_started', () => {
    it('gives each of two simultaneous users their own welcome, and a later callback none', async () => {
      const [a, b] = await Promise.all([
        h.viber.callback(h.webhook, viberCallbacks.conversationStarted('welcome-a', h.nextToken(), 'uk')),
        h.viber.callback(h.webhook, viberCallbacks.conversationStarted('welcome-b', h.nextToken(), 'en')),
      ]);
      const welcomeA = JSON.parse(a.body);
      const welcomeB = JSON.parse(b.body);
      expect(welcomeA.text).to.contain('Вітаємо');
      expect(welcomeB.text).to.contain('Welcome');
      for (const welcome of [welcomeA, welcomeB]) {
        expect(welcome.type).to.equal('text');
        expect(welcome.sender.name).to.equal('eHealth');
        expect(welcome.min_api_version).to.be.at.least(3);
        expect(welcome.keyboard.Buttons[0].ActionType).to.equal('share-phone');
        expect(welcome).to.not.have.property('receiver');
      }
      const later = await h.viber.callback(h.webhook, viberCallbacks.subscribed('welcome-c', h.nextToken()));
      expect(later.status).to.equal(200);
      expect(later.body).to.equal('');
      const receipt = await h.viber.callback(h.webhook, viberCallbacks.receipt('seen', h.nextToken(), 'welcome-c'));
      expect(receipt.body).to.equal('');
    });

    it('says how to type the number, since desktop clients cannot share it', async () => {
      const reply = await h.viber.callback(h.webhook, viberCallbacks.conversationStarted('welcome-d', h.nextToken()));
      expect(JSON.parse(reply.body).text).to.match(/напишіть свій номер/);
    });
  });

  describe('messages', () => {
    it('answers the same message once even when Viber retries the callback', async () => {
      const body = viberCallbacks.message('retry-user', { type: 'text', text: 'привіт' }, '9223372036854775001');
      const replies = await Promise.all([h.viber.callback(h.webhook, body), h.viber.callback(h.webhook, body)]);
      expect(replies.map((r) => r.status)).to.deep.equal([200, 200]);
      await h.viber.callback(h.webhook, body);
      await h.botMessage('retry-user', 1);
      await sleep(300);
      expect(h.viber.to('retry-user')).to.have.length(1);
    });

    it('answers within a second', async () => {
      const started = Date.now();
      await h.say('fast-user', 'мої рецепти');
      expect(Date.now() - started).to.be.below(1000);
    });
  });
});

describe('POST /viber/webhook without VIBER_AUTH_TOKEN', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ VIBER_AUTH_TOKEN: '' }).start();
  });
  after(() => h.stop());

  it('answers 503 saying the bot is off', async () => {
    const reply = await h.viber.callback(h.webhook, viberCallbacks.subscribed('x', '1'));
    expect(reply.status).to.equal(503);
    expect(reply.body).to.contain('VIBER_AUTH_TOKEN');
  });
});

describe('with PUBLIC_URL', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ PUBLIC_URL: 'https://vistka.example.org/' }).start();
  });
  after(() => h.stop());

  it('registers the webhook at start, asking for failed receipts too', async () => {
    const registered = await waitFor('set_webhook', () => h.viber.webhooks[0]);
    expect(registered.url).to.equal('https://vistka.example.org/viber/webhook');
    expect(registered.event_types).to.include.members(['delivered', 'seen', 'failed', 'conversation_started']);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { loadConfig } from '../../src/config';
import { execute, select } from '../../src/db/sql';
import { signEhealthPayload } from '../../src/ehealth/signature';
import { PhoneClaim } from '../../src/entities/PhoneClaim';
import { createLogger } from '../../src/logger';
import { startVistka, type Vistka } from '../../src/server';
import { waitFor } from '../fakes/http';
import { FakeTurboSms, FakeTwilio } from '../fakes/sms-providers';
import { FakeViberApi, viberCallbacks } from '../fakes/viber-api';
import { freshDatabase, type TestDatabase } from './databases';

export const SECRET = 'ehealth-test-secret';

export interface Reply {
  status: number;
  json: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A whole Vistka on loopback with its fake Viber API and fake SMS providers. */
export class Harness {
  vistka!: Vistka;
  readonly viber = new FakeViberApi();
  readonly turbo = new FakeTurboSms();
  readonly twilio = new FakeTwilio();
  /** Every log line the server wrote. */
  readonly logs: string[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'vistka-test-'));
  /** SQLite in `dir`, or a fresh PostgreSQL database when TEST_DATABASE_URL is set. */
  database!: TestDatabase;
  /** Instances started by `startInstance()`. */
  private readonly others: Vistka[] = [];
  private tokenCounter = 7_000_000_000_000_000_001n;

  constructor(private readonly env: Record<string, string> = {}) {}

  get url(): string {
    return this.vistka.url;
  }

  get webhook(): string {
    return `${this.vistka.url}/viber/webhook`;
  }

  config(extra: Record<string, string> = {}) {
    return loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.database.url,
      EHEALTH_WEBHOOK_SECRET: SECRET,
      VIBER_AUTH_TOKEN: this.viber.authToken,
      VIBER_API_URL: this.viber.url,
      VIBER_DELIVERY_TIMEOUT_S: '30',
      SMS_PROVIDER: 'turbosms',
      TURBOSMS_TOKEN: this.turbo.token,
      TURBOSMS_SENDER: 'eHealth',
      TURBOSMS_API_URL: this.turbo.url,
      TWILIO_ACCOUNT_SID: this.twilio.accountSid,
      TWILIO_AUTH_TOKEN: this.twilio.authToken,
      TWILIO_FROM: '+15005550006',
      TWILIO_API_URL: this.twilio.url,
      ...this.env,
      ...extra,
    });
  }

  async start(): Promise<this> {
    await Promise.all([this.viber.start(), this.turbo.start(), this.twilio.start()]);
    this.database = await freshDatabase(this.dir);
    await this.boot();
    return this;
  }

  private async boot(extra: Record<string, string> = {}): Promise<void> {
    this.vistka = await this.launch(extra);
  }

  private launch(extra: Record<string, string> = {}): Promise<Vistka> {
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        this.logs.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const config = this.config(extra);
    // No grace on close: the tests that look at shutdown run the real process (test/ops/crash.test.ts).
    return startVistka(config, { logger: createLogger(config.logLevel, sink), workerPollMs: 50, shutdownGraceMs: 0 });
  }

  /**
   * Starts one more instance on the same database and fakes (several instances sharing PostgreSQL);
   * it is closed by `stop()`.
   */
  async startInstance(): Promise<Vistka> {
    const instance = await this.launch();
    this.others.push(instance);
    return instance;
  }

  /**
   * Stops the server and starts a new one on the same database, as after a crash or a deploy, with
   * `extra` settings on top of the harness's own (a deploy that changed them).
   */
  async restart(extra: Record<string, string> = {}): Promise<void> {
    await this.vistka.close();
    await this.boot(extra);
  }

  async stop(): Promise<void> {
    await Promise.all(this.others.map((instance) => instance.close()));
    await this.vistka?.close();
    await Promise.all([this.viber.stop(), this.turbo.stop(), this.twilio.stop()]);
    await this.database?.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Runs plain SQL with `?` placeholders on either database, in a transaction of its own: rows for a
   * SELECT, else the count of rows changed. Booleans are written as each database takes them.
   */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[] | number> {
    const postgres = this.vistka.db.dialect === 'postgres';
    const values = params.map((value) => (typeof value === 'boolean' && !postgres ? Number(value) : value));
    return this.vistka.db.tx((manager): Promise<T[] | number> => (/^\s*select/i.test(text) ? select<T>(manager, text, values) : execute(manager, text, values)));
  }

  async http(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
    const reply = await request(`${this.url}${path}`, { method: method as 'GET', body, headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await reply.body.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: reply.statusCode, json, text, headers: reply.headers };
  }

  /** POSTs an event as eHealth does (an object as JSON, or exact text or bytes), signed unless `signature` says otherwise. */
  push(body: object | string | Buffer, options: { signature?: string | null; at?: number } = {}): Promise<Reply> {
    const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const at = options.at ?? Math.floor(Date.now() / 1000);
    if (options.signature !== null) headers['x-ehealth-signature'] = options.signature ?? signEhealthPayload(SECRET, text, at);
    return this.http('POST', '/ehealth/events', text, headers);
  }

  /** GET /ehealth/events/:id, signed over the empty body. */
  status(id: string): Promise<Reply> {
    const at = Math.floor(Date.now() / 1000);
    return this.http('GET', `/ehealth/events/${encodeURIComponent(id)}`, undefined, { 'x-ehealth-signature': signEhealthPayload(SECRET, '', at) });
  }

  /** Waits until the event reaches one of `statuses`, and returns its view. */
  async waitForStatus(id: string, ...statuses: string[]): Promise<any> {
    let last: unknown = null;
    return waitFor(`event ${id} to be ${statuses.join('/')}`, async () => {
      const reply = await this.status(id);
      last = reply.json;
      return statuses.includes(reply.json?.status) ? reply.json : null;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; last seen: ${JSON.stringify(last)}`);
    });
  }

  /** Waits until the event was sent on `channel` (or reached a later status there). */
  async waitForChannel(id: string, channel: string, ...statuses: string[]): Promise<any> {
    const wanted = statuses.length > 0 ? statuses : ['sent', 'delivered', 'seen'];
    return waitFor(`event ${id} on ${channel}`, async () => {
      const reply = await this.status(id);
      return reply.json?.channel === channel && wanted.includes(reply.json?.status) ? reply.json : null;
    });
  }

  /** Moves claims (of a phone, or of a Viber user) into the past, as if `ms` had gone by, for the rate limits. */
  async ageClaims(phoneOrUser: string, ms: number): Promise<void> {
    await this.vistka.db.tx((manager) =>
      manager
        .createQueryBuilder()
        .update(PhoneClaim)
        .set({ createdAt: () => `created_at - ${Math.trunc(ms)}` })
        .where('phone = :key OR viber_id = :key', { key: phoneOrUser })
        .execute(),
    );
  }

  /** Makes a phone's pending codes expire now. */
  async expireClaims(phone: string): Promise<void> {
    await this.vistka.db.tx((manager) => manager.update(PhoneClaim, { phone }, { expiresAt: Date.now() - 1 }));
  }

  nextToken(): string {
    return (this.tokenCounter++).toString();
  }

  /** A Viber user writes to the bot (a text, or any message object). */
  say(userId: string, message: string | object, sender: Partial<{ name: string; language: string; api_version: number }> = {}) {
    const body = typeof message === 'string' ? { type: 'text', text: message } : message;
    return this.viber.callback(this.webhook, viberCallbacks.message(userId, body, this.nextToken(), sender));
  }

  /** Waits for the bot's `count`-th message to a user and returns it. */
  async botMessage(userId: string, count: number): Promise<Record<string, any>> {
    const sent = await waitFor(`bot message #${count} to ${userId}`, () => (this.viber.to(userId).length >= count ? this.viber.to(userId) : null));
    return sent[count - 1].body as Record<string, any>;
  }

  /** Takes a user through the whole proof of a phone: share it, read the SMS code, type it back. */
  async bindPhone(userId: string, phone: string, sender: Partial<{ name: string; language: string }> = {}): Promise<void> {
    const before = this.viber.to(userId).length;
    const smsBefore = this.turbo.to(phone).length;
    await this.say(userId, { type: 'contact', contact: { name: 'Я', phone_number: phone.replace('+', '') } }, sender);
    const sms = await waitFor(`claim SMS to ${phone}`, () => this.turbo.to(phone)[smsBefore]);
    const code = /(\d{6})/.exec(sms.text)?.[1] as string;
    await this.botMessage(userId, before + 1);
    await this.say(userId, code, sender);
    await this.botMessage(userId, before + 2);
  }
}

/** A valid push body with a fresh id; `overrides` replace fields. */
export function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `ev-${Math.random().toString(36).slice(2)}`,
    type: 'medication_request',
    phone_number: '+380671234567',
    third_person: false,
    patient: { id: 'p-1', name: 'Іваненко О.' },
    number: '0000-K8K5-5MTE-352H',
    code: '1234',
    expires_at: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
    details: { medication: 'Амоксицилін', dosage: '500 мг', doctor: 'Петренко І. І.', legal_entity: 'КНП ЦПМСД №1' },
    ...overrides,
  };
}

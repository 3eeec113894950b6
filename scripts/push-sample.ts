/**
 * Sends one signed sample event to a running Vistka, as eHealth would:
 *   EHEALTH_WEBHOOK_SECRET=dev-secret npm run push-sample -- +380671234567 [medication_request] [http://localhost:3000]
 * For trying the server by hand; the tests have their own harness.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { readDotEnv } from '../src/config';
import { signEhealthPayload } from '../src/ehealth/signature';

async function main(): Promise<void> {
  readDotEnv();
  const [phone = '+380671234567', type = 'medication_request', url = `http://127.0.0.1:${process.env.PORT ?? 3000}`] = process.argv.slice(2);
  const secret = process.env.EHEALTH_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set EHEALTH_WEBHOOK_SECRET (the same value the server has) to sign the push.');
  const referral = type.startsWith('service');
  const body = JSON.stringify({
    id: `sample-${randomUUID()}`,
    type,
    phone_number: phone === 'null' ? null : phone,
    third_person: false,
    patient: { id: 'sample-patient', name: 'Іваненко О.' },
    number: referral ? '1234-5678-9012-3456' : type === 'verification' ? null : '0000-K8K5-5MTE-352H',
    code: String(1000 + Math.floor(Math.random() * 9000)),
    expires_at: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
    details: referral ? { service: 'Консультація ендокринолога' } : { medication: 'Амоксицилін', dosage: '500 мг' },
  });
  const signature = signEhealthPayload(secret, body, Math.floor(Date.now() / 1000));
  const reply = await request(`${url}/ehealth/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-ehealth-signature': signature },
  });
  process.stdout.write(`${reply.statusCode} ${await reply.body.text()}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

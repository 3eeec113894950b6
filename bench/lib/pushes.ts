import { createHmac } from 'node:crypto';

export const BENCH_SECRET = 'bench-webhook-secret';

/** A push as eHealth sends it, about 500 bytes, with its own id and phone. */
export function pushBody(id: string, n: number): string {
  return JSON.stringify({
    id,
    type: 'medication_request',
    phone_number: phoneFor(n),
    third_person: false,
    patient: { id: `patient-${n}`, name: 'Іваненко Олена Петрівна' },
    number: '0000-K8K5-5MTE-352H',
    code: String(1000 + (n % 9000)),
    expires_at: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
    details: {
      medication: 'Амоксицилін',
      dosage: '500 мг тричі на день',
      program: 'Доступні ліки',
      doctor: 'Петренко Іван Іванович',
      legal_entity: 'КНП «Центр первинної медико-санітарної допомоги №1»',
    },
  });
}

/** A distinct valid Ukrainian mobile number per n. */
export function phoneFor(n: number): string {
  return `+38067${String(n % 10_000_000).padStart(7, '0')}`;
}

/** `X-Ehealth-Signature` over `body`, signed now. */
export function signature(body: string, secret = BENCH_SECRET): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

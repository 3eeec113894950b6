import { request } from 'undici';

/** The samples of a server's GET /metrics, by name with labels (`name{a="b"}`). */
export async function scrape(url: string): Promise<Map<string, number>> {
  const reply = await request(`${url}/metrics`);
  const samples = new Map<string, number>();
  for (const line of (await reply.body.text()).split('\n')) {
    const match = /^([a-zA-Z0-9_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** The sum of every sample of `name` whatever its labels. */
export function total(samples: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [key, value] of samples) if (key === name || key.startsWith(`${name}{`)) sum += value;
  return sum;
}

import type { EventDetails, EventType } from '../ehealth/event';
import type { EhealthEvent } from '../entities/EhealthEvent';

/** What a message about one eHealth document says, whatever the channel. */
export interface DocumentFacts {
  type: EventType;
  number: string | null;
  code: string | null;
  expiresAt: number | null;
  thirdPerson: boolean;
  patientName: string | null;
  details: EventDetails;
}

export function factsOf(event: EhealthEvent): DocumentFacts {
  return {
    type: event.type as EventType,
    number: event.number,
    code: event.code,
    expiresAt: event.expiresAt,
    thirdPerson: event.thirdPerson,
    patientName: event.patientName,
    details: parseDetails(event.details),
  };
}

export function parseDetails(json: string | null): EventDetails {
  if (!json) return {};
  try {
    return JSON.parse(json) as EventDetails;
  } catch {
    return {};
  }
}

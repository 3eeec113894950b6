import { Init1764115200000 } from './1764115200000-Init';
import { Staff1764288000000 } from './1764288000000-Staff';
import { Indexes1764374400000 } from './1764374400000-Indexes';
import { ErasedAt1764460800000 } from './1764460800000-ErasedAt';
import { EraseFingerprints1764547200000 } from './1764547200000-EraseFingerprints';
import { DataSince1764633600000 } from './1764633600000-DataSince';
import { StaffViberUnique1764720000000 } from './1764720000000-StaffViberUnique';

/** Every migration, oldest first. A new one is appended here. */
export const migrations = [Init1764115200000, Staff1764288000000, Indexes1764374400000, ErasedAt1764460800000, EraseFingerprints1764547200000, DataSince1764633600000, StaffViberUnique1764720000000];

import { Init1764115200000 } from './1764115200000-Init';
import { Staff1764288000000 } from './1764288000000-Staff';
import { Indexes1764374400000 } from './1764374400000-Indexes';

/** Every migration, oldest first. A new one is appended here. */
export const migrations = [Init1764115200000, Staff1764288000000, Indexes1764374400000];

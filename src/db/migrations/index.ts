import { Init1764115200000 } from './1764115200000-Init';

/** Every migration, oldest first. A new one is appended here. */
export const migrations = [Init1764115200000];

/** A Viber user as callbacks describe them (`user` or `sender`). */
export interface ViberUser {
  id: string;
  name: string | null;
  language: string | null;
  apiVersion: number | null;
}

/** One API key as stored: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  /** SHA-256 of the key, hex: the partition key. */
  keyHash: string;
  /** The first 12 hex digits of the hash: how logs, records and the CLI name the key. */
  keyId: string;
  name: string;
  /** Models the key may call; `*` for all of them. */
  models: string[];
  /** May erase and export a data subject's data (GDPR rights); off unless asked for at creation. */
  subjectRights?: boolean;
  /** Named permissions beyond predicting (`models:approve`: decide on trained versions). */
  permissions?: string[];
  createdAt: string;
  /** Epoch seconds after which the key is refused. */
  expiresAt: number;
  revokedAt?: string;
}

/** The port the key verifier and the CLI go through; api-key-store-dynamodb.ts is its adapter. */
export interface ApiKeyStore {
  get(keyHash: string): Promise<ApiKeyRecord | undefined>;
  put(record: ApiKeyRecord): Promise<void>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(keyId: string, at: Date): Promise<boolean>;
}

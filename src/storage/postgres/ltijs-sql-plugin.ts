import crypto from 'node:crypto';
import type { SqlClient, SqlExecutor } from './sql-client';

/**
 * ltijs's database plugin interface (ltijs 5.9 src/Utils/Database.js) on our SQL layer,
 * so ltijs keeps its platforms, keys, tokens, nonces and state beside our own data.
 *
 * Documents are JSONB rows matched by containment (`doc @> query`), which covers the
 * equality queries ltijs makes. Expired documents are never returned and are purged
 * by Storage.purgeExpired().
 */

type Doc = Record<string, unknown>;

/** Seconds each collection's documents live, as ltijs's MongoDB schemas declare. */
const TTL_SECONDS: Record<string, number> = {
  idtoken: 24 * 3600,
  contexttoken: 24 * 3600,
  accesstoken: 3600,
  nonce: 10,
  state: 600,
};

const COLLECTIONS = new Set([
  'idtoken',
  'contexttoken',
  'platform',
  'platformStatus',
  'publickey',
  'privatekey',
  'accesstoken',
  'nonce',
  'state',
]);

function checkCollection(collection: string): void {
  if (!COLLECTIONS.has(collection)) throw new TypeError(`Unknown ltijs collection "${collection}"`);
}

function encryptionKey(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret).digest().subarray(0, 32);
}

/** AES-256-CBC with a random IV, hex-encoded: ltijs's own format, so data stays portable. */
export function ltijsEncrypt(plaintext: string, secret: string): { iv: string; data: string } {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-cbc', encryptionKey(secret), iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('hex'), data: data.toString('hex') };
}

export function ltijsDecrypt(data: string, iv: string, secret: string): string {
  const decipher = crypto.createDecipheriv('aes-256-cbc', encryptionKey(secret), Buffer.from(iv, 'hex'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'hex')), decipher.final()]).toString();
}

const LIVE = '(expires_at IS NULL OR expires_at > now())';

export class LtijsSqlPlugin {
  constructor(private readonly sql: SqlClient) {}

  async setup(): Promise<boolean> {
    return true;
  }

  /** ltijs closes "its" database on shutdown; the connection belongs to Storage, which closes it. */
  async Close(): Promise<boolean> {
    return true;
  }

  async Get(key: string | false, collection: string, query?: Doc): Promise<Doc[] | false> {
    checkCollection(collection);
    const rows = await this.sql.query<{ doc: Doc; created_at: Date }>(
      `SELECT doc, created_at FROM lti_documents
       WHERE collection = $1 AND doc @> $2::jsonb AND ${LIVE}
       ORDER BY id`,
      [collection, JSON.stringify(query ?? {})],
    );
    if (rows.length === 0) return false;
    return rows.map((row) => {
      if (!key) return { ...row.doc, createdAt: row.created_at.toISOString() };
      const decrypted = JSON.parse(ltijsDecrypt(String(row.doc.data), String(row.doc.iv), key)) as Doc;
      return { ...decrypted, createdAt: row.created_at.getTime() };
    });
  }

  async Insert(key: string | false, collection: string, item: Doc, index?: Doc): Promise<boolean> {
    checkCollection(collection);
    await this.insert(this.sql, collection, this.stored(key, item, index));
    return true;
  }

  /** An upsert: the documents matching query are replaced by item, atomically. */
  async Replace(
    key: string | false,
    collection: string,
    query: Doc,
    item: Doc,
    index?: Doc,
  ): Promise<boolean> {
    checkCollection(collection);
    const doc = this.stored(key, item, index);
    await this.sql.transaction(async (tx) => {
      // Serialise concurrent replaces of the same document so they never leave two copies.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `${collection}:${JSON.stringify(query)}`,
      ]);
      await tx.query('DELETE FROM lti_documents WHERE collection = $1 AND doc @> $2::jsonb', [
        collection,
        JSON.stringify(query),
      ]);
      await this.insert(tx, collection, doc);
    });
    return true;
  }

  async Modify(key: string | false, collection: string, query: Doc, modification: Doc): Promise<boolean> {
    checkCollection(collection);
    if (!key) {
      await this.sql.query(
        `UPDATE lti_documents SET doc = doc || $3::jsonb
         WHERE collection = $1 AND doc @> $2::jsonb AND ${LIVE}`,
        [collection, JSON.stringify(query), JSON.stringify(modification)],
      );
      return true;
    }
    // ltijs's own encrypted Modify patches the first key of the first match; so does this.
    const [row] = await this.sql.query<{ id: string; doc: Doc }>(
      `SELECT id, doc FROM lti_documents WHERE collection = $1 AND doc @> $2::jsonb AND ${LIVE} ORDER BY id LIMIT 1`,
      [collection, JSON.stringify(query)],
    );
    if (!row) return true;
    const decrypted = JSON.parse(ltijsDecrypt(String(row.doc.data), String(row.doc.iv), key)) as Doc;
    const [field] = Object.keys(modification);
    if (field !== undefined) decrypted[field] = modification[field];
    const sealed = ltijsEncrypt(JSON.stringify(decrypted), key);
    await this.sql.query('UPDATE lti_documents SET doc = doc || $2::jsonb WHERE id = $1', [
      row.id,
      JSON.stringify(sealed),
    ]);
    return true;
  }

  async Delete(collection: string, query: Doc): Promise<boolean> {
    checkCollection(collection);
    await this.sql.query('DELETE FROM lti_documents WHERE collection = $1 AND doc @> $2::jsonb', [
      collection,
      JSON.stringify(query),
    ]);
    return true;
  }

  private stored(key: string | false, item: Doc, index?: Doc): Doc {
    if (!key) return item;
    if (!index) throw new TypeError('ltijs asked to store an encrypted document without an index');
    return { ...index, ...ltijsEncrypt(JSON.stringify(item), key) };
  }

  private async insert(db: SqlExecutor, collection: string, doc: Doc): Promise<void> {
    const ttl = TTL_SECONDS[collection];
    await db.query(
      `INSERT INTO lti_documents (collection, doc, expires_at)
       VALUES ($1, $2::jsonb, CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(secs => $3::int) END)`,
      [collection, JSON.stringify(doc), ttl ?? null],
    );
  }
}

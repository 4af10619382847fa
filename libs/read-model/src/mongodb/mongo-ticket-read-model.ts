import { randomBytes } from 'node:crypto';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import {
  normalize,
  normalizeQuery,
  type Page,
  type SearchResult,
  type TicketReadModel,
  type TicketReadModelRebuild,
  type TicketSearchQuery,
} from '../ticket-read-model.port';
import type { StoredTicketView } from '../ticket-view';
import { erasedSubjectMarker, guardErased } from '../ticket-view-erasure';
import { migrateDocuments } from './migrate-documents';
import { findMatches, type Found, type SearchRun, type SearchStrategy } from './mongo-search';
import { MongoTicketCollection } from './mongo-ticket-collection';
import { planLines } from './explain-plan';
import { refreshPlannerStatistics } from './planner-statistics';
import { bucketKey, bucketOf } from './time-buckets';
import { SORT, hasKey, toFilter, wordsFilter, type FilterScope } from './ticket-document';

export type { SearchStrategy };

export type MongoTicketReadModelOptions = {
  /** mongodb:// URL; its path names the database unless `database` is given. */
  url: string;
  database?: string;
  /** The read model's name; the collection that serves it is looked up under it in `read_models` (a rebuild switches it). */
  collection?: string;
  /** Fail fast when the server is not there, instead of the driver's 30 s. */
  serverSelectionTimeoutMS?: number;
  searchStrategy?: SearchStrategy;
  /** How often a running read model looks whether a rebuild switched its collection. */
  aliasPollMs?: number;
  /** Documents a walk's probe aims to decode (bucket-walk.ts). */
  walkTargetRows?: number;
};

/** `<read model name>_erased_subjects`: `{_id: erasedSubjectMarker(uuid)}` per erased subject, for every collection the read model uses. */
type ErasedSubjectDocument = { _id: string; erasedAt: Date };

/** `{_id: <read model name>, collection: <serving collection>, layout}` */
type AliasDocument = { _id: string; collection: string; layout: number };
/** 3: the view as a JSON string, words in `<collection>_words` (ticket-document.ts). Earlier documents are migrated on connect. */
const LAYOUT = 3;

/**
 * The production read model on a MongoDB-wire server. It stays within what
 * FerretDB 1.x offers (no transactions, change streams, $lookup, or renames
 * over an existing collection): every write is one guarded upsert (a first
 * revision: a plain insert, batched with those asked for at the same time),
 * every search one find or a walk of indexed finds.
 *
 * A rebuild fills a new collection and then points the read model's alias at it
 * (see beginRebuild); running read models follow the alias within `aliasPollMs`.
 *
 * Erased subjects (eraseSubject) are remembered as hashes in
 * `<name>_erased_subjects`; every process keeps them in memory (reloaded with the
 * alias poll) and anonymises a view of one of them as it writes it. Without
 * transactions, a write that looked before the marker existed could land after
 * the erasure's anonymisation: so eraseSubject anonymises once more after every
 * process has seen the marker, as the rebuild's swap catches up twice.
 */
export class MongoTicketReadModel implements TicketReadModel {
  private live: MongoTicketCollection;
  private readonly poll: NodeJS.Timeout;
  /** Markers of erased subjects (erasedSubjectMarker), as of the last poll plus this process's own erasures. */
  private erased = new Set<string>();
  /** What the last search did: for the bench. */
  lastSearch: { strategy: Found['how']; probes: number } = { strategy: 'find', probes: 0 };

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly name: string,
    collection: string,
    readonly strategy: SearchStrategy,
    private readonly options: MongoTicketReadModelOptions,
  ) {
    this.live = new MongoTicketCollection(db, collection);
    this.poll = setInterval(() => void Promise.all([this.followAlias(), this.loadErased()]).catch(() => undefined), options.aliasPollMs ?? 1_000);
    this.poll.unref();
  }

  /** Connects, creates the indexes (idempotent) and migrates older documents, so a started read model is ready to search. */
  static async connect(options: MongoTicketReadModelOptions): Promise<MongoTicketReadModel> {
    const client = new MongoClient(options.url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000 });
    try {
      await client.connect();
      const db = client.db(options.database);
      const name = options.collection ?? 'tickets';
      const strategy = options.searchStrategy ?? (await detectStrategy(db));
      const alias = await aliases(db).findOne({ _id: name });
      const live = new MongoTicketCollection(db, alias?.collection ?? name);
      await live.ensureIndexes(strategy === 'buckets');
      if (!alias || alias.layout < LAYOUT) {
        await migrateDocuments(live);
        await upsertRetryingDuplicate(() =>
          aliases(db).updateOne({ _id: name }, { $set: { layout: LAYOUT }, $setOnInsert: { collection: live.name } }, { upsert: true }),
        );
      }
      const readModel = new MongoTicketReadModel(client, db, name, live.name, strategy, options);
      await readModel.loadErased();
      return readModel;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** The collection serving searches now. */
  get collectionName(): string {
    return this.live.name;
  }

  get(recordId: string): Promise<StoredTicketView | null> {
    return this.live.get(recordId);
  }

  upsert(stored: StoredTicketView): Promise<boolean> {
    return this.live.upsert(this.guard(stored));
  }

  async eraseSubject(uuid: string): Promise<number> {
    const key = normalize('uuid', uuid);
    if (key === undefined) return 0;
    const marker = erasedSubjectMarker(key);
    await this.erasedSubjects()
      .updateOne({ _id: marker }, { $setOnInsert: { erasedAt: new Date() } }, { upsert: true })
      .catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 11000) throw error; // two erasures of one subject at once
      });
    this.erased.add(marker);
    const changed = new Set(await this.live.eraseUuidKey(key));
    // Writers that looked before the marker existed have landed or see it by now (they reload it every aliasPollMs).
    await new Promise((resolve) => setTimeout(resolve, 2 * (this.options.aliasPollMs ?? 1_000) + 200));
    for (const recordId of await this.live.eraseUuidKey(key)) changed.add(recordId);
    return changed.size;
  }

  async search(query: TicketSearchQuery, page: Page): Promise<SearchResult> {
    const wanted = normalizeQuery(query);
    if (wanted.matchesNothing) return 'after' in page ? { items: [], hasMore: false } : { items: [], total: 0, hasMore: false };
    const live = this.live;
    const after = 'after' in page ? page.after : undefined;
    const offset = 'offset' in page ? page.offset : 0;
    const found = await findMatches(this.run(live), wanted, after, offset, page.limit);
    this.lastSearch = { strategy: found.how, probes: found.probes };
    const items = found.views.slice(0, page.limit);
    const hasMore = found.views.length > page.limit;
    // A keyset page never counts; neither does a walk (FerretDB would decode every match to count them).
    if (after) return { items, hasMore };
    if (found.total !== undefined) return { items, total: found.total, hasMore };
    if (!found.countable) return { items, hasMore };
    // A page that is not full already tells how many there are: no count needed.
    const total = !hasMore && (items.length > 0 || offset === 0) ? offset + items.length : await live.tickets.countDocuments(toFilter(wanted));
    return { items, total, hasMore };
  }

  /** The server's plan of a search's find (for a walk: of its first probe), one line per step (for the bench). */
  async explainSearch(query: TicketSearchQuery, page: Page): Promise<string[]> {
    const wanted = normalizeQuery(query);
    const after = 'after' in page ? page.after : undefined;
    const scope: FilterScope = { after };
    const words = wanted.words !== undefined && !hasKey(wanted);
    const walks = this.strategy === 'buckets' && !hasKey(wanted);
    if (walks) {
      const newest = (await this.live.blockList())[0];
      if (newest === undefined) return ['(empty collection)'];
      const from = after?.createdAt ?? Math.min(wanted.createdTo ?? Infinity, newest.newest + 1) - 1;
      scope.bucket = bucketKey(0, bucketOf(from, 0));
    }
    const find = words
      ? { find: this.live.words.collectionName, filter: wordsFilter(wanted, scope), sort: SORT }
      : { find: this.live.name, filter: toFilter(wanted, scope), sort: SORT, limit: page.limit + 1 };
    const explained: Document = await this.db.command({ explain: find });
    const what = `${words ? 'words collection, then tickets by _id' : 'tickets'}: ${walks ? 'walk (plan of one probe)' : 'one find'}`;
    return [`strategy: ${this.strategy}, ${what}`, ...planLines(explained)];
  }

  /**
   * A new, empty collection that is filled in bulk and then becomes the read
   * model. The swap points the alias at it, so running read models (here at
   * once, elsewhere within aliasPollMs) write and search there. Writes they made
   * to the old collection meanwhile are covered by catching up once more after
   * they all switched. The old collection is then dropped.
   */
  async beginRebuild(): Promise<TicketReadModelRebuild> {
    await this.dropLeftovers();
    const copy = new MongoTicketCollection(this.db, `${this.name}_next_${randomBytes(4).toString('hex')}`);
    await this.loadErased();
    const erasedBefore = new Set(this.erased);
    return {
      get: (recordId) => copy.get(recordId),
      write: (batch) => copy.writeBatch(batch.map((b) => ({ ...b, stored: this.guard(b.stored) }))),
      swap: async (lastCatchUp) => {
        await copy.ensureIndexes(this.strategy === 'buckets');
        if (this.strategy === 'buckets') await refreshPlannerStatistics(this.db, [copy.name, copy.words.collectionName]);
        const upsert = (stored: StoredTicketView) => copy.upsert(this.guard(stored));
        await lastCatchUp(upsert);
        await this.eraseInCopy(copy, erasedBefore);
        const old = this.live;
        await aliases(this.db).updateOne({ _id: this.name }, { $set: { collection: copy.name, layout: LAYOUT } }, { upsert: true });
        this.live = copy;
        await new Promise((resolve) => setTimeout(resolve, 2 * (this.options.aliasPollMs ?? 1_000) + 200));
        await lastCatchUp(upsert);
        await old.drop();
      },
      discard: () => copy.drop(),
    };
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    await this.live.close();
    await this.client.close();
  }

  private guard(stored: StoredTicketView): StoredTicketView {
    const view = guardErased(stored.view, this.erased.has(erasedSubjectMarker(stored.view.uuid)));
    return view === stored.view ? stored : { ...stored, view };
  }

  private erasedSubjects(): Collection<ErasedSubjectDocument> {
    return this.db.collection<ErasedSubjectDocument>(`${this.name}_erased_subjects`);
  }

  /** Markers only ever get added: what another process erased joins the set. */
  private async loadErased(): Promise<void> {
    const markers = await this.erasedSubjects()
      .find({}, { projection: { _id: 1 } })
      .toArray();
    for (const { _id } of markers) this.erased.add(_id);
  }

  /**
   * Subjects erased while a rebuild filled its copy: views written before their
   * erasure went in as the events said. Rare, so found by hashing the copy's
   * distinct uuids (markers are hashes) only when there are any.
   */
  private async eraseInCopy(copy: MongoTicketCollection, erasedBefore: ReadonlySet<string>): Promise<void> {
    await this.loadErased();
    const added = [...this.erased].filter((m) => !erasedBefore.has(m));
    if (added.length === 0) return;
    const wanted = new Set(added);
    for (const key of await copy.uuidKeys()) if (wanted.has(erasedSubjectMarker(key))) await copy.eraseUuidKey(key);
  }

  private run(live: MongoTicketCollection): SearchRun {
    return { live, strategy: this.strategy, targetRows: this.options.walkTargetRows ?? 100 };
  }

  /** Switches to the collection a rebuild (maybe in another process) pointed the alias at. */
  private async followAlias(): Promise<void> {
    const alias = await aliases(this.db).findOne({ _id: this.name });
    if (alias && alias.collection !== this.live.name) this.live = new MongoTicketCollection(this.db, alias.collection);
  }

  /** Copies of earlier, interrupted rebuilds, and a collection an interrupted swap left behind. One rebuild at a time. */
  private async dropLeftovers(): Promise<void> {
    const prefix = `${this.name}_next_`;
    const names = (await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    for (const name of names) {
      const ours = name === this.name || (name.startsWith(prefix) && !name.endsWith('_blocks'));
      if (!ours || name === this.live.name) continue;
      await new MongoTicketCollection(this.db, name).drop();
    }
  }
}

/**
 * Two processes starting on a fresh database (query-service and zendesk-sync) can
 * both try to insert the alias: the loser's upsert fails with a duplicate key
 * (11000), as MongoDB documents for concurrent upserts. The document exists by
 * then, so the same upsert once more updates it.
 */
async function upsertRetryingDuplicate<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
    return upsert();
  }
}

function aliases(db: Db): Collection<AliasDocument> {
  return db.collection<AliasDocument>('read_models');
}

/** FerretDB answers buildInfo with its own version: it gets the bucket walk. */
async function detectStrategy(db: Db): Promise<SearchStrategy> {
  const info = await db.admin().command({ buildInfo: 1 });
  return info.ferretdbVersion ? 'buckets' : 'native';
}

package dev.switchboard.cache.semantic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One namespace's vectors in an in-memory Lucene index: HNSW over the question embeddings, filtered by the context
 * hash so that only questions asked in exactly the same context (alias, system prompt, earlier turns, tools,
 * parameters) are candidates. Thread-safe: Lucene's writer and searcher manager are.
 */
final class LuceneVectorIndex implements VectorIndex {
    static final VectorIndex.Factory FACTORY = namespace -> new LuceneVectorIndex();

    private static final String ID = "id", KEY = "key", CONTEXT = "ctx", VECTOR = "v";
    /** Candidates the graph search keeps (its beam): recall against exact search rises with it, and so does the cost. */
    static final int EF = 40;

    private final IndexWriter writer;
    private final SearcherManager searchers;
    private volatile boolean dirty;

    private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Loads and runs Lucene's index code once per process, off the semantic pool (at the cache's creation, where the
     * embedder's model is loaded too): the first index a process opens and fills took ~250 ms (class loading; measured
     * 2026-12-07: open 173 ms, first add 76 ms, first search 154 ms; every later namespace ~2 ms), long enough for the
     * lookup of a paraphrase sent right after the first answer to wait past {@code SemanticCache}'s start budget.
     */
    static void warmUp() {
        if (!WARM.compareAndSet(false, true)) return;
        float[] v = new float[8];
        v[0] = 1;
        try (LuceneVectorIndex idx = new LuceneVectorIndex()) {
            idx.add("warm", 1, "warm", v);
            idx.nearest("warm", v, 1, id -> true);
        }
    }

    LuceneVectorIndex() {
        try {
            IndexWriterConfig c = new IndexWriterConfig().setRAMBufferSizeMB(256).setCommitOnClose(false);
            writer = new IndexWriter(new ByteBuffersDirectory(), c);
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void add(String id, long version, String context, float[] unitVector) {
        Document d = new Document();
        d.add(new StringField(ID, id, Field.Store.NO)); // the term that a later store of the id replaces
        d.add(new StringField(KEY, key(id, version), Field.Store.NO)); // the term that deletes find: this store only
        d.add(new BinaryDocValuesField(ID, new BytesRef(id))); // what a hit reads back (see idOf)
        d.add(new StringField(CONTEXT, context, Field.Store.NO));
        // Unit vectors: the dot product is the cosine, and Lucene scores DOT_PRODUCT as (1 + dot) / 2.
        d.add(new KnnFloatVectorField(VECTOR, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer.updateDocument(new Term(ID, id), d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirty = true;
    }

    @Override
    public void delete(String id, long version) {
        try {
            writer.deleteDocuments(new Term(KEY, key(id, version)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirty = true;
    }

    private static String key(String id, long version) { return id + ' ' + version; }

    /**
     * The {@code k} nearest questions asked in {@code context}, best first (the caller checks each hit's context). Most
     * of a namespace's entries usually share one context (an app's system prompt and parameters), and a filter that
     * matches most documents costs a bitset over all of them per query; so the graph is searched without the filter
     * first, and only when none of the nearest share the context does a filtered search follow (cheap then: a filter
     * that matches few documents makes Lucene compare those few exactly).
     */
    @Override
    public List<Hit> nearest(String context, float[] unitVector, int k, java.util.function.Predicate<String> inContext) {
        try {
            if (dirty) {
                dirty = false;
                searchers.maybeRefreshBlocking();
            }
            IndexSearcher s = searchers.acquire();
            try {
                // Lucene's HNSW beam is the k it is asked for: 8 found the exact nearest 58 % of the time with 100,000
                // entries, a beam of EF (pgvector's default ef_search) finds more (README, "Latency and memory").
                List<Hit> hits = search(s, new KnnFloatVectorQuery(VECTOR, unitVector, Math.max(EF, k * 2)), k * 2);
                List<Hit> same = new ArrayList<>(k);
                for (Hit h : hits) if (same.size() < k && inContext.test(h.id())) same.add(h);
                if (!same.isEmpty() || hits.isEmpty()) return same;
                return search(s, new KnnFloatVectorQuery(VECTOR, unitVector, k, new TermQuery(new Term(CONTEXT, context))), k);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Hit> search(IndexSearcher s, KnnFloatVectorQuery q, int k) throws IOException {
        TopDocs top = s.search(q, k);
        List<Hit> out = new ArrayList<>(top.scoreDocs.length);
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        for (ScoreDoc sd : top.scoreDocs) out.add(new Hit(idOf(leaves, sd.doc), 2 * sd.score - 1));
        return out;
    }

    /**
     * A hit's entry id, from the id's doc values: a stored field would decompress a block of documents for each hit
     * (63 against 10 µs for a search's 8 hits, measured on 100,000 SHA-256 ids; docs/architecture.md, 2026-12-01 14:40).
     */
    private static String idOf(List<LeafReaderContext> leaves, int doc) throws IOException {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        BinaryDocValues ids = leaf.reader().getBinaryDocValues(ID);
        if (ids == null || !ids.advanceExact(doc - leaf.docBase)) throw new IllegalStateException("indexed vector without an id");
        return ids.binaryValue().utf8ToString();
    }

    /** Segments in the index now (the bench reports it: every segment is a graph of its own to search). */
    @Override
    public int segments() {
        try {
            searchers.maybeRefreshBlocking();
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().leaves().size();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Bytes the index holds in RAM (vectors, graph, postings), for the memory-per-entry figure. */
    @Override
    public long ramBytes() { return writer.ramBytesUsed() + directoryBytes(); }

    private long directoryBytes() {
        long b = 0;
        try {
            for (String f : writer.getDirectory().listAll()) b += writer.getDirectory().fileLength(f);
        } catch (IOException ignored) {
            // a file merged away while listing: the figure is an estimate anyway
        }
        return b;
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
        } catch (IOException ignored) {
            // in memory: nothing to lose
        }
    }
}

package dev.switchboard.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * The CSV downloads' read loop, one for the ledger's rows (account.SpendReports) and the request log's
 * (observe.RequestLogStore): keyset pages, each read in a short transaction of its own, resuming after the last row's
 * key, and handed on only once the page's transaction has ended, so a slow client holds no read.
 */
public final class KeysetExport {
    private KeysetExport() {}

    /** One page: up to {@code n} rows of the export's order after {@code after}'s key (from the first without it). */
    @FunctionalInterface
    public interface Pages<T> {
        List<T> after(T after, int n);
    }

    /**
     * Hands at most {@code limit} rows to {@code row}, read {@code pageSize} at a time.
     *
     * @return whether more rows match than {@code limit} (one past the limit is read to tell)
     */
    public static <T> boolean export(int pageSize, int limit, Pages<T> pages, Consumer<T> row) {
        T last = null;
        int sent = 0;
        while (true) {
            int want = Math.min(pageSize, limit - sent + 1); // one past the limit says whether more match
            List<T> page = pages.after(last, want);
            for (T r : page) { // the page's transaction has ended: row may wait for the client
                if (sent == limit) return true;
                row.accept(r);
                sent++;
            }
            if (page.size() < want) return false;
            last = page.get(page.size() - 1);
        }
    }
}

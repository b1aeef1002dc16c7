package io.jenkins.plugins.openaikeys.core.openai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reads every page of a cursor-paginated list ({@code limit}, {@code after}, {@code has_more}).
 * The orphan sweeper and the ambiguous-create check both need the whole list: an account
 * on page 2 that we fail to see is an account we fail to delete.
 */
final class Pager {

    private final CallExecutor executor;
    private final OpenAiErrors errors;
    private final int pageSize;

    Pager(CallExecutor executor, OpenAiErrors errors, int pageSize) {
        this.executor = executor;
        this.errors = errors;
        this.pageSize = pageSize;
    }

    <T> List<T> all(ApiCall first, BiFunction<ApiCall, RawResponse, Page<T>> parse, Function<T, String> idOf) {
        List<T> all = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String after = null;
        while (true) {
            ApiCall call = first.withQuery("limit", Integer.toString(pageSize));
            if (after != null) {
                call = call.withQuery("after", after);
            }
            RawResponse r = executor.execute(call);
            Page<T> page = parse.apply(call, r);
            all.addAll(page.data());
            if (!page.hasMore()) {
                return all;
            }
            after = page.lastId() != null ? page.lastId()
                    : page.data().isEmpty() ? null : idOf.apply(page.data().get(page.data().size() - 1));
            if (after == null || !cursors.add(after)) {
                throw errors.malformed(call, r, "a list whose pages do not advance");
            }
        }
    }
}

package io.jenkins.plugins.openaikeys.core.openai;

import java.util.List;

/** One page of a cursor-paginated Admin API list. */
record Page<T>(List<T> data, boolean hasMore, String lastId) {
}

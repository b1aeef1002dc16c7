package io.jenkins.plugins.openaikeys.core.openai;

import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;

/**
 * Reads a response body up to a cap. A misconfigured base URL or a broken proxy can
 * answer with anything; we never buffer more than {@link #LIMIT} bytes of it.
 */
final class BoundedBody {

    /** 1 MiB: the largest Admin API answer (a 100-item page) is a few tens of KiB. */
    static final long LIMIT = 1024L * 1024L;

    private BoundedBody() {
    }

    /** The body bytes, or null when the body is larger than {@link #LIMIT}. */
    static byte[] read(ResponseBody body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body.contentLength() > LIMIT) {
            return null;
        }
        BufferedSource source = body.source();
        if (source.request(LIMIT + 1)) {
            return null;
        }
        return source.getBuffer().readByteArray();
    }
}

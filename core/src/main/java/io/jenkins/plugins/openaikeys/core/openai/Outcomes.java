package io.jenkins.plugins.openaikeys.core.openai;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Whether a failed attempt may nonetheless have changed something at OpenAI. Matters only
 * for creates: repeating an ambiguous create can leave a second, unknown key behind.
 */
final class Outcomes {

    private Outcomes() {
    }

    /** Failures that happen before a request can reach OpenAI. */
    static boolean surelyNotSent(IOException e) {
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return true;
        }
        return e instanceof SocketTimeoutException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("connect");
    }

    /** Answers after which OpenAI may or may not have done the work. */
    static boolean isAmbiguousStatus(int status) {
        return status == 408 || status == 409 || status >= 500;
    }
}

package io.jenkins.plugins.openaikeys.core.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a failed answer into the one sentence a Jenkins user reads, naming what to fix.
 * Only OpenAI's {@code error.message} (made safe by {@link SafeText}) is ever quoted from
 * a body: other bodies — a gateway's HTML page, a create answer holding a key — are not.
 */
final class OpenAiErrors {

    private final ObjectMapper mapper = OpenAiJson.mapper();
    private final String host;
    private final String baseUrl;

    OpenAiErrors(String host, String baseUrl) {
        this.host = host;
        this.baseUrl = baseUrl;
    }

    /** Whether another attempt may get a different answer. */
    boolean isRetryable(RawResponse r) {
        String shouldRetry = r.header("x-should-retry");
        if ("true".equalsIgnoreCase(shouldRetry)) {
            return true;
        }
        if ("false".equalsIgnoreCase(shouldRetry)) {
            return false;
        }
        if (r.status() == 429 && isInsufficientQuota(r)) {
            return false;
        }
        return RetryPolicy.isRetryableStatus(r.status());
    }

    OpenAiException fromResponse(ApiCall call, RawResponse r, int attempts, Duration elapsed) {
        if (r.bodyTooLarge()) {
            return tooLarge(call, r);
        }
        Optional<ErrorBody> error = errorBody(r);
        int s = r.status();
        boolean retryable = isRetryable(r);
        if (error.isEmpty() && r.body().length > 0 && !isJson(r)) {
            String fix = s >= 500 ? "a proxy or gateway between Jenkins and OpenAI is failing, retry later"
                    : "check that the base URL " + baseUrl + " points to the OpenAI API";
            return exception("OpenAI answered " + s + " to " + call.describe() + " with a body that was not JSON"
                    + onAttempts(attempts) + " (" + requestIdOrNone(r) + "): " + fix + ".", r, null, retryable);
        }
        String d = detail(s, error, r);
        String code = error.map(ErrorBody::code).orElse(null);
        String message;
        if (s == 401 && "mismatched_organization".equals(code)) {
            message = "OpenAI rejected the organization id sent with the admin API key " + d
                    + ": check organization_id in the admin config in Vault.";
        } else if (s == 401) {
            message = "OpenAI rejected the admin API key " + d + ": check the admin config in Vault.";
        } else if (s == 403) {
            message = "OpenAI refused " + call.describe() + " to the admin API key " + d
                    + ": check that it is an admin key of the organization that owns the project"
                    + " (project keys cannot call the Admin API).";
        } else if (s == 404 && call.projectId() != null) {
            message = "OpenAI does not know project " + call.projectId() + " " + d + ": check the role's project id.";
        } else if (s == 404) {
            message = "OpenAI does not know " + call.describe() + " " + d + ": check the id and the base URL "
                    + baseUrl + ".";
        } else if (s == 400 && mentionsArchived(error)) {
            message = "OpenAI refused " + call.describe() + " because project " + call.projectId() + " is archived "
                    + d + ": unarchive the project or point the role at an active project.";
        } else if (s == 400 || s == 422) {
            message = "OpenAI rejected " + call.describe() + " as invalid " + d + ": check the role's settings.";
        } else if (s == 429 && "insufficient_quota".equals(code)) {
            message = "OpenAI refused " + call.describe() + " for insufficient quota " + d
                    + ": check the organization's billing and usage limits.";
        } else if (s == 429) {
            message = "OpenAI kept answering 429 to " + call.describe() + ": the OpenAI rate limit held for "
                    + seconds(elapsed) + " s over " + attempts + " attempt" + (attempts == 1 ? "" : "s") + " " + d
                    + ", retry later or mint fewer keys at once.";
        } else if (s >= 500) {
            message = "OpenAI failed " + call.describe() + " with " + s + onAttempts(attempts)
                    + (attempts > 1 ? " over " + seconds(elapsed) + " s " : " ") + d + ": OpenAI is having trouble, retry later.";
        } else if (s == 408 || s == 409) {
            message = "OpenAI answered " + s + " to " + call.describe() + onAttempts(attempts) + " " + d
                    + ": retry later.";
        } else {
            message = "OpenAI answered " + s + " to " + call.describe() + " " + d + ": check the base URL "
                    + baseUrl + " and the admin config in Vault.";
        }
        return exception(message, r, error.orElse(null), retryable);
    }

    OpenAiException unreachable(ApiCall call, IOException e, int attempts) {
        String reason = e instanceof SocketTimeoutException ? "timed out"
                : SafeText.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        String what = Outcomes.surelyNotSent(e) ? " could not be reached for " : " did not answer ";
        return new OpenAiException("OpenAI at " + host + what + call.describe() + " ("
                + reason + ")" + onAttempts(attempts) + ": check the network, the proxy and the base URL " + baseUrl
                + " from the Jenkins controller.", 0, null, null, null, true, e);
    }

    /** A create that must not be repeated may or may not have happened. */
    OpenAiException unknownOutcome(ApiCall call, String reason, RawResponse rOrNull) {
        String requestId = rOrNull == null ? null : rOrNull.requestId();
        return new OpenAiException("OpenAI may or may not have done " + call.describe() + " (" + reason
                + ", x-request-id " + requestId + "): " + call.unknownOutcomeAdvice() + ".",
                rOrNull == null ? 0 : rOrNull.status(), null, null, requestId, false);
    }

    OpenAiException tooLarge(ApiCall call, RawResponse r) {
        return exception("OpenAI answered with a body larger than 1 MiB to " + call.describe() + " (" + r.status()
                + ", " + requestIdOrNone(r) + "): check that the base URL " + baseUrl
                + " points to the OpenAI API.", r, null, false);
    }

    OpenAiException notJson(ApiCall call, RawResponse r) {
        return exception("OpenAI answered " + r.status() + " to " + call.describe()
                + " with a body that was not JSON (" + requestIdOrNone(r) + "): check that the base URL " + baseUrl
                + " points to the OpenAI API and not to a proxy page.", r, null, false);
    }

    OpenAiException malformed(ApiCall call, RawResponse r, String what) {
        return exception("OpenAI answered " + r.status() + " to " + call.describe() + " with " + what + " ("
                + requestIdOrNone(r) + "): check that the base URL " + baseUrl + " points to the OpenAI API.",
                r, null, false);
    }

    OpenAiException interrupted(ApiCall call) {
        return new OpenAiException("The OpenAI call " + call.describe()
                + " was interrupted: the build or task was aborted.", 0, null, null, null, false);
    }

    /** OpenAI's error envelope when the body is one; empty for HTML pages, empty or huge bodies. */
    Optional<ErrorBody> errorBody(RawResponse r) {
        if (r.bodyTooLarge() || r.body().length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode error = mapper.readTree(r.body()).path("error");
            if (!error.isObject()) {
                return Optional.empty();
            }
            return Optional.of(new ErrorBody(SafeText.of(text(error, "message")), text(error, "type"),
                    text(error, "code")));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    private boolean isJson(RawResponse r) {
        try {
            mapper.readTree(r.body());
            return true;
        } catch (IOException notJson) {
            return false;
        }
    }

    private boolean isInsufficientQuota(RawResponse r) {
        return errorBody(r).map(e -> "insufficient_quota".equals(e.code()) || "insufficient_quota".equals(e.type()))
                .orElse(false);
    }

    private static boolean mentionsArchived(Optional<ErrorBody> error) {
        return error.map(e -> contains(e.message(), "archived") || contains(e.code(), "archived")).orElse(false);
    }

    private static boolean contains(String s, String word) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(word);
    }

    private static OpenAiException exception(String message, RawResponse r, ErrorBody e, boolean retryable) {
        return new OpenAiException(message, r.status(), e == null ? null : e.type(), e == null ? null : e.code(),
                r.requestId(), retryable);
    }

    /** "(401 invalid_api_key: "Incorrect API key…", x-request-id req_1)". */
    private static String detail(int status, Optional<ErrorBody> error, RawResponse r) {
        StringBuilder b = new StringBuilder("(").append(status);
        error.ifPresent(e -> {
            String label = e.code() != null ? e.code() : e.type();
            if (label != null) {
                b.append(' ').append(label);
            }
            if (e.message() != null && !e.message().isEmpty()) {
                b.append(": \"").append(e.message()).append('"');
            }
        });
        return b.append(", ").append(requestIdOrNone(r)).append(')').toString();
    }

    private static String requestIdOrNone(RawResponse r) {
        return r.requestId() == null ? "no x-request-id" : "x-request-id " + r.requestId();
    }

    private static String onAttempts(int attempts) {
        return attempts > 1 ? " on all " + attempts + " attempts" : "";
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : null;
    }
}

package io.jenkins.plugins.openaikeys.core.litellm;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of one {@code POST /key/generate}, without the alias (the generator supplies a fresh one
 * per attempt). Nothing in it is secret.
 *
 * @param models    empty = all models the proxy allows (the field is then left out)
 * @param maxBudget null = no budget (left out); never negative
 * @param duration  the key's lifetime: LiteLLM expires the key by itself when it ends
 * @param metadata  strings stored with the key (job, build, role), shown in LiteLLM's UI
 */
public record KeyRequest(List<String> models, BigDecimal maxBudget, Duration duration, Map<String, String> metadata) {

    public KeyRequest {
        models = models == null ? List.of() : List.copyOf(models);
        if (maxBudget != null && maxBudget.signum() < 0) {
            // LiteLLM refuses it with a 400 "max_budget cannot be negative".
            throw new IllegalArgumentException("a LiteLLM max budget cannot be negative");
        }
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a LiteLLM key needs a positive duration");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * The duration as LiteLLM wants it: a number with a unit ({@code 3600s}; LiteLLM also reads
     * {@code m h d w mo}); a bare number is refused with a 500 "Unsupported duration unit". Rounded up
     * to whole seconds.
     */
    public String durationText() {
        long s = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
        return s + "s";
    }
}

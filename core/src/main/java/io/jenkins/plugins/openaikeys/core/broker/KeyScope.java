package io.jenkins.plugins.openaikeys.core.broker;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;

/**
 * Where a LiteLLM virtual key is used and what it may do: the proxy's public base URL (bound as
 * {@code OPENAI_BASE_URL}, so that OpenAI SDKs in the build talk to the proxy) and the models and
 * budget the key carries, for the build's log line. Why a type of its own: an OpenAI key needs
 * none of it, so {@link MintedKey#scope()} is null for those. Nothing here is secret.
 *
 * @param baseUrl   the proxy's URL as the build reaches it, e.g. {@code https://litellm.example.com}
 * @param models    the models the key may call; empty = whatever the proxy or engine role allows
 * @param maxBudget the key's budget in the proxy's currency; null = none or not known here
 * @param limitsBy  who fixed models and budget when they are not known here (e.g. "engine role team-a"), or null
 */
public record KeyScope(String baseUrl, List<String> models, BigDecimal maxBudget, String limitsBy) {

    public KeyScope {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("a LiteLLM key needs the proxy's base URL");
        }
        baseUrl = baseUrl.trim();
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** For the mint line: "models gpt-4o, gpt-4o-mini, max budget 50" or who set them. */
    public String describeLimits() {
        StringBuilder b = new StringBuilder();
        b.append(models.isEmpty() ? (limitsBy != null ? "models set by " + limitsBy : "all models the proxy allows")
                : "models " + String.join(", ", models));
        if (maxBudget != null) {
            b.append(", max budget ").append(maxBudget.stripTrailingZeros().toPlainString());
        } else if (limitsBy != null && models.isEmpty()) {
            b.append(" with its budget");
        } else {
            b.append(", no budget cap");
        }
        return b.toString();
    }

    /** The host of {@link #baseUrl()}, for log lines; the URL itself when it has none. */
    public String host() {
        try {
            String h = URI.create(baseUrl).getHost();
            return h == null ? baseUrl : h;
        } catch (IllegalArgumentException e) {
            return baseUrl;
        }
    }
}

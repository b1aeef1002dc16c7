package io.jenkins.plugins.openaikeys.core.openai.fake;

/**
 * One request {@link FakeOpenAi} served. {@code endpoint} is null for a path the Admin API
 * does not have; {@code dropped} is true when the connection was cut instead of answering
 * {@code status} (which is then the status the work itself produced).
 */
public record Call(String method, String path, Endpoint endpoint, int status, boolean dropped) {
}

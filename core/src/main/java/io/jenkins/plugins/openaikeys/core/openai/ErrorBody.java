package io.jenkins.plugins.openaikeys.core.openai;

/**
 * OpenAI's error envelope {@code {"error":{"message","type","param","code"}}}; the message
 * is already made safe by {@link SafeText}.
 */
record ErrorBody(String message, String type, String code) {
}

package io.jenkins.plugins.openaikeys.core.vault.fake;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs test JWTs and verifies them the way the fake's JWT auth mount does: HS256 (shared
 * secret) or RS256 (RSA key pair), plain JDK crypto. Verification checks the signature, the
 * algorithm, {@code exp} against the fake's clock and, when configured, the audience.
 */
public final class FakeJwt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private final byte[] hmacSecret;
    private final PublicKey rsaPublic;

    private FakeJwt(byte[] hmacSecret, PublicKey rsaPublic) {
        this.hmacSecret = hmacSecret;
        this.rsaPublic = rsaPublic;
    }

    /** A verifier for HS256 tokens signed with {@code secret}. */
    public static FakeJwt hs256Verifier(byte[] secret) {
        return new FakeJwt(secret.clone(), null);
    }

    /** A verifier for RS256 tokens whose public key is {@code key}. */
    public static FakeJwt rs256Verifier(PublicKey key) {
        return new FakeJwt(null, key);
    }

    public static String signHs256(byte[] secret, Map<String, Object> claims) {
        String input = encode(Map.of("alg", "HS256", "typ", "JWT"), claims);
        return input + "." + B64.encodeToString(hmac(secret, input));
    }

    public static String signRs256(PrivateKey key, Map<String, Object> claims) {
        String input = encode(Map.of("alg", "RS256", "typ", "JWT"), claims);
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims for a subject that expires at {@code exp}, with an optional audience. */
    public static Map<String, Object> claims(String subject, Instant exp, String audience) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", subject);
        c.put("exp", exp.getEpochSecond());
        if (audience != null) {
            c.put("aud", audience);
        }
        return c;
    }

    /** Null when valid, else Vault-like error text. */
    String verify(String jwt, Instant now, String requiredAudience) {
        String[] parts = jwt == null ? new String[0] : jwt.split("\\.", -1);
        if (parts.length != 3) {
            return "error validating token: malformed token";
        }
        try {
            Map<String, Object> header = JSON.readValue(D64.decode(parts[0]), new TypeReference<>() { });
            Map<String, Object> claims = JSON.readValue(D64.decode(parts[1]), new TypeReference<>() { });
            String input = parts[0] + "." + parts[1];
            byte[] sig = D64.decode(parts[2]);
            boolean ok;
            if (hmacSecret != null) {
                ok = "HS256".equals(header.get("alg")) && MessageDigest.isEqual(hmac(hmacSecret, input), sig);
            } else {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initVerify(rsaPublic);
                s.update(input.getBytes(StandardCharsets.US_ASCII));
                ok = "RS256".equals(header.get("alg")) && s.verify(sig);
            }
            if (!ok) {
                return "error validating token: failed to verify id token signature";
            }
            Object exp = claims.get("exp");
            if (!(exp instanceof Number n) || n.longValue() <= now.getEpochSecond()) {
                return "error validating claims: token is expired";
            }
            if (requiredAudience != null) {
                Object aud = claims.get("aud");
                boolean match = requiredAudience.equals(aud) || aud instanceof List<?> l && l.contains(requiredAudience);
                if (!match) {
                    return "error validating claims: invalid audience (aud) claim";
                }
            }
            return null;
        } catch (IllegalArgumentException | java.io.IOException | GeneralSecurityException e) {
            return "error validating token: malformed token";
        }
    }

    private static String encode(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] secret, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.jenkins.plugins.openaikeys.acceptance.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The REST API as a user drives it: HTTP basic authentication with user name and password, a
 * session cookie, and the CSRF crumb from {@code /crumbIssuer} on every POST.
 */
public final class JenkinsClient {

    public record Response(int status, String body, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String user;
    private final String authorization;
    private final HttpClient http;
    private String crumbField;
    private String crumb;

    JenkinsClient(String base, String user, String password) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.user = user;
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String base() {
        return base;
    }

    public String user() {
        return user;
    }

    // ------------------------------------------------------------------ raw HTTP

    public Response get(String path) {
        return send(request(path).GET().build());
    }

    public JsonNode json(String path) {
        Response r = get(path);
        if (r.status != 200) {
            throw new IllegalStateException("GET " + path + " as " + user + ": HTTP " + r.status + "\n" + head(r.body));
        }
        try {
            return JSON.readTree(r.body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Response post(String path, String contentType, String body) {
        ensureCrumb();
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (crumb != null) {
            b.header(crumbField, crumb);
        }
        return send(b.build());
    }

    public Response postForm(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return post(path, "application/x-www-form-urlencoded", body);
    }

    public Response post(String path) {
        return postForm(path, Map.of());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + (path.startsWith("/") ? path.substring(1) : path)))
                .timeout(Duration.ofSeconds(120));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Map<String, String> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            return new Response(r.statusCode(), r.body(), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private synchronized void ensureCrumb() {
        if (crumb != null) {
            return;
        }
        Response r = get("crumbIssuer/api/json");
        if (r.status == 200) {
            try {
                JsonNode n = JSON.readTree(r.body);
                crumbField = n.get("crumbRequestField").asText();
                crumb = n.get("crumb").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ------------------------------------------------------------------ jobs and builds

    /** Creates or replaces a Pipeline job (sandboxed script). */
    public void pipeline(String job, String script) {
        configXml(job, "<?xml version='1.1' encoding='UTF-8'?>\n<flow-definition plugin=\"workflow-job\">\n"
                + "  <keepDependencies>false</keepDependencies>\n  <properties/>\n"
                + "  <definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\" plugin=\"workflow-cps\">\n"
                + "    <script>" + xml(script) + "</script>\n    <sandbox>true</sandbox>\n  </definition>\n"
                + "  <triggers/>\n  <disabled>false</disabled>\n</flow-definition>\n");
    }

    /** Creates or replaces a freestyle job running one shell step inside "Mint an OpenAI API key". */
    public void freestyle(String job, String role, String shell) {
        configXml(job, "<?xml version='1.1' encoding='UTF-8'?>\n<project>\n  <keepDependencies>false</keepDependencies>\n"
                + "  <properties/>\n  <scm class=\"hudson.scm.NullSCM\"/>\n  <canRoam>true</canRoam>\n"
                + "  <disabled>false</disabled>\n  <triggers/>\n  <concurrentBuild>false</concurrentBuild>\n"
                + "  <builders>\n    <hudson.tasks.Shell>\n      <command>" + xml(shell) + "</command>\n"
                + "    </hudson.tasks.Shell>\n  </builders>\n  <publishers/>\n  <buildWrappers>\n"
                + "    <io.jenkins.plugins.openaikeys.freestyle.OpenAIKeyBuildWrapper plugin=\"openai-ephemeral-keys\">\n"
                + "      <role>" + xml(role) + "</role>\n"
                + "    </io.jenkins.plugins.openaikeys.freestyle.OpenAIKeyBuildWrapper>\n  </buildWrappers>\n</project>\n");
    }

    /** Creates a job from a config.xml, or replaces its config.xml. Folders: "a/b" creates b in folder a. */
    public void configXml(String job, String xml) {
        String path = jobPath(job);
        if (get(path + "api/json").status == 200) {
            expectOk(post(path + "config.xml", "application/xml", xml), "update " + job);
        } else {
            int slash = job.lastIndexOf('/');
            String parent = slash < 0 ? "" : jobPath(job.substring(0, slash));
            String name = slash < 0 ? job : job.substring(slash + 1);
            expectOk(post(parent + "createItem?name=" + enc(name), "application/xml", xml), "create " + job);
        }
    }

    public void folder(String name) {
        if (get(jobPath(name) + "api/json").status != 200) {
            expectOk(post("createItem?name=" + enc(name), "application/xml",
                    "<?xml version='1.1' encoding='UTF-8'?>\n<com.cloudbees.hudson.plugins.folder.Folder/>\n"), "create folder " + name);
        }
    }

    public static String jobPath(String job) {
        StringBuilder b = new StringBuilder();
        for (String part : job.split("/")) {
            b.append("job/").append(enc(part).replace("+", "%20")).append('/');
        }
        return b.toString();
    }

    /** Queues a build; returns its number once it has left the queue. */
    public int trigger(String job) {
        Response r = post(jobPath(job) + "build?delay=0sec");
        if (r.status != 201 && r.status != 302) {
            throw new IllegalStateException("could not trigger " + job + ": HTTP " + r.status + "\n" + head(r.body));
        }
        String location = r.header("location");
        Matcher m = Pattern.compile("/queue/item/(\\d+)/?$").matcher(location == null ? "" : location);
        if (!m.find()) {
            throw new IllegalStateException("no queue item for " + job + ": " + location);
        }
        String item = "queue/item/" + m.group(1) + "/api/json";
        Instant end = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(end)) {
            Response q = get(item);
            if (q.status == 200) {
                try {
                    JsonNode n = JSON.readTree(q.body);
                    JsonNode exe = n.get("executable");
                    if (exe != null && !exe.isNull() && exe.has("number")) {
                        return exe.get("number").asInt();
                    }
                    if (n.path("cancelled").asBoolean(false)) {
                        throw new IllegalStateException("queue item of " + job + " was cancelled");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            sleep(200);
        }
        throw new IllegalStateException(job + " still queued after 180 s");
    }

    /** Waits until the build is over; returns its result (SUCCESS, FAILURE, ABORTED, ...). */
    public String awaitResult(String job, int number, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            Response r = get(jobPath(job) + number + "/api/json?tree=building,result");
            if (r.status == 200) {
                try {
                    JsonNode n = JSON.readTree(r.body);
                    if (!n.path("building").asBoolean(true) && !n.path("result").isNull()) {
                        return n.get("result").asText();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            sleep(250);
        }
        throw new AssertionError(job + " #" + number + " did not finish within " + timeout + "; console so far:\n"
                + console(job, number));
    }

    /** The build's duration in milliseconds as Jenkins recorded it. */
    public long duration(String job, int number) {
        return json(jobPath(job) + number + "/api/json?tree=duration").get("duration").asLong();
    }

    /** Builds and waits (10 minutes at most). */
    public Build run(String job) {
        int n = trigger(job);
        String result = awaitResult(job, n, Duration.ofMinutes(10));
        return new Build(job, n, result, console(job, n));
    }

    public record Build(String job, int number, String result, String console) {
        @Override
        public String toString() {
            return job + " #" + number + " " + result + "\n" + console;
        }
    }

    public String console(String job, int number) {
        Response r = get(jobPath(job) + number + "/consoleText");
        return r.status == 200 ? r.body : "(console unavailable: HTTP " + r.status + ")";
    }

    /** Waits until the console has a line matching the regex (while the build runs). */
    public String awaitConsole(String job, int number, String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        Instant end = Instant.now().plus(timeout);
        String c = "";
        while (Instant.now().isBefore(end)) {
            c = console(job, number);
            if (p.matcher(c).find()) {
                return c;
            }
            sleep(300);
        }
        throw new AssertionError("no console line of " + job + " #" + number + " matched /" + regex + "/ within "
                + timeout + ":\n" + c);
    }

    public void abort(String job, int number) {
        post(jobPath(job) + number + "/stop");
    }

    // ------------------------------------------------------------------ helpers

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static Response expectOk(Response r, String what) {
        if (r.status >= 400) {
            throw new IllegalStateException(what + ": HTTP " + r.status + "\n" + head(r.body));
        }
        return r;
    }

    /** The visible text of an HTML page, tags and whitespace runs collapsed: what a person reads. */
    static String text(String html) {
        String t = html == null ? "" : html.replaceAll("(?s)<script.*?</script>", " ").replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ").trim();
        return head(t);
    }

    static String head(String s) {
        return s == null ? "" : s.length() > 3000 ? s.substring(0, 3000) + "…" : s;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

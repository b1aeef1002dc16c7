package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient.Build;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Build time of {@code withOpenAIKey} against stock {@code withCredentials} (a Secret text
 * credential from JCasC) in the same controller and run: 20 sequential and 20 concurrent builds of
 * each. Prints figures (Jenkins' own build durations); asserts only that the builds succeed.
 */
class BuildTimeBenchmark {

    private static final int N = 20;

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("bench")
            .configure(c -> c.secretTexts.put("bench-secret", "bench-secret-value-0123456789"));

    private static final String KEY = "node { withOpenAIKey('evals') { sh 'test -n \"$OPENAI_API_KEY\"' } }";
    private static final String CREDS = "node { withCredentials([string(credentialsId: 'bench-secret', variable: 'OPENAI_API_KEY')]) "
            + "{ sh 'test -n \"$OPENAI_API_KEY\"' } }";

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static List<Long> sequential(String job) {
        JenkinsClient admin = j.admin();
        List<Long> ms = new ArrayList<>();
        admin.run(job); // warm-up
        for (int i = 0; i < N; i++) {
            Build b = admin.run(job);
            assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
            ms.add(admin.duration(job, b.number()));
        }
        return ms;
    }

    private static List<Long> concurrent(String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(N);
        try {
            List<Future<Long>> fs = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                String job = prefix + "-" + i;
                fs.add(pool.submit(() -> {
                    JenkinsClient c = j.admin();
                    Build b = c.run(job);
                    assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
                    return c.duration(job, b.number());
                }));
            }
            List<Long> ms = new ArrayList<>();
            for (Future<Long> f : fs) {
                ms.add(f.get());
            }
            return ms;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withOpenAIKeyAgainstWithCredentials() throws Exception {
        JenkinsClient admin = j.admin();
        admin.pipeline("bench-key", KEY);
        admin.pipeline("bench-creds", CREDS);
        for (int i = 0; i < N; i++) {
            admin.pipeline("bench-key-" + i, KEY);
            admin.pipeline("bench-creds-" + i, CREDS);
        }
        List<Long> seqCreds = sequential("bench-creds");
        List<Long> seqKey = sequential("bench-key");
        long t0 = System.nanoTime();
        List<Long> conCreds = concurrent("bench-creds");
        long wallCreds = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        List<Long> conKey = concurrent("bench-key");
        long wallKey = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%n[benchmark] median build time over %d builds (ms, Jenkins' build duration)%n", N);
        System.out.printf("[benchmark]   sequential   withCredentials %6d   withOpenAIKey %6d   (+%d)%n",
                median(seqCreds), median(seqKey), median(seqKey) - median(seqCreds));
        System.out.printf("[benchmark]   %d at once    withCredentials %6d   withOpenAIKey %6d   (+%d); wall %d ms vs %d ms%n",
                N, median(conCreds), median(conKey), median(conKey) - median(conCreds), wallCreds, wallKey);
        System.out.printf("[benchmark]   mints %d, service accounts live now %d%n", j.backends.mints(),
                j.backends.liveAccounts().size());
    }
}

package io.jenkins.plugins.openaikeys.core.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JobGlobTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "team/*, team/app, true",
            "team/*, team/a/b, false",
            "team/*, team, false",
            "team/*, other/app, false",
            "team/**, team/a, true",
            "team/**, team/a/b/c, true",
            "team/**, team, false",
            "team/**, teamx/a, false",
            "**/deploy, deploy, true",
            "**/deploy, a/deploy, true",
            "**/deploy, a/b/deploy, true",
            "**/deploy, a/redeploy, false",
            "a/**/b, a/b, true",
            "a/**/b, a/x/b, true",
            "a/**/b, a/x/y/b, true",
            "a/**/b, a/xb, false",
            "**, anything/at/all, true",
            "*, top, true",
            "*, folder/job, false",
            "app-?, app-1, true",
            "app-?, app-10, false",
            "a?b, a/b, false",
            "a.b, axb, false",
            "a.b, a.b, true",
            "'a+(b)', 'a+(b)', true",
            "'a+(b)', 'aa(b)', false",
            "Team/*, team/app, false",
            "team/*-prod, team/app-prod, true",
            "team/*-prod, team/x/app-prod, false",
            "t***/x, team/x, true",
            "'org/repo/PR-*', 'org/repo/PR-123', true",
            "'a\\Eb', 'a\\Eb', true",
    })
    void matchesJobFullNames(String glob, String job, boolean expected) {
        assertThat(new JobGlob(glob).matches(job)).isEqualTo(expected);
    }
}

package io.jenkins.plugins.openaikeys.usage;

import edu.hm.hafner.echarts.JacksonFacade;
import edu.hm.hafner.echarts.line.LineSeries;
import edu.hm.hafner.echarts.line.LinesChartModel;
import edu.hm.hafner.echarts.line.LinesDataSet;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.echarts.AsyncConfigurableTrendChart;
import io.jenkins.plugins.echarts.AsyncTrendChart;
import io.jenkins.plugins.echarts.JenkinsPalette;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.bind.JavaScriptMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job page's "OpenAI tokens per build" trend chart (echarts-api): input, cached input and
 * output tokens of each of the last {@value #MAX_BUILDS} builds whose figures are final. The model
 * is fetched by the page after it loaded, so a build whose figures arrive later shows up on the
 * next load; {@code <job>/openai-usage/trend} serves the same JSON for scripts and tests.
 */
@Restricted(NoExternalUse.class)
public final class OpenAIUsageJobAction implements Action, AsyncTrendChart, AsyncConfigurableTrendChart {

    static final int MAX_BUILDS = 50;

    private final Job<?, ?> job;

    OpenAIUsageJobAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getOwner() {
        return job;
    }

    @Override
    public String getIconFileName() {
        return null; // the chart is on the job page; no link of its own
    }

    @Override
    public String getDisplayName() {
        return "OpenAI usage trend";
    }

    @Override
    public String getUrlName() {
        return OpenAIUsageAction.URL_NAME;
    }

    /** Whether the job page shows the chart: some recent build holds usage. */
    @Override
    public boolean isTrendVisible() {
        return hasUsage(job);
    }

    static boolean hasUsage(Job<?, ?> job) {
        int seen = 0;
        for (Run<?, ?> r = job.getLastBuild(); r != null && seen < MAX_BUILDS; r = r.getPreviousBuild(), seen++) {
            if (r.getAction(OpenAIUsageAction.class) != null) {
                return true;
            }
        }
        return false;
    }

    /** What the chart asks for when it has no configuration dialog (ours has none). */
    @JavaScriptMethod
    @Override
    public String getBuildTrendModel() {
        return new JacksonFacade().toJson(createChartModel());
    }

    @JavaScriptMethod
    @Override
    public String getConfigurableBuildTrendModel(String configuration) {
        return getBuildTrendModel();
    }

    /** The chart's model as JSON: what the page draws. */
    public void doTrend(org.kohsuke.stapler.StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        rsp.setContentType("application/json;charset=UTF-8");
        rsp.getOutputStream().write(getBuildTrendModel().getBytes(StandardCharsets.UTF_8));
    }

    LinesChartModel createChartModel() {
        Deque<Run<?, ?>> builds = new ArrayDeque<>();
        int seen = 0;
        for (Run<?, ?> r = job.getLastBuild(); r != null && builds.size() < MAX_BUILDS && seen < 4 * MAX_BUILDS;
             r = r.getPreviousBuild(), seen++) {
            OpenAIUsageAction a = r.getAction(OpenAIUsageAction.class);
            if (a != null && a.hasFigures()) {
                builds.addFirst(r);
            }
        }
        LinesDataSet data = new LinesDataSet();
        for (Run<?, ?> r : builds) {
            OpenAIUsageAction a = r.getAction(OpenAIUsageAction.class);
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("input", (double) a.getInputTokens());
            values.put("cached", (double) a.getCachedInputTokens());
            values.put("output", (double) a.getOutputTokens());
            data.add(r.getDisplayName(), values, r.getNumber());
        }
        LinesChartModel model = new LinesChartModel(data);
        if (data.isNotEmpty()) {
            model.addSeries(
                    series("Input tokens", JenkinsPalette.BLUE, data, "input"),
                    series("Cached input tokens", JenkinsPalette.GREEN, data, "cached"),
                    series("Output tokens", JenkinsPalette.ORANGE, data, "output"));
        }
        model.setDomainAxisItemName("Build");
        return model;
    }

    private static LineSeries series(String name, JenkinsPalette color, LinesDataSet data, String id) {
        return new LineSeries(name, color.normal(), LineSeries.StackedMode.SEPARATE_LINES,
                LineSeries.FilledMode.LINES, data.getSeries(id));
    }
}

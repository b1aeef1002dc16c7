package io.jenkins.plugins.openaikeys.acceptance.support;

import org.htmlunit.BrowserVersion;
import org.htmlunit.FailingHttpStatusCodeException;
import org.htmlunit.NicelyResynchronizingAjaxController;
import org.htmlunit.Page;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlInput;
import org.htmlunit.html.HtmlPage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * HtmlUnit as a user at a browser: logs in through the login form, loads pages with Jenkins' own
 * JavaScript running (CSS on, fetch() polyfilled; script errors of Jenkins' bundles do not stop the page), waits for
 * background JavaScript, and submits forms by clicking their buttons.
 */
public final class Browser implements AutoCloseable {

    static {
        // HtmlUnit reports every CSS and JS quirk of a real Jenkins page: keep the test output readable
        Logger.getLogger("org.htmlunit").setLevel(Level.SEVERE);
        Logger.getLogger("org.apache.http").setLevel(Level.SEVERE);
    }

    public final WebClient web;
    private final String base;
    /** Messages of window.confirm() calls, answered "OK". */
    public final List<String> confirms = new ArrayList<>();
    public final List<String> alerts = new ArrayList<>();

    public Browser(JenkinsController jenkins) {
        this.base = jenkins.url();
        web = new WebClient(BrowserVersion.FIREFOX);
        // CSS on: Jenkins' dropdown and advanced sections decide what the form submits by what is displayed
        web.getOptions().setCssEnabled(true);
        web.getOptions().setJavaScriptEnabled(true);
        // Jenkins' pages load list boxes and run their form behaviours through fetch(), which HtmlUnit
        // has only as a polyfill; without it no dropdown hides its unselected forms and Save fails
        web.getOptions().setFetchPolyfillEnabled(true);
        web.getOptions().setThrowExceptionOnScriptError(false);
        web.getOptions().setThrowExceptionOnFailingStatusCode(false);
        web.getOptions().setPrintContentOnFailingStatusCode(false);
        web.getOptions().setTimeout(120_000);
        web.setAjaxController(new NicelyResynchronizingAjaxController());
        web.setConfirmHandler((page, message) -> {
            confirms.add(message);
            return true;
        });
        web.setAlertHandler((page, message) -> alerts.add(message));
        web.setCssErrorHandler(new org.htmlunit.SilentCssErrorHandler());
    }

    /** Logs in through /login as a user does. */
    public Browser login(String user, String password) throws IOException {
        HtmlPage page = web.getPage(base + "login");
        HtmlForm form = page.getFormByName("login");
        form.getInputByName("j_username").setValue(user);
        form.getInputByName("j_password").setValue(password);
        HtmlElement submit = form.getFirstByXPath(".//button[@type='submit' or @name='Submit'] | .//input[@type='submit']");
        Page after = submit.click();
        settle();
        if (after.getWebResponse().getContentAsString().contains("Invalid username or password")) {
            throw new IllegalStateException("login as " + user + " failed");
        }
        return this;
    }

    public HtmlPage page(String path) throws IOException {
        Page p = web.getPage(base + (path.startsWith("/") ? path.substring(1) : path));
        settle();
        if (!(p instanceof HtmlPage html)) {
            throw new IllegalStateException(path + " is not HTML: " + p.getWebResponse().getContentType());
        }
        return html;
    }

    public int status(String path) throws IOException {
        try {
            return web.getPage(base + (path.startsWith("/") ? path.substring(1) : path)).getWebResponse().getStatusCode();
        } catch (FailingHttpStatusCodeException e) {
            return e.getStatusCode();
        }
    }

    /** Lets background JavaScript (form checks, fill methods, dropdowns) finish, bounded. */
    public void settle() {
        web.waitForBackgroundJavaScript(5_000);
    }

    /**
     * Clicks a repeated chunk's Delete button. Jenkins removes the chunk when its fade-out CSS
     * transition ends, and HtmlUnit runs no CSS transitions, so the end of it is signalled here
     * as a browser would (under jenkins-test-harness Jenkins does the same itself, isRunAsTest).
     */
    public void delete(HtmlElement deleteButton) throws IOException {
        HtmlElement chunk = (HtmlElement) deleteButton.getEnclosingElement("div");
        // the class token itself: a heterogeneous list's Delete button sits in "repeated-chunk__header"
        while (chunk != null && !java.util.List.of(chunk.getAttribute("class").split("\\s+")).contains("repeated-chunk")) {
            chunk = (HtmlElement) chunk.getEnclosingElement("div");
        }
        if (chunk == null) {
            throw new AssertionError("no repeated chunk around " + deleteButton);
        }
        chunk.setAttribute("data-acceptance-deleted", "true");
        deleteButton.click();
        ((HtmlPage) deleteButton.getPage()).executeJavaScript("document.querySelectorAll('[data-acceptance-deleted]')"
                + ".forEach(function (n) { if (n.ontransitionend) { n.ontransitionend({}); } });");
        settle();
    }

    /** Clicks a form's "Save" button and returns the page Jenkins answers with. */
    public HtmlPage save(HtmlPage page) throws IOException {
        HtmlElement save = page.getFirstByXPath("//form[@name='config']//button[@name='Submit']"
                + " | //form[@name='config']//input[@name='Submit']");
        if (save == null) {
            throw new AssertionError("no Save button on " + page.getUrl());
        }
        Page after = save.click();
        settle();
        Page current = web.getCurrentWindow().getEnclosedPage();
        Page result = current != null ? current : after;
        return result instanceof HtmlPage h ? h : null;
    }

    /** The element of the form field {@code _.name}, {@code n}-th on the page (0-based). */
    public static HtmlElement field(org.htmlunit.html.DomNode scope, String name, int n) {
        List<HtmlElement> all = scope.getByXPath(".//*[@name='_." + name + "']");
        if (all.size() <= n) {
            throw new AssertionError("no field _." + name + " #" + n + " (found " + all.size() + ")");
        }
        return all.get(n);
    }

    public static void set(org.htmlunit.html.DomNode scope, String name, int n, String value) {
        HtmlElement e = field(scope, name, n);
        if (e instanceof HtmlInput in) {
            in.setValue(value);
        } else if (e instanceof org.htmlunit.html.HtmlTextArea ta) {
            ta.setText(value);
        } else if (e instanceof org.htmlunit.html.HtmlSelect sel) {
            sel.setSelectedAttribute(value, true);
        } else {
            throw new AssertionError("cannot set " + e);
        }
    }

    public static String value(org.htmlunit.html.DomNode scope, String name, int n) {
        HtmlElement e = field(scope, name, n);
        if (e instanceof HtmlInput in) {
            return in.getValue();
        } else if (e instanceof org.htmlunit.html.HtmlTextArea ta) {
            return ta.getText();
        } else if (e instanceof org.htmlunit.html.HtmlSelect sel) {
            return sel.getSelectedOptions().isEmpty() ? "" : sel.getSelectedOptions().get(0).getValueAttribute();
        }
        return e.getAttribute("value");
    }

    @Override
    public void close() {
        web.close();
    }
}

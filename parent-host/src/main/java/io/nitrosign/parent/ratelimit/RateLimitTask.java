package io.nitrosign.parent.ratelimit;

import io.dropwizard.servlets.tasks.Task;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.app.AppManager;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/app-rate-limit?app_id=ID&per_second=R&burst=B} on the admin port (with the
 * admin task token): sets an app's token bucket; {@code per_second=default} (and no burst) returns
 * the app to the configured default. Audited as {@code app.update}; every parent host applies it
 * within the app cache's lifetime (5 s). Answers one JSON line.
 */
public final class RateLimitTask extends Task {

  private final AppManager apps;

  public RateLimitTask(AppManager apps) {
    super("app-rate-limit");
    this.apps = apps;
  }

  @Override
  public void execute(Map<String, List<String>> parameters, PrintWriter output) {
    String appId = single(parameters, "app_id");
    String perSecond = single(parameters, "per_second");
    String burst = single(parameters, "burst");
    if (appId == null || perSecond == null) {
      output.println("{\"error\":\"app_id and per_second are required (per_second=default resets)\"}");
      return;
    }
    App.RateLimit limit;
    if (perSecond.equals("default")) {
      if (burst != null) {
        output.println("{\"error\":\"burst is not allowed with per_second=default\"}");
        return;
      }
      limit = null;
    } else {
      try {
        double rate = Double.parseDouble(perSecond);
        int size = burst == null ? (int) Math.max(1, Math.min(App.RateLimit.MAX_BURST,
            Math.ceil(rate))) : Integer.parseInt(burst);
        limit = new App.RateLimit(rate, size);
      } catch (IllegalArgumentException e) { // NumberFormatException too
        output.println("{\"error\":\"per_second must be a number in (0, 1000000] and burst an"
            + " integer in [1, 1000000]\"}");
        return;
      }
    }
    if (!apps.setRateLimit(appId, limit)) {
      output.println("{\"error\":\"no such app\"}");
      return;
    }
    output.println(limit == null ? "{\"app_id\":\"" + appId + "\",\"rate_limit\":\"default\"}"
        : "{\"app_id\":\"" + appId + "\",\"per_second\":" + limit.perSecond() + ",\"burst\":"
            + limit.burst() + "}");
  }

  private static String single(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    return values == null || values.size() != 1 ? null : values.get(0);
  }
}

package dev.regionrouter.router.observe;

/**
 * Where a finished data-plane request goes: the last requests kept for the status page, and the
 * access log when it is on.
 */
public final class RequestLog {

  private final AccessLog accessLog;
  private final RecentRequests recent;

  public RequestLog(AccessLog accessLog, RecentRequests recent) {
    this.accessLog = accessLog;
    this.recent = recent;
  }

  public void completed(RequestRecord request) {
    recent.add(request);
    accessLog.record(request);
  }

  public RecentRequests recent() {
    return recent;
  }
}

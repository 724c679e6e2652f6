package dev.regionrouter.router.api;

import dev.regionrouter.router.proxy.HeaderPolicy;
import dev.regionrouter.router.proxy.PassThroughProxy;
import dev.regionrouter.router.proxy.RouterException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one error path: every error the caller sees is {@code {"error": {"code", "message"}}} with its
 * status, from the router's own exceptions, Spring MVC's (404, 405, 415, ...) and the container's
 * (through {@code /error}). Never a stack trace: unexpected exceptions are logged here and answered
 * with a generic 500.
 */
@RestControllerAdvice
@RestController
public class ErrorHandling implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  @ExceptionHandler(RouterException.class)
  public ResponseEntity<Map<String, Object>> router(RouterException e) {
    ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status());
    if (e.retryAfter() != null) {
      builder.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
    }
    if (e.attempts() > 0 || e.status() == 503 || e.status() == 504) {
      builder.header(HeaderPolicy.ATTEMPTS_HEADER, Integer.toString(e.attempts()));
    }
    return builder.contentType(MediaType.APPLICATION_JSON).body(body(e.code(), e.getMessage()));
  }

  @ExceptionHandler(PassThroughProxy.StreamBrokenException.class)
  public void streamBroken(PassThroughProxy.StreamBrokenException e) throws PassThroughProxy.StreamBrokenException {
    log.warn("{}; cutting the caller's connection", e.getMessage());
    throw e; // the response is committed: let the container abort the connection
  }

  @ExceptionHandler(Exception.class)
  public ResponseEntity<Map<String, Object>> other(Exception e, HttpServletResponse response) throws Exception {
    if (response.isCommitted()) {
      throw e;
    }
    if (e instanceof ErrorResponse known) {
      HttpStatusCode status = known.getStatusCode();
      ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).headers(known.getHeaders());
      String message = e instanceof HttpRequestMethodNotSupportedException m
          ? "method " + m.getMethod() + " is not allowed here"
          : e instanceof HttpMediaTypeNotSupportedException ? "unsupported Content-Type"
          : known.getBody().getDetail() == null ? reason(status) : known.getBody().getDetail();
      return builder.contentType(MediaType.APPLICATION_JSON).body(body(code(status), message));
    }
    if (e instanceof org.springframework.http.converter.HttpMessageNotReadableException) {
      return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
          .body(body("malformed_json", "request body cannot be read"));
    }
    log.error("unexpected error", e);
    return ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_JSON)
        .body(body("internal_error", "the router failed to handle the request"));
  }

  /** Errors raised outside Spring MVC (by the container) land here. */
  @RequestMapping("/error")
  public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 500;
    HttpStatusCode statusCode = HttpStatusCode.valueOf(status);
    return ResponseEntity.status(statusCode).contentType(MediaType.APPLICATION_JSON)
        .body(body(code(statusCode), reason(statusCode)));
  }

  static Map<String, Object> body(String code, String message) {
    return Map.of("error", Map.of("code", code, "message", message == null ? "" : message));
  }

  private static String code(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 408 -> "request_timeout";
      case 413 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      default -> status.is5xxServerError() ? "internal_error" : "http_" + status.value();
    };
  }

  private static String reason(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "HTTP " + status.value() : known.getReasonPhrase();
  }
}
